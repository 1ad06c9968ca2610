package bus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitTimeout bounds every wait for a delivery; generous for -race on a busy machine.
const waitTimeout = 10 * time.Second

// backend opens a fresh bus of one kind, closed when the test ends.
type backend struct {
	name string
	open func(t *testing.T) Bus
}

func backends() []backend {
	return []backend{
		{"memory", func(t *testing.T) Bus {
			b := NewMemory()
			t.Cleanup(func() { _ = b.Close() })
			return b
		}},
		{"redis", func(t *testing.T) Bus { return openRedis(t, uniquePrefix(t)) }},
	}
}

// forEachBus runs test once per implementation, each on a fresh bus.
func forEachBus(t *testing.T, test func(t *testing.T, b Bus)) {
	t.Helper()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) { test(t, be.open(t)) })
	}
}

// TestBus is the behaviour both implementations share.
func TestBus(t *testing.T) {
	behaviours := []struct {
		name string
		test func(t *testing.T, b Bus)
	}{
		{"delivers a publish to its subscriber", testDelivers},
		{"delivers to every subscriber of a topic", testEverySubscriber},
		{"unsubscribe stops delivery", testUnsubscribeStops},
		{"unsubscribe is idempotent", testUnsubscribeIdempotent},
		{"a handler may unsubscribe itself", testHandlerUnsubscribesItself},
		{"resubscribing right after the last unsubscribe delivers", testResubscribe},
		{"preserves publish order per topic", testOrder},
		{"keeps topics apart", testTopicsApart},
		{"bounds the payload size", testPayloadSize},
		{"rejects an empty topic and a nil handler", testInvalid},
		{"lets the publisher reuse its buffer", testPayloadCopied},
		{"runs one handler at a time", testOneAtATime},
		{"survives concurrent subscribe, publish and unsubscribe", testConcurrent},
		{"Close waits for a handler in progress", testCloseWaitsForHandler},
		{"refuses work after Close", testClosed},
		{"pings while open", testPing},
	}
	for _, bh := range behaviours {
		t.Run(bh.name, func(t *testing.T) { forEachBus(t, bh.test) })
	}
}

func testDelivers(t *testing.T, b Bus) {
	rec := newRecorder()
	subscribe(t, b, "chan:42", rec.handle)
	publish(t, b, "chan:42", "hello")
	publish(t, b, "chan:42", "bye")
	// Waiting for exactly two also catches a duplicated first delivery.
	rec.expect(t, "chan:42", "hello", "bye")
}

func testEverySubscriber(t *testing.T, b Bus) {
	recs := []*recorder{newRecorder(), newRecorder(), newRecorder()}
	for _, rec := range recs {
		subscribe(t, b, "chan:1", rec.handle)
	}
	publish(t, b, "chan:1", "one")
	publish(t, b, "chan:1", "two")
	for _, rec := range recs {
		rec.expect(t, "chan:1", "one", "two")
	}
}

func testUnsubscribeStops(t *testing.T, b Bus) {
	kept, dropped := newRecorder(), newRecorder()
	subscribe(t, b, "chan:1", kept.handle)
	unsubscribe := subscribe(t, b, "chan:1", dropped.handle)
	unsubscribe()
	publish(t, b, "chan:1", "while another handler remains")
	// kept is on the same topic, so once it has the payload, dropped would have too.
	kept.expect(t, "chan:1", "while another handler remains")
	dropped.expectNone(t)

	last, witness := newRecorder(), newRecorder()
	unsubscribe = subscribe(t, b, "chan:2", last.handle)
	subscribe(t, b, "chan:3", witness.handle)
	unsubscribe()
	publish(t, b, "chan:2", "after the last handler left")
	publish(t, b, "chan:3", "witness")
	// Both bus kinds deliver in publish order across topics from one
	// publisher (one Redis connection), so chan:2's payload would have come first.
	witness.expect(t, "chan:3", "witness")
	last.expectNone(t)
}

func testUnsubscribeIdempotent(t *testing.T, b Bus) {
	a, bb, c := newRecorder(), newRecorder(), newRecorder()
	unsubA := subscribe(t, b, "chan:1", a.handle)
	unsubB := subscribe(t, b, "chan:1", bb.handle)
	unsubA()
	unsubA() // must not remove b or give up the topic
	publish(t, b, "chan:1", "to b")
	bb.expect(t, "chan:1", "to b")

	unsubB()
	subscribe(t, b, "chan:1", c.handle)
	unsubB() // a stale func must not end c's subscription
	publish(t, b, "chan:1", "to c")
	c.expect(t, "chan:1", "to c")
	a.expectNone(t)
}

func testHandlerUnsubscribesItself(t *testing.T, b Bus) {
	var (
		mu      sync.Mutex // orders setting unsub before the handler reads it; the race detector cannot see through Redis
		unsub   func()
		calls   atomic.Int32
		witness = newRecorder()
	)
	self := func(string, []byte) {
		calls.Add(1)
		mu.Lock()
		defer mu.Unlock()
		unsub()
	}
	mu.Lock()
	unsub = subscribe(t, b, "chan:1", self)
	mu.Unlock()
	subscribe(t, b, "chan:1", witness.handle)

	publish(t, b, "chan:1", "first")
	publish(t, b, "chan:1", "second")
	witness.expect(t, "chan:1", "first", "second")
	if n := calls.Load(); n != 1 {
		t.Errorf("self-unsubscribing handler called %d times, want 1", n)
	}
}

