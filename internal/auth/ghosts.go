package auth

import (
	"sync"
	"time"
)

// ghosts counts failed logins for usernames that have no account, and locks them like
// real ones. Without it a locked account would answer account_locked where an unknown
// name never does, and lockout would tell an attacker which usernames exist. It is
// kept in memory per node and bounded: names are cheap for an attacker to invent, so
// they must not cost the database a row each.
type ghosts struct {
	mu      sync.Mutex
	entries map[string]*ghost
	max     int
}

type ghost struct {
	failures    int
	lockedUntil time.Time
	last        time.Time
}

func newGhosts(max int) *ghosts {
	return &ghosts{entries: map[string]*ghost{}, max: max}
}

// lockedUntil reports the lock of an unknown username, zero when none.
func (g *ghosts) lockedUntil(name string, now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.entries[name]; ok && e.lockedUntil.After(now) {
		return e.lockedUntil
	}
	return time.Time{}
}

// fail counts a failure as RecordLoginFailure does for a real account, and returns the
// lock it caused (zero when none).
func (g *ghosts) fail(name string, now time.Time, maxFailures int, lockFor time.Duration) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ok := g.entries[name]
	if !ok {
		if len(g.entries) >= g.max {
			g.evict(now, lockFor)
		}
		e = &ghost{}
		g.entries[name] = e
	}
	if !e.lockedUntil.IsZero() && !e.lockedUntil.After(now) {
		e.failures, e.lockedUntil = 0, time.Time{} // the lock ran out: start again
	}
	e.failures++
	e.last = now
	if e.failures >= maxFailures {
		e.failures, e.lockedUntil = 0, now.Add(lockFor)
	}
	return e.lockedUntil
}

// evict drops entries idle for longer than a lock lasts; if none are, one arbitrary
// entry goes, which at worst forgets a few failures of an invented name.
func (g *ghosts) evict(now time.Time, lockFor time.Duration) {
	for name, e := range g.entries {
		if now.Sub(e.last) > lockFor && !e.lockedUntil.After(now) {
			delete(g.entries, name)
		}
	}
	for name := range g.entries {
		if len(g.entries) < g.max {
			return
		}
		delete(g.entries, name)
	}
}
