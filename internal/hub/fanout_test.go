package hub

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/busevent"
	"govchat/protocol"
)

func TestFanout(t *testing.T) {
	h := newHarness(t, Options{})
	members := []*client{h.user(1, 7), h.user(2, 7, 8), h.user(3, 7)}
	outsider := h.user(4, 8)
	for _, c := range append(members, outsider) {
		c.hello()
	}
	eventually(t, "members subscribed", func() bool { return h.subscribed(topic{id: 7}, 3) })

	t.Run("every member gets a published event", func(t *testing.T) {
		h.publish(busevent.ChannelTopic(7), 1, messageFrame(7, 1, "通知"))
		for _, c := range members {
			if seq := messageSeq(t, c.next()); seq != 1 {
				t.Fatalf("got seq %d, want 1", seq)
			}
		}
	})
	t.Run("a non-member gets nothing", func(t *testing.T) {
		outsider.ping() // the event was queued before this pong would be
	})
	t.Run("the event is prepared once for all connections", func(t *testing.T) {
		before := h.hub.Stats().Prepared
		h.publish(busevent.ChannelTopic(7), 2, messageFrame(7, 2, "once"))
		for _, c := range members {
			messageSeq(t, c.next())
		}
		// Each idle connection wrote the event on its own, as a PreparedMessage; had
		// each built its own, this would be 3.
		if got := h.hub.Stats().Prepared - before; got != 1 {
			t.Fatalf("built %d PreparedMessages for one event, want 1", got)
		}
	})
	t.Run("a duplicate sequence is not sent twice", func(t *testing.T) {
		h.publish(busevent.ChannelTopic(7), 2, messageFrame(7, 2, "again"))
		h.publish(busevent.ChannelTopic(7), 0, encodeFrame(protocol.TypeReadSync, "", protocol.ReadData{ChannelID: 7, Seq: 2}))
		for _, c := range members {
			c.expect(protocol.TypeReadSync)
			c.ping()
		}
	})
	t.Run("frames queued together arrive as NDJSON in order", func(t *testing.T) {
		c := members[0]
		// Publishing faster than one writer turn makes batches likely; either way
		// the client sees every frame once, in order.
		for seq := int64(3); seq <= 50; seq++ {
			h.publish(busevent.ChannelTopic(7), seq, messageFrame(7, seq, "burst"))
		}
		for want := int64(3); want <= 50; want++ {
			if seq := messageSeq(t, c.next()); seq != want {
				t.Fatalf("got seq %d, want %d", seq, want)
			}
		}
	})
}

// A client that stops reading is closed as too slow; the others keep receiving.
func TestSlowConsumerIsClosed(t *testing.T) {
	h := newHarness(t, Options{SendQueueBytes: 4 << 10, WriteTimeout: waitTimeout})
	smallReads := &websocket.Dialer{
		HandshakeTimeout: waitTimeout,
		NetDial: func(network, addr string) (net.Conn, error) {
			c, err := net.Dial(network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(4 << 10)
			}
			return c, err
		},
	}
	h.auth.add("slow", 1, time.Time{})
	h.svc.setChannels(1, 7)
	slow, resp, err := h.tryDial("slow", h.origin(), true, smallReads)
	if err != nil {
		t.Fatalf("dial: %v %v", err, status(resp))
	}
	slow.hello()
	fast := h.user(2, 7)
	fast.hello()
	eventually(t, "both subscribed", func() bool { return h.subscribed(topic{id: 7}, 2) })

	text := strings.Repeat("x", 1000)
	var seq int64
	for h.hub.Stats().TooSlow == 0 {
		seq++
		if seq > 100_000 {
			t.Fatal("the slow client was never closed")
		}
		h.publish(busevent.ChannelTopic(7), seq, messageFrame(7, seq, text))
		if got := messageSeq(t, fast.next()); got != seq {
			t.Fatalf("fast client got seq %d, want %d", got, seq)
		}
	}
	slow.expectClose(protocol.CloseTooSlow)
	seq++
	h.publish(busevent.ChannelTopic(7), seq, messageFrame(7, seq, "after"))
	if got := messageSeq(t, fast.next()); got != seq {
		t.Fatalf("fast client got seq %d after the slow one left, want %d", got, seq)
	}
	eventually(t, "the slow connection gone", func() bool { return h.hub.Stats().Connections == 1 })
}

func TestMembershipChangesWhatTheConnectionGets(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.user(1, 7)
	c.hello()

	t.Run("a channel not joined is not delivered", func(t *testing.T) {
		h.publish(busevent.ChannelTopic(8), 1, messageFrame(8, 1, "not yet"))
		c.ping()
	})
	t.Run("joined subscribes and forwards the event", func(t *testing.T) {
		h.tellUser(1, 8, protocol.ChannelJoined)
		c.expect(protocol.TypeChannel)
		eventually(t, "subscribed to the joined channel", func() bool { return h.subscribed(topic{id: 8}, 1) })
		h.publish(busevent.ChannelTopic(8), 2, messageFrame(8, 2, "welcome aboard"))
		if seq := messageSeq(t, c.next()); seq != 2 {
			t.Fatalf("got seq %d, want 2", seq)
		}
	})
	t.Run("left stops delivery and unsubscribes", func(t *testing.T) {
		h.tellUser(1, 7, protocol.ChannelLeft)
		// Dropped at once, before the writer has unsubscribed.
		h.publish(busevent.ChannelTopic(7), 5, messageFrame(7, 5, "gone"))
		c.expect(protocol.TypeChannel)
		c.ping()
		eventually(t, "unsubscribed from the left channel", func() bool { return h.subscribed(topic{id: 7}, 0) })
		h.publish(busevent.ChannelTopic(7), 6, messageFrame(7, 6, "still gone"))
		c.ping()
	})
	t.Run("a channel frame without a change in the envelope is forwarded, not followed", func(t *testing.T) {
		// The hub reads membership from the envelope only; the frame is the client's.
		// A change is noted before the frame is queued, so once the frame has
		// arrived a change would have been noted.
		h.publish(busevent.UserTopic(1), 0, channelFrame(9, protocol.ChannelJoined))
		c.expect(protocol.TypeChannel)
		if h.noted(9) {
			t.Fatal("the hub followed a channel named only in the frame")
		}
		h.tellUser(1, 9, protocol.ChannelJoined)
		c.expect(protocol.TypeChannel)
		if !h.noted(9) {
			t.Fatal("the hub did not note the change in the envelope")
		}
		eventually(t, "subscribed to the joined channel", func() bool { return h.subscribed(topic{id: 9}, 1) })
	})
	t.Run("updated changes nothing but is forwarded", func(t *testing.T) {
		h.tellUser(1, 8, protocol.ChannelUpdated)
		c.expect(protocol.TypeChannel)
		h.publish(busevent.ChannelTopic(8), 3, messageFrame(8, 3, "still here"))
		if seq := messageSeq(t, c.next()); seq != 3 {
			t.Fatalf("got seq %d, want 3", seq)
		}
	})
}
