package files

import (
	"testing"
	"time"
)

func TestRecent(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	r := newRecent(time.Minute, 3)
	steps := []struct {
		key   string
		at    time.Duration
		first bool
	}{
		{"a", 0, true},
		{"a", 59 * time.Second, false},
		{"b", 59 * time.Second, true},
		{"a", time.Minute, true}, // the window has passed
		{"c", time.Minute, true},
		{"d", time.Minute + time.Second, true}, // full: none expired, so all go
		{"c", time.Minute + 2*time.Second, true},
		{"d", time.Minute + 2*time.Second, false},
		{"d", -time.Hour, true}, // a clock that went back counts as new
	}
	for i, s := range steps {
		if got := r.first(s.key, t0.Add(s.at)); got != s.first {
			t.Fatalf("step %d (%s at %s): first = %v, want %v", i, s.key, s.at, got, s.first)
		}
		if len(r.seen) > 3 {
			t.Fatalf("step %d: %d keys held, bound 3", i, len(r.seen))
		}
	}
	r.forget("d")
	if !r.first("d", t0.Add(time.Minute+3*time.Second)) {
		t.Fatal("a forgotten key is still remembered")
	}
}
