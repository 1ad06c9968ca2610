package presence

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"govchat/internal/redistest"
)

func testRedis(t *testing.T) redis.UniversalClient { return redistest.Client(t) }

// forEachTracker runs the same behaviour on the memory tracker and on two Redis
// trackers standing for two nodes (connections on one, questions to the other).
func forEachTracker(t *testing.T, fn func(t *testing.T, on, ask Tracker)) {
	t.Run("memory", func(t *testing.T) {
		m := NewMemory()
		fn(t, m, m)
	})
	t.Run("redis", func(t *testing.T) {
		c := testRedis(t)
		prefix := redistest.Prefix()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		n1, err := NewRedis(c, prefix, time.Minute, time.Now, log)
		if err != nil {
			t.Fatal(err)
		}
		n2, _ := NewRedis(c, prefix, time.Minute, time.Now, log)
		t.Cleanup(func() { n1.Close(context.Background()); n2.Close(context.Background()) })
		fn(t, n1, n2)
	})
}

func TestOnlineFollowsConnections(t *testing.T) {
	forEachTracker(t, func(t *testing.T, on, ask Tracker) {
		ctx := context.Background()
		check := func(want map[int64]bool) {
			t.Helper()
			got, err := ask.Online(ctx, []int64{1, 2, 3})
			if err != nil {
				t.Fatal(err)
			}
			for id, w := range want {
				if got[id] != w {
					t.Errorf("user %d online = %v, want %v", id, got[id], w)
				}
			}
		}
		check(map[int64]bool{1: false, 2: false})
		on.Connected(ctx, 1) // desktop
		on.Connected(ctx, 1) // phone
		on.Connected(ctx, 2)
		check(map[int64]bool{1: true, 2: true, 3: false})
		on.Disconnected(ctx, 1, false)
		check(map[int64]bool{1: true}) // still on the phone
		on.Disconnected(ctx, 1, false)
		on.Disconnected(ctx, 2, false)
		check(map[int64]bool{1: false, 2: false})
		on.Disconnected(ctx, 3, false) // a stray close never goes negative
		on.Connected(ctx, 3)
		check(map[int64]bool{3: true})
	})
}

// clock is a test clock the trackers and the test share; renewals read it from
// their own goroutine.
type clock struct{ ns atomic.Int64 }

func newClock() *clock                   { c := &clock{}; c.ns.Store(time.Now().UnixNano()); return c }
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// A node that dies stops vouching: its users drop offline once the claim lapses.
func TestDeadNodeLapses(t *testing.T) {
	c := testRedis(t)
	prefix := redistest.Prefix()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := newClock()
	// A TTL far above the test's own run time: only the clock moves claims past it.
	dead, _ := NewRedis(c, prefix, time.Minute, clk.now, log)
	alive, _ := NewRedis(c, prefix, time.Minute, clk.now, log)
	defer alive.Close(context.Background())
	dead.Connected(context.Background(), 7)
	close(dead.stop) // the node stops renewing, as if killed
	dead.wg.Wait()
	clk.advance(59 * time.Second)
	got, _ := alive.Online(context.Background(), []int64{7})
	if !got[7] {
		t.Fatal("user should be online within the TTL of connecting")
	}
	clk.advance(2 * time.Second)
	got, _ = alive.Online(context.Background(), []int64{7})
	if got[7] {
		t.Fatal("a dead node's claim must lapse")
	}
}

