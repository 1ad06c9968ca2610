package hub

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/bus"
	"govchat/protocol"
)

// Defaults for Options left zero.
const (
	DefaultSendQueueBytes = 1 << 20
	DefaultRatePerSecond  = 20
	DefaultRateBurst      = 50
	DefaultRecheckPeriod  = time.Minute
	DefaultWriteTimeout   = 10 * time.Second

	// maxRechecks is how many session re-checks may ask the store at once.
	maxRechecks = 8
)

// Options are the hub's dependencies and limits.
type Options struct {
	Bus     bus.Bus
	Auth    Authenticator
	Service Service
	Log     *slog.Logger     // nil: discard
	Now     func() time.Time // nil: time.Now

	// SendQueueBytes bounds each connection's outbound queue; a connection whose
	// queue would grow past it is closed with protocol.CloseTooSlow.
	SendQueueBytes int
	// RatePerSecond and RateBurst bound the frames one connection may send.
	RatePerSecond float64
	RateBurst     int
	// Heartbeat is the ping period (default protocol.HeartbeatPeriod); a connection
	// silent for 2.5 periods is dropped.
	Heartbeat time.Duration
	// RecheckPeriod is how often an open connection's token is authenticated again
	// (jittered ±25%), so a revoked session is cut off within about one period.
	RecheckPeriod time.Duration
	// WriteTimeout bounds one write to a socket.
	WriteTimeout time.Duration
	// FanoutWorkers is how many goroutines share the deliveries of each event
	// (default: GOMAXPROCS, at most 8); every connection belongs to one of them.
	FanoutWorkers int
	// Presence, when set, is told of every connection opening, closing and going away
	// or coming back, so who is online and who is active is known across nodes.
	Presence Presence
}

// Hub owns the WebSocket connections of one server node.
type Hub struct {
	opt       Options
	log       *slog.Logger
	now       func() time.Time
	upgrader  websocket.Upgrader
	writePool sync.Pool // gorilla's write buffers, shared by all connections
	batchPool sync.Pool // *[]byte for coalesced writes
	subs      subscriptions
	clock     *wheel // heartbeats, session re-checks and expiries of every connection
	// rechecks bounds the session re-checks asking the store at once: after a restart
	// thousands of connections fall due within seconds, and each is a query.
	rechecks chan struct{}

	workers     []chan fanTask // fan-out workers' tasks, one per part (fanout.go)
	inFlight    []atomic.Int64 // per worker: events handed to it and not yet delivered
	stopWorkers chan struct{}
	workersDone sync.WaitGroup
	nextPart    atomic.Uint32
	stopOnce    sync.Once

	mu      sync.Mutex
	conns   map[*conn]struct{}
	closed  bool
	drained chan struct{} // closed once closed is set and conns is empty

	events   atomic.Uint64
	prepared atomic.Uint64
	tooSlow  atomic.Uint64
}

// Presence records connections, and which of them are away (internal/presence
// implements it).
type Presence interface {
	Connected(ctx context.Context, userID int64)
	// Disconnected: away says whether the connection was away when it closed.
	Disconnected(ctx context.Context, userID int64, away bool)
	// Away is called only when a connection's away flag changes.
	Away(ctx context.Context, userID int64, away bool)
}

// Stats is a snapshot of the hub for tests and metrics.
type Stats struct {
	Connections int    // open connections
	Topics      int    // bus topics with at least one local subscriber
	Events      uint64 // bus events received
	Prepared    uint64 // websocket.PreparedMessages built: at most one per event
	TooSlow     uint64 // connections closed because their queue overflowed
}

// New returns a hub. Bus, Auth and Service are required.
func New(opt Options) *Hub {
	if opt.Bus == nil || opt.Auth == nil || opt.Service == nil {
		panic("hub: New needs Bus, Auth and Service")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SendQueueBytes <= 0 {
		opt.SendQueueBytes = DefaultSendQueueBytes
	}
	if opt.RatePerSecond <= 0 {
		opt.RatePerSecond = DefaultRatePerSecond
	}
	if opt.RateBurst <= 0 {
		opt.RateBurst = DefaultRateBurst
	}
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = protocol.HeartbeatPeriod
	}
	if opt.RecheckPeriod <= 0 {
		opt.RecheckPeriod = DefaultRecheckPeriod
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = DefaultWriteTimeout
	}
	opt.FanoutWorkers = fanoutWorkers(opt.FanoutWorkers)
	h := &Hub{
		opt:         opt,
		log:         opt.Log,
		now:         opt.Now,
		conns:       map[*conn]struct{}{},
		drained:     make(chan struct{}),
		stopWorkers: make(chan struct{}),
		rechecks:    make(chan struct{}, maxRechecks),
		clock:       newWheel(wheelTick(opt.Heartbeat, opt.RecheckPeriod)),
	}
	h.subs = subscriptions{bus: opt.Bus, parts: opt.FanoutWorkers, topics: map[topic]*topicEntry{}, fanout: h.fanout}
	h.startWorkers(opt.FanoutWorkers)
	h.upgrader = websocket.Upgrader{
		// Small: client frames are small, and a larger one is read through it in pieces.
		ReadBufferSize: 1024,
		// Zero with a pool: a connection holds a write buffer only while it writes, so
		// idle connections cost no write buffer at all.
		WriteBufferSize:   0,
		WriteBufferPool:   &h.writePool,
		EnableCompression: false,
		// The middleware in front of ServeHTTP has checked Origin before authenticating.
		CheckOrigin: func(*http.Request) bool { return true },
		Error:       h.upgradeError,
	}
	return h
}

// Stats reports the hub's current state.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	n := len(h.conns)
	h.mu.Unlock()
	return Stats{
		Connections: n,
		Topics:      h.subs.count(),
		Events:      h.events.Load(),
		Prepared:    h.prepared.Load(),
		TooSlow:     h.tooSlow.Load(),
	}
}

// Close refuses new connections, closes every open one with protocol.CloseShutdown
// and waits until their goroutines have finished or ctx ends; then it stops the
// fan-out workers and the clock (events still arriving are dropped).
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	var open []*conn
	if !h.closed {
		h.closed = true
		for c := range h.conns {
			open = append(open, c)
		}
		if len(h.conns) == 0 {
			close(h.drained)
		}
	}
	h.mu.Unlock()
	for _, c := range open {
		c.close(protocol.CloseShutdown, "server shutting down")
	}
	defer h.stop()
	select {
	case <-h.drained:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("hub: close: %w", ctx.Err())
	}
}

func (h *Hub) stop() {
	h.stopOnce.Do(func() {
		close(h.stopWorkers)
		h.workersDone.Wait()
		h.clock.close()
	})
}

// track registers an upgraded connection; false once the hub is closed.
func (h *Hub) track(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *Hub) untrack(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
	if h.closed && len(h.conns) == 0 {
		close(h.drained)
	}
}

func (h *Hub) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}
