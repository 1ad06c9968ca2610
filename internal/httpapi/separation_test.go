package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// The system administrator must not be able to take over the accounts of the people who
// watch them: over the API, security officer and auditor accounts and roles are off
// limits (they are managed at the server console).
func TestAdministratorCannotTouchTheWatchers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)
		auditor, err := s.GetUserByUsername(t.Context(), "sunli")
		if err != nil {
			t.Fatal(err)
		}
		staff, _ := s.GetUserByUsername(t.Context(), "fengyu")
		aid, sid := strconv.FormatInt(auditor.ID, 10), strconv.FormatInt(staff.ID, 10)
		auditorRole, securityRole, no := "auditor", "security", false

		cases := []struct {
			name, method, path string
			body               any
		}{
			{"reset the auditor's password", "POST", "/api/v1/admin/users/" + aid + "/reset-password", nil},
			{"reset the auditor's second factor", "POST", "/api/v1/admin/users/" + aid + "/reset-totp", nil},
			{"edit the auditor", "PATCH", "/api/v1/admin/users/" + aid, protocol.UpdateUserRequest{Disabled: &no}},
			{"move the auditor", "PUT", "/api/v1/admin/users/" + aid + "/memberships", protocol.MembershipsRequest{}},
			{"make someone an auditor", "PATCH", "/api/v1/admin/users/" + sid, protocol.UpdateUserRequest{Role: &auditorRole}},
			{"make someone a security officer", "PATCH", "/api/v1/admin/users/" + sid, protocol.UpdateUserRequest{Role: &securityRole}},
			{"create an auditor", "POST", "/api/v1/admin/users", protocol.CreateUserRequest{Username: "shadow", DisplayName: "影子", Role: "auditor"}},
			// The escrow key would open every file: the security officer's alone.
			{"set the escrow key", "PUT", "/api/v1/admin/escrow-key", protocol.SetEscrowKeyRequest{PublicKey: "AAAA"}},
			{"open an escrowed file", "POST", "/api/v1/files/0123456789abcdef0123456789abcdef/escrow-open", protocol.EscrowOpenRequest{CaseNumber: "1", Reason: "r"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h := h.as(t)
				h.expect(h.do(tc.method, tc.path, admin, tc.body), http.StatusForbidden, protocol.CodeForbidden)
			})
		}
		// The auditor can still log in with their own password.
		h.login("sunli", demo.Password)

		t.Run("nor through an import", func(t *testing.T) {
			h := h.as(t)
			csv := "用户名,姓名,角色\nsunli,孙丽,领导\nfengyu,冯宇,审计员\nzhoutao,周涛,干部职工\n"
			r := h.do("POST", "/api/v1/admin/import", admin, csv, "Content-Type", "text/csv")
			h.expect(r, http.StatusBadRequest, protocol.CodeImportInvalid)
			codes := map[int]string{}
			for _, row := range r.err().Rows {
				codes[row.Line] = row.Code
			}
			if codes[2] != "watcher_account" || codes[3] != "watcher_account" || codes[4] != "own_role" {
				t.Fatalf("row codes %v", codes)
			}
		})
	})
}

func TestImportLeavesWhatTheFileDoesNotSay(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)
		heping, _ := s.GetUserByUsername(t.Context(), "heping") // 国库股股长, a leader
		ds, _ := s.ListDepartments(t.Context())
		var office int64
		for _, d := range ds {
			if d.Name == "办公室" {
				office = d.ID
			}
		}
		// Give him a second department by hand.
		dms, _ := s.ListDeptMemberships(t.Context())
		var treasury int64
		for _, m := range dms {
			if m.UserID == heping.ID {
				treasury = m.DepartmentID
			}
		}
		r := h.do("PUT", "/api/v1/admin/users/"+strconv.FormatInt(heping.ID, 10)+"/memberships", admin,
			protocol.MembershipsRequest{Departments: []protocol.UserDept{{DepartmentID: treasury, Primary: true}, {DepartmentID: office}}})
		h.expect(r, http.StatusOK, "")

		// A file without a role column and with his department re-stated.
		csv := "用户名,姓名,部门,职务\nheping,何平,国库股,国库股股长（兼）\n"
		h.expect(h.do("POST", "/api/v1/admin/import", admin, csv, "Content-Type", "text/csv"), http.StatusOK, "")

		after, _ := s.GetUserByUsername(t.Context(), "heping")
		if after.Role != store.RoleLeader {
			t.Errorf("role became %q; an import without a role column must not change it", after.Role)
		}
		if after.Title != "国库股股长（兼）" {
			t.Errorf("title %q not updated", after.Title)
		}
		dms, _ = s.ListDeptMemberships(t.Context())
		got := map[int64]bool{}
		for _, m := range dms {
			if m.UserID == heping.ID {
				got[m.DepartmentID] = m.Primary
			}
		}
		if len(got) != 2 || !got[treasury] || got[office] {
			t.Errorf("memberships after import %v; want 国库股 primary and 办公室 kept", got)
		}
	})
}

func TestMoreBadInput(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)
		auditor := h.login("sunli", demo.Password)

		t.Run("weak password names its field and reason", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{Username: "ruomima", DisplayName: "弱密码", Password: "alllowercase"})
			h.expect(r, http.StatusBadRequest, protocol.CodePasswordPolicy)
			if e := r.err(); e.Field != "password" || e.Reason != "too_simple" {
				t.Fatalf("field %q reason %q", e.Field, e.Reason)
			}
		})
		t.Run("limits out of range", func(t *testing.T) {
			h := h.as(t)
			for _, p := range []string{"/api/v1/admin/users?limit=0", "/api/v1/admin/users?limit=5000", "/api/v1/org/people?offset=-1", "/api/v1/org/people?department=x"} {
				h.expect(h.do("GET", p, admin, nil), http.StatusBadRequest, protocol.CodeBadRequest)
			}
			h.expect(h.do("GET", "/api/v1/audit/events?limit=0", auditor, nil), http.StatusBadRequest, protocol.CodeBadRequest)
			h.expect(h.do("GET", "/api/v1/audit/events?since=yesterday", auditor, nil), http.StatusBadRequest, protocol.CodeBadRequest)
		})
		t.Run("import wants CSV", func(t *testing.T) {
			h := h.as(t)
			h.expect(h.do("POST", "/api/v1/admin/import", admin, `{"rows":[]}`), http.StatusUnsupportedMediaType, protocol.CodeUnsupportedMedia)
		})
		t.Run("cross-site login is refused", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "zhangjing", Password: demo.Password}, "Origin", "https://evil.example")
			h.expect(r, http.StatusForbidden, protocol.CodeCrossOrigin)
		})
		t.Run("party roles are from the list", func(t *testing.T) {
			h := h.as(t)
			u, _ := s.GetUserByUsername(t.Context(), "fengyu")
			ps, _ := s.ListPartyOrgs(t.Context())
			r := h.do("PUT", "/api/v1/admin/users/"+strconv.FormatInt(u.ID, 10)+"/memberships", admin,
				protocol.MembershipsRequest{Party: &protocol.UserParty{PartyOrgID: ps[0].ID, PartyRole: "总书记"}})
			h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		})
	})
}
