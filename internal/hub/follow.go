package hub

import (
	"encoding/json"

	"govchat/internal/apperr"
	"govchat/internal/busevent"
	"govchat/protocol"
)

// membership is a change of the user's channels for the follower to apply.
type membership struct {
	joined bool
	since  int64 // a join's: the channel's last seq when the user joined, or busevent.NoSince
}

// noteMembership records at once, in bus order, what a change of the user's channels
// means for the channel's live events: after a leave they are dropped, before the
// unsubscription takes effect; after a join that says where it was, they are held back
// until the follower has caught the connection up from there (catchUp), so they follow
// the messages before them. Callers hold c.mu.
func (c *conn) noteMembership(channelID int64, joined bool, since int64) {
	st := c.chanState(channelID)
	st.left = !joined
	switch {
	case !joined:
		for _, ev := range st.buf {
			c.bufBytes -= len(ev.frame)
		}
		st.buf, st.resuming = nil, false
	case since != busevent.NoSince:
		st.resuming = true
	}
}

// pend hands a change to the follower, starting one if none runs. Only the latest
// change per channel is kept, so pending stays bounded by the number of channels; a
// join repeated before the first was applied (the same membership, announced twice)
// keeps the earlier position.
func (c *conn) pend(channelID int64, m membership) {
	c.mu.Lock()
	if prev, ok := c.pending[channelID]; ok && prev.joined && m.joined && prev.since != busevent.NoSince && prev.since < m.since {
		m.since = prev.since
	}
	if c.pending == nil {
		c.pending = map[int64]membership{}
	}
	c.pending[channelID] = m
	start := c.claimFollower()
	c.mu.Unlock()
	if start {
		go c.follow()
	}
}

// goLive lets a follower apply the changes noted so far and from now on; hello calls
// it last.
func (c *conn) goLive() {
	c.mu.Lock()
	c.live = true
	start := c.claimFollower()
	c.mu.Unlock()
	if start {
		go c.follow()
	}
}

// claimFollower reports whether the caller must start a follower: the connection is
// live, has changes to apply and none runs. Callers hold c.mu.
func (c *conn) claimFollower() bool {
	if !c.live || c.following || len(c.pending) == 0 {
		return false
	}
	c.following = true
	c.followers.Add(1)
	return true
}

// endFollowing stops changes from being applied and waits for a running follower, so
// nothing is subscribed after the connection has left every topic. The connection is
// closing by then, and a follower gives up at its next step.
func (c *conn) endFollowing() {
	c.mu.Lock()
	c.live = false
	c.mu.Unlock()
	c.followers.Wait()
}

// follow applies the changes noted since it last looked: it subscribes to the channels
// joined, catching each up from where the user joined, and leaves those left, until
// none is left. It runs on a goroutine of its own, one at a time per connection (so a
// channel's changes are applied in the order they came), and only after hello: hello
// subscribes from a channel list read while these changes were arriving, and applying
// them afterwards is what makes a "left" win over a stale list. Not on the fan-out
// worker that noted them (a bus handler may not subscribe), nor on the writer (a
// catch-up waits for queue room, which only the writer makes).
func (c *conn) follow() {
	defer c.followers.Done()
	for {
		c.mu.Lock()
		changes := c.pending
		c.pending = nil
		if len(changes) == 0 || c.closing() {
			c.following = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		for id, m := range changes {
			if !c.apply(id, m) {
				return // closing: nothing more is applied
			}
		}
	}
}

// apply makes one change; false when the connection is closing.
func (c *conn) apply(id int64, m membership) bool {
	t := topic{id: id}
	switch {
	case !m.joined:
		c.leave(t)
		return !c.closing()
	case m.since == busevent.NoSince:
		// From a node of the previous version, which does not say where the user
		// joined: live events from the subscription on, as before.
		return c.subscribe(t)
	}
	// Held back since the join was noted; again, in case a hello resuming the same
	// channel has let them through since.
	c.startResume([]int64{id})
	return c.subscribe(t) && c.catchUp(id, m.since)
}

// subscribe joins a channel's topic; a bus that fails closes the connection, so the
// client reconnects rather than misses the channel's messages.
func (c *conn) subscribe(t topic) bool {
	if err := c.join(t); err != nil {
		if !c.closing() {
			c.hub.log.Error("websocket: subscribe to joined channel", "user_id", c.userID, "channel_id", t.id, "err", err)
			c.close(closeInternal, "server error; reconnect")
		}
		return false
	}
	return !c.closing()
}

// catchUp queues what a channel the user has just joined got after since, where the
// user joined, and then the live events held back meanwhile: what was published before
// the subscription took effect never reached this connection (issue 17). It takes the
// path of hello's resume (Service.Resume, then finishResume), with the channel's
// events held since the join was noted, so they come after the stored ones, in order.
// Stored frames the connection already queued live go through the same window as
// live events and are not sent twice: a join can be noted after hello subscribed to
// the channel (it was in the list hello read), or announced twice. False when the
// connection is closing.
func (c *conn) catchUp(id, since int64) bool {
	frames, lastSeq, resync, err := c.hub.opt.Service.Resume(c.ctx, c.userID, protocol.ResumePos{ChannelID: id, LastSeq: since})
	c.hub.settle(c.part, c.done)
	switch {
	case c.closing():
		return false
	case err != nil && apperr.From(err).Code == protocol.CodeNotMember:
		// Left again meanwhile: the left event is here or on its way.
		lastSeq = since
	case err != nil:
		c.hub.log.Error("websocket: catch up a joined channel", "user_id", c.userID, "channel_id", id, "err", err)
		c.close(closeInternal, "server error; reconnect")
		return false
	case resync != nil:
		// More since the join than a resume replays: the client pages it by REST.
		if !c.reply(protocol.TypeResync, "", resync) {
			return false
		}
	default:
		for _, fr := range frames {
			if c.admitStored(id, fr) && !c.send(fr) {
				return false
			}
		}
	}
	c.finishResume(id, lastSeq)
	return !c.closing()
}

// admitStored reports whether a stored frame of a channel being caught up should be
// queued, recording its sequence as live events do: not when the connection has
// queued that sequence already.
func (c *conn) admitStored(id int64, frame []byte) bool {
	var f struct {
		Data struct {
			Seq int64 `json:"seq"`
		} `json:"data"`
	}
	if json.Unmarshal(frame, &f) != nil || f.Data.Seq <= 0 {
		return true // not a message of the sequence: nothing to check it against
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chanState(id).admit(f.Data.Seq)
}
