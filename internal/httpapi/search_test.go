package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// post appends messages to a channel straight into the store, one a minute from at.
func (h *harness) post(channelID, senderID int64, at time.Time, texts ...string) {
	h.t.Helper()
	msgs := make([]store.NewMessage, len(texts))
	for i, text := range texts {
		msgs[i] = store.NewMessage{ChannelID: channelID, SenderID: senderID, ClientID: fmt.Sprintf("t-%d-%d", at.UnixNano(), i),
			Text: text, CreatedAt: at.Add(time.Duration(i) * time.Minute)}
	}
	res, err := h.store.AppendMessages(h.t.Context(), msgs)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			h.t.Fatal(r.Err)
		}
	}
}

func seqs(ms []protocol.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func span(from, to int64) []int64 {
	var out []int64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

func TestSearchFilters(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		lead := h.login("lihua", demo.Password)      // 预算股股长
		staff := h.login("zhangjing", demo.Password) // 预算编制组
		outsider := h.login("heping", demo.Password) // 国库股
		budget := h.myChannels(lead)["预算股"]
		treasury := h.myChannels(outsider)["国库股"]
		leadID, staffID := h.userID("lihua"), h.userID("zhangjing")

		// Beijing 2026-11-20 23:30 is 15:30 UTC: on the 20th in Beijing, not the 21st.
		h.post(budget.ID, staffID, time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC), "决算报表第一稿")
		h.post(budget.ID, leadID, time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC), "决算报表请再核对") // 21st, 00:30 Beijing
		h.post(budget.ID, staffID, time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC), "决算报表定稿")

		search := func(t *testing.T, token string, params url.Values) []string {
			t.Helper()
			params.Set("q", "决算报表")
			r := h.do("GET", "/api/v1/search?"+params.Encode(), token, nil)
			h.expect(r, http.StatusOK, "")
			var out protocol.Messages
			r.decode(t, &out)
			var texts []string
			for _, m := range out.Messages {
				texts = append(texts, m.Text)
			}
			return texts
		}
		cases := []struct {
			name   string
			params url.Values
			want   []string
		}{
			{"no filter", url.Values{}, []string{"决算报表定稿", "决算报表请再核对", "决算报表第一稿"}},
			{"by sender", url.Values{"sender": {fmt.Sprint(staffID)}}, []string{"决算报表定稿", "决算报表第一稿"}},
			{"one Beijing day", url.Values{"from": {"2026-11-20"}, "to": {"2026-11-20"}}, []string{"决算报表第一稿"}},
			{"from a Beijing day on", url.Values{"from": {"2026-11-21"}}, []string{"决算报表定稿", "决算报表请再核对"}},
			{"up to a Beijing day", url.Values{"to": {"2026-11-21"}}, []string{"决算报表请再核对", "决算报表第一稿"}},
			{"all filters", url.Values{"sender": {fmt.Sprint(staffID)}, "channel": {fmt.Sprint(budget.ID)}, "from": {"2026-11-21"}, "to": {"2026-11-22"}},
				[]string{"决算报表定稿"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := search(t, staff, tc.params); !slices.Equal(got, tc.want) {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			})
		}

		t.Run("wrong filters are refused, each by its field", func(t *testing.T) {
			h := h.as(t)
			for _, tc := range []struct{ query, field string }{
				{"from=2026-13-01", "from"},
				{"from=2026/11/20", "from"},
				{"to=yesterday", "to"},
				{"from=2026-11-22&to=2026-11-21", "to"},
				{"sender=0", "sender"},
				{"sender=x", "sender"},
				{"sender=999999", "sender"},
				{"channel=-1", "channel"},
			} {
				r := h.do("GET", "/api/v1/search?q=决算&"+tc.query, staff, nil)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if f := r.err().Field; f != tc.field {
					t.Errorf("%s: field %q, want %q", tc.query, f, tc.field)
				}
			}
			h.expect(h.do("GET", fmt.Sprintf("/api/v1/search?q=决算&channel=%d", treasury.ID), staff, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", "/api/v1/search?q=决算&channel=999999", staff, nil), http.StatusForbidden, protocol.CodeNotMember)
		})
	})
}

func TestHistoryAround(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		lead := h.login("lihua", demo.Password)
		outsider := h.login("heping", demo.Password)
		budget := h.myChannels(lead)["预算股"]
		leadID := h.userID("lihua")
		texts := make([]string, 30)
		for i := range texts {
			texts[i] = fmt.Sprintf("第%d条", i+1)
		}
		h.post(budget.ID, leadID, time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC), texts...)
		last := h.myChannels(lead)["预算股"].LastSeq
		first := last - 29

		around := func(t *testing.T, seq int64, limit int) protocol.MessagesAround {
			t.Helper()
			r := h.do("GET", fmt.Sprintf("/api/v1/channels/%d/messages?around=%d&limit=%d", budget.ID, seq, limit), lead, nil)
			h.expect(r, http.StatusOK, "")
			var out protocol.MessagesAround
			r.decode(t, &out)
			return out
		}
		cases := []struct {
			name         string
			seq          int64
			limit        int
			want         []int64
			older, newer bool
		}{
			{"both sides", first + 15, 10, span(first+10, first+19), true, true},
			{"an odd limit gives the newer side the extra one", first + 15, 5, span(first+13, first+17), true, true},
			{"near the newest", last - 1, 10, span(last-6, last), true, false},
			{"the newest", last, 4, span(last-2, last), true, false},
			{"one message", first + 3, 1, []int64{first + 3}, true, true},
			{"all of it", last - 10, 200, span(1, last), false, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := around(t, tc.seq, tc.limit)
				if !slices.Equal(seqs(got.Messages), tc.want) || got.HasMoreBefore != tc.older || got.HasMoreAfter != tc.newer {
					t.Fatalf("around %d limit %d: %v older %v newer %v; want %v %v %v",
						tc.seq, tc.limit, seqs(got.Messages), got.HasMoreBefore, got.HasMoreAfter, tc.want, tc.older, tc.newer)
				}
			})
		}

		t.Run("bounds and members", func(t *testing.T) {
			h := h.as(t)
			base := fmt.Sprintf("/api/v1/channels/%d/messages?", budget.ID)
			for _, tc := range []struct{ query, field string }{
				{"around=0", "around"},
				{"around=", "around"},
				{"around=x", "around"},
				{fmt.Sprintf("around=%d", last+1), "around"},
				{"around=3&before=5", "around"},
				{"around=3&after=1", "around"},
				{"around=3&limit=0", "limit"},
				{"around=3&limit=201", "limit"},
			} {
				r := h.do("GET", base+tc.query, lead, nil)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if f := r.err().Field; f != tc.field {
					t.Errorf("%s: field %q, want %q", tc.query, f, tc.field)
				}
			}
			// A non-member learns nothing, not even whether the seq is in range.
			h.expect(h.do("GET", base+"around=3", outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", base+fmt.Sprintf("around=%d", last+100), outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
			h.expect(h.do("GET", "/api/v1/channels/999999/messages?around=1", lead, nil), http.StatusForbidden, protocol.CodeNotMember)
		})
	})
}
