package hub

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"govchat/internal/bus"
	"govchat/internal/busevent"
)

// topic is a bus topic the hub subscribes to: a channel's or a user's.
type topic struct {
	user bool
	id   int64
}

func (t topic) name() string {
	if t.user {
		return busevent.UserTopic(t.id)
	}
	return busevent.ChannelTopic(t.id)
}

// topicEntry is one topic's local connections and its bus subscription. The
// connections are split into parts, one per fan-out worker (conn.part): a worker
// delivers to its part only, under that part's lock, so workers never contend with
// each other and a join or leave waits for at most one part's delivery.
type topicEntry struct {
	topic topic
	n     int // local connections in all parts; guarded by subscriptions.mu
	parts []topicPart

	// subMu serialises this topic's bus Subscribe and unsubscribe. It is held across
	// bus calls, so no bus handler may take it.
	subMu sync.Mutex
	unsub func() // guarded by subMu; nil while not subscribed
}

// topicPart is one worker's share of a topic's connections, a plain slice: fan-out
// walks it, and a leave finds its connection by a linear scan (microseconds even at
// tens of thousands) rather than keeping an index per connection and topic.
type topicPart struct {
	mu    sync.Mutex
	conns []*conn
	n     atomic.Int32 // len(conns), read without the lock to skip empty parts
}

func (p *topicPart) add(c *conn) {
	p.mu.Lock()
	p.conns = append(p.conns, c)
	p.n.Store(int32(len(p.conns)))
	p.mu.Unlock()
}

func (p *topicPart) remove(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.Index(p.conns, c)
	if i < 0 {
		return
	}
	last := len(p.conns) - 1
	p.conns[i] = p.conns[last]
	p.conns[last] = nil
	p.conns = p.conns[:last]
	switch {
	case len(p.conns) == 0:
		p.conns = nil
	case cap(p.conns) > 64 && len(p.conns) < cap(p.conns)/4:
		p.conns = append(make([]*conn, 0, 2*len(p.conns)), p.conns...) // give back what a crowd that left took
	}
	p.n.Store(int32(len(p.conns)))
}

// subscriptions maps topics to local connections and holds one bus subscription
// per topic with at least one of them. Subscribe and unsubscribe happen on the
// connections' own goroutines, never inside a bus handler (the bus forbids it).
//
// One mutex guards the map and the entries' counts; fan-out never takes it, only
// the lock of the part it delivers to.
type subscriptions struct {
	bus    bus.Bus
	parts  int // fan-out workers
	fanout func(e *topicEntry, payload []byte)

	mu     sync.RWMutex
	topics map[topic]*topicEntry
}

// join adds c to t, subscribing on the bus when c is the topic's first local
// connection. c is in the topic before the subscription is made, so it gets every
// event delivered after join returns.
func (s *subscriptions) join(ctx context.Context, t topic, c *conn) error {
	s.mu.Lock()
	e := s.topics[t]
	if e == nil {
		e = &topicEntry{topic: t, parts: make([]topicPart, s.parts)}
		s.topics[t] = e
	}
	e.n++
	e.parts[c.part].add(c)
	s.mu.Unlock()

	e.subMu.Lock()
	var err error
	if e.unsub == nil {
		e.unsub, err = s.bus.Subscribe(ctx, t.name(), func(_ string, payload []byte) { s.fanout(e, payload) })
	}
	e.subMu.Unlock()
	if err != nil {
		// Nobody else can have subscribed e meanwhile (we held subMu and found it
		// unsubscribed), so there is no bus subscription to undo.
		s.mu.Lock()
		e.parts[c.part].remove(c)
		e.n--
		if e.n == 0 && s.topics[t] == e {
			delete(s.topics, t)
		}
		s.mu.Unlock()
		return fmt.Errorf("hub: subscribe %s: %w", t.name(), err)
	}
	return nil
}

// leave removes c from t and drops the bus subscription when c was the last.
func (s *subscriptions) leave(t topic, c *conn) {
	s.mu.Lock()
	e := s.topics[t]
	if e == nil {
		s.mu.Unlock()
		return
	}
	e.parts[c.part].remove(c)
	e.n--
	last := e.n == 0
	if last {
		// A later join makes a fresh entry with its own subscription; this one's
		// handler, until unsubscribed, finds no connections and delivers nothing.
		delete(s.topics, t)
	}
	s.mu.Unlock()
	if last {
		e.subMu.Lock()
		if e.unsub != nil {
			e.unsub()
			e.unsub = nil
		}
		e.subMu.Unlock()
	}
}

func (s *subscriptions) count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.topics)
}
