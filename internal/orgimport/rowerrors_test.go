package orgimport

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"govchat/protocol"
)

// assertErrors compares row errors on everything but the English message, which
// must merely be there.
func assertErrors(t *testing.T, got, want []protocol.ImportRowError) {
	t.Helper()
	strip := func(es []protocol.ImportRowError) []string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("line %d %s column=%q value=%q", e.Line, e.Code, e.Column, e.Value))
		}
		return out
	}
	g, w := strip(got), strip(want)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("row errors differ\n got:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
	for _, e := range got {
		if e.Message == "" {
			t.Errorf("line %d %s has no message", e.Line, e.Code)
		}
	}
}

func TestParseRowErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("长", n) }
	type E = protocol.ImportRowError
	tests := []struct {
		name  string
		input string
		want  []E
	}{
		// The header.
		{"unknown_column names the column as written",
			"用户名,姓名,部 门\nwangjg,王建国,预算股\n",
			[]E{{Line: 1, Column: "部 门", Code: CodeUnknownColumn}}},
		{"duplicate_column catches one field under two names",
			"用户名,姓名,Username\nwangjg,王建国,wangjg\n",
			[]E{{Line: 1, Column: "Username", Code: CodeDuplicateColumn}}},
		{"missing_column uses the Chinese name, and rows are still checked",
			"用户名,部门\nwangjg,预算股\n王建国,预算股\n",
			[]E{{Line: 1, Column: "姓名", Code: CodeMissingColumn},
				{Line: 3, Column: "用户名", Code: CodeInvalidUsername, Value: "王建国"}}},
		{"missing_column for both required columns",
			"部门\n预算股\n",
			[]E{{Line: 1, Column: "用户名", Code: CodeMissingColumn}, {Line: 1, Column: "姓名", Code: CodeMissingColumn}}},
		{"unnamed_column once, on the header line, when a column without a name has data",
			"用户名,姓名,,\nwangjg,王建国,,\nlixm,李晓梅,,备注\nzhaoq,赵强,,又一个\n",
			[]E{{Line: 1, Code: CodeUnnamedColumn, Value: "备注"}}},

		// The shape of a line.
		{"invalid_csv for a bare quote, and the next lines are still read",
			"用户名,姓名\nwangjg,王\"建国\n王建国,王建国\n",
			[]E{{Line: 2, Code: CodeInvalidCSV}, {Line: 3, Column: "用户名", Code: CodeInvalidUsername, Value: "王建国"}}},
		{"invalid_csv for a quote never closed, at the line that opened it",
			"用户名,姓名\nwangjg,\"王建国\nlixm,李晓梅\n",
			[]E{{Line: 2, Code: CodeInvalidCSV}}},
		{"invalid_csv in the header is the only error",
			"用户名,\"姓名\"x\nwangjg,王建国\n",
			[]E{{Line: 1, Code: CodeInvalidCSV}}},
		{"wrong_field_count for a short row, not fatal",
			"用户名,姓名,部门\nwangjg,王建国\nlixm,李晓梅,预算股\n王建国,王建国,\n",
			[]E{{Line: 2, Code: CodeWrongFieldCount}, {Line: 4, Column: "用户名", Code: CodeInvalidUsername, Value: "王建国"}}},
		{"wrong_field_count for a comma inside an unquoted name",
			"用户名,姓名,部门\nwangjg,王,建国,预算股\n",
			[]E{{Line: 2, Code: CodeWrongFieldCount}}},

		// Fields.
		{"missing_field for an empty username",
			"用户名,姓名\n,王建国\n",
			[]E{{Line: 2, Column: "用户名", Code: CodeMissingField}}},
		{"missing_field for an empty name, with the English header as written",
			"Username,Name\nwangjg,\u3000\n",
			[]E{{Line: 2, Column: "Name", Code: CodeMissingField}}},
		{"invalid_username for a Chinese name in the username column",
			"用户名,姓名\n王建国,王建国\n",
			[]E{{Line: 2, Column: "用户名", Code: CodeInvalidUsername, Value: "王建国"}}},
		{"invalid_username for bad shapes",
			"用户名,姓名\nw,甲\n.wang,乙\nwang jg,丙\n" + strings.Repeat("a", 33) + ",丁\n\u212Aevin,戊\n",
			[]E{{Line: 2, Column: "用户名", Code: CodeInvalidUsername, Value: "w"},
				{Line: 3, Column: "用户名", Code: CodeInvalidUsername, Value: ".wang"},
				{Line: 4, Column: "用户名", Code: CodeInvalidUsername, Value: "wang jg"},
				{Line: 5, Column: "用户名", Code: CodeInvalidUsername, Value: strings.Repeat("a", 33)},
				{Line: 6, Column: "用户名", Code: CodeInvalidUsername, Value: "\u212Aevin"}}},
		{"duplicate_username ignores case",
			"用户名,姓名\nwangjg,王建国\nlixm,李晓梅\nWangJG,王建国\n",
			[]E{{Line: 4, Column: "用户名", Code: CodeDuplicateUsername, Value: "wangjg"}}},
		{"too_long for each limited field",
			"用户名,姓名,职务,岗位,手机,邮箱\n" +
				"wangjg," + long(33) + "," + long(65) + "," + long(65) + "," + strings.Repeat("1", 33) + "," +
				strings.Repeat("a", 243) + "@example.com\n" +
				"lixm," + long(32) + "," + long(64) + "," + long(64) + "," + strings.Repeat("1", 32) + "," +
				strings.Repeat("a", 242) + "@example.com\n",
			[]E{{Line: 2, Column: "姓名", Code: CodeTooLong, Value: long(33)},
				{Line: 2, Column: "职务", Code: CodeTooLong, Value: long(64)},
				{Line: 2, Column: "岗位", Code: CodeTooLong, Value: long(64)},
				{Line: 2, Column: "手机", Code: CodeTooLong, Value: strings.Repeat("1", 33)},
				{Line: 2, Column: "邮箱", Code: CodeTooLong, Value: strings.Repeat("a", 64)}}},
		{"invalid_phone for letters and for Excel's scientific notation",
			"用户名,姓名,手机\nwangjg,王建国,138-0000-000a\nlixm,李晓梅,1.38E+10\nzhaoq,赵强,+-\n",
			[]E{{Line: 2, Column: "手机", Code: CodeInvalidPhone, Value: "138-0000-000a"},
				{Line: 3, Column: "手机", Code: CodeInvalidPhone, Value: "1.38E+10"},
				{Line: 4, Column: "手机", Code: CodeInvalidPhone, Value: "+-"}}},
		{"invalid_email for a non-address and for a name with an address",
			"用户名,姓名,邮箱\nwangjg,王建国,wangjg\nlixm,李晓梅,\"李晓梅 <lixm@example.gov.cn>\"\n",
			[]E{{Line: 2, Column: "邮箱", Code: CodeInvalidEmail, Value: "wangjg"},
				{Line: 3, Column: "邮箱", Code: CodeInvalidEmail, Value: "李晓梅 <lixm@example.gov.cn>"}}},
		{"unknown_role",
			"用户名,姓名,角色\nwangjg,王建国,主任\n",
			[]E{{Line: 2, Column: "角色", Code: CodeUnknownRole, Value: "主任"}}},
		{"unknown_party_role",
			"用户名,姓名,党组织,党内职务\nwangjg,王建国,机关党支部,委员\n",
			[]E{{Line: 2, Column: "党内职务", Code: CodeUnknownPartyRole, Value: "委员"}}},
		{"party_role_without_party when the party is empty",
			"用户名,姓名,党组织,党内职务\nwangjg,王建国,,书记\n",
			[]E{{Line: 2, Column: "党内职务", Code: CodePartyRoleWithoutParty, Value: "书记"}}},
		{"party_role_without_party when the file has no party column",
			"用户名,姓名,党内职务\nwangjg,王建国,党员\n",
			[]E{{Line: 2, Column: "党内职务", Code: CodePartyRoleWithoutParty, Value: "党员"}}},
		{"bad_path for empty levels, depth and long levels",
			"用户名,姓名,部门,党组织\n" +
				"a1,甲,预算股//预算编制组,\n" +
				"a2,乙,/,\n" +
				"a3,丙,预算股/,\n" +
				"a4,丁,一/二/三/四/五/六,\n" +
				"a5,戊,一/二/三/四/五,支部/小组/多一层\n" +
				"a6,己," + long(65) + ",\n",
			[]E{{Line: 2, Column: "部门", Code: CodeBadPath, Value: "预算股//预算编制组"},
				{Line: 3, Column: "部门", Code: CodeBadPath, Value: "/"},
				{Line: 4, Column: "部门", Code: CodeBadPath, Value: "预算股/"},
				{Line: 5, Column: "部门", Code: CodeBadPath, Value: "一/二/三/四/五/六"},
				{Line: 6, Column: "党组织", Code: CodeBadPath, Value: "支部/小组/多一层"},
				{Line: 7, Column: "部门", Code: CodeBadPath, Value: long(64)}}},
		{"control_characters for bidi overrides, tabs, NUL and zero-width spaces, shown defanged",
			"用户名,姓名,部门,职务\n" +
				"a1,王\u202e国建,,\n" +
				"a2,\"王\t建国\",,\n" +
				"a3,乙,预算\x00股,\n" +
				"a4,丙,,科\u200b员\n" +
				"a5,丁,,\"科\n员\"\n" +
				"a\u2066x,戊,,\n",
			[]E{{Line: 2, Column: "姓名", Code: CodeControlCharacters, Value: "王\uFFFD国建"},
				{Line: 3, Column: "姓名", Code: CodeControlCharacters, Value: "王\uFFFD建国"},
				{Line: 4, Column: "部门", Code: CodeControlCharacters, Value: "预算\uFFFD股"},
				{Line: 5, Column: "职务", Code: CodeControlCharacters, Value: "科\uFFFD员"},
				{Line: 6, Column: "职务", Code: CodeControlCharacters, Value: "科\uFFFD员"},
				{Line: 8, Column: "用户名", Code: CodeControlCharacters, Value: "a\uFFFDx"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, errs := parse(t, tt.input)
			assertErrors(t, errs, tt.want)
			if plan.Rows != nil || plan.Departments != nil || plan.PartyOrgs != nil {
				t.Errorf("a rejected file returned a plan: %+v", plan)
			}
		})
	}
}

