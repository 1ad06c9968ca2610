package orgimport

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"govchat/internal/store"
	"govchat/protocol"
)

// parse runs Parse and fails the test on a whole-file error.
func parse(t *testing.T, input string) (Plan, []protocol.ImportRowError) {
	t.Helper()
	plan, errs, err := Parse(strings.NewReader(input), DefaultLimits())
	if err != nil {
		t.Fatalf("Parse: unexpected error: %v", err)
	}
	return plan, errs
}

// parseOK runs Parse and fails the test on any error at all.
func parseOK(t *testing.T, input string) Plan {
	t.Helper()
	plan, errs := parse(t, input)
	if len(errs) > 0 {
		t.Fatalf("Parse: unexpected row errors: %+v", errs)
	}
	return plan
}

const goodCN = "用户名,姓名,部门,职务,岗位,角色,党组织,党内职务,手机,邮箱,初始密码\n" +
	"wangjg,王建国,,局长,,领导,机关党支部,书记,13800000001,wangjg@example.gov.cn,\n" +
	"LiXM,李晓梅,预算股,股长,,,机关党支部/第一党小组,组长,138 0000 0002,,Init#2024\n" +
	"zhaoq,赵强,预算股/预算编制组,科员,预算编制岗,,机关党支部/第一党小组,,+86-138-0000-0003,,\n" +
	"chenj,陈静,办公室,科员,,保密员,,,,chenj@example.gov.cn,\n"

// goodPlan is what goodCN and all its re-spellings below describe.
func goodPlan() Plan {
	return Plan{
		Rows: []Row{
			{Line: 2, Username: "wangjg", DisplayName: "王建国", Title: "局长", Role: store.RoleLeader,
				Party: []string{"机关党支部"}, PartyRole: "书记", Phone: "13800000001", Email: "wangjg@example.gov.cn"},
			{Line: 3, Username: "lixm", DisplayName: "李晓梅", Department: []string{"预算股"}, Title: "股长",
				Party: []string{"机关党支部", "第一党小组"}, PartyRole: "组长", // no role: staff if new, unchanged if not
				Phone: "138 0000 0002", Password: "Init#2024"},
			{Line: 4, Username: "zhaoq", DisplayName: "赵强", Department: []string{"预算股", "预算编制组"},
				Title: "科员", Position: "预算编制岗",
				Party: []string{"机关党支部", "第一党小组"}, PartyRole: "党员", Phone: "+86-138-0000-0003"},
			{Line: 5, Username: "chenj", DisplayName: "陈静", Department: []string{"办公室"}, Title: "科员",
				Role: store.RoleSecurity, Email: "chenj@example.gov.cn"},
		},
		Departments: [][]string{{"预算股"}, {"预算股", "预算编制组"}, {"办公室"}},
		PartyOrgs:   [][]string{{"机关党支部"}, {"机关党支部", "第一党小组"}},
	}
}

// atLines moves goodPlan's rows to other lines, for files with blank lines.
func atLines(p Plan, lines ...int) Plan {
	for i := range p.Rows {
		p.Rows[i].Line = lines[i]
	}
	return p
}

