package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"govchat/internal/audit"
	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestRoleSeparation(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		tokens := map[string]string{}
		for _, u := range []string{"zhangjing", "wangjianguo", "zhaomin", "sunli", "zhoutao"} {
			tokens[u] = h.login(u, demo.Password)
		}
		cases := []struct {
			who, method, path string
			body              any
			status            int
		}{
			{"zhangjing", "GET", "/api/v1/admin/users", nil, 403},                                                             // staff → admin endpoint
			{"zhangjing", "POST", "/api/v1/admin/departments", protocol.DepartmentRequest{Name: "私设部门"}, 403},                 // staff → admin write
			{"wangjianguo", "POST", "/api/v1/admin/users", protocol.CreateUserRequest{Username: "x1", DisplayName: "某"}, 403}, // leaders are not administrators
			{"zhangjing", "GET", "/api/v1/audit/events", nil, 403},
			{"zhoutao", "GET", "/api/v1/audit/events", nil, 403},                                                        // the administrator cannot read the trail
			{"sunli", "POST", "/api/v1/admin/users", protocol.CreateUserRequest{Username: "x2", DisplayName: "某"}, 403}, // the auditor cannot change accounts
			{"sunli", "PATCH", "/api/v1/admin/users/1", protocol.UpdateUserRequest{}, 403},
			{"sunli", "POST", "/api/v1/admin/import", "用户名,姓名\nx3,某\n", 403},
			{"zhaomin", "POST", "/api/v1/admin/users/1/reset-password", nil, 403},
			{"zhoutao", "GET", "/api/v1/admin/users", nil, 200},
			{"sunli", "GET", "/api/v1/audit/events", nil, 200},
			{"zhaomin", "GET", "/api/v1/audit/events", nil, 200},
			{"zhangjing", "GET", "/api/v1/org", nil, 200},
			{"zhangjing", "GET", "/api/v1/org/people?department=3&sub=true", nil, 200},
		}
		for _, tc := range cases {
			t.Run(tc.who+" "+tc.method+" "+tc.path, func(t *testing.T) {
				h := h.as(t)
				r := h.do(tc.method, tc.path, tokens[tc.who], tc.body)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				if tc.status == 403 && r.err().Code != protocol.CodeForbidden {
					t.Fatalf("code %q, want forbidden", r.err().Code)
				}
			})
		}

		t.Run("refusals are audited and auditors see them", func(t *testing.T) {
			h := h.as(t)
			r := h.do("GET", "/api/v1/audit/events?action=auth.denied&limit=100", tokens["sunli"], nil)
			h.expect(r, 200, "")
			var evs protocol.AuditEvents
			r.decode(t, &evs)
			denied := map[string]bool{}
			for _, e := range evs.Events {
				denied[e.ActorName+" "+e.TargetID] = true
				if e.Outcome != "denied" || e.Hash == "" {
					t.Errorf("event %+v", e)
				}
			}
			for _, want := range []string{"zhoutao GET /api/v1/audit/events", "sunli POST /api/v1/admin/users", "zhangjing GET /api/v1/admin/users"} {
				if !denied[want] {
					t.Errorf("no auth.denied event for %q in %v", want, denied)
				}
			}
		})

		t.Run("the trail's hash chain holds", func(t *testing.T) {
			bad, err := audit.Verify(t.Context(), s)
			if err != nil || bad != 0 {
				t.Fatalf("VerifyAuditChain = %d, %v", bad, err)
			}
		})
	})
}

