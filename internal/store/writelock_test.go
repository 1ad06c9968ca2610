package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// TestWriteLockReleased: every way out of a transaction gives the write lock back
// (on SQLite a leaked one would make the next write wait out its 10 s queue and fail;
// the deadline here makes that fail fast), nested transactions do not queue for the
// lock their outer one holds, and writers outside transactions queue beside them.
func TestWriteLockReleased(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		// writeSoon writes through the pool, a transaction and a plain statement,
		// within a deadline far shorter than the lock's queue.
		writeSoon := func(t *testing.T, key string) {
			t.Helper()
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
			defer cancel()
			must(t, s.InTx(ctx, func(tx store.Store) error { return tx.SetMeta(ctx, key+"_tx", "v") }))
			must(t, s.SetMeta(ctx, key, "v"))
		}

		t.Run("after an error", func(t *testing.T) {
			err := s.InTx(t.Context(), func(tx store.Store) error {
				must(t, tx.SetMeta(t.Context(), "wl_err", "v"))
				return errBoom
			})
			wantErr(t, err, errBoom)
			writeSoon(t, "wl_after_err")
		})

		t.Run("after a failed statement", func(t *testing.T) {
			err := s.InTx(t.Context(), func(tx store.Store) error {
				_, err := tx.GetUser(t.Context(), 987654)
				return err
			})
			wantErr(t, err, store.ErrNotFound)
			writeSoon(t, "wl_after_fail")
		})

		t.Run("after a panic", func(t *testing.T) {
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("panic swallowed")
					}
				}()
				_ = s.InTx(t.Context(), func(tx store.Store) error {
					must(t, tx.SetMeta(t.Context(), "wl_panic", "v"))
					panic("boom")
				})
			}()
			writeSoon(t, "wl_after_panic")
		})

		t.Run("after a cancelled context", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			err := s.InTx(ctx, func(tx store.Store) error {
				must(t, tx.SetMeta(ctx, "wl_cancel", "v"))
				cancel()
				return tx.SetMeta(ctx, "wl_cancel2", "v")
			})
			if err == nil {
				t.Fatal("a transaction whose context ended committed")
			}
			writeSoon(t, "wl_after_cancel")
		})

		t.Run("nested InTx inside the lock", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
			defer cancel()
			must(t, s.InTx(ctx, func(tx store.Store) error {
				return tx.InTx(ctx, func(inner store.Store) error {
					return inner.InTx(ctx, func(innermost store.Store) error { return innermost.SetMeta(ctx, "wl_nested", "v") })
				})
			}))
			if v, err := s.GetMeta(ctx, "wl_nested"); err != nil || v != "v" {
				t.Fatalf("GetMeta = %q, %v", v, err)
			}
			writeSoon(t, "wl_after_nested")
		})

		t.Run("concurrent writers all commit", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 20 {
				wg.Add(2)
				key := "wl_c" + itoa(int64(i))
				go func() {
					defer wg.Done()
					errs <- s.InTx(ctx, func(tx store.Store) error { return tx.SetMeta(ctx, key, "v") })
				}()
				go func() {
					defer wg.Done()
					errs <- s.SetMeta(ctx, key+"_plain", "v")
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				must(t, err)
			}
			for i := range 20 {
				for _, k := range []string{"wl_c" + itoa(int64(i)), "wl_c" + itoa(int64(i)) + "_plain"} {
					if _, err := s.GetMeta(ctx, k); err != nil {
						t.Errorf("GetMeta(%s): %v", k, err)
					}
				}
			}
		})
	})
}

// TestWriteLockReadersDoNotQueue: on SQLite, a read outside a transaction runs while
// a write transaction holds the write lock (WAL), rather than queuing behind it.
func TestWriteLockReadersDoNotQueue(t *testing.T) {
	s := storetest.NewSQLite(t)
	ctx := t.Context()
	must(t, s.SetMeta(ctx, "wl_read", "before"))
	held, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		_ = s.InTx(ctx, func(tx store.Store) error {
			if err := tx.SetMeta(ctx, "wl_read", "inside"); err != nil {
				return err
			}
			close(held)
			time.Sleep(2 * time.Second)
			return errBoom
		})
	}()
	<-held
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	v, err := s.GetMeta(rctx, "wl_read")
	if err != nil || v != "before" {
		t.Errorf("read beside a writer = %q, %v; want the committed value at once", v, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("the read queued behind the writer")
	}
	<-done
}
