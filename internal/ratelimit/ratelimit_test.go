package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBurstThenRefill(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	l := New(60, 3, 100, c.now) // one a second, three at once
	for i := range 3 {
		if ok, _ := l.take("1.2.3.4"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.take("1.2.3.4")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("fourth attempt: ok=%v wait=%s; want refused with wait ≤ 1s", ok, wait)
	}
	if ok, _ := l.take("5.6.7.8"); !ok {
		t.Fatal("another key must have its own bucket")
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := l.take("1.2.3.4"); !ok {
		t.Fatal("a token should be back after a second")
	}
}

func TestKeysStayBounded(t *testing.T) {
	c := &clock{t: time.Now()}
	l := New(60, 1, 10, c.now)
	for i := range 1000 {
		l.take(fmt.Sprint("10.0.0.", i))
	}
	if n := len(l.buckets); n > 10 {
		t.Fatalf("%d buckets kept, limit 10", n)
	}
}
