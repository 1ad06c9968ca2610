package push_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/push"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func newUser(t *testing.T, st store.Store, name string) int64 {
	t.Helper()
	u := store.User{Username: name, DisplayName: name, Role: store.RoleStaff}
	if err := st.CreateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func subscribe(t *testing.T, svc *push.Service, userID int64, req protocol.PushSubscribeRequest) {
	t.Helper()
	if err := svc.Subscribe(t.Context(), userID, req, "Mozilla/5.0 test"); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
}

func enqueue(t *testing.T, svc *push.Service, users []int64, msg push.Message) int {
	t.Helper()
	n, err := svc.Enqueue(t.Context(), users, msg)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return n
}

func queueLen(t *testing.T, st store.Store) int {
	t.Helper()
	n, err := st.CountPushJobs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// eventually polls cond for a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting: %s", what)
}

func noticePayload() protocol.PushPayload {
	return protocol.PushPayload{Kind: protocol.PushNotice, Title: "关于报送2025年度预算执行情况的通知", Body: "请于周五前确认",
		URL: "/notices/7", Tag: "notice7", Urgent: true}
}

// TestEndToEnd is the real push path: the server sends to a push endpoint the
// test serves, and the test decrypts the payload with its own RFC 8291 code and checks
// it, the TTL, Urgency and Topic headers, and the VAPID signature.
func TestEndToEnd(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		t.Parallel()
		ps := newPushService(t)
		c := newClock(time.Now())
		svc := newService(t, st, ps, c, push.Options{Subject: "mailto:ops@czj.example.gov.cn"})
		alice, bob := newUser(t, st, "alice"), newUser(t, st, "bob")
		phone, desktop, other := newBrowser(t), newBrowser(t), newBrowser(t)
		subscribe(t, svc, alice, phone.subscription(ps.endpoint("alice-phone")))
		subscribe(t, svc, alice, desktop.subscription(ps.endpoint("alice-desktop")))
		subscribe(t, svc, bob, other.subscription(ps.endpoint("bob")))
		run(t, svc)

		msg := push.Message{Payload: noticePayload(), TTL: 2 * time.Hour, Urgent: true, Topic: "n7"}
		if n := enqueue(t, svc, []int64{alice}, msg); n != 2 {
			t.Fatalf("Enqueue queued %d, want alice's 2 devices", n)
		}
		byPath := map[string]received{}
		for range 2 {
			r := ps.next(t)
			byPath[r.Path] = r
		}
		ps.none(t, 100*time.Millisecond) // nothing for bob
		for path, b := range map[string]browser{"/push/alice-phone": phone, "/push/alice-desktop": desktop} {
			r, ok := byPath[path]
			if !ok {
				t.Fatalf("nothing sent to %s (got %v)", path, byPath)
			}
			plain, err := b.decrypt(r.Body)
			if err != nil {
				t.Fatalf("%s: decrypt: %v", path, err)
			}
			var got protocol.PushPayload
			if err := json.Unmarshal(plain, &got); err != nil {
				t.Fatalf("%s: payload %q: %v", path, plain, err)
			}
			if got != msg.Payload {
				t.Fatalf("%s: payload %+v, want %+v", path, got, msg.Payload)
			}
			if _, err := other.decrypt(r.Body); err == nil {
				t.Fatalf("%s: another browser's keys decrypt it", path)
			}
			h := r.Header
			if h.Get("Content-Encoding") != "aes128gcm" {
				t.Errorf("Content-Encoding %q", h.Get("Content-Encoding"))
			}
			if ttl, err := strconv.Atoi(h.Get("TTL")); err != nil || ttl > 7200 || ttl < 7190 {
				t.Errorf("TTL %q, want 7200 (what is left of 2h)", h.Get("TTL"))
			}
			if h.Get("Urgency") != "high" {
				t.Errorf("Urgency %q, want high", h.Get("Urgency"))
			}
			if h.Get("Topic") != "n7" {
				t.Errorf("Topic %q, want n7", h.Get("Topic"))
			}
			claims := vapidClaims(t, h.Get("Authorization"), svc.PublicKey())
			u, _ := url.Parse(ps.srv.URL)
			if claims["aud"] != "https://"+u.Host {
				t.Errorf("aud %v, want the endpoint's origin https://%s", claims["aud"], u.Host)
			}
			if claims["sub"] != "mailto:ops@czj.example.gov.cn" {
				t.Errorf("sub %v", claims["sub"])
			}
			exp, _ := claims["exp"].(float64)
			if until := time.Until(time.Unix(int64(exp), 0)); until <= 0 || until > 24*time.Hour {
				t.Errorf("exp is %v from now, want within 24h", until)
			}
		}
		eventually(t, "queue empty", func() bool { return queueLen(t, st) == 0 })
		eventually(t, "last use recorded", func() bool {
			subs, err := st.ListPushSubscriptions(t.Context(), alice)
			return err == nil && len(subs) == 2 && !subs[0].LastUsedAt.IsZero() && !subs[1].LastUsedAt.IsZero()
		})

		t.Run("normal urgency, long topic hashed", func(t *testing.T) {
			enqueue(t, svc, []int64{bob}, push.Message{Payload: protocol.PushPayload{Kind: protocol.PushMessage, Title: "办公室群", Body: "新消息", URL: "/c/12", Tag: "c12"},
				Topic: "channel:12 — 办公室"})
			r := ps.next(t)
			if r.Header.Get("Urgency") != "normal" || r.Header.Get("TTL") != "86400" {
				t.Fatalf("Urgency %q TTL %q, want normal and the 24h default", r.Header.Get("Urgency"), r.Header.Get("TTL"))
			}
			if topic := r.Header.Get("Topic"); topic != push.Topic("channel:12 — 办公室") || len(topic) != 32 {
				t.Fatalf("Topic %q", topic)
			}
		})
	})
}