func TestAdminManagesAccountsAndTree(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)

		r := h.do("POST", "/api/v1/admin/departments", admin, protocol.DepartmentRequest{Name: "综合股"})
		h.expect(r, http.StatusCreated, "")
		var dept protocol.Department
		r.decode(t, &dept)
		h.expect(h.do("POST", "/api/v1/admin/departments", admin, protocol.DepartmentRequest{Name: "综合股"}), http.StatusConflict, protocol.CodeConflict)
		h.expect(h.do("POST", "/api/v1/admin/departments", admin, protocol.DepartmentRequest{Name: "a/b"}), http.StatusBadRequest, protocol.CodeBadRequest)
		h.expect(h.do("POST", "/api/v1/admin/departments", admin, protocol.DepartmentRequest{Name: "x", ParentID: 9999}), http.StatusBadRequest, protocol.CodeBadRequest)

		r = h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{
			Username: "qianduoduo", DisplayName: "钱多多", Title: "科员", Role: "staff",
			Departments: []protocol.UserDept{{DepartmentID: dept.ID}},
		})
		h.expect(r, http.StatusCreated, "")
		var created protocol.UserWithPassword
		r.decode(t, &created)
		if created.OneTimePassword == "" || !created.User.MustChangePassword || len(created.User.Departments) != 1 || !created.User.Departments[0].Primary {
			t.Fatalf("unexpected create response %+v", created)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Error("a response carrying a password must not be cached")
		}

		// The new person logs in with the one-time password and must change it.
		tok := h.login("qianduoduo", created.OneTimePassword)
		var me protocol.Me
		h.do("GET", "/api/v1/me", tok, nil).decode(t, &me)
		if !me.MustChangePassword || me.Departments[0].Path != "综合股" {
			t.Fatalf("me = %+v", me)
		}

		// The department now has a member and cannot be deleted.
		h.expect(h.do("DELETE", "/api/v1/admin/departments/"+strconv.FormatInt(dept.ID, 10), admin, nil), http.StatusConflict, protocol.CodeConflict)

		id := strconv.FormatInt(created.User.ID, 10)
		bad := []struct {
			name string
			body any
			code protocol.Code
		}{
			{"duplicate username", protocol.CreateUserRequest{Username: "qianduoduo", DisplayName: "重名"}, protocol.CodeConflict},
			{"Chinese username", protocol.CreateUserRequest{Username: "钱多多", DisplayName: "钱多多"}, protocol.CodeBadRequest},
			{"unknown role", protocol.CreateUserRequest{Username: "x9", DisplayName: "某", Role: "root"}, protocol.CodeBadRequest},
			{"bidi override in name", protocol.CreateUserRequest{Username: "x8", DisplayName: "王\u202e伟"}, protocol.CodeBadRequest},
			{"weak password", protocol.CreateUserRequest{Username: "x7", DisplayName: "某", Password: "123"}, protocol.CodePasswordPolicy},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				h := h.as(t)
				r := h.do("POST", "/api/v1/admin/users", admin, tc.body)
				if r.err().Code != tc.code {
					t.Fatalf("code %q, want %q (%s)", r.err().Code, tc.code, r.body)
				}
			})
		}

		t.Run("an administrator cannot demote or disable themself", func(t *testing.T) {
			h := h.as(t)
			me, _ := s.GetUserByUsername(t.Context(), "zhoutao")
			staff, yes := "staff", true
			self := "/api/v1/admin/users/" + strconv.FormatInt(me.ID, 10)
			h.expect(h.do("PATCH", self, admin, protocol.UpdateUserRequest{Role: &staff}), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("PATCH", self, admin, protocol.UpdateUserRequest{Disabled: &yes}), http.StatusForbidden, protocol.CodeForbidden)
		})

		t.Run("reset password revokes sessions and unlocks", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/admin/users/"+id+"/reset-password", admin, nil)
			h.expect(r, http.StatusOK, "")
			var res protocol.UserWithPassword
			r.decode(t, &res)
			h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			h.login("qianduoduo", res.OneTimePassword)
		})

		t.Run("another user's resource and nonsense ids", func(t *testing.T) {
			h := h.as(t)
			h.expect(h.do("GET", "/api/v1/admin/users/99999", admin, nil), http.StatusNotFound, protocol.CodeNotFound)
			h.expect(h.do("GET", "/api/v1/admin/users/abc", admin, nil), http.StatusNotFound, protocol.CodeNotFound)
			h.expect(h.do("GET", "/api/v1/admin/users/-1", admin, nil), http.StatusNotFound, protocol.CodeNotFound)
			h.expect(h.do("GET", "/api/v1/nothing-here", admin, nil), http.StatusNotFound, protocol.CodeNotFound)
			h.expect(h.do("DELETE", "/api/v1/me", admin, nil), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
		})

		t.Run("party tree shape is enforced", func(t *testing.T) {
			h := h.as(t)
			h.expect(h.do("POST", "/api/v1/admin/party-orgs", admin, protocol.PartyOrgRequest{Name: "孤立党小组", Kind: "group"}), http.StatusBadRequest, protocol.CodeBadRequest)
			r := h.do("POST", "/api/v1/admin/party-orgs", admin, protocol.PartyOrgRequest{Name: "离退休党支部", Kind: "branch"})
			h.expect(r, http.StatusCreated, "")
			var br protocol.PartyOrg
			r.decode(t, &br)
			h.expect(h.do("POST", "/api/v1/admin/party-orgs", admin, protocol.PartyOrgRequest{Name: "第一党小组", Kind: "group", ParentID: br.ID}), http.StatusCreated, "")
		})
	})
}

