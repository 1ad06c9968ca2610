package hub

import "sync"

// queue is a connection's outbound queue, bounded in bytes, and the state of its
// writer. Fan-out offers to it and never waits; the connection's own reader pushes to
// it and may wait, which slows only that client down.
//
// A connection has no writer goroutine while it has nothing to write: whoever gives
// the writer work (an item, a ping, the close) calls kick, which
// starts one if none is running, and the writer exits once it finds nothing left.
// Waking a writer is so one lock and, when it was idle, one `go` — no channel, no
// select over timers — and an idle connection costs no writer stack at all.
type queue struct {
	max   int
	space chan struct{} // one slot: wakes a reader waiting in push

	mu      sync.Mutex
	items   []item
	spare   []item // the writer's last batch, emptied, for the next drain
	bytes   int
	writing bool // a writer goroutine is running (or about to)
	ping    bool // the writer sends a WebSocket ping
	closing bool // the writer finishes the connection (conn.close)
	stopped bool // the writer has finished the connection: nothing starts it again
}

func newQueue(max int) *queue {
	return &queue{max: max, space: make(chan struct{}, 1)}
}

// offer appends it without waiting. False means it does not fit: the client is not
// keeping up, and the caller closes the connection (the client resumes on reconnect).
// start says the caller must start the writer (see kick).
func (q *queue) offer(it item) (ok, start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.bytes+len(it.frame) > q.max {
		return false, false
	}
	q.append(it)
	return true, q.claim()
}

// push appends it once the queue is at most half full, waiting for the writer until
// then or until done is closed (false). The other half is headroom for live events,
// so a long resume or a burst of replies cannot make fan-out overflow the queue. An
// empty queue takes an item of any size.
func (q *queue) push(done <-chan struct{}, it item) (ok, start bool) {
	for {
		q.mu.Lock()
		if q.bytes == 0 || q.bytes+len(it.frame) <= q.max/2 {
			q.append(it)
			start = q.claim()
			q.mu.Unlock()
			return true, start
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-done:
			return false, false
		}
	}
}

// request asks the writer for a ping or the close; start as for offer.
func (q *queue) request(ping, closing bool) (start bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ping = q.ping || ping
	q.closing = q.closing || closing
	return q.claim()
}

// claim marks the writer as running and reports whether it was not: then the caller
// starts it. Callers hold q.mu.
func (q *queue) claim() bool {
	if q.writing || q.stopped {
		return false
	}
	q.writing = true
	return true
}

func (q *queue) append(it item) {
	q.items = append(q.items, it)
	q.bytes += len(it.frame)
}

// work is what one round of the writer does.
type work struct {
	batch []item
	ping  bool
	close bool // finish the connection; the backlog is dropped, not written
}

func (w work) empty() bool { return len(w.batch) == 0 && !w.ping && !w.close }

// take hands the writer everything there is to do. With nothing, the writer is
// marked idle in the same step (so a later offer starts a new one) and lets go of the
// queue's slices, so an idle connection keeps none. A closing connection's writer
// gets only the close.
func (q *queue) take() work {
	q.mu.Lock()
	if q.closing {
		q.mu.Unlock()
		return work{close: true}
	}
	w := work{batch: q.items, ping: q.ping}
	if w.empty() {
		q.writing = false
		q.items, q.spare = nil, nil
		q.mu.Unlock()
		return w
	}
	q.items = q.spare[:0]
	q.spare = nil
	q.bytes = 0
	q.ping = false
	q.mu.Unlock()
	if len(w.batch) > 0 {
		wake(q.space)
	}
	return w
}

// recycle gives the queue the writer's written batch back for the next take.
func (q *queue) recycle(batch []item) {
	clear(batch) // let the events go
	if cap(batch) > maxSpareItems {
		return
	}
	q.mu.Lock()
	q.spare = batch[:0]
	q.mu.Unlock()
}

// stop ends the writer for good: the connection is finishing.
func (q *queue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.items, q.spare, q.bytes = nil, nil, 0
	q.mu.Unlock()
	wake(q.space)
}

// wake signals a one-slot channel without blocking; a pending signal already says it.
func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
