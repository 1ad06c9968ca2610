package hub

import (
	"sync"
	"time"
)

// wheel is the hub's one timer wheel: every connection's heartbeat ping, session
// re-check and session expiry come from it, instead of a ticker and two timers (and a
// goroutine selecting over them) per connection. Each connection has at most one live
// entry, at its earliest due time; the wheel turns every tick, and a connection whose
// time has come is handed to conn.onTick, which does what is due and books the next.
//
// Entries are dropped lazily: rescheduling or removing a connection only changes
// which tick it is booked for (conn.wheelAt), and the wheel discards entries that no
// longer match when it passes them.
type wheel struct {
	tick  time.Duration
	start time.Time

	mu    sync.Mutex
	slots [][]wheelEntry
	cur   int64 // the last tick handled, counted from start

	stop chan struct{}
	done chan struct{}
}

type wheelEntry struct {
	c  *conn
	at int64 // the tick it was booked for
}

const (
	wheelSlots = 512
	// wheelRemoved marks a connection that is gone: it is never booked again.
	wheelRemoved = -1
)

// wheelTick is the wheel's resolution: an eighth of the shortest period it serves,
// between a millisecond and a second. Deadlines are met that late at most.
func wheelTick(periods ...time.Duration) time.Duration {
	t := time.Second
	for _, p := range periods {
		t = min(t, p/8)
	}
	return max(t, time.Millisecond)
}

func newWheel(tick time.Duration) *wheel {
	k := &wheel{
		tick:  tick,
		start: time.Now(),
		slots: make([][]wheelEntry, wheelSlots),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go k.run()
	return k
}

// schedule books c for the first tick at or after at (and after the current one).
func (k *wheel) schedule(c *conn, at time.Time) {
	t := int64((at.Sub(k.start) + k.tick - 1) / k.tick)
	k.mu.Lock()
	defer k.mu.Unlock()
	if c.wheelAt == wheelRemoved {
		return
	}
	t = max(t, k.cur+1)
	if c.wheelAt == t {
		return
	}
	c.wheelAt = t
	i := t % wheelSlots
	k.slots[i] = append(k.slots[i], wheelEntry{c: c, at: t})
}

// remove takes c off the wheel for good.
func (k *wheel) remove(c *conn) {
	k.mu.Lock()
	c.wheelAt = wheelRemoved
	k.mu.Unlock()
}

func (k *wheel) run() {
	defer close(k.done)
	t := time.NewTicker(k.tick)
	defer t.Stop()
	var due []*conn
	for {
		select {
		case <-k.stop:
			return
		case now := <-t.C:
			due = k.advance(now, due[:0])
			for i, c := range due {
				c.onTick(now)
				due[i] = nil
			}
		}
	}
}

// advance turns the wheel up to now, catching up on ticks the ticker dropped, and
// returns the connections due.
func (k *wheel) advance(now time.Time, due []*conn) []*conn {
	target := int64(now.Sub(k.start) / k.tick)
	k.mu.Lock()
	defer k.mu.Unlock()
	if target-k.cur > wheelSlots {
		k.cur = target - wheelSlots // every slot is visited once in the catch-up
	}
	for k.cur < target {
		k.cur++
		i := k.cur % wheelSlots
		keep := k.slots[i][:0]
		for _, e := range k.slots[i] {
			switch {
			case e.c.wheelAt != e.at:
				// Rebooked or removed: a stale entry.
			case e.at <= k.cur:
				e.c.wheelAt = 0
				due = append(due, e.c)
			default:
				keep = append(keep, e) // a later round
			}
		}
		clear(k.slots[i][len(keep):])
		if len(keep) == 0 && cap(keep) > 64 {
			keep = nil // a burst of connections that left: do not pin the array
		}
		k.slots[i] = keep
	}
	return due
}

// close stops the wheel.
func (k *wheel) close() {
	close(k.stop)
	<-k.done
}
