package hub

import (
	"encoding/json"

	"govchat/protocol"
)

// fanout is the bus handler of every topic. It runs on the bus's delivery
// goroutine, so it only hands the event to the connections' queues and returns: it
// never writes to a socket, never waits and never joins or leaves a topic.
//
// The frame is encoded once, by the publisher; here it becomes one event shared by
// every local connection, and at most one PreparedMessage (see event.prepared).
func (h *Hub) fanout(e *topicEntry, payload []byte) {
	seq, frame, err := DecodeEvent(payload)
	if err != nil {
		h.log.Warn("dropping malformed bus event", "topic", e.topic.name(), "err", err)
		return
	}
	h.events.Add(1)
	ev := &event{seq: seq, frame: frame}
	var change *protocol.ChannelEvent
	if e.topic.user {
		change = channelChange(frame)
	}
	h.subs.each(e, func(c *conn) { c.deliver(e.topic, ev, change) })
}

// channelChange decodes a user-topic frame that says the user joined or left a
// channel; nil for any other frame. Parsed once per event, not per connection.
func channelChange(frame []byte) *protocol.ChannelEvent {
	var f struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(frame, &f) != nil || f.Type != protocol.TypeChannel {
		return nil
	}
	var ce protocol.ChannelEvent
	if json.Unmarshal(f.Data, &ce) != nil || ce.ChannelID <= 0 {
		return nil
	}
	if ce.Event != "joined" && ce.Event != "left" {
		return nil // "updated" changes nothing the hub routes by
	}
	return &ce
}
