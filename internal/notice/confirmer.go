package notice

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/reqinfo"
	"govchat/internal/store"
	"govchat/protocol"
)

// Group commit of confirmations: how long the first waits for others, and how many
// share one transaction.
const (
	confirmDelay = time.Millisecond
	confirmBatch = 64
)

// confirmer is the group commit of confirmations, as chat's committer is of sends.
// Every confirmation is one receipt update and one audit entry, and the audit chain
// is one chain across nodes, so its appends are serialised under a lock held to
// commit: one transaction per confirmation caps a node at about as many confirmations
// a second as the database has commits. Confirmations that arrive within a
// millisecond of each other (up to confirmBatch) share one transaction instead, each
// with its own conditional update and its own audit entry, and each caller is
// answered only after that transaction commits.
//
// An item's own refusal (stale revision, withdrawn, not a recipient) writes nothing
// and fails that item alone. Anything else that fails the transaction has every
// item of the batch committed again on its own, so it fails only the items it
// belongs to.
//
// The goroutine runs only while there is work: the first confirmation starts it and
// it ends when the queue is empty, so a Service that is never closed leaves nothing
// running.
type confirmer struct {
	svc   *Service
	delay time.Duration
	max   int

	mu      sync.Mutex
	queue   []*confirmItem
	running bool
	closed  bool
	full    chan struct{} // a batch's worth is queued: stop waiting for more
	wg      sync.WaitGroup
}

// confirmItem is one confirmation waiting for the group commit.
type confirmItem struct {
	ctx   context.Context // the caller's: its request info goes into the audit entry
	user  store.User
	id    int64
	rev   int
	reply string
	fresh bool // not yet confirmed when read: audit it
	at    time.Time
	done  chan confirmResult // buffered: the committer never waits for the caller
}

type confirmResult struct {
	r   store.NoticeRecipient
	err error
}

func newConfirmer(svc *Service, delay time.Duration, max int) *confirmer {
	return &confirmer{svc: svc, delay: delay, max: max, full: make(chan struct{}, 1)}
}

// errClosed answers confirmations that arrive once the service is closed.
func errClosed() error {
	return apperr.New(protocol.CodeUnavailable, "the server is shutting down; try again shortly")
}

// submit queues it and waits for its commit. If ctx ends before the batch is taken
// the confirmation is dropped; if it ends while the batch commits, the confirmation
// may still land (a retry then finds it confirmed).
func (c *confirmer) submit(ctx context.Context, it *confirmItem) (store.NoticeRecipient, error) {
	it.ctx, it.at, it.done = ctx, time.Now(), make(chan confirmResult, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return store.NoticeRecipient{}, errClosed()
	}
	c.queue = append(c.queue, it)
	if len(c.queue) >= c.max {
		select {
		case c.full <- struct{}{}:
		default:
		}
	}
	if !c.running {
		c.running = true
		c.wg.Add(1)
		go c.loop()
	}
	c.mu.Unlock()
	select {
	case res := <-it.done:
		return res.r, res.err
	case <-ctx.Done():
		return store.NoticeRecipient{}, ctx.Err()
	}
}

// close refuses further confirmations and waits until those queued are committed,
// without waiting for more, and answered.
func (c *confirmer) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	select {
	case c.full <- struct{}{}:
	default:
	}
	c.wg.Wait()
}

// queued is how many confirmations wait for the next batch.
func (c *confirmer) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

func (c *confirmer) loop() {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		// Wait for more until the oldest has waited the delay; those that queued up
		// while the last batch committed have waited already.
		wait := time.Until(c.queue[0].at.Add(c.delay))
		if len(c.queue) >= c.max || c.closed {
			wait = 0
		}
		c.mu.Unlock()
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-c.full:
			}
		}
		c.mu.Lock()
		n := min(len(c.queue), c.max)
		batch := slices.Clone(c.queue[:n])
		c.queue = slices.Delete(c.queue, 0, n)
		c.mu.Unlock()
		c.commit(batch)
	}
}

// commit confirms the batch in one transaction and answers each caller.
func (c *confirmer) commit(batch []*confirmItem) {
	live := make([]*confirmItem, 0, len(batch))
	for _, it := range batch {
		if err := it.ctx.Err(); err != nil {
			it.done <- confirmResult{err: err} // the caller gave up: nothing done
			continue
		}
		live = append(live, it)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	results := make([]confirmResult, len(live))
	err := c.svc.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		return c.apply(ctx, tx, rec, live, results)
	})
	switch {
	case err != nil && len(live) == 1:
		results[0] = confirmResult{err: err}
	case err != nil:
		c.svc.log.Warn("confirmations committed one by one after the batch failed", "confirmations", len(live), "err", err)
		for i, it := range live {
			one := []*confirmItem{it}
			res := make([]confirmResult, 1)
			err := c.svc.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
				return c.apply(ctx, tx, rec, one, res)
			})
			if err != nil {
				res[0] = confirmResult{err: err}
			}
			results[i] = res[0]
		}
	}
	for i, it := range live {
		it.done <- results[i]
	}
}

// apply confirms items inside tx, putting each one's outcome in results: first every
// receipt update, in (notice, user) order, then the audit entries of those that
// were new. Taking row locks in one order, and the audit lock only after all of them,
// keeps two nodes' batches from deadlocking. An item's own refusal, which writes
// nothing, is its result; any other error fails the transaction.
func (c *confirmer) apply(ctx context.Context, tx Tx, rec *audit.Recorder, items []*confirmItem, results []confirmResult) error {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(items[a].id, items[b].id), cmp.Compare(items[a].user.ID, items[b].user.ID))
	})
	for _, i := range order {
		it := items[i]
		r, err := tx.ConfirmNotice(withInfo(ctx, it.ctx), it.id, it.user.ID, it.rev, it.reply, c.svc.now())
		if err != nil && !refusal(err) {
			return err
		}
		results[i] = confirmResult{r: r, err: err}
	}
	for i, it := range items {
		if results[i].err != nil || !it.fresh {
			continue
		}
		if err := record(withInfo(ctx, it.ctx), rec, it.user, audit.NoticeConfirm, it.id,
			map[string]any{"revision": it.rev, "replied": it.reply != ""}); err != nil {
			return err
		}
	}
	return nil
}

// refusal: the store refused one confirmation without writing anything, so the
// others in its transaction stand.
func refusal(err error) bool {
	return errors.Is(err, store.ErrStaleRevision) || errors.Is(err, store.ErrWithdrawn) || errors.Is(err, store.ErrNotFound)
}

// withInfo is ctx (the batch's deadline) carrying the request info of the caller's
// context, for the audit entry.
func withInfo(ctx, caller context.Context) context.Context {
	return reqinfo.With(ctx, reqinfo.From(caller))
}
