package presence

import (
	"context"
	"io"
	"log/slog"
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
		on.Disconnected(ctx, 1)
		check(map[int64]bool{1: true}) // still on the phone
		on.Disconnected(ctx, 1)
		on.Disconnected(ctx, 2)
		check(map[int64]bool{1: false, 2: false})
		on.Disconnected(ctx, 3) // a stray close never goes negative
		on.Connected(ctx, 3)
		check(map[int64]bool{3: true})
	})
}

// A node that dies stops vouching: its users drop offline once the claim lapses.
func TestDeadNodeLapses(t *testing.T) {
	c := testRedis(t)
	prefix := redistest.Prefix()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := time.Now()
	now := func() time.Time { return clock }
	dead, _ := NewRedis(c, prefix, 300*time.Millisecond, now, log)
	alive, _ := NewRedis(c, prefix, 300*time.Millisecond, time.Now, log)
	defer alive.Close(context.Background())
	dead.Connected(context.Background(), 7)
	close(dead.stop) // the node stops renewing, as if killed
	dead.wg.Wait()
	got, _ := alive.Online(context.Background(), []int64{7})
	if !got[7] {
		t.Fatal("user should be online right after connecting")
	}
	time.Sleep(400 * time.Millisecond)
	got, _ = alive.Online(context.Background(), []int64{7})
	if got[7] {
		t.Fatal("a dead node's claim must lapse")
	}
}
