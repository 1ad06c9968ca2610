package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// texts returns the texts of ms, in order.
func texts(ms []store.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

func TestSearchMessages(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "search", 3)
		me, colleague, outsider := u[0], u[1], u[2]
		office := newChannel(t, s, "办公室", me, colleague)
		finance := newChannel(t, s, "财务股", me, colleague)
		secret := newChannel(t, s, "别的股室", colleague, outsider)

		at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
		postAt(t, s, office.ID, colleague, "2026年预算编制通知", at(1))
		postAt(t, s, finance.ID, me, "请各股室于周五前报送预算草案", at(2))
		postAt(t, s, office.ID, colleague, "会议纪要：党支部组织生活会", at(3))
		postAt(t, s, finance.ID, colleague, "Budget-Report_v2.PDF 已上传", at(4))
		postAt(t, s, office.ID, me, "ＰＤＦ版本见群文件", at(5)) // full-width letters
		postAt(t, s, secret.ID, colleague, "预算内部讨论稿，勿外传", at(6))
		postAt(t, s, office.ID, colleague, "通知预算通过了", at(7)) // has 预算, 算通 and 通知 but not 预算通知
		postAt(t, s, office.ID, me, "预计下周预审", at(8))         // two pairs starting with 预

		cases := []struct {
			name  string
			q     store.SearchQuery
			found []string // newest first
		}{
			{"a Chinese word anywhere in the text", store.SearchQuery{Text: "预算"},
				[]string{"通知预算通过了", "请各股室于周五前报送预算草案", "2026年预算编制通知"}},
			{"a longer Chinese phrase", store.SearchQuery{Text: "预算编制通知"}, []string{"2026年预算编制通知"}},
			{"the phrase, not just its pairs", store.SearchQuery{Text: "预算通知"}, nil},
			{"a single character", store.SearchQuery{Text: "纪"}, []string{"会议纪要：党支部组织生活会"}},
			{"a single character, each message once", store.SearchQuery{Text: "预"},
				[]string{"预计下周预审", "通知预算通过了", "请各股室于周五前报送预算草案", "2026年预算编制通知"}},
			{"a character ending the text", store.SearchQuery{Text: "审"}, []string{"预计下周预审"}},
			{"mixed digits and Chinese", store.SearchQuery{Text: "2026年预算"}, []string{"2026年预算编制通知"}},
			{"Chinese then digits", store.SearchQuery{Text: "6年预"}, nil}, // words match from their start
			{"an ASCII word in any case", store.SearchQuery{Text: "budget"}, []string{"Budget-Report_v2.PDF 已上传"}},
			{"an ASCII word prefix", store.SearchQuery{Text: "BUDG"}, []string{"Budget-Report_v2.PDF 已上传"}},
			{"half- and full-width alike", store.SearchQuery{Text: "pdf"},
				[]string{"ＰＤＦ版本见群文件", "Budget-Report_v2.PDF 已上传"}},
			{"ASCII and Chinese together", store.SearchQuery{Text: "pdf 已上传"}, []string{"Budget-Report_v2.PDF 已上传"}},
			{"surrounding spaces ignored", store.SearchQuery{Text: "  党支部 "}, []string{"会议纪要：党支部组织生活会"}},
			{"one channel only", store.SearchQuery{Text: "预算", ChannelID: finance.ID}, []string{"请各股室于周五前报送预算草案"}},
			{"a channel the user is not in", store.SearchQuery{Text: "预算", ChannelID: secret.ID}, nil},
			{"limit keeps the newest", store.SearchQuery{Text: "预算", Limit: 2},
				[]string{"通知预算通过了", "请各股室于周五前报送预算草案"}},
			{"one sender only", store.SearchQuery{Text: "预算", SenderID: colleague},
				[]string{"通知预算通过了", "2026年预算编制通知"}},
			{"one sender in one channel", store.SearchQuery{Text: "预算", SenderID: me, ChannelID: office.ID}, nil},
			{"since is inclusive", store.SearchQuery{Text: "预算", Since: at(2)},
				[]string{"通知预算通过了", "请各股室于周五前报送预算草案"}},
			{"until is exclusive", store.SearchQuery{Text: "预算", Until: at(2)}, []string{"2026年预算编制通知"}},
			{"a range", store.SearchQuery{Text: "预", Since: at(2), Until: at(8)},
				[]string{"通知预算通过了", "请各股室于周五前报送预算草案"}},
			{"a range with nothing in it", store.SearchQuery{Text: "预算", Since: at(100)}, nil},
			{"no match", store.SearchQuery{Text: "决算"}, nil},
			{"only punctuation finds nothing", store.SearchQuery{Text: "，。"}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.UserID = me
				got, err := s.SearchMessages(ctx, q)
				must(t, err)
				if !slices.Equal(texts(got), tc.found) {
					t.Fatalf("SearchMessages(%q) = %q, want %q", q.Text, texts(got), tc.found)
				}
			})
		}

		t.Run("never leaks another channel to a non-member", func(t *testing.T) {
			got, err := s.SearchMessages(ctx, store.SearchQuery{UserID: outsider, Text: "预算"})
			must(t, err)
			if !slices.Equal(texts(got), []string{"预算内部讨论稿，勿外传"}) {
				t.Fatalf("outsider found %q", texts(got))
			}
		})

		t.Run("an empty query is an error", func(t *testing.T) {
			if _, err := s.SearchMessages(ctx, store.SearchQuery{UserID: me, Text: "  "}); err == nil {
				t.Fatal("empty query accepted")
			}
		})

		t.Run("leaving a channel hides it from search", func(t *testing.T) {
			c := newChannel(t, s, "leave", me)
			post(t, s, c.ID, colleague, "离开以后搜不到")
			find := func() int {
				got, err := s.SearchMessages(ctx, store.SearchQuery{UserID: me, Text: "搜不到"})
				must(t, err)
				return len(got)
			}
			if find() != 1 {
				t.Fatal("member cannot find the message")
			}
			must(t, s.RemoveMember(ctx, c.ID, me))
			if n := find(); n != 0 {
				t.Fatalf("former member finds %d messages", n)
			}
		})

		t.Run("edit re-indexes and recall unindexes", func(t *testing.T) {
			c := newChannel(t, s, "edit search", me)
			m := post(t, s, c.ID, me, "原始文本甲")
			search := func(text string) []string {
				got, err := s.SearchMessages(ctx, store.SearchQuery{UserID: me, ChannelID: c.ID, Text: text})
				must(t, err)
				return texts(got)
			}
			if got := search("文本甲"); !slices.Equal(got, []string{"原始文本甲"}) {
				t.Fatalf("before edit: %q", got)
			}
			_, err := s.EditMessage(ctx, c.ID, m.Seq, "修改后乙", nil, t0)
			must(t, err)
			if got := search("文本甲"); len(got) != 0 {
				t.Fatalf("old text still found after edit: %q", got)
			}
			if got := search("修改"); !slices.Equal(got, []string{"修改后乙"}) {
				t.Fatalf("new text not found after edit: %q", got)
			}
			_, err = s.RecallMessage(ctx, c.ID, m.Seq, me, t0)
			must(t, err)
			if got := search("修改"); len(got) != 0 {
				t.Fatalf("recalled message found: %q", got)
			}
			var n int
			must(t, countRaw(t, s, `SELECT count(*) FROM message_terms WHERE channel_id = ?`, &n, c.ID))
			if n != 0 {
				t.Fatalf("%d terms left for a recalled message", n)
			}
		})

		t.Run("caps the limit at 100", func(t *testing.T) {
			c := newChannel(t, s, "many hits", me)
			batch := make([]store.NewMessage, 120)
			for i := range batch {
				batch[i] = store.NewMessage{ChannelID: c.ID, SenderID: me, Text: fmt.Sprint("批量消息 ", i)}
			}
			_, err := s.AppendMessages(ctx, batch)
			must(t, err)
			for _, limit := range []int{0, 100, 1000} {
				got, err := s.SearchMessages(ctx, store.SearchQuery{UserID: me, ChannelID: c.ID, Text: "批量", Limit: limit})
				must(t, err)
				want := 100
				if limit == 0 {
					want = 50
				}
				if len(got) != want {
					t.Fatalf("limit %d: %d results, want %d", limit, len(got), want)
				}
			}
		})

		t.Run("finds an old match behind many near misses", func(t *testing.T) {
			// The near misses have every pair of the query but not the phrase, and
			// are newer: the search must page past them.
			c := newChannel(t, s, "near misses", me)
			postAt(t, s, c.ID, me, "重要：预算通知已下发", at(100))
			batch := make([]store.NewMessage, 250)
			for i := range batch {
				batch[i] = store.NewMessage{ChannelID: c.ID, SenderID: me, Text: "通知预算通过", CreatedAt: at(200 + i)}
			}
			_, err := s.AppendMessages(ctx, batch)
			must(t, err)
			got, err := s.SearchMessages(ctx, store.SearchQuery{UserID: me, ChannelID: c.ID, Text: "预算通知", Limit: 1})
			must(t, err)
			if !slices.Equal(texts(got), []string{"重要：预算通知已下发"}) {
				t.Fatalf("found %q", texts(got))
			}
		})
	})
}

// countRaw scans one integer from a query on the store's own database.
func countRaw(t *testing.T, s store.Store, query string, dest *int, args ...any) error {
	t.Helper()
	return store.QueryRowRaw(t.Context(), s, query, args...).Scan(dest)
}
