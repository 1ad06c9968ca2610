package hub

import (
	"fmt"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// hello subscribes the connection, replays what the client missed and welcomes it.
//
// Order matters so that nothing is lost or sent twice: the user topic first (channel
// list changes arriving from here on are applied after hello, see follow);
// then the channel list; then the channels to resume are marked, so their live
// events are held back; then every channel topic is joined; then each channel is
// resumed from the store and its held-back events with a higher sequence follow;
// last comes welcome.
func (c *conn) hello(f protocol.Frame) {
	var d protocol.HelloData
	if len(f.Data) > 0 {
		if err := decodeData(f.Data, &d); err != nil {
			c.replyError(f.Ref, err)
			return
		}
	}
	if len(d.Resume) > protocol.MaxResumeChans {
		c.replyError(f.Ref, apperr.BadField("data.resume", "resume lists more than %d channels", protocol.MaxResumeChans))
		return
	}
	c.helloDone = true

	if err := c.join(topic{user: true, id: c.userID}); err != nil {
		c.fail(f.Ref, "subscribe user topic", err)
		return
	}
	ids, err := c.hub.opt.Service.Channels(c.ctx, c.userID)
	if err != nil {
		c.fail(f.Ref, "list channels", err)
		return
	}
	member := make(map[int64]bool, len(ids))
	for _, id := range ids {
		member[id] = true
	}
	// One position per channel (the last one listed wins), in the client's order.
	positions := make(map[int64]protocol.ResumePos, len(d.Resume))
	var order []int64
	for _, pos := range d.Resume {
		if !member[pos.ChannelID] {
			e := apperr.New(protocol.CodeNotMember, "not a member of channel %d", pos.ChannelID)
			e.Field = "data.resume"
			c.replyError(f.Ref, e)
			continue
		}
		if _, dup := positions[pos.ChannelID]; !dup {
			order = append(order, pos.ChannelID)
		}
		positions[pos.ChannelID] = pos
	}
	c.startResume(order)
	for _, id := range ids {
		if err := c.join(topic{id: id}); err != nil {
			c.fail(f.Ref, "subscribe channel topic", err)
			return
		}
	}
	for _, id := range order {
		if !c.resume(f.Ref, positions[id]) {
			return
		}
	}
	p := c.principal()
	c.reply(protocol.TypeWelcome, f.Ref, protocol.WelcomeData{
		UserID:      c.userID,
		ExpiresAt:   p.Session.ExpiresAt,
		HeartbeatMS: c.hub.opt.Heartbeat.Milliseconds(),
		MaxFrame:    protocol.MaxFrameBytes,
	})
	c.goLive()
}

// resume queues what the client missed in one channel, or a resync, or the error,
// and then the live events held back meanwhile. False when the connection closed.
func (c *conn) resume(ref string, pos protocol.ResumePos) bool {
	frames, lastSeq, resync, err := c.hub.opt.Service.Resume(c.ctx, c.userID, pos)
	// Live events the bus delivered while the store was read are held back (resuming)
	// once the fan-out worker has handed them out.
	c.hub.settle(c.part, c.done)
	sent := lastSeq
	switch {
	case c.closing():
		return false
	case err != nil:
		c.replyError(ref, fmt.Errorf("hub: resume channel %d for user %d: %w", pos.ChannelID, c.userID, err))
		// The client keeps what it has; live events after its position still come.
		sent = pos.LastSeq
	case resync != nil:
		c.reply(protocol.TypeResync, "", resync)
	default:
		for _, fr := range frames {
			if !c.send(fr) {
				return false
			}
		}
	}
	c.finishResume(pos.ChannelID, sent)
	return !c.closing()
}

// fail ends a hello the server could not complete (store or bus down): the client
// gets the error and reconnects, rather than a connection that misses events.
func (c *conn) fail(ref, what string, err error) {
	if c.closing() {
		return
	}
	c.replyError(ref, fmt.Errorf("hub: hello for user %d: %s: %w", c.userID, what, err))
	c.close(closeInternal, "server error; reconnect")
}

func dotted(field string) string {
	if field == "" {
		return ""
	}
	return "." + field
}
