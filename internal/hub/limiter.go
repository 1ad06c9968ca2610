package hub

import "time"

// limiter is a token bucket for one connection's frames. Only the connection's
// reader uses it, so it needs no lock.
type limiter struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int, now time.Time) limiter {
	return limiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// allow takes a token; without one it says how long until the next.
func (l *limiter) allow(now time.Time) (ok bool, retryAfter time.Duration) {
	if d := now.Sub(l.last); d > 0 {
		l.tokens = min(l.burst, l.tokens+d.Seconds()*l.rate)
	}
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return true, 0
	}
	return false, time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
}
