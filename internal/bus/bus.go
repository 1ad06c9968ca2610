// Package bus carries events between govchat server nodes.
//
// A node publishes a payload on a topic ("chan:42", "user:7") and every node
// subscribed to that topic receives it, the publisher's own node included. A
// single node uses Memory; a cluster uses Redis pub/sub. Both give handlers the
// same guarantees, so code tested against Memory behaves the same on Redis:
//
//   - handlers of one bus never run concurrently with each other;
//   - payloads of one topic reach every local handler in the same order, which
//     is publish order for publishes made one after another;
//   - a payload is delivered at most once per handler (there is no replay: a
//     node that was disconnected misses what was published meanwhile, so the
//     layer above must be able to resume from storage).
package bus

import (
	"context"
	"errors"
	"fmt"
)

// MaxPayload is the largest payload Publish accepts. Every payload is copied to
// every subscribed node and delivered on one goroutine per node, so a huge one
// would stall delivery cluster-wide; events are small, bulky data belongs in
// storage with the event carrying its id.
const MaxPayload = 1 << 20

var (
	// ErrClosed is returned by operations on a bus after Close.
	ErrClosed = errors.New("bus: closed")
	// ErrTooLarge is returned by Publish for a payload over MaxPayload.
	ErrTooLarge = errors.New("bus: payload too large")
	// ErrInvalid is returned for an empty topic or a nil handler.
	ErrInvalid = errors.New("bus: invalid argument")
)

// Handler gets each payload published on a topic this node subscribed to. It is
// called from the bus's delivery goroutine (Memory: the publisher's goroutine,
// holding the bus's single delivery turn), one call at a time per bus, in
// publish order per topic, and must not block: a slow handler delays every
// topic on the node. Hand the payload off (e.g. to bounded per-connection
// queues) and return.
//
// payload is shared by all local handlers of the topic and must not be
// modified. A handler may call unsubscribe funcs (on Redis the last one for a
// topic writes an UNSUBSCRIBE), but must not call Publish, Subscribe or Close
// on the bus that called it: Memory would deadlock on its delivery turn, Redis
// on its delivery goroutine.
type Handler func(topic string, payload []byte)

// Bus publishes events to, and delivers events from, every node.
type Bus interface {
	// Publish sends payload to every node subscribed to topic, this one
	// included. It returns once the bus has accepted the payload; local
	// handlers may run later (Redis) or before it returns (Memory).
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe registers h for topic; the returned func removes it
	// (idempotent). When Subscribe returns, the subscription is in effect: a
	// payload published afterwards, from any node, reaches h. After the
	// unsubscribe func returns, h is not called again except for a call
	// already in progress.
	Subscribe(ctx context.Context, topic string, h Handler) (unsubscribe func(), err error)
	// Ping reports whether the bus can currently carry events (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the bus. When it returns no handler is running and none
	// will be called; later Publish and Subscribe calls return ErrClosed.
	Close() error
	// Name is "memory" or "redis".
	Name() string
}

func checkTopic(topic string) error {
	if topic == "" {
		return fmt.Errorf("%w: empty topic", ErrInvalid)
	}
	return nil
}

func checkPublish(topic string, payload []byte) error {
	if err := checkTopic(topic); err != nil {
		return err
	}
	if len(payload) > MaxPayload {
		return fmt.Errorf("%w: %d bytes on %q, limit %d", ErrTooLarge, len(payload), topic, MaxPayload)
	}
	return nil
}

func checkSubscribe(topic string, h Handler) error {
	if err := checkTopic(topic); err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("%w: nil handler for %q", ErrInvalid, topic)
	}
	return nil
}

// Message is one payload for one topic, for PublishBatch.
type Message struct {
	Topic   string
	Payload []byte
}

// Batcher is a Bus that can put many payloads on the bus at once: Redis sends them
// in one pipeline (one round trip for the lot instead of one each), Memory one after
// another. Order is kept: a topic's payloads reach handlers in slice order, after
// anything published before the call.
type Batcher interface {
	// PublishBatch publishes msgs in order and returns once the bus has accepted all
	// of them. On error, some may have been published; none is retried.
	PublishBatch(ctx context.Context, msgs []Message) error
}

// PublishBatch publishes msgs on b, in one call when b is a Batcher, else one
// Publish each, stopping at the first error.
func PublishBatch(ctx context.Context, b interface {
	Publish(ctx context.Context, topic string, payload []byte) error
}, msgs []Message) error {
	if bb, ok := b.(Batcher); ok {
		return bb.PublishBatch(ctx, msgs)
	}
	for _, m := range msgs {
		if err := b.Publish(ctx, m.Topic, m.Payload); err != nil {
			return err
		}
	}
	return nil
}