func TestImport(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)
		countUsers := func() int {
			us, err := s.ListUsers(t.Context(), store.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(us)
		}
		before := countUsers()

		t.Run("a malformed file is rejected whole with every bad row", func(t *testing.T) {
			h := h.as(t)
			csv := "\ufeff用户名,姓名,部门,角色,党组织\n" +
				"sunxiaoli,孙小丽,乡镇财政所/城关所,,\n" + // good
				",无名氏,办公室,,\n" + // missing username
				"liming,黎明,办公室,皇帝,\n" + // unknown role
				"sunxiaoli,孙小丽,办公室,,\n" + // duplicate
				"zhou wei,周伟,办公室,,\n" // invalid username
			r := h.do("POST", "/api/v1/admin/import", admin, csv, "Content-Type", "text/csv")
			h.expect(r, http.StatusBadRequest, protocol.CodeImportInvalid)
			lines := map[int]string{}
			for _, row := range r.err().Rows {
				lines[row.Line] = row.Code
			}
			want := map[int]string{3: "missing_field", 4: "unknown_role", 5: "duplicate_username", 6: "invalid_username"}
			for line, code := range want {
				if lines[line] != code {
					t.Errorf("line %d: code %q, want %q (all: %v)", line, lines[line], code, lines)
				}
			}
			if countUsers() != before {
				t.Fatal("a rejected import changed the users")
			}
		})

		good := "用户名,姓名,部门,职务,角色,党组织,党内职务,手机\r\n" +
			"sunxiaoli,孙小丽,乡镇财政所/城关所,所长,领导,乡镇财政所党支部,书记,13900000001\r\n" +
			"wangxiaohu,王小虎,乡镇财政所/城关所,科员,,乡镇财政所党支部/第一党小组,,13900000002\r\n" +
			"zhangjing,张静,预算股/预算编制组,副组长,,,,\r\n" // existing person: updated

		t.Run("dry run reports and applies nothing", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/admin/import?dry_run=true", admin, good, "Content-Type", "text/csv")
			h.expect(r, http.StatusOK, "")
			var res protocol.ImportResult
			r.decode(t, &res)
			if !res.DryRun || res.UsersCreated != 2 || res.UsersUpdated != 1 || res.DepartmentsCreated != 2 || res.PartyOrgsCreated != 2 || len(res.OneTimePasswords) != 0 {
				t.Fatalf("dry run result %+v", res)
			}
			if countUsers() != before {
				t.Fatal("dry run changed the users")
			}
		})

		t.Run("a good file is applied", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/admin/import", admin, good, "Content-Type", "text/csv")
			h.expect(r, http.StatusOK, "")
			var res protocol.ImportResult
			r.decode(t, &res)
			if res.UsersCreated != 2 || res.UsersUpdated != 1 || len(res.OneTimePasswords) != 2 {
				t.Fatalf("import result %+v", res)
			}
			if countUsers() != before+2 {
				t.Fatalf("users %d, want %d", countUsers(), before+2)
			}
			tok := h.login("wangxiaohu", res.OneTimePasswords[1].Password)
			var me protocol.Me
			h.do("GET", "/api/v1/me", tok, nil).decode(t, &me)
			if me.DisplayName != "王小虎" || me.Departments[0].Path != "乡镇财政所/城关所" || me.Party == nil || me.Party.Path != "乡镇财政所党支部/第一党小组" || me.Party.PartyRole != "党员" {
				t.Fatalf("imported person %+v", me)
			}
			zj, _ := s.GetUserByUsername(t.Context(), "zhangjing")
			if zj.Title != "副组长" {
				t.Errorf("existing person not updated: title %q", zj.Title)
			}
			// Running the same file again creates nothing new.
			r = h.do("POST", "/api/v1/admin/import", admin, good, "Content-Type", "text/csv")
			r.decode(t, &res)
			if res.UsersCreated != 0 || res.UsersUpdated != 3 || res.DepartmentsCreated != 0 {
				t.Fatalf("re-import result %+v", res)
			}
		})

		t.Run("GBK bytes are refused with advice", func(t *testing.T) {
			h := h.as(t)
			gbk := "\xd3\xc3\xbb\xa7\xc3\xfb,\xd0\xd5\xc3\xfb\nabc,\xd5\xc5\xc8\xfd\n" // 用户名,姓名 / abc,张三 in GBK
			r := h.do("POST", "/api/v1/admin/import", admin, gbk, "Content-Type", "text/csv")
			h.expect(r, http.StatusBadRequest, protocol.CodeImportInvalid)
			if !strings.Contains(r.err().Message, "UTF-8") {
				t.Errorf("message %q should advise UTF-8", r.err().Message)
			}
		})

		t.Run("an oversized file is refused", func(t *testing.T) {
			h := h.as(t)
			big := "用户名,姓名\n" + strings.Repeat("abcdefghij,某某某某某某某某某某\n", 200_000)
			r := h.do("POST", "/api/v1/admin/import", admin, big, "Content-Type", "text/csv")
			h.expect(r, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
		})
	})
}