func TestGoneSubscriptionIsRemoved(t *testing.T) {
	for _, status := range []int{http.StatusGone, http.StatusNotFound} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			st := storetest.NewSQLite(t)
			ps := newPushService(t)
			ps.setAnswer(func(int) int { return status })
			c := newClock(time.Now())
			svc := newService(t, st, ps, c, push.Options{})
			alice := newUser(t, st, "alice")
			subscribe(t, svc, alice, newBrowser(t).subscription(ps.endpoint("gone")))
			run(t, svc)
			enqueue(t, svc, []int64{alice}, push.Message{Payload: noticePayload()})
			ps.next(t)
			eventually(t, "subscription removed", func() bool {
				has, err := svc.HasSubscription(t.Context(), alice)
				return err == nil && !has
			})
			if n := queueLen(t, st); n != 0 {
				t.Fatalf("queue %d after the subscription went", n)
			}
			ps.none(t, 100*time.Millisecond)
		})
	}
}

func TestFailingEndpointIsRetriedWithBackoff(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		t.Parallel()
		ps := newPushService(t)
		ps.setAnswer(func(n int) int {
			if n <= 2 {
				return http.StatusInternalServerError
			}
			return http.StatusCreated
		})
		c := newClock(time.Now())
		svc := newService(t, st, ps, c, push.Options{RetryBase: time.Minute})
		alice := newUser(t, st, "alice")
		b := newBrowser(t)
		subscribe(t, svc, alice, b.subscription(ps.endpoint("flaky")))
		run(t, svc)
		enqueue(t, svc, []int64{alice}, push.Message{Payload: noticePayload()})

		ps.next(t) // 500
		c.Add(40 * time.Second)
		ps.none(t, 150*time.Millisecond) // first retry waits 1 min ±20 %
		c.Add(40 * time.Second)
		ps.next(t) // 500 again
		c.Add(2 * time.Minute)
		ps.none(t, 150*time.Millisecond) // second retry waits 3 min ±20 %
		c.Add(2 * time.Minute)
		r := ps.next(t) // 201
		plain, err := b.decrypt(r.Body)
		if err != nil || !strings.Contains(string(plain), `"url":"/notices/7"`) {
			t.Fatalf("retried push: %q, %v", plain, err)
		}
		eventually(t, "queue empty", func() bool { return queueLen(t, st) == 0 })
		c.Add(time.Hour)
		ps.none(t, 100*time.Millisecond)
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	st := storetest.NewSQLite(t)
	ps := newPushService(t)
	ps.setAnswer(func(int) int { return http.StatusServiceUnavailable })
	c := newClock(time.Now())
	svc := newService(t, st, ps, c, push.Options{MaxAttempts: 3, RetryBase: time.Second, RetryMax: time.Second})
	alice := newUser(t, st, "alice")
	subscribe(t, svc, alice, newBrowser(t).subscription(ps.endpoint("down")))
	run(t, svc)
	enqueue(t, svc, []int64{alice}, push.Message{Payload: noticePayload()})
	for range 3 {
		ps.next(t)
		c.Add(2 * time.Second)
	}
	eventually(t, "job dropped", func() bool { return queueLen(t, st) == 0 })
	c.Add(time.Hour)
	ps.none(t, 100*time.Millisecond)
	if has, _ := svc.HasSubscription(t.Context(), alice); !has {
		t.Fatal("a failing push service must not cost the subscription")
	}
}

