package bus

import (
	"slices"
	"sync/atomic"
)

// subscription is one registered handler. active is cleared on unsubscribe so
// a delivery that took its snapshot of the topic's handlers just before skips
// the handler from then on.
type subscription struct {
	h      Handler
	active atomic.Bool
}

// registry holds the local handlers per topic; both buses keep their
// bookkeeping here so it is written once. Callers guard it with their own lock.
//
// Handler lists are copy-on-write: a slice returned by handlers is never
// modified afterwards, so delivery runs handlers from a snapshot without
// holding the caller's lock, and a handler may unsubscribe without deadlock.
type registry struct {
	topics map[string][]*subscription
}

// add registers h and reports whether it is the topic's first handler.
func (r *registry) add(topic string, h Handler) (s *subscription, first bool) {
	if r.topics == nil {
		r.topics = make(map[string][]*subscription)
	}
	s = &subscription{h: h}
	s.active.Store(true)
	old := r.topics[topic]
	// Clip so append always copies, leaving snapshots of old intact.
	r.topics[topic] = append(slices.Clip(old), s)
	return s, len(old) == 0
}

// remove unregisters s and reports whether that left topic without handlers.
// Removing a subscription twice is a no-op that reports false, which makes
// unsubscribe funcs idempotent.
func (r *registry) remove(topic string, s *subscription) (last bool) {
	s.active.Store(false)
	old := r.topics[topic]
	i := slices.Index(old, s)
	if i < 0 {
		return false
	}
	if len(old) == 1 {
		delete(r.topics, topic)
		return true
	}
	r.topics[topic] = slices.Delete(slices.Clone(old), i, i+1)
	return false
}

// handlers returns the topic's handlers; the caller must not modify the slice.
func (r *registry) handlers(topic string) []*subscription {
	return r.topics[topic]
}

// deliver calls each still-active handler in subs.
func deliver(subs []*subscription, topic string, payload []byte) {
	for _, s := range subs {
		if s.active.Load() {
			s.h(topic, payload)
		}
	}
}
