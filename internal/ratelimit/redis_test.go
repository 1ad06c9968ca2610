package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"govchat/internal/redistest"
)

func testRedis(t *testing.T) redis.UniversalClient { return redistest.Client(t) }

// Two limiters on one Redis are two nodes: they share each key's budget.
func TestRedisBucketIsSharedAcrossNodes(t *testing.T) {
	c := testRedis(t)
	prefix := redistest.Prefix()
	node1 := NewRedis(c, prefix, 60, 4) // one a second, four at once
	node2 := NewRedis(c, prefix, 60, 4)
	ctx := context.Background()
	allowed := 0
	for i := range 8 {
		l := node1
		if i%2 == 1 {
			l = node2
		}
		ok, wait, err := l.Allow(ctx, "login:10.1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		} else if wait <= 0 || wait > time.Second {
			t.Errorf("refused with wait %s, want within a second", wait)
		}
	}
	if allowed != 4 {
		t.Fatalf("%d of 8 allowed across two nodes, want the burst of 4", allowed)
	}
	if ok, _, _ := node1.Allow(ctx, "login:10.9.9.9"); !ok {
		t.Fatal("another key must have its own budget")
	}
	time.Sleep(1100 * time.Millisecond)
	if ok, _, _ := node2.Allow(ctx, "login:10.1.2.3"); !ok {
		t.Fatal("a token should be back after a second")
	}
}

func TestRedisDownIsAnError(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	if _, _, err := NewRedis(c, "x:", 60, 1).Allow(context.Background(), "k"); err == nil {
		t.Fatal("an unreachable Redis must be reported")
	}
}
