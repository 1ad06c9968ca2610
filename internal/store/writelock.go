package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// writeLock serialises this process's SQLite writers in Go, in arrival order.
//
// SQLite has one write lock for the whole database. A writer that finds it taken
// waits in SQLite's busy handler, which sleeps in steps (1, 2, 5, 10, 15, 20, 25, 50 …
// ms) and polls: a send queued behind a 5 ms retention batch typically slept 10–50 ms
// and woke long after the lock was free (BENCHMARKS.md, "Retention sweep"). Holding
// this lock around every write transaction instead queues writers on a channel, and
// the next one is handed the lock the moment the previous one commits or rolls back.
// Statements outside transactions queue too when they go through exec or writing;
// SQLite's busy handler is left to other processes on the same file and to the
// autocommit writes that run through query/queryRow without writing (rare, short).
//
// Readers outside a transaction never take it (WAL lets them run beside the writer).
// PostgreSQL has no such lock (nil): its writers lock only the rows they touch.
type writeLock struct {
	sem chan struct{} // one token: held by the current writer
	// wait bounds how long a writer queues, as busy_timeout did before: a transaction
	// whose callback wrongly writes through the outer store would otherwise wait for
	// itself for ever.
	wait time.Duration
}

// sqliteWriteWait matches the DSN's _busy_timeout.
const sqliteWriteWait = 10 * time.Second

func newWriteLock(wait time.Duration) *writeLock {
	return &writeLock{sem: make(chan struct{}, 1), wait: wait}
}

// errWriteLockTimeout: a writer queued for the write lock longer than wait.
var errWriteLockTimeout = errors.New("store: timed out waiting for the database's write lock")

// acquire waits for the lock, in FIFO order (a channel's blocked senders are queued
// and served in order), until ctx ends or wait passes. A nil lock is always free.
func (l *writeLock) acquire(ctx context.Context) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	select {
	case l.sem <- struct{}{}: // uncontended: no timer
		return l.release, nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.sem <- struct{}{}:
		return l.release, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("store: waiting for the write lock: %w", ctx.Err())
	case <-t.C:
		return nil, errWriteLockTimeout
	}
}

func (l *writeLock) release() { <-l.sem }

// writing runs fn, one statement that writes outside a transaction through query or
// queryRow (exec queues by itself), holding the write lock on SQLite.
func (s *DB) writing(ctx context.Context, fn func() error) error {
	if s.tx == nil && s.wl != nil {
		release, err := s.wl.acquire(ctx)
		if err != nil {
			return err
		}
		defer release()
	}
	return fn()
}
