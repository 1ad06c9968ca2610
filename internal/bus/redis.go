package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix namespaces govchat's channels in a Redis that other
// applications or deployments may share.
const DefaultPrefix = "govchat:"

const (
	// opTimeout bounds each command on the subscriber connection.
	opTimeout = 5 * time.Second
	// subscribeTimeout bounds how long Subscribe waits for Redis to confirm a
	// subscription when the caller's context has no earlier deadline: longer
	// means Redis is unhealthy, and the caller is better off with an error.
	subscribeTimeout = 10 * time.Second
	// barrierRetry is how often a waiting Subscribe re-sends its PING (see
	// awaitSubscribed).
	barrierRetry = 500 * time.Millisecond
	// keepaliveEvery is how often the subscriber connection is pinged.
	keepaliveEvery = 5 * time.Second
	// maxBackoff caps the pause between failed reads while Redis is away.
	maxBackoff = 5 * time.Second
	// barrierPrefix marks the PING payloads that confirm subscriptions.
	barrierPrefix = "govchat-bus-barrier:"
)

// RedisOption configures NewRedis.
type RedisOption func(*redisConfig)

type redisConfig struct {
	prefix string
}

// WithPrefix sets the namespace prepended to every topic to form its Redis
// channel (default DefaultPrefix). Nodes hear each other only when their
// prefixes match, which lets tests share one Redis by using a unique prefix.
func WithPrefix(prefix string) RedisOption {
	return func(c *redisConfig) { c.prefix = prefix }
}

// Redis is the cluster bus, over Redis pub/sub.
//
// Each node keeps one subscriber connection (one go-redis PubSub). A topic is
// SUBSCRIBEd when its first local handler registers and UNSUBSCRIBEd when the
// last one leaves; one goroutine reads that connection and calls the handlers,
// so they never overlap and see each topic in the order Redis published it.
// Publishes go over the client's ordinary connection pool.
//
// When the subscriber connection breaks, go-redis reconnects and resubscribes
// every channel. Payloads published meanwhile are lost (pub/sub has no
// replay); Ping reports the outage so /readyz can.
type Redis struct {
	client *redis.Client
	ps     *redis.PubSub
	prefix string
	logger *slog.Logger

	quit chan struct{} // closed by Close
	wg   sync.WaitGroup

	// subMu serializes subscription changes with their SUBSCRIBE and
	// UNSUBSCRIBE commands, so Redis sees them in the order the registry
	// changed. The delivery goroutine never takes it.
	subMu sync.Mutex

	mu          sync.Mutex // guards the fields below; never held during I/O
	closed      bool
	reg         registry
	ready       map[string]*readiness    // topic → its current subscription's confirmation
	barriers    map[string]chan struct{} // PING payload → closed when its PONG arrives
	nextBarrier uint64
	recvErr     error // why the subscriber connection last failed; nil once it works
}

// readiness tracks whether Redis has processed a topic's SUBSCRIBE.
type readiness struct {
	token string        // payload of the PING sent right after the SUBSCRIBE
	done  chan struct{} // closed when that PING's PONG arrives
}

var (
	_ Bus     = (*Redis)(nil)
	_ Batcher = (*Redis)(nil)
)

// NewRedis connects to the Redis at rawURL (redis://[user:password@]host:port/db,
// the --redis setting) and fails fast if it does not answer a PING within ctx.
// Errors name --redis and never contain the password. A nil logger discards.
func NewRedis(ctx context.Context, rawURL string, logger *slog.Logger, opts ...RedisOption) (*Redis, error) {
	cfg := redisConfig{prefix: DefaultPrefix}
	for _, o := range opts {
		o(&cfg)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ropts, shown, err := parseRedisURL(rawURL)
	if err != nil {
		return nil, err
	}
	client := redis.NewClient(ropts)
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("bus: cannot reach Redis at --redis=%s: %w", shown, err)
	}
	r := &Redis{
		client: client,
		// No channels yet: they are added per topic as handlers arrive.
		ps:       client.Subscribe(context.WithoutCancel(ctx)),
		prefix:   cfg.prefix,
		logger:   logger.With("bus", "redis"),
		quit:     make(chan struct{}),
		ready:    make(map[string]*readiness),
		barriers: make(map[string]chan struct{}),
	}
	r.wg.Add(2)
	go r.receive()
	go r.keepalive()
	return r, nil
}

// Name implements Bus.
func (r *Redis) Name() string { return "redis" }

func (r *Redis) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Publish implements Bus. It returns once Redis has accepted the payload;
// subscribed nodes, this one included, deliver it asynchronously.
func (r *Redis) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := checkPublish(topic, payload); err != nil {
		return err
	}
	if r.isClosed() {
		return ErrClosed
	}
	if err := r.client.Publish(ctx, r.prefix+topic, payload).Err(); err != nil {
		if errors.Is(err, redis.ErrClosed) {
			return ErrClosed // Close won the race
		}
		return fmt.Errorf("bus: publish %q: %w", topic, err)
	}
	return nil
}

