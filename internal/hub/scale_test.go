package hub

import (
	"runtime"
	"testing"
	"time"

	"govchat/internal/busevent"
)

// Several fan-out workers share one channel's connections; each connection still gets
// every event, once, in publish order.
func TestFanoutWorkersKeepEachConnectionsOrder(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(map[int]string{1: "one worker", 3: "three workers"}[workers], func(t *testing.T) {
			h := newHarness(t, Options{FanoutWorkers: workers})
			const conns, events = 12, 300
			clients := make([]*client, conns)
			for i := range clients {
				clients[i] = h.user(int64(i+1), 7)
				clients[i].hello()
			}
			eventually(t, "all subscribed", func() bool { return h.subscribed(topic{id: 7}, conns) })
			parts := map[int]bool{}
			h.hub.mu.Lock()
			for c := range h.hub.conns {
				parts[c.part] = true
			}
			h.hub.mu.Unlock()
			if len(parts) != workers {
				t.Fatalf("connections spread over %d workers, want %d", len(parts), workers)
			}
			for seq := int64(1); seq <= events; seq++ {
				h.publish(busevent.ChannelTopic(7), seq, messageFrame(7, seq, "按顺序"))
			}
			for i, c := range clients {
				for want := int64(1); want <= events; want++ {
					if got := messageSeq(t, c.next()); got != want {
						t.Fatalf("client %d got seq %d, want %d", i, got, want)
					}
				}
			}
		})
	}
}

// An idle connection keeps one goroutine (its reader): the upgrade's handler has
// returned, and the writer exists only while there is something to write.
func TestIdleConnectionKeepsOneGoroutine(t *testing.T) {
	h := newHarness(t, Options{})
	warm := h.user(100, 7) // the server's own goroutines (accept loop, workers, wheel) are up
	warm.hello()
	time.Sleep(50 * time.Millisecond)
	base := runtime.NumGoroutine()
	const conns = 40
	clients := make([]*client, conns)
	for i := range clients {
		clients[i] = h.user(int64(i+1), 7)
		clients[i].hello()
	}
	h.publish(busevent.ChannelTopic(7), 1, messageFrame(7, 1, "唤醒写协程"))
	for _, c := range clients {
		if seq := messageSeq(t, c.next()); seq != 1 {
			t.Fatalf("got seq %d", seq)
		}
	}
	// The writers that sent it have exited; what is left is one reader per connection.
	eventually(t, "one goroutine per idle connection", func() bool { return runtime.NumGoroutine()-base <= conns })
	for _, c := range clients {
		c.ping() // and a writer comes back when there is something to write
	}
}

func TestWheel(t *testing.T) {
	k := &wheel{tick: 10 * time.Millisecond, start: time.Unix(1000, 0), slots: make([][]wheelEntry, wheelSlots)}
	at := func(ticks int64) time.Time { return k.start.Add(time.Duration(ticks) * k.tick) }
	a, b, gone := &conn{}, &conn{}, &conn{}
	k.schedule(a, at(3))
	k.schedule(b, at(3+wheelSlots)) // same slot, one round later
	k.schedule(gone, at(5))
	k.remove(gone)
	k.schedule(gone, at(6)) // removed stays removed

	if due := k.advance(at(2), nil); len(due) != 0 {
		t.Fatalf("due at tick 2: %d", len(due))
	}
	if due := k.advance(at(3), nil); len(due) != 1 || due[0] != a {
		t.Fatalf("due at tick 3: %v, want a alone", due)
	}
	// Rebooked: the old entry is stale and only the new one fires.
	k.schedule(a, at(8))
	k.schedule(a, at(7))
	if due := k.advance(at(7), nil); len(due) != 1 || due[0] != a {
		t.Fatalf("due by tick 7: %v, want a once", due)
	}
	if due := k.advance(at(9), nil); len(due) != 0 {
		t.Fatalf("stale entry fired: %v", due)
	}
	// A time in the past is booked for the next tick; a long stall catches up.
	k.schedule(a, at(1))
	if due := k.advance(at(10), nil); len(due) != 1 {
		t.Fatalf("past booking: %v", due)
	}
	if due := k.advance(at(3+wheelSlots+2000), nil); len(due) != 1 || due[0] != b {
		t.Fatalf("after a stall: %v, want b", due)
	}
	if got := wheelTick(25*time.Second, time.Minute); got != time.Second {
		t.Errorf("tick for the defaults: %v", got)
	}
	if got := wheelTick(25*time.Second, 20*time.Millisecond); got != 2500*time.Microsecond {
		t.Errorf("tick for a 20ms re-check: %v", got)
	}
	if got := wheelTick(time.Microsecond); got != time.Millisecond {
		t.Errorf("tick floor: %v", got)
	}
}
