// Package redistest gives tests a real Redis: the one at GOVCHAT_TEST_REDIS, or the
// local default. Like storetest for PostgreSQL, an unreachable Redis skips the test,
// except under CI=true, where it fails: CI must not pass by testing nothing.
package redistest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultURL is the Redis the tests use when GOVCHAT_TEST_REDIS is unset.
const DefaultURL = "redis://127.0.0.1:6379/0"

// URL is the test Redis.
func URL() string {
	if v := os.Getenv("GOVCHAT_TEST_REDIS"); v != "" {
		return v
	}
	return DefaultURL
}

// Client connects to the test Redis and closes the client when the test ends.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	opts, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("redistest: GOVCHAT_TEST_REDIS is not a Redis URL: %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		Unreachable(t, err)
	}
	return c
}

// Unreachable skips, or fails under CI=true.
func Unreachable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("Redis unreachable at %s (CI=true, so this fails rather than skips): %v", URL(), err)
	}
	t.Skipf("Redis unreachable at %s: %v", URL(), err)
}

// Prefix is a namespace no other test run uses.
func Prefix() string {
	return fmt.Sprintf("govchat-test-%d:", time.Now().UnixNano())
}
