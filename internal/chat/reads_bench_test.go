package chat_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"govchat/internal/bus"
	"govchat/internal/chat"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkReads1000 is what one viewer's screen of a 1,000-member channel costs: the
// read positions of every member (GET /api/v1/channels/{id}/reads — the membership
// check, the channel and every position) encoded as the answer's JSON. The viewer
// counts N人未读 for all 100 messages on screen from this one answer.
//
//	CI=true go test -run '^$' -bench BenchmarkReads1000 -benchtime 200x ./internal/chat/
func BenchmarkReads1000(b *testing.B) {
	backends := []struct {
		name string
		open func(testing.TB) *store.DB
	}{
		{"sqlite", storetest.NewSQLite},
		{"postgres", storetest.NewPostgres},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := be.open(b)
			ctx := b.Context()
			t0 := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
			members := make([]store.ChannelMember, 1000)
			for i := range members {
				u := store.User{Username: fmt.Sprintf("r%04d", i), DisplayName: fmt.Sprintf("干部%04d", i), Role: store.RoleStaff}
				if err := s.CreateUser(ctx, &u); err != nil {
					b.Fatal(err)
				}
				members[i] = store.ChannelMember{UserID: u.ID, JoinedAt: t0}
			}
			c := store.Channel{Kind: store.ChannelGroup, Name: "全局工作群", CreatedBy: members[0].UserID, CreatedAt: t0}
			if err := s.CreateChannel(ctx, &c, members); err != nil {
				b.Fatal(err)
			}
			msgs := make([]store.NewMessage, 100)
			for i := range msgs {
				msgs[i] = store.NewMessage{ChannelID: c.ID, SenderID: members[i%10].UserID, ClientID: fmt.Sprint("m", i),
					Text: "请各股室于本周五前报送2027年部门预算草案", CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
			}
			if _, err := s.AppendMessages(ctx, msgs); err != nil {
				b.Fatal(err)
			}
			for i, m := range members {
				if _, _, err := s.SetReadSeq(ctx, c.ID, m.UserID, int64(i%101)); err != nil {
					b.Fatal(err)
				}
			}
			bs := bus.NewMemory()
			defer bs.Close()
			svc := chat.New(s, bs, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, chat.DefaultOptions())
			defer svc.Close()
			viewer := members[500].UserID
			var size int
			for b.Loop() {
				out, err := svc.Reads(ctx, viewer, c.ID)
				if err != nil {
					b.Fatal(err)
				}
				body, err := json.Marshal(out)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Reads) != 1000 {
					b.Fatalf("%d positions", len(out.Reads))
				}
				size = len(body)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}