// TestRestartLosesNothing: the node stops mid-retry; a new service over the same
// store delivers the push, once. And a job held by a node that died is taken again
// when its lease ends.
func TestRestartLosesNothing(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		t.Parallel()
		ps := newPushService(t)
		ps.setAnswer(func(n int) int {
			if n == 1 {
				return http.StatusBadGateway
			}
			return http.StatusCreated
		})
		c := newClock(time.Now())
		first := newService(t, st, ps, c, push.Options{})
		alice := newUser(t, st, "alice")
		b := newBrowser(t)
		subscribe(t, first, alice, b.subscription(ps.endpoint("restart")))
		stopFirst := run(t, first)
		enqueue(t, first, []int64{alice}, push.Message{Payload: noticePayload()})
		ps.next(t) // 502: to be retried in about a minute
		eventually(t, "retry scheduled", func() bool {
			jobs, _ := st.ClaimPushJobs(t.Context(), c.Now(), c.Now(), 1) // claims nothing while it waits
			return len(jobs) == 0 && queueLen(t, st) == 1
		})
		stopFirst()

		second := newService(t, st, ps, c, push.Options{})
		if second.PublicKey() != first.PublicKey() {
			t.Fatal("the restarted service has other VAPID keys than the stored ones")
		}
		stopSecond := run(t, second)
		c.Add(2 * time.Minute)
		r := ps.next(t)
		if _, err := b.decrypt(r.Body); err != nil {
			t.Fatalf("after restart: %v", err)
		}
		eventually(t, "queue empty", func() bool { return queueLen(t, st) == 0 })
		c.Add(time.Hour)
		ps.none(t, 150*time.Millisecond)
		if got := ps.count.Load(); got != 2 {
			t.Fatalf("push service got %d requests, want 2 (one failed, one delivered)", got)
		}
		stopSecond() // or its polling could take the job the next test claims as a dead node

		t.Run("a job claimed by a node that died returns after the lease", func(t *testing.T) {
			survivor := newService(t, st, ps, c, push.Options{})
			// Queue without a worker running, then claim as a node that then dies.
			enqueue(t, survivor, []int64{alice}, push.Message{Payload: noticePayload(), Topic: "lease"})
			jobs, err := st.ClaimPushJobs(t.Context(), c.Now(), c.Now().Add(2*time.Minute), 10)
			if err != nil || len(jobs) != 1 {
				t.Fatalf("dead node's claim: %v, %v", jobs, err)
			}
			run(t, survivor)
			ps.none(t, 150*time.Millisecond)
			c.Add(2*time.Minute + time.Second)
			ps.next(t)
			eventually(t, "queue empty", func() bool { return queueLen(t, st) == 0 })
		})
	})
}

func TestLongBodyIsShortenedToFit(t *testing.T) {
	st := storetest.NewSQLite(t)
	ps := newPushService(t)
	c := newClock(time.Now())
	svc := newService(t, st, ps, c, push.Options{})
	alice := newUser(t, st, "alice")
	b := newBrowser(t)
	subscribe(t, svc, alice, b.subscription(ps.endpoint("long")))
	run(t, svc)
	long := strings.Repeat("预算执行情况<说明>", 1000) // 10,000 characters, 3 bytes each
	p := noticePayload()
	p.Body = long
	enqueue(t, svc, []int64{alice}, push.Message{Payload: p})
	plain, err := b.decrypt(ps.next(t).Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) > protocol.MaxPushPayload {
		t.Fatalf("payload %d bytes, over %d", len(plain), protocol.MaxPushPayload)
	}
	var got protocol.PushPayload
	if err := json.Unmarshal(plain, &got); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutSuffix(got.Body, "…")
	if !ok || !strings.HasPrefix(long, body) || utf8.RuneCountInString(body) < 1000 || got.Title != p.Title || got.URL != p.URL {
		t.Fatalf("shortened payload: title %q, url %q, body of %d characters", got.Title, got.URL, utf8.RuneCountInString(got.Body))
	}
}

