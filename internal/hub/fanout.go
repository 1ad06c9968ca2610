package hub

import (
	"govchat/internal/busevent"
)

// fanout is the bus handler of every topic. It runs on the bus's delivery
// goroutine, so it only hands the event to the connections' queues and returns: it
// never writes to a socket, never waits and never joins or leaves a topic.
//
// The frame is encoded once, by the publisher; here it becomes one event shared by
// every local connection, and at most one PreparedMessage (see event.prepared). A
// membership change comes typed in the envelope; the frame is never parsed here.
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
		ev.change, ev.channel = be.Change, be.Channel
	}
	h.subs.each(e, func(c *conn) { c.deliver(e.topic, ev) })
}