func testResubscribe(t *testing.T, b Bus) {
	// No pause between leaving and rejoining: on Redis the SUBSCRIBE follows
	// an UNSUBSCRIBE still in flight, and Subscribe must not return until the
	// new subscription, not the old one, is confirmed.
	for i := range 25 {
		first := subscribe(t, b, "chan:1", func(string, []byte) {})
		first()
		rec := newRecorder()
		unsubscribe := subscribe(t, b, "chan:1", rec.handle)
		payload := strconv.Itoa(i)
		publish(t, b, "chan:1", payload)
		rec.expect(t, "chan:1", payload)
		unsubscribe()
	}
}

func testOrder(t *testing.T, b Bus) {
	const n = 1000
	topics := []string{"chan:a", "chan:b"}
	recs := map[string]*recorder{}
	for _, topic := range topics {
		recs[topic] = newRecorder()
		subscribe(t, b, topic, recs[topic].handle)
	}
	for i := range n {
		for _, topic := range topics {
			publish(t, b, topic, strconv.Itoa(i))
		}
	}
	for _, topic := range topics {
		got := recs[topic].wait(t, n)
		if len(got) != n {
			t.Fatalf("%s: got %d payloads, want %d", topic, len(got), n)
		}
		for i, d := range got {
			if d.topic != topic || d.payload != strconv.Itoa(i) {
				t.Fatalf("%s: delivery %d is %v, want payload %d", topic, i, d, i)
			}
		}
	}
}

func testTopicsApart(t *testing.T, b Bus) {
	pairs := []struct{ x, y string }{
		{"chan:1", "chan:10"}, // one a prefix of the other
		{"chan:42", "user:42"},
		{"chan:*", "chan:7"}, // topics are literal, not patterns
	}
	for _, p := range pairs {
		t.Run(p.x+" and "+p.y, func(t *testing.T) {
			recX, recY := newRecorder(), newRecorder()
			subscribe(t, b, p.x, recX.handle)
			subscribe(t, b, p.y, recY.handle)
			publish(t, b, p.x, "to x")
			publish(t, b, p.y, "to y")
			// A last payload per topic: anything misrouted was published
			// before it and would show up ahead of it.
			publish(t, b, p.x, "end")
			publish(t, b, p.y, "end")
			recX.expect(t, p.x, "to x", "end")
			recY.expect(t, p.y, "to y", "end")
		})
	}
}

func testPayloadSize(t *testing.T, b Bus) {
	cases := []struct {
		name string
		size int
		want error
	}{
		{"accepts an empty payload", 0, nil},
		{"accepts exactly MaxPayload", MaxPayload, nil},
		{"refuses one byte over MaxPayload", MaxPayload + 1, ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			topic := "size:" + strconv.Itoa(tc.size)
			rec := newRecorder()
			subscribe(t, b, topic, rec.handle)
			payload := pattern(tc.size)
			err := b.Publish(t.Context(), topic, payload)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Publish(%d bytes) = %v, want %v", tc.size, err, tc.want)
			}
			publish(t, b, topic, "after")
			got := rec.wait(t, 1)
			if tc.want == nil {
				got = rec.wait(t, 2)
				if !bytes.Equal([]byte(got[0].payload), payload) {
					t.Fatalf("delivered %d bytes that differ from the %d published", len(got[0].payload), len(payload))
				}
				got = got[1:]
			}
			if len(got) != 1 || got[0].payload != "after" {
				t.Fatalf("after the %d-byte publish got %d deliveries, want just %q", tc.size, len(got), "after")
			}
		})
	}
}

func testInvalid(t *testing.T, b Bus) {
	if err := b.Publish(t.Context(), "", []byte("x")); !errors.Is(err, ErrInvalid) {
		t.Errorf("Publish to empty topic = %v, want ErrInvalid", err)
	}
	if _, err := b.Subscribe(t.Context(), "", func(string, []byte) {}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Subscribe to empty topic = %v, want ErrInvalid", err)
	}
	if _, err := b.Subscribe(t.Context(), "chan:1", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Subscribe with nil handler = %v, want ErrInvalid", err)
	}
}

func testPayloadCopied(t *testing.T, b Bus) {
	kept := make(chan []byte, 1)
	subscribe(t, b, "chan:1", func(_ string, p []byte) { kept <- p }) // retains the slice itself
	buf := []byte("original")
	if err := b.Publish(t.Context(), "chan:1", buf); err != nil {
		t.Fatal(err)
	}
	var got []byte
	select {
	case got = <-kept:
	case <-time.After(waitTimeout):
		t.Fatal("no delivery")
	}
	copy(buf, "XXXXXXXX")
	if string(got) != "original" {
		t.Fatalf("handler's payload changed to %q when the publisher reused its buffer", got)
	}
}

