package chat

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"govchat/internal/busevent"
	"govchat/protocol"
)

// busRecorder is a busevent.Bus that keeps what is published.
type busRecorder struct {
	mu  sync.Mutex
	got map[string][]protocol.ReadsData
}

var _ busevent.Bus = (*busRecorder)(nil)

func (b *busRecorder) Publish(_ context.Context, topic string, payload []byte) error {
	e, err := busevent.Decode(payload)
	if err != nil {
		return err
	}
	var f protocol.Frame
	if err := json.Unmarshal(e.Frame, &f); err != nil {
		return err
	}
	var d protocol.ReadsData
	if err := json.Unmarshal(f.Data, &d); err != nil {
		return err
	}
	sort.Slice(d.Moves, func(i, j int) bool { return d.Moves[i].UserID < d.Moves[j].UserID })
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.got == nil {
		b.got = map[string][]protocol.ReadsData{}
	}
	b.got[topic] = append(b.got[topic], d)
	return nil
}

// TestReadsCoalescer drives the coalescer's timer by hand: each channel gets one frame
// per interval with every member's highest move, and a thousand members reading a
// burst cost one frame, not a thousand.
func TestReadsCoalescer(t *testing.T) {
	b := &busRecorder{}
	r := newReadsCoalescer(busevent.NewPublisher(b, slog.New(slog.NewTextHandler(io.Discard, nil))), time.Second)
	var timers []func()
	r.afterFunc = func(d time.Duration, f func()) {
		if d != time.Second {
			t.Errorf("flush scheduled after %v, want the interval", d)
		}
		timers = append(timers, f)
	}
	fire := func() {
		fs := timers
		timers = nil
		for _, f := range fs {
			f()
		}
	}

	r.moved(7, 1, 10)
	r.moved(7, 2, 10)
	r.moved(7, 1, 12)
	r.moved(7, 1, 11) // lower than what is pending: 12 stays
	r.moved(8, 3, 4)
	if len(timers) != 2 {
		t.Fatalf("%d flushes scheduled, want one per channel", len(timers))
	}
	fire()
	want7 := []protocol.ReadMove{{UserID: 1, Seq: 12}, {UserID: 2, Seq: 10}}
	if got := b.got[busevent.ChannelTopic(7)]; len(got) != 1 || !equalMoves(got[0].Moves, want7) || got[0].ChannelID != 7 {
		t.Errorf("channel 7 frames %+v, want one with %+v", got, want7)
	}
	if got := b.got[busevent.ChannelTopic(8)]; len(got) != 1 || !equalMoves(got[0].Moves, []protocol.ReadMove{{UserID: 3, Seq: 4}}) {
		t.Errorf("channel 8 frames %+v", got)
	}

	t.Run("a burst of a thousand members is one frame", func(t *testing.T) {
		for u := int64(1); u <= 1000; u++ {
			r.moved(9, u, 5)
		}
		if len(timers) != 1 {
			t.Fatalf("%d flushes scheduled for one channel", len(timers))
		}
		fire()
		got := b.got[busevent.ChannelTopic(9)]
		if len(got) != 1 || len(got[0].Moves) != 1000 {
			t.Fatalf("%d frames, want 1 with 1000 moves", len(got))
		}
	})

	t.Run("the next move after a frame starts a new interval", func(t *testing.T) {
		r.moved(7, 2, 13)
		if len(timers) != 1 {
			t.Fatalf("%d flushes scheduled", len(timers))
		}
		fire()
		if got := b.got[busevent.ChannelTopic(7)]; len(got) != 2 || !equalMoves(got[1].Moves, []protocol.ReadMove{{UserID: 2, Seq: 13}}) {
			t.Errorf("channel 7 frames %+v", got)
		}
	})

	t.Run("close publishes what is pending, then drops moves", func(t *testing.T) {
		r.moved(10, 1, 3)
		r.close()
		if got := b.got[busevent.ChannelTopic(10)]; len(got) != 1 {
			t.Errorf("pending moves not published at close: %+v", got)
		}
		fire() // the timer fires later and finds nothing
		r.moved(10, 2, 3)
		if len(timers) != 0 || len(b.got[busevent.ChannelTopic(10)]) != 1 {
			t.Error("a move after close was scheduled or published")
		}
	})
}

func equalMoves(a, b []protocol.ReadMove) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
