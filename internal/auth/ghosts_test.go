package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestGhostLockoutMirrorsAccounts(t *testing.T) {
	g := newGhosts(100)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i := 1; i < 5; i++ {
		if until := g.fail("nobody", now, 5, 15*time.Minute); !until.IsZero() {
			t.Fatalf("locked after %d failures", i)
		}
	}
	until := g.fail("nobody", now, 5, 15*time.Minute)
	if !until.Equal(now.Add(15 * time.Minute)) {
		t.Fatalf("fifth failure: lock until %v", until)
	}
	if g.lockedUntil("nobody", now.Add(time.Minute)).IsZero() {
		t.Fatal("the lock should hold for its duration")
	}
	if !g.lockedUntil("someoneelse", now).IsZero() {
		t.Fatal("another name is not locked")
	}
	later := now.Add(16 * time.Minute)
	if !g.lockedUntil("nobody", later).IsZero() {
		t.Fatal("the lock should have run out")
	}
	if until := g.fail("nobody", later, 5, 15*time.Minute); !until.IsZero() {
		t.Fatal("after the lock, counting starts again")
	}
}

func TestGhostsStayBounded(t *testing.T) {
	g := newGhosts(50)
	now := time.Now()
	for i := range 10_000 {
		g.fail(fmt.Sprint("name", i), now, 5, time.Minute)
	}
	if n := len(g.entries); n > 50 {
		t.Fatalf("%d entries kept, bound 50", n)
	}
}