func TestParseListsEveryBadRow(t *testing.T) {
	input := "用户名,姓名,部门,角色\n" + // 1
		"wangjg,王建国,,\n" + // 2: fine
		"\n" + // 3: blank
		"王建国,,,\n" + // 4: two errors
		",,,\n" + // 5: Excel's empty row
		"\"lixm\",\"李晓梅\",预算股//,\n" + // 6
		"WANGJG,王建国二,,\n" + // 7: duplicate of line 2
		"zhaoq,\"赵\n强\",,\n" + // 8–9: a line break inside a quoted name
		"chenj,陈静,,主任\n" + // 10
		"sunl,孙丽\n" + // 11: short
		"zhoum,周敏,,领导\n" // 12: fine
	want := []protocol.ImportRowError{
		{Line: 4, Column: "用户名", Code: CodeInvalidUsername, Value: "王建国"},
		{Line: 4, Column: "姓名", Code: CodeMissingField},
		{Line: 6, Column: "部门", Code: CodeBadPath, Value: "预算股//"},
		{Line: 7, Column: "用户名", Code: CodeDuplicateUsername, Value: "wangjg"},
		{Line: 8, Column: "姓名", Code: CodeControlCharacters, Value: "赵\uFFFD强"},
		{Line: 10, Column: "角色", Code: CodeUnknownRole, Value: "主任"},
		{Line: 11, Code: CodeWrongFieldCount},
	}
	for _, eol := range []string{"\n", "\r\n"} {
		t.Run(fmt.Sprintf("with line ends %q", eol), func(t *testing.T) {
			_, errs := parse(t, strings.ReplaceAll(input, "\n", eol))
			assertErrors(t, errs, want)
		})
	}
	t.Run("the duplicate's message names the earlier line", func(t *testing.T) {
		_, errs := parse(t, input)
		for _, e := range errs {
			if e.Code == CodeDuplicateUsername && !strings.Contains(e.Message, "line 2") {
				t.Errorf("message %q does not name line 2", e.Message)
			}
		}
	})
}

