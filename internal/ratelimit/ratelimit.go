// Package ratelimit bounds how often one key (a client address, a user) may do
// something, with a token bucket per key: in memory on a single node, in Redis when
// several nodes must share the count.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Allower is a rate limiter: Allow takes a token for key, or says how long until one is
// free. An error means the limiter could not be asked (Redis down); callers decide
// whether to fail open or closed.
type Allower interface {
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

var (
	_ Allower = (*Limiter)(nil)
	_ Allower = (*Redis)(nil)
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
func (l *Limiter) Allow(_ context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	ok, retryAfter = l.take(key)
	return ok, retryAfter, nil
}

func (l *Limiter) take(key string) (ok bool, retryAfter time.Duration) {
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
