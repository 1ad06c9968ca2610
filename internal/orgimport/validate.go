package orgimport

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"govchat/protocol"
)

// Length limits, in characters.
const (
	maxNameRunes  = 32
	maxTextRunes  = 64 // 职务, 岗位
	maxPhoneRunes = 32
	maxEmailRunes = 254 // RFC 5321's limit on a forward path, in practice on an address
)

// rowCheck validates one record against the header, collecting every problem.
type rowCheck struct {
	h    *header
	line int
	errs []protocol.ImportRowError
}

func (c *rowCheck) fail(f field, code, value, msg string) {
	if f == fPassword {
		// A password never goes back out in an error body or into a log.
		value = ""
	}
	c.errs = append(c.errs, protocol.ImportRowError{
		Line: c.line, Column: c.h.column(f), Code: code, Value: display(value), Message: msg,
	})
}

// checkRow turns one record into a Row. The Row is filled in as far as its fields are
// valid (the caller still needs a valid username to spot duplicates); it is only fit
// to import when no errors come back.
func checkRow(h *header, rec []string, line int) (Row, []protocol.ImportRowError) {
	c := rowCheck{h: h, line: line}

	// Character check first, on every field: once a value holds a control or
	// direction character, further complaints about it would only be noise.
	var v [numFields]string
	var clean [numFields]bool
	for f := range numFields {
		if i := h.index[f]; i >= 0 && i < len(rec) {
			v[f] = trim(rec[i])
		}
		if r, pos, bad := firstForbidden(v[f]); bad {
			c.fail(f, CodeControlCharacters, v[f], fmt.Sprintf(
				"character %d is %s, a control or invisible formatting character; retype the value", pos, describeRune(r)))
			continue
		}
		clean[f] = true
	}

	row := Row{Line: line}
	if clean[fUsername] {
		u := asciiLower(v[fUsername])
		switch {
		case u == "" && !h.has(fUsername):
			// Reported once, as missing_column, rather than on every line.
		case u == "":
			c.fail(fUsername, CodeMissingField, "", "the username is empty; every person needs a login name")
		case !validUsername(u):
			c.fail(fUsername, CodeInvalidUsername, v[fUsername], usernameAdvice(u))
		default:
			row.Username = u
		}
	}
	if clean[fName] {
		switch n := v[fName]; {
		case n == "" && !h.has(fName):
		case n == "":
			c.fail(fName, CodeMissingField, "", "the name (姓名) is empty")
		case runes(n) > maxNameRunes:
			c.fail(fName, CodeTooLong, n, tooLong(n, maxNameRunes))
		default:
			row.DisplayName = n
		}
	}
	if clean[fDepartment] {
		p, err := splitPath(v[fDepartment], maxDepartmentDepth)
		if err != nil {
			c.fail(fDepartment, CodeBadPath, v[fDepartment], "the department path "+err.Error())
		}
		row.Department = p
	}
	row.Title = c.text(fTitle, v[fTitle], clean[fTitle], maxTextRunes)
	row.Position = c.text(fPosition, v[fPosition], clean[fPosition], maxTextRunes)
	if clean[fRole] {
		r, ok := parseRole(v[fRole])
		if !ok {
			c.fail(fRole, CodeUnknownRole, v[fRole],
				"unknown role; use 干部职工, 领导, 安全保密管理员, 安全审计员 or 系统管理员 (or staff, leader, security, auditor, admin)")
		}
		row.Role = r
	}
	if clean[fParty] {
		p, err := splitPath(v[fParty], maxPartyDepth)
		if err != nil {
			c.fail(fParty, CodeBadPath, v[fParty], "the party organisation "+err.Error()+" (a branch, or branch/group)")
		}
		row.Party = p
	}
	if clean[fPartyRole] {
		switch pr := v[fPartyRole]; {
		case pr == "" && v[fParty] != "":
			row.PartyRole = partyMember
		case pr == "":
		case !ValidPartyRole(pr):
			c.fail(fPartyRole, CodeUnknownPartyRole, pr,
				"unknown party role; use 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 组长 or 党员")
		case v[fParty] == "":
			c.fail(fPartyRole, CodePartyRoleWithoutParty, pr,
				"a party role needs a party organisation (党组织) on the same line")
		default:
			row.PartyRole = pr
		}
	}
	if clean[fPhone] {
		switch p := v[fPhone]; {
		case runes(p) > maxPhoneRunes:
			c.fail(fPhone, CodeTooLong, p, tooLong(p, maxPhoneRunes))
		case p != "" && looksScientific(p):
			c.fail(fPhone, CodeInvalidPhone, p,
				"the phone number was saved by Excel in scientific notation; format the column as Text, retype the numbers and save again")
		case p != "" && !validPhone(p):
			c.fail(fPhone, CodeInvalidPhone, p, "a phone number may hold only digits, spaces, \"+\" and \"-\"")
		default:
			row.Phone = p
		}
	}
	if clean[fEmail] {
		switch e := v[fEmail]; {
		case runes(e) > maxEmailRunes:
			c.fail(fEmail, CodeTooLong, e, tooLong(e, maxEmailRunes))
		case e != "" && !validEmail(e):
			c.fail(fEmail, CodeInvalidEmail, e, "not a plain email address such as name@example.gov.cn")
		default:
			row.Email = e
		}
	}
	if clean[fPassword] {
		// The password policy belongs to the applier, which knows it; here it only has
		// to be clean text.
		row.Password = v[fPassword]
	}
	return row, c.errs
}

// text checks a free-text field's length and returns the value to keep.
func (c *rowCheck) text(f field, s string, clean bool, max int) string {
	if !clean {
		return ""
	}
	if runes(s) > max {
		c.fail(f, CodeTooLong, s, tooLong(s, max))
		return ""
	}
	return s
}

func tooLong(s string, max int) string {
	return fmt.Sprintf("at most %d characters are allowed; this has %d", max, runes(s))
}

// validUsername is ^[a-z0-9][a-z0-9._-]{1,31}$, written out: a byte loop also refuses
// every non-ASCII look-alike without thinking about regexp's Unicode classes.
func validUsername(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// usernameAdvice explains the most likely mistake first: a Chinese name typed into
// the username column.
func usernameAdvice(u string) string {
	const rule = "a username is 2 to 32 characters of a-z, 0-9, \".\", \"_\" and \"-\", starting with a letter or digit"
	for i := 0; i < len(u); i++ {
		if u[i] >= utf8.RuneSelf {
			return rule + "; put the person's Chinese name in 姓名 and a login name such as wangjg here"
		}
	}
	return rule
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case r == ' ', r == '+', r == '-':
		default:
			return false
		}
	}
	return digits > 0
}

// looksScientific spots "1.38E+10", what Excel writes for a long number in a
// General-formatted cell. Saying so saves the administrator a puzzled hour.
func looksScientific(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E+")
	if !ok || mant == "" || exp == "" {
		return false
	}
	for _, r := range strings.Replace(mant, ".", "", 1) + exp {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validEmail accepts one bare address: net/mail also takes "王建国 <a@b>" and
// comments, which would store something other than what the cell says.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
