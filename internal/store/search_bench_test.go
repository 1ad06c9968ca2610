package store_test

import (
	"fmt"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkSearchFilters measures a search for a word in every message of 20,000 in
// one channel of 20 senders, a day apart by the hundred: without filters, by one
// sender, in one week, and both. The filters narrow in SQL over the word's postings,
// so their cost is the postings of the word in the user's channels.
//
//	go test -run '^$' -bench BenchmarkSearchFilters -benchtime 2s ./internal/store/
func BenchmarkSearchFilters(b *testing.B) {
	const total, senders = 20000, 20
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			ctx := b.Context()
			var users []int64
			var members []store.ChannelMember
			for i := range senders {
				u := store.User{Username: fmt.Sprint("bench", i), Role: store.RoleStaff}
				if err := s.CreateUser(ctx, &u); err != nil {
					b.Fatal(err)
				}
				users = append(users, u.ID)
				members = append(members, store.ChannelMember{UserID: u.ID})
			}
			c := store.Channel{Kind: store.ChannelGroup, Name: "bench"}
			if err := s.CreateChannel(ctx, &c, members); err != nil {
				b.Fatal(err)
			}
			batch := make([]store.NewMessage, 0, 500)
			for i := range total {
				batch = append(batch, store.NewMessage{
					ChannelID: c.ID, SenderID: users[i%senders], ClientID: fmt.Sprint("b-", i),
					Text:      fmt.Sprintf("关于报送2026年度部门预算编制材料的通知（第%d号）", i),
					CreatedAt: start.Add(time.Duration(i) * 864 * time.Second), // 100 a day
				})
				if len(batch) == cap(batch) {
					if _, err := s.AppendMessages(ctx, batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			week := start.AddDate(0, 0, 100)
			cases := []struct {
				name string
				q    store.SearchQuery
			}{
				{"none", store.SearchQuery{}},
				{"sender", store.SearchQuery{SenderID: users[7]}},
				{"week", store.SearchQuery{Since: week, Until: week.AddDate(0, 0, 7)}},
				{"sender+week", store.SearchQuery{SenderID: users[7], Since: week, Until: week.AddDate(0, 0, 7)}},
			}
			for _, tc := range cases {
				b.Run(tc.name, func(b *testing.B) {
					q := tc.q
					q.UserID, q.Text, q.Limit = users[0], "预算编制", 30
					for b.Loop() {
						ms, err := s.SearchMessages(ctx, q)
						if err != nil || len(ms) != 30 {
							b.Fatalf("%d found, %v", len(ms), err)
						}
					}
				})
			}
		})
	}
}