// PublishBatch implements Batcher: every PUBLISH in one pipeline, so a batch of
// n costs one round trip, not n. Redis runs a connection's commands in order, so
// the payloads are published in slice order.
func (r *Redis) PublishBatch(ctx context.Context, msgs []Message) error {
	for _, m := range msgs {
		if err := checkPublish(m.Topic, m.Payload); err != nil {
			return err
		}
	}
	if r.isClosed() {
		return ErrClosed
	}
	if len(msgs) == 0 {
		return nil
	}
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range msgs {
			p.Publish(ctx, r.prefix+m.Topic, m.Payload)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, redis.ErrClosed) {
			return ErrClosed
		}
		return fmt.Errorf("bus: publish a batch of %d: %w", len(msgs), err)
	}
	return nil
}

// Subscribe implements Bus. It returns once Redis has confirmed the
// subscription, so a payload published afterwards from any node reaches h; it
// gives up after subscribeTimeout if ctx has no earlier deadline.
func (r *Redis) Subscribe(ctx context.Context, topic string, h Handler) (func(), error) {
	if err := checkSubscribe(topic, h); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bus: subscribe %q: %w", topic, err)
	}

	r.subMu.Lock()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.subMu.Unlock()
		return nil, ErrClosed
	}
	s, first := r.reg.add(topic, h)
	rd := r.ready[topic]
	if first {
		r.nextBarrier++
		rd = &readiness{
			token: barrierPrefix + strconv.FormatUint(r.nextBarrier, 10),
			done:  make(chan struct{}),
		}
		r.ready[topic] = rd
		r.barriers[rd.token] = rd.done
	}
	r.mu.Unlock()
	if first {
		if err := r.startSubscription(ctx, topic, rd.token); err != nil {
			// Still under subMu, so nobody else has joined this topic.
			r.forget(topic, s)
			// go-redis remembers even a failed SUBSCRIBE and would redo it
			// on reconnect; UNSUBSCRIBE makes it forget.
			r.unsubscribeRedis(topic)
			r.subMu.Unlock()
			if r.isClosed() {
				return nil, ErrClosed
			}
			return nil, fmt.Errorf("bus: subscribe %q: %w", topic, err)
		}
	}
	r.subMu.Unlock()

	unsubscribe := func() { r.unsubscribe(topic, s) }
	if err := r.awaitSubscribed(ctx, rd); err != nil {
		unsubscribe()
		if errors.Is(err, ErrClosed) {
			return nil, err
		}
		return nil, fmt.Errorf("bus: subscribe %q: %w", topic, err)
	}
	return unsubscribe, nil
}

// startSubscription sends SUBSCRIBE and then a PING carrying token. Redis
// answers a connection's commands in order, so that PING's PONG proves the
// subscription is in effect: any publish Redis processes after it reaches us.
// (SUBSCRIBE's own confirmation cannot be matched to a request: a
// subscribe/unsubscribe/subscribe sequence or a reconnect's resubscribe makes
// it ambiguous.)
func (r *Redis) startSubscription(ctx context.Context, topic, token string) error {
	// Not the caller's cancellation: go-redis treats an interrupted command
	// as a broken connection and would reconnect the node's only subscriber
	// connection because one caller gave up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	if err := r.ps.Subscribe(ctx, r.prefix+topic); err != nil {
		return fmt.Errorf("redis SUBSCRIBE: %w", err)
	}
	if err := r.ps.Ping(ctx, token); err != nil {
		return fmt.Errorf("redis PING: %w", err)
	}
	return nil
}

