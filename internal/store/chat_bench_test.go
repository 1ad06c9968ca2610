package store_test

import (
	"fmt"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkAppendMessages measures the group commit: the same messages appended one
// per transaction or gathered into batches of 16 or 64. It reports messages per
// second; ns/op is per batch. Messages go round-robin to four channels, each about
// thirty characters of Chinese, indexed for search as in production.
//
//	go test -run '^$' -bench BenchmarkAppendMessages -benchtime 3s ./internal/store/
func BenchmarkAppendMessages(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, size := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", be.Name, size), func(b *testing.B) {
				s := be.Open(b)
				ctx := b.Context()
				u := store.User{Username: "bench", Role: store.RoleStaff}
				if err := s.CreateUser(ctx, &u); err != nil {
					b.Fatal(err)
				}
				var channels []int64
				for i := range 4 {
					c := store.Channel{Kind: store.ChannelGroup, Name: fmt.Sprint("bench ", i)}
					if err := s.CreateChannel(ctx, &c, []store.ChannelMember{{UserID: u.ID}}); err != nil {
						b.Fatal(err)
					}
					channels = append(channels, c.ID)
				}
				sent := 0
				batch := make([]store.NewMessage, size)
				for b.Loop() {
					for j := range batch {
						batch[j] = store.NewMessage{
							ChannelID: channels[sent%len(channels)], SenderID: u.ID,
							ClientID: fmt.Sprint("bench-", sent),
							Text:     fmt.Sprintf("关于报送2026年度部门预算编制材料的通知，请于本周五前完成（第%d号）", sent),
						}
						sent++
					}
					rs, err := s.AppendMessages(ctx, batch)
					if err != nil {
						b.Fatal(err)
					}
					if rs[0].Err != nil || rs[0].Duplicate {
						b.Fatalf("result %+v", rs[0])
					}
				}
				b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}
