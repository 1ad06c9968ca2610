package push_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/egress"
	"govchat/internal/push"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// TestSubscribeRefusesInwardEndpoints: with the production policy, every spelling of
// a loopback or private address a browser's URL parser accepts is refused when
// subscribing, as are the names of this machine.
func TestSubscribeRefusesInwardEndpoints(t *testing.T) {
	st := storetest.NewSQLite(t)
	svc, err := push.New(st, discard(), time.Now, push.Options{})
	if err != nil {
		t.Fatal(err)
	}
	alice := newUser(t, st, "alice")
	b := newBrowser(t)
	cases := []struct{ name, host string }{
		{"loopback", "127.0.0.1"},
		{"loopback in two parts", "127.1"},
		{"loopback as one decimal number", "2130706433"},
		{"loopback in hex", "0x7f000001"},
		{"loopback in octal", "0177.0.0.1"},
		{"loopback with a trailing dot", "127.0.0.1."},
		{"private in two parts", "10.1"},
		{"private", "192.168.0.10"},
		{"carrier-grade NAT", "100.64.1.1"},
		{"link-local metadata service", "169.254.169.254"},
		{"unspecified", "0.0.0.0"},
		{"multicast", "224.0.0.251"},
		{"localhost", "localhost"},
		{"localhost with a trailing dot", "localhost."},
		{"a name under localhost", "push.localhost"},
		{"IPv6 loopback", "[::1]"},
		{"IPv6 unique local", "[fd12::1]"},
		{"IPv6 link-local", "[fe80::1]"},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]"},
		{"IPv4-mapped private in hex", "[::ffff:a00:1]"},
		{"IPv4-compatible loopback", "[::127.0.0.1]"},
	}
	for _, c := range cases {
		t.Run("refuses "+c.name, func(t *testing.T) {
			err := svc.Subscribe(t.Context(), alice, b.subscription("https://"+c.host+":8443/wpush/x"), "")
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != protocol.CodeBadRequest || e.Field != "endpoint" {
				t.Fatalf("Subscribe(%s) = %v, want bad_request on endpoint", c.host, err)
			}
		})
	}
	t.Run("accepts a push service on the internet", func(t *testing.T) {
		subscribe(t, svc, alice, b.subscription("https://fcm.googleapis.com/fcm/send/abc"))
	})
}

// TestConnectRefusesInwardAddress: a subscription whose name passes the subscribe
// check but resolves to loopback (here localhost itself, stored directly, as a
// public name with an inward DNS answer would be) is refused by the dialer: the push
// is dropped, never sent and not retried. With a policy allowing the address the same
// subscription is delivered, so it is the policy that refuses.
func TestConnectRefusesInwardAddress(t *testing.T) {
	if addrs, err := net.DefaultResolver.LookupNetIP(t.Context(), "ip4", "localhost"); err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}
	cases := []struct {
		name      string
		policy    func(ps *pushService) egress.Policy
		delivered bool
	}{
		{"the production policy refuses it", func(*pushService) egress.Policy { return egress.Public }, false},
		{"a policy allowing the address delivers", func(ps *pushService) egress.Policy { return ps.allow }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.NewSQLite(t)
			ps := newPushService(t)
			clk := newClock(time.Now())
			var logs syncBuffer
			svc := newLoggingService(t, st, ps, clk, push.Options{Egress: c.policy(ps)}, slog.New(slog.NewTextHandler(&logs, nil)))
			alice := newUser(t, st, "alice")
			b := newBrowser(t)
			sub := b.subscription(strings.Replace(ps.endpoint("inward"), "127.0.0.1", "localhost", 1))
			if err := st.SavePushSubscription(t.Context(), &store.PushSubscription{
				UserID: alice, Endpoint: sub.Endpoint, P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth, CreatedAt: clk.Now(),
			}); err != nil {
				t.Fatal(err)
			}
			stop := run(t, svc)
			enqueue(t, svc, []int64{alice}, push.Message{Payload: noticePayload()})
			if c.delivered {
				ps.next(t)
				eventually(t, "job done", func() bool { return queueLen(t, st) == 0 })
				return
			}
			eventually(t, "job dropped, not kept for a retry", func() bool { return queueLen(t, st) == 0 })
			ps.none(t, 50*time.Millisecond)
			stop()
			if !strings.Contains(logs.String(), "not allowed") {
				t.Fatalf("log does not say the address was refused:\n%s", logs.String())
			}
		})
	}
}

// TestRedirectsAreNotFollowed: a push service answering with a redirect is not
// followed (it could point anywhere, past the check of the endpoint), and the push
// is dropped as not taken.
func TestRedirectsAreNotFollowed(t *testing.T) {
	st := storetest.NewSQLite(t)
	ps := newPushService(t)
	ps.setAnswer(func(int) int { return http.StatusTemporaryRedirect })
	svc := newService(t, st, ps, newClock(time.Now()), push.Options{})
	alice := newUser(t, st, "alice")
	subscribe(t, svc, alice, newBrowser(t).subscription(ps.endpoint("moved")))
	run(t, svc)
	enqueue(t, svc, []int64{alice}, push.Message{Payload: noticePayload()})
	if r := ps.next(t); r.Path != "/push/moved" {
		t.Fatalf("first request to %s", r.Path)
	}
	eventually(t, "push dropped", func() bool { return queueLen(t, st) == 0 })
	ps.none(t, 100*time.Millisecond)
}

// syncBuffer is a bytes.Buffer the worker's goroutines may log into.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
