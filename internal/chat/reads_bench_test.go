package chat_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// BenchmarkReads1000 is what one viewer's screen of a 1,000-member channel costs: the
// read positions of every member (GET /api/v1/channels/{id}/reads — the membership
// check, the channel and every position) encoded as the answer's JSON. The viewer
// counts N人未读 for all 100 messages on screen from this one answer.
//
//	CI=true go test -run '^$' -bench BenchmarkReads1000 -benchtime 200x ./internal/chat/
func BenchmarkReads1000(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, c, members := thousandMembers(b, be.Open)
			ctx := b.Context()
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

// thousandMembers is a group of 1,000 members with 100 messages, read by each member up
// to a different point.
func thousandMembers(b *testing.B, open func(testing.TB) *store.DB) (*store.DB, store.Channel, []store.ChannelMember) {
	s := open(b)
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
	return s, c, members
}

// BenchmarkReadBurst is a 1,000-member channel where a new message arrives and every
// member reads it: 1,000 read frames through the service (each a conditional UPDATE and
// the sync to the reader's own devices), and what reaches the channel's topic — which
// every viewer's connection receives — counted. Without coalescing that is 1,000 frames
// for each of 1,000 viewers; with it, one frame per 500 ms interval.
//
//	CI=true go test -run '^$' -bench BenchmarkReadBurst -benchtime 3x ./internal/chat/
func BenchmarkReadBurst(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, c, members := thousandMembers(b, be.Open)
			ctx := b.Context()
			bs := bus.NewMemory()
			defer bs.Close()
			var frames, moves atomic.Int64
			unsub, err := bs.Subscribe(ctx, busevent.ChannelTopic(c.ID), func(_ string, payload []byte) {
				e, err := busevent.Decode(payload)
				if err != nil {
					panic(err)
				}
				var f protocol.Frame
				var d protocol.ReadsData
				if json.Unmarshal(e.Frame, &f) == nil && f.Type == protocol.TypeReads && json.Unmarshal(f.Data, &d) == nil {
					frames.Add(1)
					moves.Add(int64(len(d.Moves)))
				}
			})
			if err != nil {
				b.Fatal(err)
			}
			defer unsub()
			svc := chat.New(s, bs, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, chat.DefaultOptions())
			users := map[int64]store.User{}
			for _, m := range members {
				u, err := s.GetUser(ctx, m.UserID)
				if err != nil {
					b.Fatal(err)
				}
				users[m.UserID] = u
			}
			seq := int64(100)
			for b.Loop() {
				seq++
				if _, err := s.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: members[0].UserID,
					ClientID: fmt.Sprint("burst", seq), Text: "收到请回复", CreatedAt: time.Now()}}); err != nil {
					b.Fatal(err)
				}
				// Eight readers at once, as eight connections' frames arrive together.
				var wg sync.WaitGroup
				next := make(chan store.ChannelMember)
				for range 8 {
					wg.Go(func() {
						for m := range next {
							raw, _ := json.Marshal(protocol.ReadData{ChannelID: c.ID, Seq: seq})
							reply := svc.Handle(ctx, auth.Principal{User: users[m.UserID]}, protocol.Frame{V: 1, Type: protocol.TypeRead, Data: raw})
							if !strings.Contains(string(reply), `"ack"`) {
								panic(string(reply))
							}
						}
					})
				}
				for _, m := range members[1:] {
					next <- m
				}
				close(next)
				wg.Wait()
			}
			svc.Close() // publishes what is still gathering
			reads := float64(b.N * (len(members) - 1))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/reads, "µs/read")
			b.ReportMetric(reads/b.Elapsed().Seconds(), "reads/s")
			b.ReportMetric(float64(frames.Load())/float64(b.N), "frames/burst")
			b.ReportMetric(float64(moves.Load())/float64(b.N), "moves/burst")
		})
	}
}
