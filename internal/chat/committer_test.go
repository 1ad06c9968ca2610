package chat

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/store"
)

// appendOnly is a store that can only append: the committer needs nothing else. It
// numbers messages as the store would and echoes each sender's client id.
type appendOnly struct {
	store.Chat // nil: any other method is a bug in the committer and panics
	seq        atomic.Int64
}

func (a *appendOnly) AppendMessages(_ context.Context, msgs []store.NewMessage) ([]store.AppendResult, error) {
	out := make([]store.AppendResult, len(msgs))
	for i, m := range msgs {
		out[i].Message = store.Message{ChannelID: m.ChannelID, Seq: a.seq.Add(1), SenderID: m.SenderID, ClientID: m.ClientID}
	}
	return out, nil
}

// TestCommitterAnswersEachSenderOwnResult is the cluster path under load: acks wait
// for the bus, so they are sent after the committer has gone on to the next batch.
// Each of many concurrent senders must get exactly its own message back — an answer
// that read the committer's reused batch would go to another sender, or to nobody.
func TestCommitterAnswersEachSenderOwnResult(t *testing.T) {
	for _, tc := range []struct {
		name     string
		busDelay time.Duration // 0: acks are sent before the next commit (one node)
	}{{"acks after the bus", 3 * time.Millisecond}, {"acks at once", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			var onBus sync.WaitGroup
			committed := func([]store.AppendResult) <-chan struct{} {
				if tc.busDelay == 0 {
					return nil
				}
				done := make(chan struct{})
				onBus.Add(1)
				go func() { defer onBus.Done(); time.Sleep(tc.busDelay); close(done) }()
				return done
			}
			c := newCommitter(&appendOnly{}, 200*time.Microsecond, 16, slog.New(slog.NewTextHandler(io.Discard, nil)), committed)
			defer c.close()

			const senders, each = 100, 20
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			errs := make(chan error, senders)
			var wg sync.WaitGroup
			for s := range senders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						id := fmt.Sprintf("s%d-%d", s, i)
						r, err := c.submit(ctx, store.NewMessage{ChannelID: 1, SenderID: int64(s + 1), ClientID: id})
						switch {
						case err != nil:
							errs <- fmt.Errorf("sender %d: %s never acked: %w", s, id, err)
							return
						case r.Message.ClientID != id || r.Message.SenderID != int64(s+1):
							errs <- fmt.Errorf("sender %d: sent %s, ack names %s of sender %d", s, id, r.Message.ClientID, r.Message.SenderID)
							return
						}
					}
				}()
			}
			wg.Wait()
			onBus.Wait()
			close(errs)
			n := 0
			for err := range errs {
				if n++; n <= 5 {
					t.Error(err)
				}
			}
			if n > 0 {
				t.Fatalf("%d of %d senders went wrong", n, senders)
			}
		})
	}
}
