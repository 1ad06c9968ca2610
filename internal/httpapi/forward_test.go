package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// The wire of POST /api/v1/forward: statuses, codes and fields; the rules themselves
// are tested in internal/chat.
func TestForwardREST(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		staff := h.login("zhangjing", demo.Password)
		outsider := h.login("heping", demo.Password)
		mine := h.myChannels(staff)
		budget, section := mine["预算股"], mine["预算编制组"]
		res, err := s.AppendMessages(t.Context(), []store.NewMessage{{ChannelID: budget.ID, SenderID: h.userID("lihua"), ClientID: "m1",
			Text: "请各位周五前报送", Secrecy: 1, CreatedAt: time.Now()}})
		if err != nil || res[0].Err != nil {
			t.Fatal(err, res)
		}
		seq := res[0].Message.Seq
		body := func(target protocol.ForwardTarget) protocol.ForwardRequest {
			return protocol.ForwardRequest{ClientID: "fw-rest", ChannelID: budget.ID, Seqs: []int64{seq}, Targets: []protocol.ForwardTarget{target}, Comment: "请知悉"}
		}

		t.Run("forwards to a person, opening the direct channel", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/forward", staff, body(protocol.ForwardTarget{UserID: h.userID("wuqiang")}))
			h.expect(r, http.StatusOK, "")
			var out protocol.ForwardResult
			r.decode(t, &out)
			if len(out.Results) != 1 || len(out.Results[0].Seqs) != 1 || out.Results[0].CommentSeq != out.Results[0].Seqs[0]+1 {
				t.Fatalf("%+v", out)
			}
		})
		t.Run("refusals", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/forward", outsider, body(protocol.ForwardTarget{ChannelID: budget.ID}))
			h.expect(r, http.StatusForbidden, protocol.CodeNotMember)
			if f := r.err().Field; f != "channel_id" {
				t.Errorf("field %q", f)
			}
			sec := section
			if err := s.SetChannelSecrecy(t.Context(), sec.ID, 0, 0); err != nil {
				t.Fatal(err)
			}
			b := body(protocol.ForwardTarget{ChannelID: sec.ID})
			b.ClientID = "fw-rest-2"
			r = h.do("POST", "/api/v1/forward", staff, b)
			h.expect(r, http.StatusForbidden, protocol.CodeSecrecyAboveCeiling)
			if f := r.err().Field; f != "targets[0]" {
				t.Errorf("field %q", f)
			}
			r = h.do("POST", "/api/v1/forward", staff, map[string]any{"client_id": "x", "channel_id": budget.ID, "seqs": []int64{seq}, "targets": []any{}, "extra": 1})
			h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			r = h.do("POST", "/api/v1/forward", "", body(protocol.ForwardTarget{ChannelID: budget.ID}))
			h.expect(r, http.StatusUnauthorized, protocol.CodeUnauthenticated)
		})
	})
}