// awaitSubscribed waits until the PONG for rd's PING arrives.
func (r *Redis) awaitSubscribed(ctx context.Context, rd *readiness) error {
	select {
	case <-rd.done:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(ctx, subscribeTimeout)
	defer cancel()
	retry := time.NewTicker(barrierRetry)
	defer retry.Stop()
	for {
		select {
		case <-rd.done:
			return nil
		case <-r.quit:
			return ErrClosed
		case <-ctx.Done():
			return fmt.Errorf("waiting for Redis to confirm: %w", ctx.Err())
		case <-retry.C:
			// The PONG is lost if the connection was replaced after the
			// PING went out. go-redis resubscribes every channel on the new
			// connection before sending anything else, so a PING there
			// proves the subscription just as well.
			r.ping(rd.token)
		}
	}
}

// ping sends a PING carrying payload on the subscriber connection. A failed
// write makes go-redis reconnect and resubscribe, so errors need no handling.
func (r *Redis) ping(payload string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var err error
	if payload == "" {
		err = r.ps.Ping(ctx)
	} else {
		err = r.ps.Ping(ctx, payload)
	}
	if err != nil && !r.isClosed() {
		r.logger.Debug("bus: ping on subscriber connection failed", "err", err)
	}
}

// unsubscribe removes s; if that empties the topic, it UNSUBSCRIBEs.
func (r *Redis) unsubscribe(topic string, s *subscription) {
	r.subMu.Lock()
	defer r.subMu.Unlock()
	if last := r.forget(topic, s); last && !r.isClosed() {
		r.unsubscribeRedis(topic)
	}
}

// forget removes s from the registry, and the topic's confirmation state with
// its last handler. It reports whether s was the last handler.
func (r *Redis) forget(topic string, s *subscription) (last bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.reg.remove(topic, s) {
		return false
	}
	if rd := r.ready[topic]; rd != nil {
		delete(r.barriers, rd.token)
		delete(r.ready, topic)
	}
	return true
}

func (r *Redis) unsubscribeRedis(topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := r.ps.Unsubscribe(ctx, r.prefix+topic); err != nil && !errors.Is(err, redis.ErrClosed) {
		// go-redis has forgotten the channel anyway, so a reconnect will not
		// resubscribe it; until then its payloads find no handler.
		r.logger.Warn("bus: redis UNSUBSCRIBE failed", "topic", topic, "err", err)
	}
}

// receive is the delivery goroutine: it reads the subscriber connection and
// calls handlers until Close.
func (r *Redis) receive() {
	defer r.wg.Done()
	ctx := context.Background()
	failures := 0
	for {
		msg, err := r.ps.Receive(ctx)
		if err != nil {
			if r.stopping() {
				return
			}
			failures++
			r.setRecvErr(err)
			wait := backoff(failures)
			r.logger.Warn("bus: redis subscriber connection failed; reconnecting",
				"err", err, "attempt", failures, "retry_in", wait)
			if !r.sleep(wait) {
				return
			}
			continue
		}
		if failures > 0 {
			r.logger.Info("bus: redis subscriber connection restored", "attempts", failures)
			failures = 0
			r.setRecvErr(nil)
		}
		switch m := msg.(type) {
		case *redis.Message:
			r.dispatch(m)
		case *redis.Pong:
			r.releaseBarrier(m.Payload)
		}
		// *redis.Subscription confirmations are not needed: the PONG after
		// each SUBSCRIBE proves it (see startSubscription).
	}
}

func (r *Redis) dispatch(m *redis.Message) {
	topic, ok := strings.CutPrefix(m.Channel, r.prefix)
	if !ok {
		return
	}
	r.mu.Lock()
	subs := r.reg.handlers(topic)
	r.mu.Unlock()
	if len(subs) == 0 {
		return // a payload that was in flight when the last handler left
	}
	deliver(subs, topic, []byte(m.Payload))
}

func (r *Redis) releaseBarrier(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if done, ok := r.barriers[token]; ok {
		close(done)
		delete(r.barriers, token)
	}
}

func (r *Redis) setRecvErr(err error) {
	r.mu.Lock()
	r.recvErr = err
	r.mu.Unlock()
}

// keepalive pings the subscriber connection. A connection that died quietly
// is only noticed on a write (go-redis then reconnects and resubscribes), and
// the PONG tells receive the connection works again.
func (r *Redis) keepalive() {
	defer r.wg.Done()
	t := time.NewTicker(keepaliveEvery)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-t.C:
			r.ping("")
		}
	}
}

func (r *Redis) stopping() bool {
	select {
	case <-r.quit:
		return true
	default:
		return false
	}
}

// sleep waits d, or until Close; it reports false if Close came first.
func (r *Redis) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.quit:
		return false
	}
}

// backoff is the pause after the n-th consecutive read failure: 50ms doubling
// up to maxBackoff, so a Redis outage costs neither a busy loop nor a flood of
// logs.
func backoff(n int) time.Duration {
	return min(50*time.Millisecond<<min(n-1, 10), maxBackoff)
}

// Ping implements Bus: it fails when Redis does not answer or when the
// subscriber connection is down, since either way this node misses events.
func (r *Redis) Ping(ctx context.Context) error {
	r.mu.Lock()
	closed, recvErr := r.closed, r.recvErr
	r.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("bus: redis ping: %w", err)
	}
	if recvErr != nil {
		return fmt.Errorf("bus: redis subscriber connection: %w", recvErr)
	}
	return nil
}

// Close implements Bus: it stops the delivery and keepalive goroutines, waits
// for them to exit, and closes the connections. It must not be called from a
// Handler. Closing twice is a no-op.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.quit)
	r.mu.Unlock()

	// Closing the PubSub fails receive's blocked read.
	psErr := r.ps.Close()
	r.wg.Wait()
	if err := errors.Join(psErr, r.client.Close()); err != nil {
		return fmt.Errorf("bus: close redis: %w", err)
	}
	return nil
}
