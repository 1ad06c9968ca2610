package loadgen

import "time"

// Clock turns monotonic readings into unix nanoseconds. Timestamps in messages are
// unix nanoseconds so a person reading one can place it, but both ends of every
// measurement are in this process, so they are taken as base + monotonic offset: a
// wall-clock step (NTP) during the run cannot make a latency negative or huge.
type Clock struct {
	base     time.Time // carries a monotonic reading
	baseUnix int64
}

// NewClock starts a clock at now.
func NewClock(now time.Time) Clock { return Clock{base: now, baseUnix: now.UnixNano()} }

// Nanos is t in unix nanoseconds, by the monotonic clock.
func (c Clock) Nanos(t time.Time) int64 { return c.baseUnix + int64(t.Sub(c.base)) }

// Since is how long ago (at now) the unix-nanosecond timestamp ns was.
func (c Clock) Since(ns int64, now time.Time) time.Duration {
	return time.Duration(c.Nanos(now) - ns)
}
