package busevent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"govchat/internal/bus"
	"govchat/protocol"
)

// Bus is what a Publisher needs of the bus (internal/bus implements it).
type Bus interface {
	Publish(ctx context.Context, topic string, payload []byte) error
}

// Publisher is the one way services put frames on the bus: it encodes the frame once
// (protocol.EncodeFrame), wraps it in the envelope and publishes it. What it publishes
// has already been committed, so a failure is logged, never returned: a frame that
// cannot be encoded is a bug and nothing is published; a bus that refuses is caught up
// by clients resuming or re-reading their lists when they reconnect.
type Publisher struct {
	bus Bus
	log *slog.Logger
}

// NewPublisher returns a Publisher on b that logs failures to log.
func NewPublisher(b Bus, log *slog.Logger) *Publisher {
	return &Publisher{bus: b, log: log}
}

// ToChannel publishes a frame of type typ with data to a channel's subscribers; seq is
// its sequence in the channel, 0 for a frame outside it.
func (p *Publisher) ToChannel(ctx context.Context, channelID, seq int64, typ string, data any) {
	payload, ok := p.encode(Event{Seq: seq}, typ, data)
	if !ok {
		return
	}
	topic := ChannelTopic(channelID)
	if err := p.bus.Publish(ctx, topic, payload); err != nil {
		p.log.Warn("bus publish failed; clients will catch up on resume", "topic", topic, "type", typ, "err", err)
	}
}

// ChannelFrame is one frame for ToChannels.
type ChannelFrame struct {
	ChannelID, Seq int64
	Type           string
	Data           any
}

// ToChannels publishes frames as ToChannel would, in order, but in one bus call
// (bus.PublishBatch: on Redis one pipelined round trip for them all), so many frames
// can be in flight at once while a channel's frames stay in sequence order.
func (p *Publisher) ToChannels(ctx context.Context, frames []ChannelFrame) {
	msgs := make([]bus.Message, 0, len(frames))
	for _, f := range frames {
		if payload, ok := p.encode(Event{Seq: f.Seq}, f.Type, f.Data); ok {
			msgs = append(msgs, bus.Message{Topic: ChannelTopic(f.ChannelID), Payload: payload})
		}
	}
	if err := bus.PublishBatch(ctx, p.bus, msgs); err != nil {
		p.log.Warn("bus publish failed; clients will catch up on resume", "frames", len(msgs), "err", err)
	}
}

// ToNodes publishes a frame of type typ with data on a topic only servers listen on
// (SecrecyTopic): every node, this one included, hears it.
func (p *Publisher) ToNodes(ctx context.Context, topic, typ string, data any) {
	payload, ok := p.encode(Event{}, typ, data)
	if !ok {
		return
	}
	if err := p.bus.Publish(ctx, topic, payload); err != nil {
		p.log.Warn("bus publish failed; other nodes catch up when their cache expires", "topic", topic, "type", typ, "err", err)
	}
}

// ToUsers publishes one frame of type typ with data to each user's own topic.
func (p *Publisher) ToUsers(ctx context.Context, users []int64, typ string, data any) {
	if len(users) == 0 {
		return
	}
	if payload, ok := p.encode(Event{}, typ, data); ok {
		p.fanout(ctx, users, payload, typ)
	}
}

// Membership tells users that they joined or left a channel, or that it changed
// (protocol.ChannelEvent): the frame says it to their clients, the envelope to the
// hub, which subscribes their connections to the channel or drops it. A join's
// ce.LastSeq says where the users joined: the hub replays the channel to them from
// there, so it must be read before the membership was committed — at the join or
// before it, never after (earlier only replays a few messages more).
func (p *Publisher) Membership(ctx context.Context, users []int64, ce protocol.ChannelEvent) {
	if len(users) == 0 {
		return
	}
	e := Event{}
	switch ce.Event {
	case protocol.ChannelJoined:
		e = Event{Change: Joined, Channel: ce.ChannelID}
	case protocol.ChannelLeft:
		e = Event{Change: Left, Channel: ce.ChannelID}
	}
	if payload, ok := p.encode(e, protocol.TypeChannel, ce); ok {
		p.fanout(ctx, users, payload, protocol.TypeChannel)
	}
}

// encode is the frame in its envelope; false, logged, when it cannot be encoded.
func (p *Publisher) encode(e Event, typ string, data any) ([]byte, bool) {
	frame, err := protocol.EncodeFrame(typ, "", data)
	if err == nil {
		e.Frame = frame
		var payload []byte
		if payload, err = Encode(e); err == nil {
			return payload, true
		}
	}
	p.log.Error("frame not published: it cannot be encoded", "type", typ, "err", err)
	return nil, false
}

// fanoutWorkers bounds the concurrent publishes of one fan-out: a notice to 10,000
// people over Redis must not take 10,000 round trips one after another.
const fanoutWorkers = 16

// fanoutTimeout bounds one fan-out. The caller's cancellation does not cut it short:
// the change is committed, and everyone it concerns should hear of it.
const fanoutTimeout = 30 * time.Second

// fanout publishes payload on each user's topic and logs the failures once.
func (p *Publisher) fanout(ctx context.Context, users []int64, payload []byte, typ string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fanoutTimeout)
	defer cancel()
	var (
		mu       sync.Mutex
		failed   int
		firstErr error
	)
	publish := func(uid int64) {
		if err := p.bus.Publish(ctx, UserTopic(uid), payload); err != nil {
			mu.Lock()
			if failed == 0 {
				firstErr = err
			}
			failed++
			mu.Unlock()
		}
	}
	if len(users) <= 4*fanoutWorkers {
		for _, uid := range users {
			publish(uid)
		}
	} else {
		next := make(chan int64)
		var wg sync.WaitGroup
		for range fanoutWorkers {
			wg.Go(func() {
				for uid := range next {
					publish(uid)
				}
			})
		}
		for _, uid := range users {
			next <- uid
		}
		close(next)
		wg.Wait()
	}
	if failed > 0 {
		p.log.Warn("bus publish to user topics failed; clients will catch up when they reconnect",
			"type", typ, "failed", failed, "users", len(users), "err", firstErr)
	}
}