func TestParseErrorValues(t *testing.T) {
	t.Run("never echoes a password", func(t *testing.T) {
		_, errs := parse(t, "用户名,姓名,初始密码\nwangjg,王建国,\"secret\x01pw\"\n")
		assertErrors(t, errs, []protocol.ImportRowError{{Line: 2, Column: "初始密码", Code: CodeControlCharacters}})
		for _, e := range errs {
			if strings.Contains(e.Value+e.Message, "secret") {
				t.Errorf("password leaked into %+v", e)
			}
		}
	})
	t.Run("cuts values and columns to 64 characters", func(t *testing.T) {
		longName := strings.Repeat("名", 100)
		_, errs := parse(t, "用户名,姓名,"+longName+"\n"+longName+",王建国,x\n")
		if len(errs) != 2 {
			t.Fatalf("want 2 errors, got %+v", errs)
		}
		if n := utf8.RuneCountInString(errs[0].Column); n != 64 {
			t.Errorf("column has %d characters", n)
		}
		if n := utf8.RuneCountInString(errs[1].Value); n != 64 {
			t.Errorf("value has %d characters", n)
		}
	})
	t.Run("defangs spoofing characters in column names", func(t *testing.T) {
		_, errs := parse(t, "用户名,姓名,\u202e名姓\nwangjg,王建国,x\n")
		assertErrors(t, errs, []protocol.ImportRowError{{Line: 1, Column: "\uFFFD名姓", Code: CodeUnknownColumn}})
	})
	t.Run("messages carry no personal data", func(t *testing.T) {
		_, errs := parse(t, "用户名,姓名,手机,邮箱\n王建国,王建国,abc,wangjg\n")
		for _, e := range errs {
			if strings.Contains(e.Message, "王建国") || strings.Contains(e.Message, "abc") {
				t.Errorf("message repeats the value: %q", e.Message)
			}
		}
	})
}
