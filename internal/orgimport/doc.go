// Package orgimport reads a whole organisation from a CSV file, one row per person, and
// turns it into a Plan that the caller applies in one transaction. The file is taken or
// refused whole: Parse lists every bad row with a stable code, and hands back a Plan
// only when there are none.
//
// # The file
//
// Save the sheet from Excel or WPS with 文件 → 另存为 → "CSV UTF-8 (逗号分隔) (*.csv)".
// The file must be UTF-8, with or without a byte-order mark; the plain "CSV (逗号分隔)"
// choice writes GBK, which is refused with advice to save again as CSV UTF-8. Lines may
// end in CRLF or LF. Fields are separated by commas; a file whose header line has tabs
// and no commas is read as tab-separated. A field holding a comma, a quote or a line
// break is put in double quotes, with any quote inside doubled, as spreadsheets do.
//
// The first non-blank line is the header. Columns are found by their name, in any
// order; names are matched after trimming spaces, and English names ignore case
// (with "_", "-" or a space between words alike). Unknown and repeated column names
// are errors, so that a mistyped header cannot silently drop a column.
//
//   - 用户名 (username, 账号, 登录名) — required. The login name: 2 to 32 characters
//     of a–z, 0–9, ".", "_" and "-", starting with a letter or a digit. Capitals are
//     lowered. Chinese names belong in 姓名, not here. Each must be unique in the file.
//   - 姓名 (name, display_name) — required. The name as shown, at most 32 characters.
//   - 部门 (department) — the department path, levels separated by "/": 预算股/预算编制组.
//     At most 5 levels. Empty: no department.
//   - 职务 (title) — at most 64 characters: 局长, 股长, 科员.
//   - 岗位 (position) — at most 64 characters: 预算编制岗.
//   - 角色 (role) — 干部职工 (also staff, 职工, 普通), 领导 (leader),
//     安全保密管理员 (security, 保密员), 安全审计员 (auditor, 审计员) or
//     系统管理员 (admin, 管理员). Empty: 干部职工 for a new person; an existing
//     person keeps their role.
//   - 党组织 (party) — a party branch, or a branch and one of its groups:
//     机关党支部/第一党小组. Empty: not a party member.
//   - 党内职务 (party_role) — 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 组长 or 党员.
//     Empty: 党员 when 党组织 is filled in. Needs 党组织.
//   - 手机 (phone, mobile, 手机号, 手机号码, 电话) — digits, spaces, "+" and "-", at
//     most 32 characters. Format the column as Text in Excel, or long numbers may be
//     saved as 1.38E+10.
//   - 邮箱 (email, 电子邮箱) — one plain address such as wangjg@example.gov.cn, at most
//     254 characters.
//   - 初始密码 (password) — the initial password. Empty: a one-time password is
//     generated.
//
// In paths, "/" and the full-width "／" both separate levels; spaces around a level are
// ignored; no level may be empty or longer than 64 characters. Every department and
// party organisation named is created when missing, parents first, in the order the
// file first names them.
//
// Spaces around every field, the full-width space U+3000 included, are ignored. Blank lines, and
// rows whose fields are all empty (as Excel writes for empty rows), are skipped; so are
// trailing empty columns. Control characters and invisible direction or zero-width
// characters (such as U+202E) are refused in every field, because they can make one
// person's name read like another's.
//
// An example:
//
//	用户名,姓名,部门,职务,岗位,角色,党组织,党内职务,手机,邮箱
//	wangjg,王建国,,局长,,领导,机关党支部,书记,13800000001,wangjg@example.gov.cn
//	lixm,李晓梅,预算股,股长,,,机关党支部/第一党小组,组长,13800000002,
//	zhaoq,赵强,预算股/预算编制组,科员,预算编制岗,,机关党支部/第一党小组,,,
//	chenj,陈静,办公室,科员,,保密员,,,,chenj@example.gov.cn
//
// # Errors
//
// Parse returns an error for a file that cannot be read at all: ErrTooLarge (over
// Limits.MaxBytes; answer 413), ErrNotUTF8, ErrEmpty and ErrNoRows (answer 400). Their
// messages are meant for the administrator. Everything else is a list of
// protocol.ImportRowError, one per problem, in line order. Column is the header as
// written in the file (for missing_column, the Chinese name above); Value is the
// offending value cut to 64 characters, never a password. The codes:
//
//   - unknown_column, duplicate_column, missing_column, unnamed_column — the header
//     (unnamed_column: a column with no name has a value on some line).
//   - too_many_rows — more than Limits.MaxRows rows; reported alone.
//   - too_many_errors — the list was cut at Limits.MaxErrors; always last.
//   - invalid_csv — broken quoting on that line.
//   - wrong_field_count — the line has fewer fields than the header, or values beyond it.
//   - missing_field, invalid_username, duplicate_username, too_long, invalid_phone,
//     invalid_email, unknown_role, unknown_party_role, party_role_without_party,
//     bad_path, control_characters — a field's value.
package orgimport
