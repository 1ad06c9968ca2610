package hub

import (
	"runtime"
	"sync/atomic"

	"govchat/internal/busevent"
)

// fanout is the bus handler of every topic. It runs on the bus's delivery goroutine
// (the memory bus: the publisher's), so it does as little as it can there: it decodes
// the event once and hands it to the fan-out workers whose part of the topic has
// connections. Each worker then offers it to the queues of its part's connections, so
// the deliveries of one event are spread over every core instead of being made one
// after another by the one goroutine every event passes through.
//
// Order: a connection belongs to one worker (conn.part) for all its topics, and every
// worker takes its tasks in the order the bus delivered them, so each connection sees
// the events of each topic — and its membership changes among them — in bus order, as
// when the bus goroutine delivered them itself (PROTOCOL.md §7.6).
//
// A worker's task list is bounded: when it is full the bus handler waits for room,
// slowing the publisher down as the deliveries it made itself used to. Nothing else
// waits: a worker never writes to a socket, never blocks on a connection and never
// joins or leaves a topic.
//
// The frame is encoded once, by the publisher; here it becomes one event shared by
// every local connection, and at most one PreparedMessage (see event.prepared). A
// membership change comes typed in the envelope; the frame is never parsed here
// (busevent.Decode reads where a join was from a joined frame).
func (h *Hub) fanout(e *topicEntry, payload []byte) {
	be, err := busevent.Decode(payload)
	if err != nil {
		h.log.Warn("dropping malformed bus event", "topic", e.topic.name(), "err", err)
		return
	}
	h.events.Add(1)
	ev := &event{seq: be.Seq, frame: be.Frame}
	if e.topic.user {
		// Only the user's own topic changes which channels their connections follow.
		ev.change, ev.channel, ev.since = be.Change, be.Channel, be.Since
	}
	for i := range e.parts {
		if e.parts[i].n.Load() == 0 {
			continue
		}
		h.inFlight[i].Add(1)
		select {
		case h.workers[i] <- fanTask{e: e, ev: ev}:
		case <-h.stopWorkers:
			return // the hub has closed; its connections are gone
		}
	}
}

// fanTask is one event for one worker's part of a topic, or a barrier: a channel
// the worker closes when it comes to it (settle).
type fanTask struct {
	e       *topicEntry
	ev      *event
	barrier chan struct{}
}

// fanTasksPerWorker bounds each worker's backlog (events, not deliveries).
const fanTasksPerWorker = 1024

// maxFanoutWorkers caps the default: every topic keeps a part per worker (40 bytes
// each, most topics being one user's few connections), and past a few cores the
// sockets' writes, not the offers, are the work.
const maxFanoutWorkers = 8

// fanoutWorkers is how many workers a hub runs: by default one per core the
// scheduler uses, at most maxFanoutWorkers.
func fanoutWorkers(n int) int {
	if n > 0 {
		return n
	}
	return min(max(1, runtime.GOMAXPROCS(0)), maxFanoutWorkers)
}

// startWorkers starts the fan-out workers; Close stops them.
func (h *Hub) startWorkers(n int) {
	h.workers = make([]chan fanTask, n)
	h.inFlight = make([]atomic.Int64, n)
	for i := range h.workers {
		ch := make(chan fanTask, fanTasksPerWorker)
		h.workers[i] = ch
		h.workersDone.Add(1)
		go func() {
			defer h.workersDone.Done()
			for {
				select {
				case t := <-ch:
					if t.barrier != nil {
						close(t.barrier)
						continue
					}
					h.deliverPart(&t.e.parts[i], t.e.topic, t.ev)
					h.inFlight[i].Add(-1)
				case <-h.stopWorkers:
					return
				}
			}
		}()
	}
}

// deliverPart offers ev to every connection of one part. deliver never waits (it
// queues, drops a duplicate or closes a connection that fell too far behind), so the
// part's lock is held only as long as the offers take.
func (h *Hub) deliverPart(p *topicPart, t topic, ev *event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.deliver(t, ev)
	}
}

// settle waits until the worker of part has handed out every event the bus gave the
// hub before settle was called, or done closes. hello calls it after reading a
// channel's missed messages, so the live events that arrived meanwhile are held back
// and queued before welcome, as when fan-out ran on the bus goroutine.
func (h *Hub) settle(part int, done <-chan struct{}) {
	if h.inFlight[part].Load() == 0 {
		return // nothing handed to the worker is still to be delivered
	}
	b := make(chan struct{})
	select {
	case h.workers[part] <- fanTask{barrier: b}:
	case <-done:
		return
	case <-h.stopWorkers:
		return
	}
	select {
	case <-b:
	case <-done:
	case <-h.stopWorkers:
	}
}