func testOneAtATime(t *testing.T, b Bus) {
	const topics, perTopic = 4, 25
	var inFlight, overlaps atomic.Int32
	rec := newRecorder()
	for i := range topics {
		subscribe(t, b, "chan:"+strconv.Itoa(i), func(topic string, p []byte) {
			if inFlight.Add(1) > 1 {
				overlaps.Add(1)
			}
			time.Sleep(100 * time.Microsecond) // widen the window an overlap needs
			inFlight.Add(-1)
			rec.handle(topic, p)
		})
	}
	var wg sync.WaitGroup
	for i := range topics {
		wg.Go(func() {
			for j := range perTopic {
				if err := b.Publish(t.Context(), "chan:"+strconv.Itoa(i), []byte(strconv.Itoa(j))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	rec.wait(t, topics*perTopic)
	if n := overlaps.Load(); n > 0 {
		t.Fatalf("handlers overlapped %d times, want never", n)
	}
}

func testConcurrent(t *testing.T, b Bus) {
	// Each worker joins a shared topic, expects its own publish, and leaves,
	// so first-handler and last-handler transitions race each other.
	const workers, rounds = 8, 20
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				topic := "chan:" + strconv.Itoa(r%3)
				want := fmt.Sprintf("w%d-r%d", w, r)
				got := make(chan struct{})
				var once sync.Once
				unsubscribe, err := b.Subscribe(t.Context(), topic, func(_ string, p []byte) {
					if string(p) == want {
						once.Do(func() { close(got) })
					}
				})
				if err != nil {
					t.Errorf("worker %d: Subscribe: %v", w, err)
					return
				}
				if err := b.Publish(t.Context(), topic, []byte(want)); err != nil {
					t.Errorf("worker %d: Publish: %v", w, err)
				}
				select {
				case <-got:
				case <-time.After(waitTimeout):
					t.Errorf("worker %d: own publish %q not delivered", w, want)
				}
				unsubscribe()
			}
		})
	}
	wg.Wait()
}

func testClosed(t *testing.T, b Bus) {
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	if err := b.Publish(t.Context(), "chan:1", []byte("x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if _, err := b.Subscribe(t.Context(), "chan:1", func(string, []byte) {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
	}
	if err := b.Ping(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Ping after Close = %v, want ErrClosed", err)
	}
}

func testCloseWaitsForHandler(t *testing.T, b Bus) {
	entered, release := make(chan struct{}), make(chan struct{})
	subscribe(t, b, "chan:1", func(string, []byte) {
		close(entered)
		<-release // blocks on purpose, to hold Close up
	})
	go func() { _ = b.Publish(context.Background(), "chan:1", nil) }()
	select {
	case <-entered:
	case <-time.After(waitTimeout):
		t.Fatal("no delivery")
	}
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a handler was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func testPing(t *testing.T, b Bus) {
	if err := b.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// subscribe subscribes h and fails the test on error.
func subscribe(t *testing.T, b Bus, topic string, h Handler) (unsubscribe func()) {
	t.Helper()
	unsubscribe, err := b.Subscribe(t.Context(), topic, h)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", topic, err)
	}
	return unsubscribe
}

func publish(t *testing.T, b Bus, topic, payload string) {
	t.Helper()
	if err := b.Publish(t.Context(), topic, []byte(payload)); err != nil {
		t.Fatalf("Publish(%q, %q): %v", topic, payload, err)
	}
}

// pattern returns n bytes that are not all alike, so a corrupted or
// truncated delivery shows.
func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i % 251)
	}
	return p
}

type delivery struct{ topic, payload string }

// recorder is a Handler that keeps what it gets.
type recorder struct {
	mu      sync.Mutex
	got     []delivery
	changed chan struct{} // signalled after each delivery
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) handle(topic string, payload []byte) {
	r.mu.Lock()
	r.got = append(r.got, delivery{topic, string(payload)})
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) snapshot() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// wait returns the deliveries once there are at least n.
func (r *recorder) wait(t *testing.T, n int) []delivery {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		if got := r.snapshot(); len(got) >= n {
			return got
		}
		select {
		case <-r.changed:
		case <-deadline:
			got := r.snapshot()
			t.Fatalf("got %d deliveries after %v, want %d (last: %v)", len(got), waitTimeout, n, got[max(0, len(got)-3):])
		}
	}
}

// expect waits for len(payloads) deliveries and checks they are exactly these.
func (r *recorder) expect(t *testing.T, topic string, payloads ...string) {
	t.Helper()
	var want []delivery
	for _, p := range payloads {
		want = append(want, delivery{topic, p})
	}
	if got := r.wait(t, len(want)); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// expectNone checks nothing was delivered. Call it after a delivery that any
// unwanted one would have preceded.
func (r *recorder) expectNone(t *testing.T) {
	t.Helper()
	if got := r.snapshot(); len(got) > 0 {
		t.Fatalf("got %v, want no deliveries", got)
	}
}