func TestEncodePayload(t *testing.T) {
	t.Run("fits exactly, greedily", func(t *testing.T) {
		for _, body := range []string{"", "短", strings.Repeat("a", 3900), strings.Repeat("a", 3993), strings.Repeat("é", 5000), strings.Repeat("\"", 3000)} {
			p := protocol.PushPayload{Kind: protocol.PushMessage, Title: "群", Body: body, URL: "/c/1", Tag: "c1"}
			b, err := push.EncodePayload(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > protocol.MaxPushPayload {
				t.Fatalf("%d bytes", len(b))
			}
			var got protocol.PushPayload
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Body != body {
				// Shortened: one more character would not have fitted.
				kept := []rune(strings.TrimSuffix(got.Body, "…"))
				p.Body = string([]rune(body)[:len(kept)+1]) + "…"
				if more, _ := json.Marshal(p); len(more) <= protocol.MaxPushPayload && !strings.Contains(body, "\"") {
					t.Fatalf("body cut to %d characters, %d would fit", len(kept), len(kept)+1)
				}
			}
		}
	})
	t.Run("a long title is shortened too", func(t *testing.T) {
		b, err := push.EncodePayload(protocol.PushPayload{Kind: protocol.PushTest, Title: strings.Repeat("标", 3000), Body: "x", URL: "/", Tag: "t"})
		if err != nil || len(b) > protocol.MaxPushPayload {
			t.Fatalf("%d bytes, %v", len(b), err)
		}
	})
	for name, p := range map[string]protocol.PushPayload{
		"unknown kind":      {Kind: "spam", URL: "/"},
		"absolute url":      {Kind: protocol.PushTest, URL: "https://evil.example/"},
		"scheme-relative":   {Kind: protocol.PushTest, URL: "//evil.example/"},
		"tag too long":      {Kind: protocol.PushTest, URL: "/", Tag: strings.Repeat("t", 65)},
		"not a path at all": {Kind: protocol.PushTest, URL: "javascript:alert(1)"},
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			if _, err := push.EncodePayload(p); !errors.Is(err, push.ErrPayload) {
				t.Fatalf("err = %v, want ErrPayload", err)
			}
		})
	}
}

