package hub

import (
	"context"
	"sync"
	"testing"
)

// countingPresence is a hand-written fake of the presence tracker.
type countingPresence struct {
	mu    sync.Mutex
	count map[int64]int
}

var _ Presence = (*countingPresence)(nil)

func (p *countingPresence) Connected(_ context.Context, id int64) {
	p.mu.Lock()
	p.count[id]++
	p.mu.Unlock()
}

func (p *countingPresence) Disconnected(_ context.Context, id int64) {
	p.mu.Lock()
	p.count[id]--
	p.mu.Unlock()
}

func (p *countingPresence) of(id int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[id]
}

func TestPresenceFollowsConnections(t *testing.T) {
	pr := &countingPresence{count: map[int64]int{}}
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
