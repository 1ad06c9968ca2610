package hub

import (
	"context"
	"fmt"
	"sync"

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

// topicEntry is one topic's local connections and its bus subscription.
type topicEntry struct {
	topic topic
	conns map[*conn]struct{} // guarded by subscriptions.mu

	// subMu serialises this topic's bus Subscribe and unsubscribe. It is held across
	// bus calls, so no bus handler may take it.
	subMu sync.Mutex
	unsub func() // guarded by subMu; nil while not subscribed
}

// subscriptions maps topics to local connections and holds one bus subscription
// per topic with at least one of them. Subscribe and unsubscribe happen on the
// connections' own goroutines, never inside a bus handler (the bus forbids it).
//
// One RWMutex guards the map: the bus runs its handlers one at a time, so readers
// never contend with each other, only with joins and leaves, which are brief.
type subscriptions struct {
	bus    bus.Bus
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
		e = &topicEntry{topic: t, conns: map[*conn]struct{}{}}
		s.topics[t] = e
	}
	e.conns[c] = struct{}{}
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
		delete(e.conns, c)
		if len(e.conns) == 0 && s.topics[t] == e {
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
	delete(e.conns, c)
	last := len(e.conns) == 0
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

// each calls fn for every local connection of e, under the read lock: fn must not
// block or join or leave topics.
func (s *subscriptions) each(e *topicEntry, fn func(c *conn)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for c := range e.conns {
		fn(c)
	}
}

func (s *subscriptions) count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.topics)
}
