package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func (h *harness) myChannels(token string) map[string]protocol.Channel {
	h.t.Helper()
	r := h.do("GET", "/api/v1/channels", token, nil)
	h.expect(r, http.StatusOK, "")
	var cs protocol.Channels
	r.decode(h.t, &cs)
	out := map[string]protocol.Channel{}
	for _, c := range cs.Channels {
		out[c.Name] = c
	}
	return out
}

func (h *harness) userID(username string) int64 {
	h.t.Helper()
	u, err := h.store.GetUserByUsername(h.t.Context(), username)
	if err != nil {
		h.t.Fatal(err)
	}
	return u.ID
}

func TestChannelsREST(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		lead := h.login("lihua", demo.Password)      // 预算股股长
		staff := h.login("zhangjing", demo.Password) // 预算编制组
		outsider := h.login("heping", demo.Password) // 国库股

		t.Run("my channels follow my departments and party", func(t *testing.T) {
			h := h.as(t)
			mine := h.myChannels(staff)
			for _, want := range []string{"预算股", "预算编制组", "机关党支部", "第一党小组"} {
				if _, ok := mine[want]; !ok {
					t.Errorf("zhangjing lacks channel %s (has %v)", want, mine)
				}
			}
			if _, ok := mine["国库股"]; ok {
				t.Error("zhangjing sees 国库股")
			}
			if c := mine["预算股"]; c.Kind != "department" || !c.IncludeSubDepartments || c.Role != "member" {
				t.Errorf("预算股 as zhangjing sees it: %+v", c)
			}
		})

		budget := h.myChannels(lead)["预算股"]
		t.Run("members, and only for members", func(t *testing.T) {
			h := h.as(t)
			r := h.do("GET", fmt.Sprintf("/api/v1/channels/%d/members", budget.ID), staff, nil)
			h.expect(r, http.StatusOK, "")
			var ms protocol.ChannelMembers
			r.decode(t, &ms)
			if len(ms.Members) != 5 {
				t.Errorf("%d members", len(ms.Members))
			}
			h.expect(h.do("GET", fmt.Sprintf("/api/v1/channels/%d/members", budget.ID), outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
		})

		t.Run("only the channel's administrator changes it", func(t *testing.T) {
			h := h.as(t)
			admins := "admins"
			path := fmt.Sprintf("/api/v1/channels/%d", budget.ID)
			h.expect(h.do("PATCH", path, staff, protocol.UpdateChannelRequest{PostPolicy: &admins}), http.StatusForbidden, protocol.CodeForbidden)
			name := "改名"
			h.expect(h.do("PATCH", path, lead, protocol.UpdateChannelRequest{Name: &name}), http.StatusBadRequest, protocol.CodeBadRequest)
			r := h.do("PATCH", path, lead, protocol.UpdateChannelRequest{PostPolicy: &admins})
			h.expect(r, http.StatusOK, "")
			// Without its sections the channel keeps only 预算股's own people.
			no := false
			h.expect(h.do("PATCH", path, lead, protocol.UpdateChannelRequest{IncludeSubDepartments: &no}), http.StatusOK, "")
			if _, ok := h.myChannels(staff)["预算股"]; ok {
				t.Error("zhangjing (in a section) is still in 预算股 after sub-departments were excluded")
			}
		})

		t.Run("groups: create, add, leave, remove", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/channels", lead, protocol.CreateGroupRequest{Name: "2027年预算编制专班", Members: []int64{h.userID("zhangjing"), h.userID("wuqiang")}})
			h.expect(r, http.StatusCreated, "")
			var g protocol.Channel
			r.decode(t, &g)
			if g.Kind != "group" || g.Role != "admin" {
				t.Fatalf("group %+v", g)
			}
			members := fmt.Sprintf("/api/v1/channels/%d/members", g.ID)
			h.expect(h.do("POST", members, staff, protocol.MembersRequest{UserIDs: []int64{h.userID("heping")}}), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("POST", members, lead, protocol.MembersRequest{UserIDs: []int64{h.userID("heping")}}), http.StatusNoContent, "")
			if _, ok := h.myChannels(outsider)["2027年预算编制专班"]; !ok {
				t.Error("heping was added but does not see the group")
			}
			h.expect(h.do("POST", members, lead, protocol.MembersRequest{UserIDs: []int64{99999}}), http.StatusBadRequest, protocol.CodeBadRequest)
			// A member leaves by removing themself; removing others needs the admin.
			h.expect(h.do("DELETE", fmt.Sprintf("%s/%d", members, h.userID("wuqiang")), staff, nil), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("DELETE", fmt.Sprintf("%s/%d", members, h.userID("zhangjing")), staff, nil), http.StatusNoContent, "")
			h.expect(h.do("GET", fmt.Sprintf("/api/v1/channels/%d/messages", g.ID), staff, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("POST", "/api/v1/channels", lead, protocol.CreateGroupRequest{Name: "预算\u0007组"}), http.StatusBadRequest, protocol.CodeBadRequest)
			// Without a name, the group is named from its members (here only its creator).
			r = h.do("POST", "/api/v1/channels", lead, protocol.CreateGroupRequest{Name: "  "})
			h.expect(r, http.StatusCreated, "")
			var unnamed protocol.Channel
			r.decode(t, &unnamed)
			if unnamed.Name != "李华" || !unnamed.AutoName || unnamed.LastSeq != 1 {
				t.Errorf("a group created without a name: %+v", unnamed)
			}

			// The last administrator cannot leave while others remain; after appointing
			// another, they can.
			self := fmt.Sprintf("%s/%d", members, h.userID("lihua"))
			h.expect(h.do("DELETE", self, lead, nil), http.StatusConflict, protocol.CodeConflict)
			role := fmt.Sprintf("%s/%d/role", members, h.userID("heping"))
			h.expect(h.do("PUT", role, outsider, protocol.MemberRoleRequest{Role: "admin"}), http.StatusForbidden, protocol.CodeForbidden)
			h.expect(h.do("PUT", role, lead, protocol.MemberRoleRequest{Role: "owner"}), http.StatusBadRequest, protocol.CodeBadRequest)
			h.expect(h.do("PUT", role, lead, protocol.MemberRoleRequest{Role: "admin"}), http.StatusNoContent, "")
			h.expect(h.do("DELETE", self, lead, nil), http.StatusNoContent, "")
			// Administrators' actions on others are in the trail.
			evs, err := s.ListAudit(t.Context(), store.AuditFilter{Action: "chat.", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			actions := map[string]bool{}
			for _, e := range evs {
				actions[e.Action] = true
			}
			for _, want := range []string{"chat.member_add", "chat.member_role", "chat.channel_update"} {
				if !actions[want] {
					t.Errorf("no %s in the trail (%v)", want, actions)
				}
			}
		})

		t.Run("direct channels are one per pair", func(t *testing.T) {
			h := h.as(t)
			r1 := h.do("POST", fmt.Sprintf("/api/v1/direct/%d", h.userID("heping")), staff, nil)
			h.expect(r1, http.StatusOK, "")
			r2 := h.do("POST", fmt.Sprintf("/api/v1/direct/%d", h.userID("zhangjing")), outsider, nil)
			var c1, c2 protocol.Channel
			r1.decode(t, &c1)
			r2.decode(t, &c2)
			if c1.ID != c2.ID || c1.PeerID != h.userID("heping") || c2.PeerID != h.userID("zhangjing") {
				t.Fatalf("direct channels %+v / %+v", c1, c2)
			}
			h.expect(h.do("POST", fmt.Sprintf("/api/v1/direct/%d", h.userID("zhangjing")), staff, nil), http.StatusBadRequest, protocol.CodeBadRequest)
			h.expect(h.do("POST", "/api/v1/direct/99999", staff, nil), http.StatusBadRequest, protocol.CodeBadRequest)
		})

		t.Run("bad paging and search input", func(t *testing.T) {
			h := h.as(t)
			base := fmt.Sprintf("/api/v1/channels/%d/messages", budget.ID)
			for _, q := range []string{"?limit=0", "?limit=201", "?before=-1", "?after=x"} {
				h.expect(h.do("GET", base+q, lead, nil), http.StatusBadRequest, protocol.CodeBadRequest)
			}
			h.expect(h.do("GET", "/api/v1/search?q=", lead, nil), http.StatusBadRequest, protocol.CodeBadRequest)
			h.expect(h.do("GET", fmt.Sprintf("/api/v1/search?q=预算&channel=%d", h.myChannels(outsider)["国库股"].ID), lead, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", "/api/v1/search?q=预算", lead, nil), http.StatusOK, "")
			h.expect(h.do("GET", "/api/v1/presence?users=1,x", lead, nil), http.StatusBadRequest, protocol.CodeBadRequest)
		})
	})
}
