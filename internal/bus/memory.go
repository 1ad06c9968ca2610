package bus

import (
	"bytes"
	"context"
	"fmt"
	"sync"
)

// Memory is the single-node bus: Publish hands the payload straight to this
// process's handlers.
//
// Delivery is synchronous on the publisher's goroutine, one publish at a time
// per bus: holding a single delivery turn while handlers run gives exactly
// Redis's guarantees (handlers never overlap, every subscriber sees a topic's
// payloads in one order) without a queue to bound or a goroutine to stop. The
// cost of a slow handler is bounded twice: handlers must not block (the hub's
// handler only enqueues into per-connection queues that drop slow clients), and
// a publisher waiting for its turn gives up when its context ends.
type Memory struct {
	// turn is a one-slot semaphore held while handlers run. A channel rather
	// than a mutex so Publish can stop waiting when its context ends.
	turn chan struct{}

	mu     sync.Mutex // guards closed and reg
	closed bool
	reg    registry
}

var _ Bus = (*Memory)(nil)

// NewMemory returns an in-process bus.
func NewMemory() *Memory {
	return &Memory{turn: make(chan struct{}, 1)}
}

// Name implements Bus.
func (m *Memory) Name() string { return "memory" }

// Publish implements Bus. Handlers have run when it returns nil.
func (m *Memory) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := checkPublish(topic, payload); err != nil {
		return err
	}
	// Checked first so a done context fails deterministically even when the
	// turn is free (select picks randomly among ready cases).
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bus: publish %q: %w", topic, err)
	}
	select {
	case m.turn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("bus: publish %q: waiting for delivery turn: %w", topic, ctx.Err())
	}
	defer func() { <-m.turn }()

	m.mu.Lock()
	closed := m.closed
	subs := m.reg.handlers(topic)
	m.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if len(subs) == 0 {
		return nil
	}
	// Copy so the publisher may reuse its buffer, as it may with Redis, where
	// every node decodes its own copy.
	deliver(subs, topic, bytes.Clone(payload))
	return nil
}

// Subscribe implements Bus. The subscription is in effect when it returns.
func (m *Memory) Subscribe(ctx context.Context, topic string, h Handler) (func(), error) {
	if err := checkSubscribe(topic, h); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bus: subscribe %q: %w", topic, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	s, _ := m.reg.add(topic, h)
	return func() {
		m.mu.Lock()
		m.reg.remove(topic, s)
		m.mu.Unlock()
	}, nil
}

// Ping implements Bus.
func (m *Memory) Ping(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

// Close implements Bus. It waits for a delivery in progress, so it must not be
// called from a Handler. Closing twice is a no-op.
func (m *Memory) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	// Take and release the turn: any publish holding it has finished its
	// handlers, and every later one sees closed.
	m.turn <- struct{}{}
	<-m.turn
	return nil
}
