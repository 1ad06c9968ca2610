package hub

import (
	"context"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"govchat/internal/auth"
	"govchat/internal/reqinfo"
)

// conn is one client's WebSocket. One goroutine reads (reader.go), started when the
// upgrade's HTTP handler returns; a writer goroutine runs only while there is
// something to write (writer.go, queue.go), and a follower only while there are
// membership changes to apply (follow.go); fan-out workers only hand it events
// (channels.go) and the hub's clock its pings and session checks (session.go).
type conn struct {
	hub    *Hub
	ws     *websocket.Conn
	token  string // kept to authenticate again; never logged
	userID int64
	part   int                            // the fan-out worker that delivers to it, for every topic
	p      atomic.Pointer[auth.Principal] // refreshed by each re-authentication
	q      *queue

	// ctx ends when the connection starts closing; the service calls made for this
	// connection give up with it.
	ctx    context.Context
	cancel context.CancelFunc

	closeOnce  sync.Once
	done       chan struct{} // closed when the connection starts closing
	closeCode  int           // set before done is closed; 0: send no close frame
	closeText  string
	readerDone chan struct{}
	writerDone chan struct{} // closed by finish

	wheelAt int64 // the clock tick it is booked for; guarded by clock.mu

	mu        sync.Mutex // guards the fields below; bus handlers take it, so never hold it while waiting
	timers    timers
	chans     map[int64]*chanState
	pending   map[int64]membership // changes for the follower to apply
	live      bool                 // hello is done and the connection not ending: a follower may run
	following bool                 // a follower is running
	bufBytes  int                  // bytes buffered in chans during resume

	followers sync.WaitGroup // the follower, if one runs; Add under mu while live

	subMu  sync.Mutex // guards topics; held across bus calls, never taken by a bus handler
	topics map[topic]struct{}

	// Reader-only state.
	helloDone bool
	limit     limiter
	flooding  int  // rate-limited frames in a row
	away      bool // the client said it is idle (away); read by the close after the reader ends
}

func newConn(h *Hub, ws *websocket.Conn, p auth.Principal, token string, info reqinfo.Info) *conn {
	// The connection outlives the upgrade request, but keeps its address and request id
	// so what is done over the socket is traced (and audited) to where it came from.
	ctx, cancel := context.WithCancel(reqinfo.With(context.Background(), info))
	c := &conn{
		hub:        h,
		ws:         ws,
		token:      token,
		userID:     p.User.ID,
		part:       int(h.nextPart.Add(1) % uint32(len(h.workers))),
		q:          newQueue(h.opt.SendQueueBytes),
		ctx:        ctx,
		cancel:     cancel,
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
		writerDone: make(chan struct{}),
		chans:      map[int64]*chanState{},
		topics:     map[topic]struct{}{},
		limit:      newLimiter(h.opt.RatePerSecond, h.opt.RateBurst, h.now()),
	}
	c.p.Store(&p)
	return c
}

func (c *conn) principal() auth.Principal { return *c.p.Load() }

// run reads until the connection ends, then waits for the writer to finish it,
// leaves every topic and forgets the connection. It runs on a goroutine of its own,
// after the upgrade's HTTP handler has returned (so net/http's request, buffers and
// deep stack are not kept for the connection's life).
func (c *conn) run() {
	defer func() {
		// A panic in a frame handler is a bug: log it, close this connection with
		// 1011 and still release everything, rather than leak the subscriptions
		// (net/http cannot clean up a hijacked connection).
		if v := recover(); v != nil {
			c.hub.log.Error("panic serving websocket", "user_id", c.userID, "panic", v, "stack", string(debug.Stack()))
			c.close(closeInternal, "server error; reconnect")
		}
		close(c.readerDone)
		c.close(0, "")
		<-c.writerDone
		c.endFollowing()
		c.leaveAll()
		c.hub.untrack(c)
		if pr := c.hub.opt.Presence; pr != nil {
			// c.ctx has ended with the connection; the withdrawal must still go out.
			// c.away is the reader's, and the reader is this goroutine, done by now.
			pr.Disconnected(context.WithoutCancel(c.ctx), c.userID, c.away)
		}
	}()
	c.startTimers()
	c.readLoop()
}

// close starts closing the connection with a close code (0: none, the socket is
// already gone or the peer closed it). Only the first call counts. It never blocks,
// so bus handlers may call it: the writer sends the close frame.
func (c *conn) close(code int, text string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.done)
		c.cancel()
		c.kick(c.q.request(false, true))
	})
}

func (c *conn) closing() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// send queues a frame of this connection's own, waiting for room (queue.push);
// false when the connection is closing.
func (c *conn) send(frame []byte) bool {
	ok, start := c.q.push(c.done, item{frame: frame})
	c.kick(start)
	return ok
}

// join subscribes the connection to t; joining twice is a no-op.
func (c *conn) join(t topic) error {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	if _, ok := c.topics[t]; ok {
		return nil
	}
	if err := c.hub.subs.join(c.ctx, t, c); err != nil {
		return err
	}
	c.topics[t] = struct{}{}
	return nil
}

func (c *conn) leave(t topic) {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	if _, ok := c.topics[t]; !ok {
		return
	}
	c.hub.subs.leave(t, c)
	delete(c.topics, t)
}

func (c *conn) leaveAll() {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	for t := range c.topics {
		c.hub.subs.leave(t, c)
	}
	clear(c.topics)
}
