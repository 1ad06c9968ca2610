// Package ratelimit bounds how often one key (a client address, a user) may do
// something, with a token bucket per key. This is the single-node limiter; the cluster
// one (Redis) comes with the realtime core and sits behind the same Allow call.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter is a set of token buckets, one per key, held in memory. Idle buckets are
// dropped so the map stays bounded under a spray of addresses.
type Limiter struct {
	rate    float64 // tokens per second
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New allows burst actions at once and perMinute on average, for at most maxKeys keys
// at a time.
func New(perMinute, burst, maxKeys int, now func() time.Time) *Limiter {
	return &Limiter{rate: float64(perMinute) / 60, burst: float64(burst), maxKeys: maxKeys, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key. When none is left it says how long until one is.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.buckets[key]
	if !found {
		if len(l.buckets) >= l.maxKeys {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// evict drops buckets that have refilled completely (they carry no state); if that frees
// nothing the map is cleared, trading a brief leniency for bounded memory.
func (l *Limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.maxKeys {
		clear(l.buckets)
	}
}
