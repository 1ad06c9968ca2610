package orgimport

import (
	"bytes"
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"govchat/protocol"
)

// FuzzParse checks that Parse never panics and that whatever it accepts is valid by
// rules written here independently of the parser (a regexp, not the byte loop).
func FuzzParse(f *testing.F) {
	seeds := []string{
		goodCN,
		"\uFEFF" + strings.ReplaceAll(goodCN, "\n", "\r\n"),
		strings.ReplaceAll(goodCN, ",", "\t"),
		"username,name,department,party,party_role,role,phone,email,password\nab,甲,a/b/c,x/y,组长,admin,+1 2-3,a@b.c,pw\n",
		"用户名,姓名,,\nwangjg,王建国,,\n,,,\n\nlixm,李晓梅,,x\n",
		"用户名,姓名\nwangjg,\"王\n建国\"\nx\"y,z\n\"unterminated\n",
		"用户名,姓名,部门\nwangjg,王建国\nWANGJG,王\u202e建国,a//b\n",
		"\xd3\xc3\xbb\xa7\xc3\xfb,\xd0\xd5\xc3\xfb\n",
		"用户名,姓名,用户名,未知\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	limits := Limits{MaxBytes: 1 << 16, MaxRows: 200, MaxErrors: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, errs, err := Parse(bytes.NewReader(data), limits)
		switch {
		case err != nil:
			if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrNotUTF8) &&
				!errors.Is(err, ErrEmpty) && !errors.Is(err, ErrNoRows) {
				t.Fatalf("unexpected kind of error: %v", err)
			}
			if errs != nil || !isZero(plan) {
				t.Fatalf("whole-file error came with rows or row errors")
			}
		case len(errs) > 0:
			if !isZero(plan) {
				t.Fatalf("a rejected file returned a plan")
			}
			checkErrors(t, errs, limits)
		default:
			checkPlan(t, plan)
		}
	})
}

func isZero(p Plan) bool { return p.Rows == nil && p.Departments == nil && p.PartyOrgs == nil }

var (
	usernameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)
	phoneRE     = regexp.MustCompile(`^[0-9 +-]*[0-9][0-9 +-]*$`)
	knownCodes  = []string{CodeUnknownColumn, CodeDuplicateColumn, CodeMissingColumn, CodeUnnamedColumn, CodeTooManyRows, CodeTooManyErrors, CodeInvalidCSV, CodeWrongFieldCount, CodeMissingField, CodeInvalidUsername, CodeDuplicateUsername, CodeTooLong, CodeInvalidPhone, CodeInvalidEmail, CodeUnknownRole, CodeUnknownPartyRole, CodePartyRoleWithoutParty, CodeBadPath, CodeControlCharacters}
	partyRoleOK = []string{"书记", "副书记", "组织委员", "宣传委员", "纪检委员", "组长", "党员"}
)

// spoofing lists, independently of forbidden, what no accepted value may hold.
func spoofing(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
	})
}

func checkErrors(t *testing.T, errs []protocol.ImportRowError, limits Limits) {
	t.Helper()
	if len(errs) > limits.MaxErrors+1 {
		t.Fatalf("%d errors, over the cap of %d", len(errs), limits.MaxErrors)
	}
	for i, e := range errs {
		if e.Line < 1 || e.Message == "" || !slices.Contains(knownCodes, e.Code) {
			t.Fatalf("malformed error %+v", e)
		}
		if e.Code == CodeTooManyErrors && i != len(errs)-1 {
			t.Fatalf("too_many_errors is not last")
		}
		if i > 0 && e.Code != CodeTooManyErrors && e.Line < errs[i-1].Line {
			t.Fatalf("errors out of line order: %d after %d", e.Line, errs[i-1].Line)
		}
		for _, s := range []string{e.Value, e.Column} {
			if utf8.RuneCountInString(s) > 64 || spoofing(s) || !utf8.ValidString(s) {
				t.Fatalf("unsafe value or column %q", s)
			}
		}
	}
}

func checkPlan(t *testing.T, p Plan) {
	t.Helper()
	if len(p.Rows) == 0 {
		t.Fatalf("an accepted file has no rows")
	}
	users := map[string]bool{}
	lastLine := 1
	for _, r := range p.Rows {
		if r.Line <= lastLine {
			t.Fatalf("row lines not increasing after the header: %d after %d", r.Line, lastLine)
		}
		lastLine = r.Line
		if !usernameRE.MatchString(r.Username) || users[r.Username] {
			t.Fatalf("bad or duplicate username %q", r.Username)
		}
		users[r.Username] = true
		if r.DisplayName == "" || utf8.RuneCountInString(r.DisplayName) > 32 {
			t.Fatalf("bad name %q", r.DisplayName)
		}
		for _, s := range append([]string{r.DisplayName, r.Title, r.Position, r.Phone, r.Email, r.Password, r.PartyRole},
			append(slices.Clone(r.Department), r.Party...)...) {
			if spoofing(s) || s != strings.TrimFunc(s, unicode.IsSpace) {
				t.Fatalf("field %q has control characters or untrimmed space", s)
			}
		}
		if utf8.RuneCountInString(r.Title) > 64 || utf8.RuneCountInString(r.Position) > 64 {
			t.Fatalf("title or position too long")
		}
		if r.Role != "" && !r.Role.Valid() {
			t.Fatalf("bad role %q", r.Role)
		}
		checkPath(t, r.Department, 5)
		checkPath(t, r.Party, 2)
		if (len(r.Party) == 0) != (r.PartyRole == "") || (r.PartyRole != "" && !slices.Contains(partyRoleOK, r.PartyRole)) {
			t.Fatalf("party %q with party role %q", r.Party, r.PartyRole)
		}
		if r.Phone != "" && (!phoneRE.MatchString(r.Phone) || len(r.Phone) > 32) {
			t.Fatalf("bad phone %q", r.Phone)
		}
		if r.Email != "" {
			if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > 254 {
				t.Fatalf("bad email %q", r.Email)
			}
		}
		if !containsPath(p.Departments, r.Department) || !containsPath(p.PartyOrgs, r.Party) {
			t.Fatalf("row %d's paths are not in the plan", r.Line)
		}
	}
	checkTree(t, p.Departments, 5)
	checkTree(t, p.PartyOrgs, 2)
}

func checkPath(t *testing.T, path []string, depth int) {
	t.Helper()
	if len(path) > depth {
		t.Fatalf("path %q deeper than %d", path, depth)
	}
	for _, s := range path {
		if s == "" || utf8.RuneCountInString(s) > 64 || strings.ContainsAny(s, "/／") {
			t.Fatalf("bad path level %q", s)
		}
	}
}

// checkTree: distinct paths, each after its parent.
func checkTree(t *testing.T, paths [][]string, depth int) {
	t.Helper()
	for i, p := range paths {
		checkPath(t, p, depth)
		if len(p) == 0 {
			t.Fatalf("empty path in the plan")
		}
		if containsPath(paths[:i], p) {
			t.Fatalf("path %q listed twice", p)
		}
		if len(p) > 1 && !containsPath(paths[:i], p[:len(p)-1]) {
			t.Fatalf("path %q comes before its parent", p)
		}
	}
}

func containsPath(paths [][]string, p []string) bool {
	if len(p) == 0 {
		return true
	}
	return slices.ContainsFunc(paths, func(q []string) bool { return slices.Equal(p, q) })
}
