package hub

import "sync"

// queue is a connection's outbound queue, bounded in bytes. Fan-out offers to it
// and never waits; the connection's own reader pushes to it and may wait, which
// slows only that client down.
type queue struct {
	max   int
	ready chan struct{} // one slot: wakes the writer
	space chan struct{} // one slot: wakes a reader waiting in push

	mu    sync.Mutex
	items []item
	bytes int
}

func newQueue(max int) *queue {
	return &queue{max: max, ready: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

// offer appends it without waiting. False means it does not fit: the client is not
// keeping up, and the caller closes the connection (the client resumes on reconnect).
func (q *queue) offer(it item) bool {
	q.mu.Lock()
	if q.bytes+len(it.frame) > q.max {
		q.mu.Unlock()
		return false
	}
	q.append(it)
	q.mu.Unlock()
	wake(q.ready)
	return true
}

// push appends it once the queue is at most half full, waiting for the writer until
// then or until done is closed (false). The other half is headroom for live events,
// so a long resume or a burst of replies cannot make fan-out overflow the queue. An
// empty queue takes an item of any size.
func (q *queue) push(done <-chan struct{}, it item) bool {
	for {
		q.mu.Lock()
		if q.bytes == 0 || q.bytes+len(it.frame) <= q.max/2 {
			q.append(it)
			q.mu.Unlock()
			wake(q.ready)
			return true
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-done:
			return false
		}
	}
}

func (q *queue) append(it item) {
	q.items = append(q.items, it)
	q.bytes += len(it.frame)
}

// drain takes everything queued, handing spare (emptied) to the queue for reuse, so
// the writer and the queue swap two slices instead of allocating.
func (q *queue) drain(spare []item) []item {
	q.mu.Lock()
	out := q.items
	q.items = spare[:0]
	q.bytes = 0
	q.mu.Unlock()
	wake(q.space)
	return out
}

// wake signals a one-slot channel without blocking; a pending signal already says it.
func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
