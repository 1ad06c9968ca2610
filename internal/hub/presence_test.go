package hub

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"govchat/protocol"
)

// countingPresence is a hand-written fake of the presence tracker.
type countingPresence struct {
	mu    sync.Mutex
	count map[int64]int
	away  map[int64]int
}

var _ Presence = (*countingPresence)(nil)

func newCountingPresence() *countingPresence {
	return &countingPresence{count: map[int64]int{}, away: map[int64]int{}}
}

func (p *countingPresence) Connected(_ context.Context, id int64) {
	p.mu.Lock()
	p.count[id]++
	p.mu.Unlock()
}

func (p *countingPresence) Disconnected(_ context.Context, id int64, away bool) {
	p.mu.Lock()
	p.count[id]--
	if away {
		p.away[id]--
	}
	p.mu.Unlock()
}

func (p *countingPresence) Away(_ context.Context, id int64, away bool) {
	p.mu.Lock()
	if away {
		p.away[id]++
	} else {
		p.away[id]--
	}
	p.mu.Unlock()
}

func (p *countingPresence) of(id int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[id]
}

func (p *countingPresence) awayOf(id int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.away[id]
}

func TestPresenceFollowsConnections(t *testing.T) {
	pr := newCountingPresence()
	h := newHarness(t, Options{Presence: pr})
	desktop := h.user(7, 1)
	desktop.hello()
	phone := h.user(7, 1)
	phone.hello()
	eventually(t, "two connections counted", func() bool { return pr.of(7) == 2 })
	desktop.ws.Close()
	eventually(t, "one left", func() bool { return pr.of(7) == 1 })
	phone.ws.Close()
	eventually(t, "none left", func() bool { return pr.of(7) == 0 })
}

// sendAway sends away and checks the ack echoes the state.
func (c *client) sendAway(away bool) {
	c.t.Helper()
	ref := c.send(protocol.TypeAway, protocol.AwayData{Away: away})
	f := c.expect(protocol.TypeAck, ref)
	var d protocol.AwayData
	if err := json.Unmarshal(f.Data, &d); err != nil || d.Away != away {
		c.t.Fatalf("ack %s, want away %v", f.Data, away)
	}
}

func TestAway(t *testing.T) {
	t.Run("before hello it is refused like any frame", func(t *testing.T) {
		pr := newCountingPresence()
		h := newHarness(t, Options{Presence: pr})
		c := h.user(7, 1)
		ref := c.send(protocol.TypeAway, protocol.AwayData{Away: true})
		c.expectError(protocol.CodeHelloFirst, ref)
		c.hello()
		c.ping()
		if n := pr.awayOf(7); n != 0 {
			t.Fatalf("away count %d after a refused away, want 0", n)
		}
	})
	t.Run("the flag is the connection's and changes are told to presence", func(t *testing.T) {
		pr := newCountingPresence()
		h := newHarness(t, Options{Presence: pr})
		c := h.user(7, 1)
		c.hello()
		c.sendAway(false) // already active: nothing to tell
		if n := pr.awayOf(7); n != 0 {
			t.Fatalf("away count %d, want 0", n)
		}
		c.sendAway(true)
		c.sendAway(true) // said twice, counted once
		if n := pr.awayOf(7); n != 1 {
			t.Fatalf("away count %d, want 1", n)
		}
		c.sendAway(false)
		if n := pr.awayOf(7); n != 0 {
			t.Fatalf("away count %d after coming back, want 0", n)
		}
		h.svc.mu.Lock()
		handled := len(h.svc.handled)
		h.svc.mu.Unlock()
		if handled != 0 {
			t.Fatalf("the service handled %d frames; away is the hub's", handled)
		}
	})
	t.Run("closing while away leaves both counts", func(t *testing.T) {
		pr := newCountingPresence()
		h := newHarness(t, Options{Presence: pr})
		desktop := h.user(7, 1)
		desktop.hello()
		phone := h.user(7, 1)
		phone.hello()
		desktop.sendAway(true)
		desktop.ws.Close()
		eventually(t, "the away connection left both counts", func() bool { return pr.of(7) == 1 && pr.awayOf(7) == 0 })
		phone.ws.Close()
		eventually(t, "none left", func() bool { return pr.of(7) == 0 && pr.awayOf(7) == 0 })
	})
	t.Run("malformed data is refused and the connection goes on", func(t *testing.T) {
		pr := newCountingPresence()
		h := newHarness(t, Options{Presence: pr})
		c := h.user(7, 1)
		c.hello()
		for _, tc := range []struct{ name, frame, field string }{
			{"no data", `{"v":1,"type":"away","ref":"a1"}`, "data.away"},
			{"null away", `{"v":1,"type":"away","ref":"a1","data":{"away":null}}`, "data.away"},
			{"a string", `{"v":1,"type":"away","ref":"a1","data":{"away":"yes"}}`, "data.away"},
			{"an unknown field", `{"v":1,"type":"away","ref":"a1","data":{"away":true,"for":600}}`, "data"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c.write(tc.frame)
				if e := c.expectError(protocol.CodeBadRequest, "a1"); e.Field != tc.field {
					t.Errorf("field %q, want %q", e.Field, tc.field)
				}
				c.ping()
			})
		}
		if n := pr.awayOf(7); n != 0 {
			t.Fatalf("away count %d after refused frames, want 0", n)
		}
	})
	t.Run("without a presence tracker it is still answered", func(t *testing.T) {
		h := newHarness(t, Options{})
		c := h.user(7, 1)
		c.hello()
		c.sendAway(true)
		c.sendAway(false)
	})
}
