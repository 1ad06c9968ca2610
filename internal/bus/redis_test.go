package bus

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const defaultTestRedis = "redis://127.0.0.1:6379/0"

// testRedisURL returns the Redis to test against (GOVCHAT_TEST_REDIS, else a
// local default). If it does not answer, the test is skipped, or fails under
// CI=true so a broken CI service cannot pass silently.
func testRedisURL(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("GOVCHAT_TEST_REDIS")
	if raw == "" {
		raw = defaultTestRedis
	}
	err := func() error {
		opts, err := redis.ParseURL(raw)
		if err != nil {
			return err
		}
		// One attempt: a missing Redis should skip quickly, not after retries.
		opts.MaxRetries, opts.DialerRetries = -1, 1
		c := redis.NewClient(opts)
		defer c.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		return c.Ping(ctx).Err()
	}()
	if err != nil {
		shown := "(unparseable URL)"
		if u, perr := url.Parse(raw); perr == nil {
			shown = u.Redacted()
		}
		msg := fmt.Sprintf("Redis not reachable at %s (set GOVCHAT_TEST_REDIS to point elsewhere): %v", shown, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return raw
}

// uniquePrefix isolates a test's channels from every other test and test run
// sharing the Redis.
func uniquePrefix(t *testing.T) string {
	return "govchat-test:" + t.Name() + ":" + rand.Text()[:10] + ":"
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// openRedis opens a node with the given channel prefix, closed when the test ends.
func openRedis(t *testing.T, prefix string) *Redis {
	t.Helper()
	return openRedisURL(t, testRedisURL(t), prefix)
}

func openRedisURL(t *testing.T, rawURL, prefix string) *Redis {
	t.Helper()
	b, err := NewRedis(t.Context(), rawURL, testLogger(t), WithPrefix(prefix))
	if err != nil {
		t.Fatalf("NewRedis: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

// inspector is a plain client for looking at Redis from outside the bus.
func inspector(t *testing.T) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(testRedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestRedisNodes(t *testing.T) {
	t.Run("two nodes see each other's publishes", func(t *testing.T) {
		prefix := uniquePrefix(t)
		a, b := openRedis(t, prefix), openRedis(t, prefix)
		recA, recB := newRecorder(), newRecorder()
		subscribe(t, a, "chan:1", recA.handle)
		subscribe(t, b, "chan:1", recB.handle)
		publish(t, a, "chan:1", "from a")
		publish(t, b, "chan:1", "from b")
		recA.expect(t, "chan:1", "from a", "from b")
		recB.expect(t, "chan:1", "from a", "from b")
	})

	t.Run("nodes with different prefixes do not hear each other", func(t *testing.T) {
		a, b := openRedis(t, uniquePrefix(t)), openRedis(t, uniquePrefix(t))
		recA, recB := newRecorder(), newRecorder()
		subscribe(t, a, "chan:1", recA.handle)
		subscribe(t, b, "chan:1", recB.handle)
		publish(t, a, "chan:1", "from a")
		publish(t, b, "chan:1", "from b")
		// Redis publishes in order, so a crossed payload would arrive first.
		recA.expect(t, "chan:1", "from a")
		recB.expect(t, "chan:1", "from b")
	})
}

func TestRedisSubscriptions(t *testing.T) {
	t.Run("subscribes each topic once and unsubscribes with its last handler", func(t *testing.T) {
		prefix := uniquePrefix(t)
		b, insp := openRedis(t, prefix), inspector(t)
		channel := prefix + "chan:1"
		subscribers := func() int64 {
			t.Helper()
			n, err := insp.PubSubNumSub(t.Context(), channel).Result()
			if err != nil {
				t.Fatal(err)
			}
			return n[channel]
		}

		var unsubs []func()
		for range 3 {
			unsubs = append(unsubs, subscribe(t, b, "chan:1", func(string, []byte) {}))
			// Subscribe has waited for Redis, so no polling is needed here.
			if n := subscribers(); n != 1 {
				t.Fatalf("Redis counts %d subscribers of %s, want 1 per node", n, channel)
			}
		}
		unsubs[0]()
		unsubs[1]()
		if n := subscribers(); n != 1 {
			t.Fatalf("with one handler left Redis counts %d subscribers, want 1", n)
		}
		unsubs[2]()
		// UNSUBSCRIBE is not awaited, so give Redis a moment.
		deadline := time.Now().Add(waitTimeout)
		for subscribers() != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s still subscribed after its last handler left", channel)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	t.Run("resubscribes after the subscriber connection is killed", func(t *testing.T) {
		base := testRedisURL(t)
		name := "govchat-bus-test-" + strings.ToLower(rand.Text()[:10])
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("client_name", name) // so the test can find this node's connection
		u.RawQuery = q.Encode()
		b, insp := openRedisURL(t, u.String(), uniquePrefix(t)), inspector(t)

		rec := newRecorder()
		subscribe(t, b, "chan:1", rec.handle)
		killSubscriberConn(t, insp, name)

		// Payloads published while the connection is down are lost, so
		// publish until one gets through the new connection.
		deadline := time.Now().Add(waitTimeout)
		for i := 0; len(rec.snapshot()) == 0; i++ {
			if time.Now().After(deadline) {
				t.Fatal("no delivery after the subscriber connection was killed")
			}
			publish(t, b, "chan:1", fmt.Sprint("after kill ", i))
			time.Sleep(20 * time.Millisecond)
		}
		// The node stays usable: a new topic subscribes on the new connection.
		rec2 := newRecorder()
		subscribe(t, b, "chan:2", rec2.handle)
		publish(t, b, "chan:2", "fresh")
		rec2.expect(t, "chan:2", "fresh")
		for err := b.Ping(t.Context()); err != nil; err = b.Ping(t.Context()) {
			if time.Now().After(deadline) {
				t.Fatalf("Ping still failing after reconnect: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// killSubscriberConn kills the pub/sub connection named name, and only it:
// other tests may be using the same Redis.
func killSubscriberConn(t *testing.T, insp *redis.Client, name string) {
	t.Helper()
	list, err := insp.ClientList(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(list, "\n") {
		fields := strings.Fields(line)
		// The node's pool connections share the name; the subscriber one is
		// the one with subscriptions.
		if !slices.Contains(fields, "name="+name) || slices.Contains(fields, "sub=0") {
			continue
		}
		for _, f := range fields {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if err := insp.Do(t.Context(), "CLIENT", "KILL", "ID", id).Err(); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	}
	t.Fatalf("no pub/sub connection named %s in CLIENT LIST:\n%s", name, list)
}

func TestNewRedis(t *testing.T) {
	const secret = "s3cretPW"
	t.Run("fails fast naming --redis without showing the password", func(t *testing.T) {
		cases := []struct{ name, url string }{
			{"unreachable", "redis://:" + secret + "@127.0.0.1:1/0"},
			{"unreachable with user", "redis://bob:" + secret + "@127.0.0.1:1/0"},
			{"wrong scheme", "http://:" + secret + "@127.0.0.1:6379/0"},
			{"bad database", "redis://:" + secret + "@127.0.0.1:6379/nodb"},
			{"unencoded # in password", "redis://:s3cret#PW@127.0.0.1:6379/0"},
			{"unencoded / in password", "redis://:123/" + secret + "@127.0.0.1:6379/0"},
			{"unencoded ? in password", "redis://:s3cret?PW@127.0.0.1:6379/0"},
			{"empty", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				start := time.Now()
				b, err := NewRedis(ctx, tc.url, nil)
				if err == nil {
					b.Close()
					t.Fatal("NewRedis succeeded, want an error")
				}
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("took %v to fail, want fast", d)
				}
				msg := err.Error()
				if !strings.Contains(msg, "--redis") {
					t.Errorf("error %q does not name the --redis setting", msg)
				}
				for _, piece := range []string{secret, "s3cret", "PW"} {
					if strings.Contains(msg, piece) {
						t.Errorf("error %q shows password piece %q", msg, piece)
					}
				}
			})
		}
	})

	t.Run("rejects a wrong password without showing it", func(t *testing.T) {
		u, err := url.Parse(testRedisURL(t))
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword("nosuchuser", secret)
		b, err := NewRedis(t.Context(), u.String(), nil)
		if err == nil {
			b.Close()
			t.Fatal("NewRedis with a wrong password succeeded")
		}
		if msg := err.Error(); !strings.Contains(msg, "--redis") || strings.Contains(msg, secret) {
			t.Errorf("error %q: want it to name --redis and not show the password", msg)
		}
	})

	t.Run("wraps the cause", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := NewRedis(ctx, "redis://127.0.0.1:1/0", nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("NewRedis with a cancelled context = %v, want it to wrap context.Canceled", err)
		}
	})

	t.Run("is named redis", func(t *testing.T) {
		if got := openRedis(t, uniquePrefix(t)).Name(); got != "redis" {
			t.Errorf("Name() = %q", got)
		}
	})
}

// PublishBatch sends a whole batch in one pipeline: every payload arrives, on
// another node too, each topic's in slice order.
func TestRedisPublishBatchKeepsOrder(t *testing.T) {
	prefix := uniquePrefix(t)
	pub, sub := openRedis(t, prefix), openRedis(t, prefix)
	got := make(chan string, 1000)
	for _, topic := range []string{"a", "b"} {
		if _, err := sub.Subscribe(t.Context(), topic, func(topic string, p []byte) { got <- topic + "/" + string(p) }); err != nil {
			t.Fatal(err)
		}
	}
	var msgs []Message
	var want []string
	for i := range 400 {
		topic := []string{"a", "b"}[i%3%2]
		msgs = append(msgs, Message{Topic: topic, Payload: fmt.Append(nil, i)})
		want = append(want, fmt.Sprintf("%s/%d", topic, i))
	}
	if err := PublishBatch(t.Context(), pub, msgs); err != nil {
		t.Fatal(err)
	}
	var have []string
	for range want {
		select {
		case s := <-got:
			have = append(have, s)
		case <-time.After(5 * time.Second):
			t.Fatalf("got %d of %d payloads", len(have), len(want))
		}
	}
	if !slices.Equal(have, want) { // one receiving goroutine: arrival order is Redis's order
		t.Fatalf("order differs:\nhave %v\nwant %v", have, want)
	}
	if err := pub.PublishBatch(t.Context(), []Message{{Topic: "", Payload: []byte("x")}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty topic: %v, want ErrInvalid", err)
	}
}
