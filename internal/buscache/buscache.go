// Package buscache keeps one value read from the database — a setting every node
// needs on its hot path, such as the secrecy ladder or the DLP rules — and reads it
// again when any node says it changed or when a TTL has passed. A change is heard of
// on a bus topic; the bus carries it at most once, so the TTL is what lets a node that
// missed one (Redis reconnecting) catch up.
package buscache

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"govchat/internal/bus"
)

// Subscriber is the part of the bus the cache listens on.
type Subscriber interface {
	Subscribe(ctx context.Context, topic string, h bus.Handler) (unsubscribe func(), err error)
}

// Cache holds the value of type T last loaded.
type Cache[T any] struct {
	ttl time.Duration
	now func() time.Time

	// gen counts the changes heard of; a value loaded at an older generation is
	// stale. The bus handler only bumps it: it must not block.
	gen atomic.Uint64

	mu       sync.Mutex // guards the fields below and serialises loads
	val      T
	loaded   bool
	valGen   uint64
	loadedAt time.Time
}

// New returns an empty cache whose value is trusted for ttl after it was loaded.
func New[T any](ttl time.Duration, now func() time.Time) *Cache[T] {
	return &Cache[T]{ttl: ttl, now: now}
}

// Listen makes changes announced on topic by any node drop the value; the returned
// func stops it.
func (c *Cache[T]) Listen(ctx context.Context, b Subscriber, topic string) (func(), error) {
	unsub, err := b.Subscribe(ctx, topic, func(string, []byte) { c.Changed() })
	if err != nil {
		return nil, fmt.Errorf("buscache: listen on %s: %w", topic, err)
	}
	return unsub, nil
}

// Changed drops the value: the next Get loads it again. A node that makes a change
// calls it at once, whatever the bus does.
func (c *Cache[T]) Changed() { c.gen.Add(1) }

// Get returns the value, calling load first when there is none, a change was heard of
// since it was loaded, its TTL has passed or the clock went back. Loads are
// serialised, so concurrent callers wait for one load rather than each making one. A
// failed load keeps nothing; the next Get tries again.
func (c *Cache[T]) Get(ctx context.Context, load func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	g := c.gen.Load()
	if c.loaded && c.valGen == g && now.Sub(c.loadedAt) < c.ttl && !now.Before(c.loadedAt) {
		return c.val, nil
	}
	v, err := load(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	c.val, c.loaded, c.valGen, c.loadedAt = v, true, g, now
	return v, nil
}
