package chat

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"govchat/internal/store"
)

// errClosed answers sends that arrive while the server shuts down.
var errClosed = errors.New("chat: shutting down")

// committer is the group commit: sends that arrive within a millisecond or two of each
// other are appended in one transaction, and each sender is answered only after that
// transaction commits. A database takes a few thousand commits a second but far more
// rows, so batching is what lets the store keep up with a busy organisation.
type committer struct {
	st    store.Chat
	delay time.Duration
	max   int
	log   *slog.Logger
	// committed runs on the committer's goroutine after each commit, before any sender
	// is answered: handing batches on from there keeps a node's messages in sequence
	// order on the bus. When it returns a channel, the senders are answered once it is
	// closed (the batch is on the bus), without holding up the next commit.
	committed func(results []store.AppendResult) <-chan struct{}

	in       chan commitReq
	quit     chan struct{}
	closeOne sync.Once
	wg       sync.WaitGroup
}

type commitReq struct {
	msg  store.NewMessage
	done chan store.AppendResult // buffered: the committer never waits for the sender
}

func newCommitter(st store.Chat, delay time.Duration, max int, log *slog.Logger, committed func([]store.AppendResult) <-chan struct{}) *committer {
	c := &committer{st: st, delay: delay, max: max, log: log, committed: committed, in: make(chan commitReq, max), quit: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// submit queues m and waits for its commit. If ctx ends first the message may still be
// committed; the client's retry with the same client id then gets the first result.
func (c *committer) submit(ctx context.Context, m store.NewMessage) (store.AppendResult, error) {
	req := commitReq{msg: m, done: make(chan store.AppendResult, 1)}
	select {
	case c.in <- req:
	case <-c.quit:
		return store.AppendResult{}, errClosed
	case <-ctx.Done():
		return store.AppendResult{}, ctx.Err()
	}
	select {
	case r := <-req.done:
		return r, nil
	case <-ctx.Done():
		return store.AppendResult{}, ctx.Err()
	}
}

func (c *committer) close() {
	c.closeOne.Do(func() { close(c.quit) })
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	batch := make([]commitReq, 0, c.max)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch = batch[:0]
		select {
		case req := <-c.in:
			batch = append(batch, req)
		case <-c.quit:
			c.drain()
			return
		}
		// Collect what else arrives within the delay, up to the batch size.
		timer.Reset(c.delay)
	collect:
		for len(batch) < c.max {
			select {
			case req := <-c.in:
				batch = append(batch, req)
			case <-timer.C:
				break collect
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		c.commit(batch)
	}
}

// drain answers whatever is still queued at shutdown, committing it rather than
// dropping it: those senders are waiting for an ack.
func (c *committer) drain() {
	for {
		batch := make([]commitReq, 0, c.max)
		for len(batch) < c.max {
			select {
			case req := <-c.in:
				batch = append(batch, req)
				continue
			default:
			}
			break
		}
		if len(batch) == 0 {
			return
		}
		c.commit(batch)
	}
}

func (c *committer) commit(batch []commitReq) {
	msgs := make([]store.NewMessage, len(batch))
	// The answers may be sent after loop() has reused batch for the next commit (when
	// acks wait for the bus), so they go to a list of this commit's own.
	answers := make([]chan store.AppendResult, len(batch))
	for i, r := range batch {
		msgs[i] = r.msg
		answers[i] = r.done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	results, err := c.st.AppendMessages(ctx, msgs)
	if err == nil && len(results) != len(batch) {
		err = errors.New("chat: store returned a result count unlike the batch")
	}
	var published <-chan struct{}
	if err != nil {
		c.log.Error("group commit failed", "messages", len(batch), "err", err)
	} else if c.committed != nil {
		published = c.committed(results)
	}
	answer := func() {
		for i, done := range answers {
			if err != nil {
				done <- store.AppendResult{Err: err}
				continue
			}
			done <- results[i]
		}
	}
	if published == nil {
		answer()
		return
	}
	go func() {
		<-published
		answer()
	}()
}

// submitAll queues ms in order and waits for all of their commits. They reach the
// store in this order (one goroutine reads the queue), so within a channel they take
// ascending sequence numbers, without waiting for one commit before queueing the next.
// On ctx's end some may have been committed; a retry with the same client ids finds
// them.
func (c *committer) submitAll(ctx context.Context, ms []store.NewMessage) ([]store.AppendResult, error) {
	reqs := make([]commitReq, len(ms))
	for i, m := range ms {
		reqs[i] = commitReq{msg: m, done: make(chan store.AppendResult, 1)}
		select {
		case c.in <- reqs[i]:
		case <-c.quit:
			return nil, errClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	out := make([]store.AppendResult, len(ms))
	for i, r := range reqs {
		select {
		case out[i] = <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}
