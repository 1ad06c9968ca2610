// Package presence knows who is online: connected to any node right now. The hub
// reports each connection opening and closing; the directory and (later) quiet hours and
// push ask. One node counts in memory; a cluster shares the answer through Redis.
package presence

import (
	"context"
	"sync"
)

// Tracker records connections and answers who is online.
type Tracker interface {
	Connected(ctx context.Context, userID int64)
	Disconnected(ctx context.Context, userID int64)
	Online(ctx context.Context, userIDs []int64) (map[int64]bool, error)
}

// counts is the per-node connection count per user, shared by both trackers.
type counts struct {
	mu sync.Mutex
	n  map[int64]int
}

// add changes a user's count and reports whether they just came online (0→1) or went
// offline (1→0).
func (c *counts) add(userID int64, delta int) (cameOnline, wentOffline bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	before := c.n[userID]
	after := max(before+delta, 0)
	if after == 0 {
		delete(c.n, userID)
	} else {
		c.n[userID] = after
	}
	return before == 0 && after > 0, before > 0 && after == 0
}

func (c *counts) has(userID int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[userID] > 0
}

func (c *counts) users() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]int64, 0, len(c.n))
	for id := range c.n {
		out = append(out, id)
	}
	return out
}

// Memory is the single-node tracker.
type Memory struct{ c counts }

// NewMemory returns an empty tracker.
func NewMemory() *Memory { return &Memory{c: counts{n: map[int64]int{}}} }

// Connected counts one more connection of the user.
func (m *Memory) Connected(_ context.Context, userID int64) { m.c.add(userID, 1) }

// Disconnected counts one connection fewer.
func (m *Memory) Disconnected(_ context.Context, userID int64) { m.c.add(userID, -1) }

// Online reports which of the users have a connection.
func (m *Memory) Online(_ context.Context, userIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		out[id] = m.c.has(id)
	}
	return out, nil
}