func TestParseGoodFiles(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Plan
	}{
		{"Chinese names with a BOM and LF", "\uFEFF" + goodCN, goodPlan()},
		{"without a BOM and with CRLF", strings.ReplaceAll(goodCN, "\n", "\r\n"), goodPlan()},
		{"with a BOM and CRLF, as Excel's CSV UTF-8 writes", "\uFEFF" + strings.ReplaceAll(goodCN, "\n", "\r\n"), goodPlan()},
		{"bare CR line ends from old Mac spreadsheets", strings.ReplaceAll(goodCN, "\n", "\r"), goodPlan()},
		{"English headers in another order and case",
			"Email , USERNAME,Display Name,department,title,Position,ROLE,party,Party-Role,mobile,password\n" +
				"wangjg@example.gov.cn,wangjg,王建国,,局长,,领导,机关党支部,书记,13800000001,\n" +
				",LiXM,李晓梅,预算股,股长,,,机关党支部/第一党小组,组长,138 0000 0002,Init#2024\n" +
				",zhaoq,赵强,预算股/预算编制组,科员,预算编制岗,,机关党支部/第一党小组,,+86-138-0000-0003,\n" +
				"chenj@example.gov.cn,chenj,陈静,办公室,科员,,security,,,,\n",
			goodPlan()},
		{"other Chinese header names",
			"账号,姓名,部门,职务,岗位,角色,党组织,党内职务,手机号码,电子邮箱,初始密码\n" + strings.SplitN(goodCN, "\n", 2)[1],
			goodPlan()},
		{"tab-separated",
			strings.ReplaceAll(strings.ReplaceAll(goodCN, ",", "\t"), "\n", "\r\n"), goodPlan()},
		{"Excel blank rows and trailing commas",
			"用户名,姓名,部门,职务,岗位,角色,党组织,党内职务,手机,邮箱,初始密码,,\r\n" +
				"wangjg,王建国,,局长,,领导,机关党支部,书记,13800000001,wangjg@example.gov.cn,,,\r\n" +
				",,,,,,,,,,,,\r\n" +
				"\r\n" +
				"LiXM,李晓梅,预算股,股长,,,机关党支部/第一党小组,组长,138 0000 0002,,Init#2024,,\r\n" +
				"zhaoq,赵强,预算股/预算编制组,科员,预算编制岗,,机关党支部/第一党小组,,+86-138-0000-0003,,\r\n" +
				"chenj,陈静,办公室,科员,,保密员,,,,chenj@example.gov.cn,,,,,\r\n" +
				",,,,,,,,,,,,\r\n" +
				",,,,,,,,,,,,\r\n",
			atLines(goodPlan(), 2, 5, 6, 7)},
		{"blank lines before the header",
			"\n  \n" + goodCN, atLines(goodPlan(), 4, 5, 6, 7)},
		{"spaces, full-width spaces and slashes, and quotes",
			"用户名,姓名,部门,职务,岗位,角色,党组织,党内职务,手机,邮箱,初始密码\n" +
				" wangjg ,\u3000王建国\u3000,,局长,,领导, 机关党支部 ,书记,13800000001,wangjg@example.gov.cn,\n" +
				"\"LiXM\",\"李晓梅\",预算股,股长,,, 机关党支部 ／ 第一党小组 ,组长,138 0000 0002,,Init#2024\n" +
				"zhaoq, \"赵强\",预算股／预算编制组,科员,预算编制岗,,机关党支部/第一党小组,,+86-138-0000-0003,,\n" +
				"chenj,陈静,办公室,科员,,保密员,,,,chenj@example.gov.cn,\n",
			goodPlan()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseOK(t, tt.input)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan differs\n got: %+v\nwant: %+v", got, tt.want)
			}
		})
	}
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		cell string
		want store.Role
	}{
		{"", ""}, {"staff", store.RoleStaff}, {"干部职工", store.RoleStaff},
		{"职工", store.RoleStaff}, {"普通", store.RoleStaff},
		{"Leader", store.RoleLeader}, {"领导", store.RoleLeader},
		{"SECURITY", store.RoleSecurity}, {"保密员", store.RoleSecurity}, {"安全保密管理员", store.RoleSecurity},
		{"auditor", store.RoleAuditor}, {"审计员", store.RoleAuditor}, {"安全审计员", store.RoleAuditor},
		{"admin", store.RoleAdmin}, {"系统管理员", store.RoleAdmin}, {"管理员", store.RoleAdmin},
	}
	for _, tt := range tests {
		t.Run("reads "+tt.cell, func(t *testing.T) {
			plan := parseOK(t, "用户名,姓名,角色\nwangjg,王建国,"+tt.cell+"\n")
			if got := plan.Rows[0].Role; got != tt.want {
				t.Errorf("role %q: got %q, want %q", tt.cell, got, tt.want)
			}
		})
	}
}

func TestParsePlanOrdersPathsParentsFirst(t *testing.T) {
	plan := parseOK(t, "用户名,姓名,部门,党组织\n"+
		"a1,甲,办公室/文秘组/收发室,第二党支部/第三党小组\n"+
		"a2,乙,预算股,机关党支部\n"+
		"a3,丙,办公室,第二党支部\n"+
		"a4,丁,办公室/文秘组/收发室,\n"+
		"a5,戊,办公室/档案室,第二党支部/第一党小组\n")
	wantDepts := [][]string{
		{"办公室"}, {"办公室", "文秘组"}, {"办公室", "文秘组", "收发室"}, {"预算股"}, {"办公室", "档案室"},
	}
	wantParty := [][]string{
		{"第二党支部"}, {"第二党支部", "第三党小组"}, {"机关党支部"}, {"第二党支部", "第一党小组"},
	}
	if !reflect.DeepEqual(plan.Departments, wantDepts) {
		t.Errorf("departments:\n got %q\nwant %q", plan.Departments, wantDepts)
	}
	if !reflect.DeepEqual(plan.PartyOrgs, wantParty) {
		t.Errorf("party orgs:\n got %q\nwant %q", plan.PartyOrgs, wantParty)
	}
	t.Run("party role defaults to 党员 only with a party", func(t *testing.T) {
		if got := plan.Rows[1].PartyRole; got != "党员" {
			t.Errorf("with a party: got %q, want 党员", got)
		}
		if got := plan.Rows[3].PartyRole; got != "" {
			t.Errorf("without a party: got %q, want empty", got)
		}
	})
	t.Run("plan paths do not alias each other", func(t *testing.T) {
		plan.Departments[1][0] = "changed"
		if plan.Departments[0][0] != "办公室" || plan.Rows[0].Department[0] != "办公室" {
			t.Error("changing one path changed another")
		}
	})
}