func TestActiveFollowsAway(t *testing.T) {
	forEachTracker(t, func(t *testing.T, on, ask Tracker) {
		ctx := context.Background()
		check := func(step string, online, active map[int64]bool) {
			t.Helper()
			ids := []int64{1, 2}
			gotOn, err := ask.Online(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			gotAct, err := ask.Active(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if gotOn[id] != online[id] || gotAct[id] != active[id] {
					t.Errorf("%s: user %d online=%v active=%v, want online=%v active=%v",
						step, id, gotOn[id], gotAct[id], online[id], active[id])
				}
			}
		}
		check("nobody connected", nil, nil)
		on.Connected(ctx, 1) // desktop
		check("a new connection is active", map[int64]bool{1: true}, map[int64]bool{1: true})
		on.Away(ctx, 1, true)
		check("its only connection away", map[int64]bool{1: true}, nil)
		on.Connected(ctx, 1) // phone
		check("another connection, active", map[int64]bool{1: true}, map[int64]bool{1: true})
		on.Away(ctx, 1, true)
		check("both away", map[int64]bool{1: true}, nil)
		on.Away(ctx, 1, false)
		check("one back", map[int64]bool{1: true}, map[int64]bool{1: true})
		on.Disconnected(ctx, 1, false) // the active one closes
		check("the away one left", map[int64]bool{1: true}, nil)
		on.Disconnected(ctx, 1, true) // the away one closes: both counts drop
		check("all closed", nil, nil)
		on.Connected(ctx, 1)
		check("reconnected: active, no away left over", map[int64]bool{1: true}, map[int64]bool{1: true})
		on.Away(ctx, 2, true) // stray reports never go negative nor make anyone online
		on.Away(ctx, 2, false)
		on.Away(ctx, 2, false)
		on.Connected(ctx, 2)
		check("user 2 starts active despite strays", map[int64]bool{1: true, 2: true}, map[int64]bool{1: true, 2: true})
	})
}

// A dead node's activity claim lapses like its presence claim: nobody stays active
// (or away) forever.
func TestDeadNodeActivityLapses(t *testing.T) {
	c := testRedis(t)
	prefix := redistest.Prefix()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := newClock()
	dead, _ := NewRedis(c, prefix, time.Minute, clk.now, log)
	alive, _ := NewRedis(c, prefix, time.Minute, clk.now, log)
	defer alive.Close(context.Background())
	ctx := context.Background()
	dead.Connected(ctx, 7)
	dead.Connected(ctx, 8)
	dead.Away(ctx, 8, true)
	close(dead.stop) // the node stops renewing, as if killed
	dead.wg.Wait()
	act, _ := alive.Active(ctx, []int64{7, 8})
	if !act[7] || act[8] {
		t.Fatalf("right after: active = %v, want 7 only", act)
	}
	alive.Connected(ctx, 8) // user 8 comes back on a live node
	// A TTL and a bit passes; the live node renews every third of it.
	for range 4 {
		clk.advance(20 * time.Second)
		alive.renewOnce(ctx)
	}
	clk.advance(time.Second)
	act, _ = alive.Active(ctx, []int64{7, 8})
	on, _ := alive.Online(ctx, []int64{7, 8})
	if act[7] || on[7] {
		t.Errorf("user 7: a dead node's claims must lapse (online %v, active %v)", on[7], act[7])
	}
	if !act[8] {
		t.Error("user 8 is active on the live node; the dead node's away must not outlive it")
	}
}

// Renewal withdraws an activity claim that an Away raced with.
func TestRenewalWithdrawsStaleActivity(t *testing.T) {
	c := testRedis(t)
	prefix := redistest.Prefix()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, _ := NewRedis(c, prefix, 300*time.Millisecond, time.Now, log)
	defer n.Close(context.Background())
	ctx := context.Background()
	n.Connected(ctx, 9)
	n.Away(ctx, 9, true)
	// As if a renewal that read the counts before Away wrote after it.
	if err := n.vouch(ctx, nil, []int64{9}, nil); err != nil {
		t.Fatal(err)
	}
	if act, _ := n.Active(ctx, []int64{9}); !act[9] {
		t.Fatal("setup: the stale claim should be there")
	}
	// The renewal ticker (every ttl/3) withdraws it, before the ttl would have.
	deadline := time.Now().Add(250 * time.Millisecond)
	for {
		act, _ := n.Active(ctx, []int64{9})
		if !act[9] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renewal should have withdrawn the stale activity claim")
		}
		time.Sleep(10 * time.Millisecond) // polling for the renewal, not waiting out a window
	}
	if on, _ := n.Online(ctx, []int64{9}); !on[9] {
		t.Error("user 9 is still online")
	}
}
