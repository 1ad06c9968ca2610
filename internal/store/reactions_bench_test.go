package store_test

import (
	"fmt"
	"strings"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkListReactions measures the reactions of one page of history: 200 messages of
// a 100-member department channel, each with 收到 from 30 people and 👍 from 5 (7,000
// reactions on the page), read in one query as History and Search do.
//
//	go test -run '^$' -bench BenchmarkListReactions ./internal/store/
func BenchmarkListReactions(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			ctx := b.Context()
			var ids []int64
			for i := range 100 {
				u := store.User{Username: fmt.Sprint("r", i), Role: store.RoleStaff}
				if err := s.CreateUser(ctx, &u); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			members := make([]store.ChannelMember, len(ids))
			for i, id := range ids {
				members[i] = store.ChannelMember{UserID: id}
			}
			c := store.Channel{Kind: store.ChannelGroup, Name: "预算股"}
			if err := s.CreateChannel(ctx, &c, members); err != nil {
				b.Fatal(err)
			}
			var page []store.MessageKey
			var rows []string
			var args []any
			flush := func() {
				if len(rows) == 0 {
					return
				}
				if err := store.ExecRaw(ctx, s, `INSERT INTO message_reactions (channel_id, seq, user_id, reaction, created_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
					b.Fatal(err)
				}
				rows, args = rows[:0], args[:0]
			}
			for i := range 200 {
				nm := []store.NewMessage{{ChannelID: c.ID, SenderID: ids[0], ClientID: fmt.Sprint("m", i), Text: "请各股室于周五前报送"}}
				rs, err := s.AppendMessages(ctx, nm)
				if err != nil {
					b.Fatal(err)
				}
				seq := rs[0].Message.Seq
				page = append(page, store.MessageKey{ChannelID: c.ID, Seq: seq})
				for j := range 35 {
					r := "收到"
					if j >= 30 {
						r = "👍"
					}
					rows = append(rows, "(?, ?, ?, ?, ?)")
					args = append(args, c.ID, seq, ids[1+j], r, 1)
				}
				if len(rows) >= 350 {
					flush()
				}
			}
			flush()
			// The page itself, for scale on a loaded machine.
			b.Run("history-page", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, Limit: 200}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("reactions-of-page", func(b *testing.B) {
				for b.Loop() {
					got, err := s.ListReactions(ctx, page)
					if err != nil {
						b.Fatal(err)
					}
					if len(got) != 200 || len(got[page[0]][0].UserIDs) != 30 {
						b.Fatalf("got %d messages", len(got))
					}
				}
			})
		})
	}
}