func TestTopic(t *testing.T) {
	for in, want := range map[string]string{"": "", "c12": "c12", "notice-7_r2": "notice-7_r2"} {
		if got := push.Topic(in); got != want {
			t.Errorf("Topic(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"channel 12", "通知7", strings.Repeat("a", 33), "a/b"} {
		got := push.Topic(in)
		if len(got) != 32 || strings.Trim(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" || got != push.Topic(in) {
			t.Errorf("Topic(%q) = %q, not a stable RFC 8030 topic", in, got)
		}
	}
}

func TestSubscribe(t *testing.T) {
	st := storetest.NewSQLite(t)
	c := newClock(time.Now())
	svc, err := push.New(st, discard(), c.Now, push.Options{MaxDevices: 2})
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := newUser(t, st, "alice"), newUser(t, st, "bob")
	b := newBrowser(t)
	good := b.subscription("https://updates.push.example/wpush/v2/abc")

	bad := map[string]func(r *protocol.PushSubscribeRequest){
		"endpoint": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "http://updates.push.example/x" },
		"endpoint ": func(r *protocol.PushSubscribeRequest) {
			r.Endpoint = "https://push.example/" + strings.Repeat("x", 2048)
		},
		"endpoint  ": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "https://127.0.0.1:8443/push" },
		"endpoint 3": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "https://10.1.2.3/push" },
		"endpoint 4": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "https://localhost/push" },
		"endpoint 5": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "https://user:pw@push.example/x" },
		"endpoint 6": func(r *protocol.PushSubscribeRequest) { r.Endpoint = "" },
		"keys.p256dh": func(r *protocol.PushSubscribeRequest) {
			r.Keys.P256dh = r.Keys.P256dh[:20]
		},
		"keys.p256dh ": func(r *protocol.PushSubscribeRequest) { // 65 bytes, not on the curve
			r.Keys.P256dh = b64.EncodeToString(append([]byte{4}, make([]byte, 64)...))
		},
		"keys.p256dh  ": func(r *protocol.PushSubscribeRequest) { r.Keys.P256dh = "not base64!" },
		"keys.auth":     func(r *protocol.PushSubscribeRequest) { r.Keys.Auth = b64.EncodeToString(make([]byte, 15)) },
		"keys.auth ":    func(r *protocol.PushSubscribeRequest) { r.Keys.Auth = "" },
	}
	for name, change := range bad {
		field := strings.Fields(name)[0]
		t.Run("refuses bad "+name, func(t *testing.T) {
			req := good
			change(&req)
			err := svc.Subscribe(t.Context(), alice, req, "")
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != protocol.CodeBadRequest || e.Field != field {
				t.Fatalf("err = %v, want bad_request on %s", err, field)
			}
		})
	}
	if has, _ := svc.HasSubscription(t.Context(), alice); has {
		t.Fatal("a refused subscription was kept")
	}

	t.Run("padded keys are accepted, stored unpadded", func(t *testing.T) {
		req := good
		req.Keys.Auth = base64URLPadded(b.auth)
		subscribe(t, svc, alice, req)
		subs, _ := st.ListPushSubscriptions(t.Context(), alice)
		if len(subs) != 1 || subs[0].Auth != b64.EncodeToString(b.auth) || subs[0].UserAgent != "Mozilla/5.0 test" {
			t.Fatalf("stored %+v", subs)
		}
	})
	t.Run("the same browser subscribing for bob moves it to bob", func(t *testing.T) {
		subscribe(t, svc, bob, good)
		if has, _ := svc.HasSubscription(t.Context(), alice); has {
			t.Fatal("alice still has the device bob now uses")
		}
		if has, _ := svc.HasSubscription(t.Context(), bob); !has {
			t.Fatal("bob has no device")
		}
	})
	t.Run("at most MaxDevices per person", func(t *testing.T) {
		for i := range 3 {
			c.Add(time.Minute)
			subscribe(t, svc, alice, newBrowser(t).subscription("https://push.example/d"+strconv.Itoa(i)))
		}
		subs, _ := st.ListPushSubscriptions(t.Context(), alice)
		if len(subs) != 2 || subs[0].Endpoint != "https://push.example/d1" {
			t.Fatalf("kept %+v", subs)
		}
	})
	t.Run("unsubscribe only one's own", func(t *testing.T) {
		var e *apperr.Error
		if err := svc.Unsubscribe(t.Context(), alice, good.Endpoint); !errors.As(err, &e) || e.Code != protocol.CodeNotFound {
			t.Fatalf("alice unsubscribing bob's device: %v", err)
		}
		if err := svc.Unsubscribe(t.Context(), bob, good.Endpoint); err != nil {
			t.Fatal(err)
		}
		if has, _ := svc.HasSubscription(t.Context(), bob); has {
			t.Fatal("bob still subscribed")
		}
	})
}

func TestKeys(t *testing.T) {
	st := storetest.NewSQLite(t)
	now := time.Now
	gen, err := push.New(st, discard(), now, push.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := b64.DecodeString(gen.PublicKey())
	if err != nil || len(pub) != 65 || pub[0] != 4 {
		t.Fatalf("generated public key %q", gen.PublicKey())
	}
	again, err := push.New(st, discard(), now, push.Options{})
	if err != nil || again.PublicKey() != gen.PublicKey() {
		t.Fatalf("second start: %v, key %q vs %q", err, again.PublicKey(), gen.PublicKey())
	}
	if raw, err := st.GetMeta(t.Context(), "push.vapid_keys"); err != nil || !strings.Contains(raw, gen.PublicKey()) {
		t.Fatalf("stored pair: %v", err)
	}

	other := storetest.NewSQLite(t)
	if fresh, err := push.New(other, discard(), now, push.Options{}); err != nil || fresh.PublicKey() == gen.PublicKey() {
		t.Fatalf("another installation got the same key or %v", err)
	}

	// A configured pair wins over the stored one; a wrong one is refused.
	priv2, pub2 := vapidPair(t)
	conf, err := push.New(st, discard(), now, push.Options{PublicKey: pub2, PrivateKey: priv2})
	if err != nil || conf.PublicKey() != pub2 {
		t.Fatalf("configured: %v, %q", err, conf.PublicKey())
	}
	_, pub3 := vapidPair(t)
	for name, opt := range map[string]push.Options{
		"only public":      {PublicKey: pub2},
		"only private":     {PrivateKey: priv2},
		"mismatched":       {PublicKey: pub3, PrivateKey: priv2},
		"short private":    {PublicKey: pub2, PrivateKey: priv2[:10]},
		"subject not mail": {Subject: "admin@localhost"},
	} {
		if _, err := push.New(st, discard(), now, opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
