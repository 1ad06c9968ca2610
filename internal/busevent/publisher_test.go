package busevent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"

	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/protocol"
)

// received collects what reaches each topic of a memory bus, decoded.
type received struct {
	mu sync.Mutex
	by map[string][]busevent.Event
}

func listen(t *testing.T, b *bus.Memory, topics ...string) *received {
	t.Helper()
	r := &received{by: map[string][]busevent.Event{}}
	for _, topic := range topics {
		unsub, err := b.Subscribe(context.Background(), topic, func(topic string, payload []byte) {
			ev, err := busevent.Decode(payload)
			if err != nil {
				t.Errorf("%s: %v", topic, err)
				return
			}
			r.mu.Lock()
			r.by[topic] = append(r.by[topic], ev)
			r.mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(unsub)
	}
	return r
}

func (r *received) on(topic string) []busevent.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.by[topic]
}

// frame decodes an event's frame.
func frame(t *testing.T, ev busevent.Event) protocol.Frame {
	t.Helper()
	var f protocol.Frame
	if err := json.Unmarshal(ev.Frame, &f); err != nil {
		t.Fatalf("frame %q: %v", ev.Frame, err)
	}
	return f
}

func newBus(t *testing.T) *bus.Memory {
	b := bus.NewMemory()
	t.Cleanup(func() { b.Close() })
	return b
}

// logs is a logger whose output a test reads.
func logs() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func TestToUsers(t *testing.T) {
	// A few users are published to one after another, many by a pool of workers.
	for _, n := range []int{1, 3, 500} {
		t.Run(fmt.Sprintf("%d users each get the frame once", n), func(t *testing.T) {
			b := newBus(t)
			users := make([]int64, n)
			topics := make([]string, n)
			for i := range users {
				users[i] = int64(i + 1)
				topics[i] = busevent.UserTopic(users[i])
			}
			r := listen(t, b, topics...)
			log, out := logs()
			busevent.NewPublisher(b, log).ToUsers(context.Background(), users, protocol.TypeReadSync, protocol.ReadData{ChannelID: 4, Seq: 9})
			for _, topic := range topics {
				evs := r.on(topic)
				if len(evs) != 1 {
					t.Fatalf("%s got %d events", topic, len(evs))
				}
				f := frame(t, evs[0])
				if evs[0].Seq != 0 || evs[0].Change != busevent.NoChange || f.Type != protocol.TypeReadSync || string(f.Data) != `{"channel_id":4,"seq":9}` {
					t.Fatalf("%s got %+v, frame %s %s", topic, evs[0], f.Type, f.Data)
				}
			}
			if out.Len() != 0 {
				t.Errorf("logged %q", out)
			}
		})
	}
	t.Run("the caller's cancellation does not cut the fan-out short", func(t *testing.T) {
		b := newBus(t)
		r := listen(t, b, busevent.UserTopic(1), busevent.UserTopic(2))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		log, _ := logs()
		busevent.NewPublisher(b, log).ToUsers(ctx, []int64{1, 2}, protocol.TypeNotice, protocol.NoticeEvent{NoticeID: 3})
		if len(r.on(busevent.UserTopic(1))) != 1 || len(r.on(busevent.UserTopic(2))) != 1 {
			t.Fatal("a cancelled request stopped the fan-out")
		}
	})
}

func TestToChannel(t *testing.T) {
	b := newBus(t)
	r := listen(t, b, busevent.ChannelTopic(4))
	log, _ := logs()
	pub := busevent.NewPublisher(b, log)
	pub.ToChannel(context.Background(), 4, 17, protocol.TypeMessage, protocol.Message{ChannelID: 4, Seq: 17})
	pub.ToChannel(context.Background(), 4, 0, protocol.TypeMessage, protocol.Message{ChannelID: 4, Seq: 3})
	evs := r.on(busevent.ChannelTopic(4))
	if len(evs) != 2 || evs[0].Seq != 17 || evs[1].Seq != 0 {
		t.Fatalf("got %+v", evs)
	}
	for _, ev := range evs {
		if f := frame(t, ev); f.Type != protocol.TypeMessage || ev.Change != busevent.NoChange {
			t.Fatalf("got %+v, frame type %s", ev, f.Type)
		}
	}
}

func TestMembership(t *testing.T) {
	at := func(seq int64) *int64 { return &seq }
	tests := []struct {
		name    string
		ce      protocol.ChannelEvent
		change  busevent.Change
		channel int64 // in the envelope
		since   int64
	}{
		{"joined a new channel", protocol.ChannelEvent{ChannelID: 8, Event: protocol.ChannelJoined, LastSeq: at(0)}, busevent.Joined, 8, 0},
		{"joined a channel with history", protocol.ChannelEvent{ChannelID: 8, Event: protocol.ChannelJoined, LastSeq: at(57)}, busevent.Joined, 8, 57},
		{"joined without saying where", protocol.ChannelEvent{ChannelID: 8, Event: protocol.ChannelJoined}, busevent.Joined, 8, busevent.NoSince},
		{"left", protocol.ChannelEvent{ChannelID: 8, Event: protocol.ChannelLeft}, busevent.Left, 8, busevent.NoSince},
		{"updated", protocol.ChannelEvent{ChannelID: 8, Event: protocol.ChannelUpdated}, busevent.NoChange, 0, busevent.NoSince},
	}
	for _, tt := range tests {
		t.Run(tt.name+": "+tt.change.String()+" beside the frame", func(t *testing.T) {
			b := newBus(t)
			r := listen(t, b, busevent.UserTopic(1), busevent.UserTopic(2))
			log, _ := logs()
			busevent.NewPublisher(b, log).Membership(context.Background(), []int64{1, 2}, tt.ce)
			want, err := json.Marshal(tt.ce)
			if err != nil {
				t.Fatal(err)
			}
			for _, uid := range []int64{1, 2} {
				evs := r.on(busevent.UserTopic(uid))
				if len(evs) != 1 {
					t.Fatalf("user %d got %d events", uid, len(evs))
				}
				ev := evs[0]
				if ev.Change != tt.change || ev.Channel != tt.channel || ev.Seq != 0 || ev.Since != tt.since {
					t.Fatalf("user %d got %+v", uid, ev)
				}
				if f := frame(t, ev); f.Type != protocol.TypeChannel || string(f.Data) != string(want) {
					t.Fatalf("user %d got frame %s %s, want data %s", uid, f.Type, f.Data, want)
				}
			}
		})
	}
}

// countingBus counts publishes and fails them all with err, when set.
type countingBus struct {
	mu  sync.Mutex
	n   int
	err error
}

var _ busevent.Bus = (*countingBus)(nil)

func (b *countingBus) Publish(context.Context, string, []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	return b.err
}

func TestFailures(t *testing.T) {
	t.Run("a frame that cannot be encoded is logged and nothing is published", func(t *testing.T) {
		b := &countingBus{}
		log, out := logs()
		pub := busevent.NewPublisher(b, log)
		unencodable := map[string]float64{"x": math.NaN()}
		pub.ToUsers(context.Background(), []int64{1, 2}, protocol.TypeNotice, unencodable)
		pub.ToChannel(context.Background(), 3, 1, protocol.TypeMessage, unencodable)
		if b.n != 0 {
			t.Fatalf("%d publishes", b.n)
		}
		if got := strings.Count(out.String(), "level=ERROR msg=\"frame not published: it cannot be encoded\""); got != 2 {
			t.Fatalf("logged %q", out)
		}
	})
	t.Run("a bus that refuses is logged once for the whole fan-out", func(t *testing.T) {
		b := &countingBus{err: errors.New("connection refused")}
		log, out := logs()
		users := make([]int64, 200)
		for i := range users {
			users[i] = int64(i + 1)
		}
		busevent.NewPublisher(b, log).ToUsers(context.Background(), users, protocol.TypeNotice, protocol.NoticeEvent{NoticeID: 1})
		if b.n != len(users) {
			t.Fatalf("%d publishes for %d users", b.n, len(users))
		}
		if lines := strings.Count(out.String(), "\n"); lines != 1 || !strings.Contains(out.String(), "failed=200 users=200") {
			t.Fatalf("logged %q", out)
		}
	})
}
