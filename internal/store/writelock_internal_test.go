package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWriteLockQueue(t *testing.T) {
	l := newWriteLock(50 * time.Millisecond)
	release, err := l.acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	// Held: a second writer gives up at its context's end or after wait.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := l.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with an ended context = %v, want context.Canceled", err)
	}
	if _, err := l.acquire(t.Context()); !errors.Is(err, errWriteLockTimeout) {
		t.Errorf("acquire of a held lock = %v, want errWriteLockTimeout", err)
	}

	// A queued writer gets the lock when it is released, not after a poll.
	got := make(chan time.Time, 1)
	long := &writeLock{sem: l.sem, wait: 10 * time.Second}
	go func() {
		r, err := long.acquire(t.Context())
		if err != nil {
			t.Error(err)
			close(got)
			return
		}
		got <- time.Now()
		r()
	}()
	time.Sleep(20 * time.Millisecond)
	released := time.Now()
	release()
	at, ok := <-got
	if !ok {
		return
	}
	if d := at.Sub(released); d > time.Second {
		t.Errorf("the queued writer got the lock %v after its release", d)
	}

	// A nil lock (PostgreSQL) is always free.
	var none *writeLock
	r, err := none.acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r()
}