func TestParseRejectsUnreadableFiles(t *testing.T) {
	gbk := []byte("\xd3\xc3\xbb\xa7\xc3\xfb,\xd0\xd5\xc3\xfb\nwangjg,\xcd\xf5\xbd\xa8\xb9\xfa\n") // 用户名,姓名 / wangjg,王建国
	tests := []struct {
		name     string
		input    []byte
		want     error
		mentions []string
	}{
		{"GBK from Excel's plain CSV, with the UTF-8 advice", gbk, ErrNotUTF8,
			[]string{"line 1", "GBK", "CSV UTF-8 (逗号分隔)"}},
		{"GBK only on a later line, naming that line",
			append([]byte("用户名,姓名\nwangjg,"), "\xcd\xf5\xbd\xa8\xb9\xfa\n"...), ErrNotUTF8,
			[]string{"line 2", "GBK", "CSV UTF-8"}},
		{"UTF-16 from Excel's Unicode text", []byte("\xff\xfe\x28\x75\x37\x62\x0d\x54"), ErrNotUTF8,
			[]string{"UTF-16", "CSV UTF-8"}},
		{"bytes that are not any Chinese encoding", []byte("用户名,姓名\nwangjg,\xff\n"), ErrNotUTF8,
			[]string{"line 2", "CSV UTF-8"}},
		{"an empty file", nil, ErrEmpty, nil},
		{"only a BOM", []byte("\uFEFF"), ErrEmpty, nil},
		{"only blank lines and empty cells", []byte("\r\n  \r\n,,,\r\n"), ErrEmpty, nil},
		{"a header and no rows", []byte("用户名,姓名\r\n,,\r\n\r\n"), ErrNoRows, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, errs, err := Parse(strings.NewReader(string(tt.input)), DefaultLimits())
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if len(errs) > 0 || plan.Rows != nil {
				t.Errorf("want no rows and no row errors with a whole-file error, got %d rows, %+v", len(plan.Rows), errs)
			}
			for _, m := range tt.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("用户名,姓名\n")
		for i := range n {
			b.WriteString("user")
			b.WriteString(strings.Repeat("x", i%3)) // vary the length a little
			b.WriteString(strconv.Itoa(i))
			b.WriteString(",某人\n")
		}
		return b.String()
	}

	t.Run("accepts exactly MaxRows rows", func(t *testing.T) {
		plan, errs, err := Parse(strings.NewReader(rows(5)), Limits{MaxRows: 5})
		if err != nil || len(errs) > 0 || len(plan.Rows) != 5 {
			t.Fatalf("got %d rows, %+v, %v", len(plan.Rows), errs, err)
		}
	})
	t.Run("one row over MaxRows is a single too_many_rows error on that row", func(t *testing.T) {
		input := "用户名,姓名\n王建国,\n" + strings.SplitN(rows(5), "\n", 2)[1] // a bad row too
		_, errs, err := Parse(strings.NewReader(input), Limits{MaxRows: 5})
		if err != nil {
			t.Fatal(err)
		}
		want := []protocol.ImportRowError{{Line: 7, Code: CodeTooManyRows}}
		assertErrors(t, errs, want)
	})
	t.Run("blank rows do not count toward MaxRows", func(t *testing.T) {
		input := strings.ReplaceAll(rows(5), "\n", "\n,\n\n")
		plan, errs, err := Parse(strings.NewReader(input), Limits{MaxRows: 5})
		if err != nil || len(errs) > 0 || len(plan.Rows) != 5 {
			t.Fatalf("got %d rows, %+v, %v", len(plan.Rows), errs, err)
		}
	})
	t.Run("accepts a file of exactly MaxBytes", func(t *testing.T) {
		input := rows(3)
		_, _, err := Parse(strings.NewReader(input), Limits{MaxBytes: int64(len(input))})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("one byte over MaxBytes is ErrTooLarge", func(t *testing.T) {
		input := rows(3)
		_, errs, err := Parse(strings.NewReader(input), Limits{MaxBytes: int64(len(input) - 1)})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if errs != nil {
			t.Errorf("row errors with ErrTooLarge: %+v", errs)
		}
	})
	t.Run("reads no more than MaxBytes+1 from a huge upload", func(t *testing.T) {
		r := &countingReader{}
		_, _, err := Parse(r, Limits{MaxBytes: 1000})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if r.n > 1001 {
			t.Errorf("read %d bytes", r.n)
		}
	})
	t.Run("defaults are 5 MiB and 10,000 rows", func(t *testing.T) {
		d := DefaultLimits()
		if d.MaxBytes != 5<<20 || d.MaxRows != 10_000 {
			t.Errorf("DefaultLimits() = %+v", d)
		}
		if (Limits{}).withDefaults() != d {
			t.Errorf("zero Limits do not take the defaults")
		}
	})
	t.Run("stops listing at MaxErrors and says how many more", func(t *testing.T) {
		input := "用户名,姓名\n" + strings.Repeat("王建国,\n", 10) // two errors a line
		_, errs, err := Parse(strings.NewReader(input), Limits{MaxErrors: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) != 6 {
			t.Fatalf("got %d errors, want 5 and a summary: %+v", len(errs), errs)
		}
		last := errs[5]
		if last.Code != CodeTooManyErrors || last.Line != 4 || !strings.Contains(last.Message, "15 more") {
			t.Errorf("summary = %+v, want too_many_errors at line 4 counting 15 more", last)
		}
	})
}

// countingReader is an endless upload of "a", counting what was read.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += len(p)
	return len(p), nil
}
