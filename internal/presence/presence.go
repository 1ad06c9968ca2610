// Package presence knows who is online: connected to any node right now, and who is
// active: with a connection the person has not left idle. The hub reports each
// connection opening, closing and going away or coming back; the directory and the push
// dispatcher ask. One node counts in memory; a cluster shares the answer through Redis.
package presence

import (
	"context"
	"sync"
)

// Tracker records connections and answers who is online and who is active.
//
// A connection is active unless the hub has said it is away (the person left the page
// idle); a user is online with any connection and active with any connection that is
// not away.
type Tracker interface {
	Connected(ctx context.Context, userID int64)
	// Disconnected counts one connection fewer; away says whether it was away, so it
	// leaves the away count too.
	Disconnected(ctx context.Context, userID int64, away bool)
	// Away marks one of the user's connections away (true) or active again (false).
	// The caller reports changes only: never away twice for the same connection.
	Away(ctx context.Context, userID int64, away bool)
	Online(ctx context.Context, userIDs []int64) (map[int64]bool, error)
	Active(ctx context.Context, userIDs []int64) (map[int64]bool, error)
}

// tally is one user's connections on this node, and how many of them are away.
type tally struct{ conns, away int }

func (t tally) online() bool { return t.conns > 0 }
func (t tally) active() bool { return t.conns > t.away }

// counts is the per-node tally per user, shared by both trackers.
type counts struct {
	mu sync.Mutex
	n  map[int64]tally
}

func newCounts() counts { return counts{n: map[int64]tally{}} }

// change reports how a user's state moved: online is 0→1 connection (+1), 1→0 (-1) or
// neither (0); active likewise for connections not away.
type change struct{ online, active int }

func flip(before, after bool) int {
	switch {
	case !before && after:
		return 1
	case before && !after:
		return -1
	}
	return 0
}

// add changes a user's connection and away counts; neither goes below zero, nor has
// more away connections than connections.
func (c *counts) add(userID int64, conns, away int) change {
	c.mu.Lock()
	defer c.mu.Unlock()
	before := c.n[userID]
	after := tally{conns: max(before.conns+conns, 0), away: max(before.away+away, 0)}
	after.away = min(after.away, after.conns)
	if after.conns == 0 {
		delete(c.n, userID)
	} else {
		c.n[userID] = after
	}
	return change{online: flip(before.online(), after.online()), active: flip(before.active(), after.active())}
}

func (c *counts) get(userID int64) tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[userID]
}

// users lists the users online on this node, and splits them into those active (with a
// connection not away) and those idle.
func (c *counts) users() (online, active, idle []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	online = make([]int64, 0, len(c.n))
	for id, t := range c.n {
		online = append(online, id)
		if t.active() {
			active = append(active, id)
		} else {
			idle = append(idle, id)
		}
	}
	return online, active, idle
}

// Memory is the single-node tracker.
type Memory struct{ c counts }

// NewMemory returns an empty tracker.
func NewMemory() *Memory { return &Memory{c: newCounts()} }

// Connected counts one more connection of the user; a new connection is active.
func (m *Memory) Connected(_ context.Context, userID int64) { m.c.add(userID, 1, 0) }

// Disconnected counts one connection fewer, and one away fewer if it was away.
func (m *Memory) Disconnected(_ context.Context, userID int64, away bool) {
	m.c.add(userID, -1, -b2i(away))
}

// Away marks one connection away or active again.
func (m *Memory) Away(_ context.Context, userID int64, away bool) {
	m.c.add(userID, 0, sign(away))
}

// Online reports which of the users have a connection.
func (m *Memory) Online(_ context.Context, userIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		out[id] = m.c.get(id).online()
	}
	return out, nil
}

// Active reports which of the users have a connection that is not away.
func (m *Memory) Active(_ context.Context, userIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		out[id] = m.c.get(id).active()
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sign is +1 for away, -1 for active again.
func sign(away bool) int {
	if away {
		return 1
	}
	return -1
}
