package hub

import (
	"govchat/internal/busevent"
	"govchat/protocol"
)

// chanState is what a connection remembers of one channel: which sequences it has
// queued, so a message is not sent twice whether it came by resume or live, and,
// while the channel is resumed (during hello) or caught up (after a join), the live
// events held back meanwhile.
//
// Live events can arrive out of sequence order: messages committed together are
// published by different goroutines, and in a cluster by different nodes. So the
// connection may not simply drop what is below the highest sequence sent; it keeps
// the resume watermark and, above it, a sliding window of the last 128 sequences it
// queued (the anti-replay window of IPsec and DTLS).
type chanState struct {
	floor    int64     // everything at or below was sent by resume or held by the client
	max      int64     // the highest live sequence queued
	window   [2]uint64 // bit i set: sequence max-i was queued
	left     bool      // the user left; drop its events until a join
	resuming bool
	buf      []*event
}

// windowSize is how far behind the newest a late message may arrive and still be
// recognised as a duplicate. Later than that it is delivered again rather than lost:
// clients drop a sequence they already have.
const windowSize = 128

// admit reports whether seq should be queued, and records it.
func (st *chanState) admit(seq int64) bool {
	if seq <= st.floor {
		return false
	}
	if seq > st.max {
		st.shift(seq - st.max)
		st.max = seq
		st.window[0] |= 1
		return true
	}
	d := uint64(st.max - seq)
	if d >= windowSize {
		return true
	}
	word, bit := d/64, uint64(1)<<(d%64)
	if st.window[word]&bit != 0 {
		return false
	}
	st.window[word] |= bit
	return true
}

// shift moves the window n places towards newer sequences.
func (st *chanState) shift(n int64) {
	switch {
	case n >= windowSize:
		st.window = [2]uint64{}
	case n >= 64:
		st.window = [2]uint64{0, st.window[0] << (n - 64)}
	case n > 0:
		st.window = [2]uint64{st.window[0] << n, st.window[1]<<n | st.window[0]>>(64-n)}
	}
}

// setFloor records that everything up to floor has been sent by resume.
func (st *chanState) setFloor(floor int64) {
	st.floor = floor
	if st.max < floor {
		st.max, st.window = floor, [2]uint64{}
	}
}

func (c *conn) chanState(id int64) *chanState {
	st := c.chans[id]
	if st == nil {
		st = &chanState{}
		c.chans[id] = st
	}
	return st
}

// deliver takes one bus event for this connection. It runs on a fan-out worker,
// so it never waits: it buffers, drops a duplicate or queues the event, and closes
// the connection if its queue is full.
func (c *conn) deliver(t topic, ev *event) {
	if c.closing() {
		return
	}
	c.mu.Lock()
	if ev.change != busevent.NoChange {
		c.noteMembership(ev.channel, ev.change == busevent.Joined, ev.since)
	}
	if !t.user {
		st := c.chans[t.id]
		switch {
		case st != nil && st.left:
			c.mu.Unlock()
			return
		case st != nil && st.resuming:
			if c.bufBytes+len(ev.frame) > c.hub.opt.SendQueueBytes {
				c.mu.Unlock()
				c.tooSlow()
				return
			}
			st.buf = append(st.buf, ev)
			c.bufBytes += len(ev.frame)
			c.mu.Unlock()
			return
		case ev.seq != 0:
			if st == nil {
				st = c.chanState(t.id)
			}
			if !st.admit(ev.seq) {
				c.mu.Unlock()
				return
			}
		}
	}
	c.mu.Unlock()
	ok, start := c.q.offer(item{ev: ev, frame: ev.frame})
	c.kick(start)
	if !ok {
		c.tooSlow()
	}
	if ev.change != busevent.NoChange {
		// Only now that its frame is queued: the client hears of a join before it gets
		// the channel's messages.
		c.pend(ev.channel, membership{joined: ev.change == busevent.Joined, since: ev.since})
	}
}

func (c *conn) tooSlow() {
	if !c.closing() {
		c.hub.tooSlow.Add(1)
	}
	c.close(protocol.CloseTooSlow, "too slow; reconnect and resume")
}

// startResume holds back the live events of channels about to be resumed.
func (c *conn) startResume(ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.chanState(id).resuming = true
	}
}

// finishResume queues the live events held back for a channel whose missed frames
// have been queued up to sent, skipping those already covered, and then lets live
// events through again. It runs on the reader (hello) or the follower (a join) and
// may wait for queue room, so it never holds c.mu while queueing: events arriving
// meanwhile are buffered and taken in the next round, keeping them in order.
func (c *conn) finishResume(id, sent int64) {
	c.mu.Lock()
	st := c.chanState(id)
	st.setFloor(sent)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		buf := st.buf
		st.buf = nil
		for _, ev := range buf {
			c.bufBytes -= len(ev.frame)
		}
		if len(buf) == 0 || st.left {
			st.resuming = false
			c.mu.Unlock()
			return
		}
		out := buf[:0]
		for _, ev := range buf {
			if ev.seq == 0 || st.admit(ev.seq) {
				out = append(out, ev)
			}
		}
		c.mu.Unlock()
		for _, ev := range out {
			ok, start := c.q.push(c.done, item{ev: ev, frame: ev.frame})
			c.kick(start)
			if !ok {
				return
			}
		}
	}
}
