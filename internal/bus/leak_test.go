package bus

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCloseLeavesNoGoroutines opens, uses and closes buses and checks that
// nothing they started outlives them. Not parallel: it counts the process's
// goroutines.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			cycle := func() {
				b := be.open(t)
				rec := newRecorder()
				subscribe(t, b, "chan:1", rec.handle)
				publish(t, b, "chan:1", "x")
				rec.wait(t, 1)
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
				// Close returns once the bus's own goroutines are done; allow
				// them a moment to finish returning (their WaitGroup.Done is
				// deferred), far less than a keepalive or backoff period.
				deadline := time.Now().Add(200 * time.Millisecond)
				for stacks := goroutinesIn("internal/bus.(*"); stacks != ""; stacks = goroutinesIn("internal/bus.(*") {
					if time.Now().After(deadline) {
						t.Fatalf("bus goroutines still running after Close:\n%s", stacks)
					}
					time.Sleep(time.Millisecond)
				}
			}
			// Warm up first so goroutines that libraries start once per
			// process are in the baseline.
			cycle()
			base := runtime.NumGoroutine()
			for range 3 {
				cycle()
			}
			settleGoroutines(t, base)
		})
	}
}

// settleGoroutines waits for the goroutine count to fall back to base, giving
// goroutines that were told to stop (go-redis's pool workers) time to return.
func settleGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before; still running:\n%s", runtime.NumGoroutine(), base, allStacks())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// goroutinesIn returns the stacks of goroutines with a frame containing
// marker, other than the caller's.
func goroutinesIn(marker string) string {
	var found []string
	for i, g := range strings.Split(allStacks(), "\n\n") {
		if i > 0 && strings.Contains(g, marker) { // the first is the caller's own
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(bytes.TrimSpace(buf[:n]))
		}
		buf = make([]byte, 2*len(buf))
	}
}
