package bus

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestMemory(t *testing.T) {
	t.Run("has run handlers when Publish returns", func(t *testing.T) {
		b := NewMemory()
		defer b.Close()
		rec := newRecorder()
		subscribe(t, b, "chan:1", rec.handle)
		publish(t, b, "chan:1", "now")
		if got := rec.snapshot(); len(got) != 1 {
			t.Fatalf("got %v right after Publish, want the payload delivered", got)
		}
	})

	t.Run("a publisher stuck behind a blocking handler gives up with its context", func(t *testing.T) {
		b := NewMemory()
		entered, release := make(chan struct{}), make(chan struct{})
		subscribe(t, b, "chan:slow", func(string, []byte) {
			close(entered)
			<-release // breaks the contract on purpose
		})
		first := make(chan error, 1)
		go func() { first <- b.Publish(context.Background(), "chan:slow", []byte("x")) }()
		<-entered

		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		if err := b.Publish(ctx, "chan:other", []byte("y")); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Publish behind a blocked handler = %v, want DeadlineExceeded", err)
		}
		close(release)
		if err := <-first; err != nil {
			t.Errorf("blocked Publish: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})

	t.Run("is named memory", func(t *testing.T) {
		if got := NewMemory().Name(); got != "memory" {
			t.Errorf("Name() = %q", got)
		}
	})
}
