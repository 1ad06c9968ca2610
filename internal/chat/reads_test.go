package chat_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// readsFrames waits until the moves published on topic name every user in want, and
// returns the reads frames it took.
func readsFrames(t *testing.T, f *fixture, topic string, want map[int64]int64) []protocol.ReadsData {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		var frames []protocol.ReadsData
		got := map[int64]int64{}
		for _, e := range f.rec.on(topic) {
			if e.frame.Type != protocol.TypeReads {
				continue
			}
			if e.seq != 0 {
				t.Errorf("a reads frame went out with sequence %d; it is outside the channel's sequence", e.seq)
			}
			var d protocol.ReadsData
			if err := json.Unmarshal(e.frame.Data, &d); err != nil {
				t.Fatal(err)
			}
			frames = append(frames, d)
			for _, m := range d.Moves {
				got[m.UserID] = max(got[m.UserID], m.Seq)
			}
		}
		done := len(got) >= len(want)
		for u, seq := range want {
			if got[u] != seq {
				done = false
			}
		}
		if done {
			if len(got) != len(want) {
				t.Fatalf("moves %v, want %v", got, want)
			}
			return frames
		}
		select {
		case <-f.rec.landed:
		case <-deadline:
			t.Fatalf("moves %v after 10 s, want %v", got, want)
		}
	}
}

func TestReads(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		// A long interval: the three reads below land in one frame even on a slow machine.
		f := newFixture(t, s, func(o *chat.Options) { o.ReadsInterval = 2 * time.Second })
		ctx := context.Background()
		office := f.channel(store.ChannelDepartment, "办公室")
		topic := busevent.ChannelTopic(office.ID)
		f.watch(topic)
		chen, zhou, yang := f.users["chenzhiqiang"], f.users["zhouhaiyan"], f.users["yangfan"]

		seq1 := ack(t, f.send("chenzhiqiang", office.ID, "rd-1", "请各位今天下班前报送材料")).Seq
		seq2 := ack(t, f.send("chenzhiqiang", office.ID, "rd-2", "模板见附件说明")).Seq

		t.Run("every member's position, to a member", func(t *testing.T) {
			ack(t, f.frame("zhouhaiyan", protocol.TypeRead, "r1", protocol.ReadData{ChannelID: office.ID, Seq: seq1}))
			got, err := f.svc.Reads(ctx, yang.ID, office.ID)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := s.ListMembers(ctx, office.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ChannelID != office.ID || got.LastSeq != seq2 || len(got.Reads) != len(ms) {
				t.Fatalf("reads %+v for %d members, want last_seq %d", got, len(ms), seq2)
			}
			for i, p := range got.Reads {
				if p.UserID != ms[i].UserID || p.Seq != ms[i].ReadSeq || !p.JoinedAt.Equal(ms[i].JoinedAt) {
					t.Errorf("position %+v, member %+v", p, ms[i])
				}
				if p.UserID == zhou.ID && p.Seq != seq1 {
					t.Errorf("周海燕 read to %d, want %d", p.Seq, seq1)
				}
			}
		})

		t.Run("refused to anyone outside the channel", func(t *testing.T) {
			for name, id := range map[string]int64{"not a member": office.ID, "no such channel": 987654} {
				_, err := f.svc.Reads(ctx, f.users["heping"].ID, id)
				if code := apperr.From(err).Code; code != protocol.CodeNotMember {
					t.Errorf("%s: %v (code %q), want not_member", name, err, code)
				}
			}
		})

		t.Run("moves reach the channel gathered into one frame", func(t *testing.T) {
			ack(t, f.frame("yangfan", protocol.TypeRead, "r2", protocol.ReadData{ChannelID: office.ID, Seq: seq1}))
			ack(t, f.frame("yangfan", protocol.TypeRead, "r3", protocol.ReadData{ChannelID: office.ID, Seq: seq2}))
			ack(t, f.frame("zhouhaiyan", protocol.TypeRead, "r4", protocol.ReadData{ChannelID: office.ID, Seq: seq2}))
			frames := readsFrames(t, f, topic, map[int64]int64{zhou.ID: seq2, yang.ID: seq2})
			if len(frames) != 1 {
				t.Errorf("%d reads frames for three moves within the interval, want 1: %+v", len(frames), frames)
			}
			for _, d := range frames {
				if d.ChannelID != office.ID {
					t.Errorf("frame for channel %d, want %d", d.ChannelID, office.ID)
				}
				seen := map[int64]bool{}
				for _, m := range d.Moves {
					if seen[m.UserID] {
						t.Errorf("user %d twice in one frame: %+v", m.UserID, d.Moves)
					}
					seen[m.UserID] = true
				}
			}
		})

		t.Run("a read that moves nothing publishes nothing", func(t *testing.T) {
			before := len(f.rec.on(topic))
			ack(t, f.frame("yangfan", protocol.TypeRead, "r5", protocol.ReadData{ChannelID: office.ID, Seq: 1}))     // behind
			ack(t, f.frame("zhouhaiyan", protocol.TypeRead, "r6", protocol.ReadData{ChannelID: office.ID, Seq: 99})) // already at the newest
			ack(t, f.frame("chenzhiqiang", protocol.TypeRead, "r7", protocol.ReadData{ChannelID: office.ID, Seq: seq2}))
			// Only 陈志强's move is news; the frame that carries it must carry nothing else.
			var last protocol.ReadsData
			deadline := time.After(10 * time.Second)
			for last.ChannelID == 0 {
				for _, e := range f.rec.on(topic)[before:] {
					if e.frame.Type == protocol.TypeReads {
						json.Unmarshal(e.frame.Data, &last)
					}
				}
				if last.ChannelID != 0 {
					break
				}
				select {
				case <-f.rec.landed:
				case <-deadline:
					t.Fatal("no reads frame for 陈志强's move")
				}
			}
			if len(last.Moves) != 1 || last.Moves[0] != (protocol.ReadMove{UserID: chen.ID, Seq: seq2}) {
				t.Errorf("moves %+v, want only 陈志强 to %d", last.Moves, seq2)
			}
		})
	})
}
