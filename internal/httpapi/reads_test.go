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

func TestChannelReadsREST(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		staff := h.login("zhangjing", demo.Password) // 预算编制组
		outsider := h.login("heping", demo.Password) // 国库股
		budget := h.myChannels(staff)["预算股"]
		path := fmt.Sprintf("/api/v1/channels/%d/reads", budget.ID)

		t.Run("every member's position, to a member", func(t *testing.T) {
			h := h.as(t)
			r := h.do("GET", path, staff, nil)
			h.expect(r, http.StatusOK, "")
			var got protocol.ChannelReads
			r.decode(t, &got)
			ms, err := s.ListMembers(t.Context(), budget.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ChannelID != budget.ID || len(got.Reads) != len(ms) || len(ms) == 0 {
				t.Fatalf("reads %+v, want the %d members", got, len(ms))
			}
			for i, p := range got.Reads {
				if p.UserID != ms[i].UserID || p.Seq != ms[i].ReadSeq || p.JoinedAt.IsZero() {
					t.Errorf("position %+v, member %+v", p, ms[i])
				}
			}
		})

		t.Run("refusals", func(t *testing.T) {
			h := h.as(t)
			h.expect(h.do("GET", path, outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", "/api/v1/channels/987654/reads", staff, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", "/api/v1/channels/abc/reads", staff, nil), http.StatusNotFound, protocol.CodeNotFound)
			h.expect(h.do("GET", path, "", nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			h.expect(h.do("POST", path, staff, nil), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
		})
	})
}
