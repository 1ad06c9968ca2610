package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/busevent"
	"govchat/protocol"
)

// channelLog is the store behind the fake service's Resume: a message is stored before
// it is published, as chat does, and Resume answers what was stored after a position,
// or a resync when that is more than limit messages.
type channelLog struct {
	mu    sync.Mutex
	last  map[int64]int64 // channel → its last stored seq
	limit int64
	asked []protocol.ResumePos
}

func newChannelLog(h *harness, limit int64) *channelLog {
	l := &channelLog{last: map[int64]int64{}, limit: limit}
	h.svc.resume = l.resume
	return l
}

// store commits a channel's messages up to seq without publishing them.
func (l *channelLog) store(channelID, seq int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last[channelID] = seq
}

// commit stores a message and publishes it.
func (l *channelLog) commit(h *harness, channelID, seq int64) {
	l.store(channelID, seq)
	h.publish(busevent.ChannelTopic(channelID), seq, messageFrame(channelID, seq, "消息"))
}

func (l *channelLog) resume(_ int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, pos)
	last := l.last[pos.ChannelID]
	if last-pos.LastSeq > l.limit {
		return nil, last, &protocol.ResyncData{ChannelID: pos.ChannelID, Reason: "too_far_behind", LastSeq: last}, nil
	}
	var frames [][]byte
	for seq := pos.LastSeq + 1; seq <= last; seq++ {
		frames = append(frames, messageFrame(pos.ChannelID, seq, "消息"))
	}
	return frames, max(last, pos.LastSeq), nil, nil
}

func (l *channelLog) positions() []protocol.ResumePos {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.asked)
}

// joined tells a user they joined a channel whose last seq was since at that moment,
// as the chat service does.
func (h *harness) joined(userID, channelID, since int64) {
	pub := busevent.NewPublisher(h.bus, slog.New(slog.DiscardHandler))
	pub.Membership(context.Background(), []int64{userID}, protocol.ChannelEvent{ChannelID: channelID, Event: protocol.ChannelJoined, LastSeq: &since})
}

// describe names a frame of a test's channel for comparing sequences of frames.
func describe(t *testing.T, f protocol.Frame) string {
	t.Helper()
	switch f.Type {
	case protocol.TypeMessage:
		return fmt.Sprint("message ", messageSeq(t, f))
	case protocol.TypeResync:
		var r protocol.ResyncData
		decodeInto(t, f, &r)
		return fmt.Sprint("resync ", r.LastSeq)
	case protocol.TypeChannel:
		var ce protocol.ChannelEvent
		decodeInto(t, f, &ce)
		return fmt.Sprint("channel ", ce.ChannelID, " ", ce.Event)
	}
	return f.Type
}

// Issue 17: a connection learns that its user joined a channel from the user's topic
// and only then subscribes to the channel's topic. What the channel got in between —
// over Redis a SUBSCRIBE round trip, and always the line a group is created with —
// must still reach it: the hub catches up from the join, then goes on live.
func TestJoinCatchesUpFromTheJoin(t *testing.T) {
	tests := []struct {
		name    string
		since   int64   // the channel's last seq when the user joined
		held    []int64 // committed while the subscription is held up
		after   []int64 // committed once it is in effect
		want    []string
		resumed int64 // where Resume was asked to start
	}{
		{
			name: "a new channel: its first messages, in order, once",
			held: []int64{1, 2}, after: []int64{3},
			want: []string{"message 1", "message 2", "message 3"},
		},
		{
			name:  "a channel with history: from the join, not the history",
			since: 40, held: []int64{41, 42}, after: []int64{43},
			want:    []string{"message 41", "message 42", "message 43"},
			resumed: 40,
		},
		{
			name:  "too many since the join: a resync, then live",
			since: 10, held: []int64{11, 12, 13, 14, 15, 16, 17}, after: []int64{18},
			want:    []string{"resync 17", "message 18"},
			resumed: 10,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			log := newChannelLog(h, 5)
			log.store(8, tt.since)
			c := h.user(1, 7)
			c.hello()

			entered, release := h.gate.hold(busevent.ChannelTopic(8))
			defer release()
			h.joined(1, 8, tt.since)
			select {
			case <-entered:
			case <-time.After(waitTimeout):
				t.Fatal("the hub did not subscribe to the joined channel")
			}
			for _, seq := range tt.held {
				log.commit(h, 8, seq)
			}
			release()
			eventually(t, "subscribed to the joined channel", func() bool { return h.subscribed(topic{id: 8}, 1) })
			for _, seq := range tt.after {
				log.commit(h, 8, seq)
			}

			want := append([]string{"channel 8 joined"}, tt.want...)
			if got := readFrames(t, c, len(want)); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			c.ping() // and nothing else
			if want := []protocol.ResumePos{{ChannelID: 8, LastSeq: tt.resumed}}; !slices.Equal(log.positions(), want) {
				t.Fatalf("Resume asked %v, want %v", log.positions(), want)
			}
		})
	}

	t.Run("what the connection already had live is not sent again", func(t *testing.T) {
		// The join lands while hello runs: the channel list read by hello has the
		// channel, so hello subscribes to it, and the joined event comes after. Message 1
		// was committed before that subscription, message 2 after it.
		h := newHarness(t, Options{})
		log := newChannelLog(h, 5)
		log.store(8, 1)
		c := h.user(1, 7, 8)
		c.hello()
		log.commit(h, 8, 2)
		if got := describe(t, c.next()); got != "message 2" {
			t.Fatalf("got %s, want message 2 live", got)
		}
		h.joined(1, 8, 0)
		log.commit(h, 8, 3)
		if got, want := readFrames(t, c, 3), []string{"channel 8 joined", "message 1", "message 3"}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		c.ping()
	})

	t.Run("a join that does not say where, from a node of the previous version: live from the subscription", func(t *testing.T) {
		h := newHarness(t, Options{})
		log := newChannelLog(h, 5)
		c := h.user(1, 7)
		c.hello()
		h.tellUser(1, 8, protocol.ChannelJoined)
		c.expect(protocol.TypeChannel)
		eventually(t, "subscribed to the joined channel", func() bool { return h.subscribed(topic{id: 8}, 1) })
		log.commit(h, 8, 1)
		if got := describe(t, c.next()); got != "message 1" {
			t.Fatalf("got %s, want message 1", got)
		}
		c.ping()
		if asked := log.positions(); len(asked) != 0 {
			t.Fatalf("Resume asked %v", asked)
		}
	})
}

// decodeInto reads a frame's data.
func decodeInto(t *testing.T, f protocol.Frame, v any) {
	t.Helper()
	if err := json.Unmarshal(f.Data, v); err != nil {
		t.Fatalf("%s %s: %v", f.Type, f.Data, err)
	}
}

// readFrames reads n frames, described, or those that came before a read failed.
func readFrames(t *testing.T, c *client, n int) []string {
	t.Helper()
	var got []string
	for range n {
		f, err := c.tryNext()
		if err != nil {
			t.Logf("after %v: %v", got, err)
			break
		}
		got = append(got, describe(t, f))
	}
	return got
}
