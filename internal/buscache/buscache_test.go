package buscache

import (
	"context"
	"errors"
	"testing"
	"time"

	"govchat/internal/bus"
)

// Each step either finds the value cached or loads it again.
func TestGet(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	now := t0
	c := New[int](time.Minute, func() time.Time { return now })
	loads := 0
	var fail error
	load := func(context.Context) (int, error) {
		if fail != nil {
			return 0, fail
		}
		loads++
		return loads, nil
	}
	steps := []struct {
		name string
		do   func()
		want int // the value Get returns: the number of loads so far
	}{
		{"first Get loads", func() {}, 1},
		{"within the TTL: cached", func() { now = t0.Add(59 * time.Second) }, 1},
		{"a change heard of: loaded again", func() { c.Changed() }, 2},
		{"the TTL passed: loaded again", func() { now = now.Add(time.Minute) }, 3},
		{"the clock went back: loaded again", func() { now = now.Add(-time.Second) }, 4},
	}
	for _, s := range steps {
		s.do()
		got, err := c.Get(t.Context(), load)
		if err != nil || got != s.want {
			t.Fatalf("%s: got %d, %v; want %d", s.name, got, err, s.want)
		}
	}
	c.Changed()
	fail = errors.New("database down")
	if _, err := c.Get(t.Context(), load); !errors.Is(err, fail) {
		t.Fatalf("failed load: err %v", err)
	}
	fail = nil
	if got, _ := c.Get(t.Context(), load); got != 5 {
		t.Fatalf("after a failed load: got %d, want a fresh load (5)", got)
	}
}

// A change announced on the topic drops the value.
func TestListen(t *testing.T) {
	b := &fakeBus{}
	c := New[int](time.Hour, time.Now)
	unsub, err := c.Listen(t.Context(), b, "dlp")
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	n := 0
	load := func(context.Context) (int, error) { n++; return n, nil }
	c.Get(t.Context(), load)
	b.h("dlp", nil)
	if got, _ := c.Get(t.Context(), load); got != 2 || b.topic != "dlp" {
		t.Fatalf("after the bus event: %d (topic %q), want a reload", got, b.topic)
	}
	b.err = errors.New("bus closed")
	if _, err := c.Listen(t.Context(), b, "dlp"); !errors.Is(err, b.err) {
		t.Fatalf("a failed subscribe: %v", err)
	}
}

type fakeBus struct {
	topic string
	h     bus.Handler
	err   error
}

func (f *fakeBus) Subscribe(_ context.Context, topic string, h bus.Handler) (func(), error) {
	if f.err != nil {
		return nil, f.err
	}
	f.topic, f.h = topic, h
	return func() {}, nil
}
