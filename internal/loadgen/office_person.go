package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

// The mix of what a person does, as weights (their sum is 100). From how people use
// a work chat over a day: mostly reading, then writing in the department group and
// to a colleague, now and then scrolling back, coming back to the app, reading and
// confirming notices, searching, going idle; a group's administrator sometimes
// publishes a notice to it.
var officeMix = []struct {
	act    string
	weight int
}{
	{"read", 30}, {"send_group", 15}, {"send_dm", 8}, {"history", 8}, {"resume", 9},
	{"notice", 12}, {"search", 4}, {"away", 12}, {"publish", 2},
}

// officeKinds are the request kinds timed separately (REST calls and WebSocket
// frames answered by an ack).
var officeKinds = []string{"messages", "read", "send", "open_dm", "history", "channels", "notices", "notice", "seen", "confirm", "search", "away", "publish"}

// person is one simulated member of staff.
type person struct {
	w       *officeWorld
	index   int
	user    *testUser
	node    *officeNode
	group   int // index of the department group
	partner int // index of the colleague written to directly, or -1
	rng     *rand.Rand
	conn    *officeConn

	// Touched by the person's goroutine only.
	dm     int64 // the direct channel with the partner, once opened
	away   bool
	action int

	mu      sync.Mutex
	lastSeq map[int64]int64 // the newest seq seen per channel (the reader writes)
	pending []int64         // notices received, not yet confirmed
}

func (p *person) groupChannel() int64 { return p.w.fx.channelIDs[p.group] }

func (p *person) connect(ctx context.Context) error {
	ws, err := dialWS(ctx, p.w.dialer(p.node), p.node.api.target.WebSocketURL(wsPath), p.node.origin, p.user.token)
	if err != nil {
		return err
	}
	c := &officeConn{ws: ws, p: p, done: make(chan struct{})}
	if err := (&clientConn{ws: ws}).hello(helloTimeout); err != nil {
		_ = ws.Close()
		return err
	}
	p.conn = c
	p.w.groupOnline[p.group].Add(1)
	go c.readLoop()
	return nil
}

// online reports whether person i holds a connection.
func (w *officeWorld) online(i int) bool {
	return i >= 0 && i < len(w.people) && w.people[i].conn != nil
}

// live acts until ctx ends: think, act, think, act.
func (p *person) live(ctx context.Context) {
	// Start somewhere inside the first think time, so a step does not open with
	// everybody acting in the same second.
	if waitFor(ctx, time.Duration(p.rng.Float64()*float64(p.w.cfg.Think))) != nil {
		return
	}
	for {
		st := p.w.stats.Load()
		if err := p.act(ctx, p.pick(), st); err != nil {
			if errors.Is(err, errStepOver) || ctx.Err() != nil {
				return
			}
			st.fail(err)
		}
		st.actions.Add(1)
		if waitFor(ctx, expDelay(p.rng, p.w.cfg.Think)) != nil {
			return
		}
	}
}

func (p *person) pick() string {
	n := p.rng.IntN(100)
	for _, m := range officeMix {
		if n < m.weight {
			return m.act
		}
		n -= m.weight
	}
	return "read"
}

func (p *person) act(ctx context.Context, what string, st *officeStats) error {
	switch what {
	case "read":
		ch := p.someChannel()
		last := p.seen(ch)
		if err := p.get(ctx, st, "messages", fmt.Sprintf("/api/v1/channels/%d/messages?before=%d&limit=30", ch, last+1), nil); err != nil {
			return err
		}
		return p.frame(st, 'r', protocol.TypeRead, protocol.ReadData{ChannelID: ch, Seq: last})
	case "send_group":
		return p.send(st, p.groupChannel())
	case "send_dm":
		if p.partner < 0 || !p.w.online(p.partner) {
			return p.send(st, p.groupChannel())
		}
		if p.dm == 0 {
			var ch protocol.Channel
			if err := p.call(ctx, st, "open_dm", http.MethodPost, fmt.Sprintf("/api/v1/direct/%d", p.w.fx.users[p.partner].id), nil, &ch); err != nil {
				return err
			}
			p.dm = ch.ID
		}
		return p.send(st, p.dm)
	case "history":
		ch := p.someChannel()
		before := max(p.seen(ch)-30, 1)
		return p.get(ctx, st, "history", fmt.Sprintf("/api/v1/channels/%d/messages?before=%d&limit=50", ch, before), nil)
	case "resume":
		if err := p.get(ctx, st, "channels", "/api/v1/channels", nil); err != nil {
			return err
		}
		return p.get(ctx, st, "notices", "/api/v1/notices?box=pending&limit=50", nil)
	case "notice":
		id := p.nextNotice()
		if id == 0 {
			return p.get(ctx, st, "notices", "/api/v1/notices?box=received&limit=20", nil)
		}
		var n protocol.Notice
		if err := p.get(ctx, st, "notice", fmt.Sprintf("/api/v1/notices/%d", id), &n); err != nil {
			return err
		}
		body := protocol.NoticeReadRequest{Revision: n.Revision}
		if err := p.call(ctx, st, "seen", http.MethodPost, fmt.Sprintf("/api/v1/notices/%d/seen", id), body, nil); err != nil {
			return err
		}
		body.Reply = "收到"
		return p.call(ctx, st, "confirm", http.MethodPost, fmt.Sprintf("/api/v1/notices/%d/confirm", id), body, nil)
	case "search":
		return p.get(ctx, st, "search", "/api/v1/search?q="+p.w.fx.runID+"&limit=30", nil)
	case "away":
		p.away = !p.away
		return p.frame(st, 'a', protocol.TypeAway, protocol.AwayData{Away: p.away})
	case "publish":
		if p.index%p.w.cfg.GroupSize != 0 { // only the group's administrator publishes
			return p.get(ctx, st, "notices", "/api/v1/notices?box=received&limit=20", nil)
		}
		p.action++
		return p.call(ctx, st, "publish", http.MethodPost, "/api/v1/notices", protocol.PublishNoticeRequest{
			Title:    fmt.Sprintf("压测通知 %s-%d-%d", p.w.fx.runID, p.index, p.action),
			Body:     "请各位同事阅知并确认。（govchat loadgen 办公日模拟）",
			Audience: protocol.Audience{Channels: []int64{p.groupChannel()}},
		}, nil)
	}
	return fmt.Errorf("unknown action %q", what)
}

// someChannel is the group most of the time, the direct channel when there is one.
func (p *person) someChannel() int64 {
	if p.dm != 0 && p.rng.IntN(4) == 0 {
		return p.dm
	}
	return p.groupChannel()
}

func (p *person) seen(ch int64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastSeq[ch]
}

func (p *person) nextNotice() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return 0
	}
	id := p.pending[0]
	p.pending = p.pending[1:]
	return id
}

// send writes a message; its ack is timed as "send" and says how many deliveries to
// expect.
func (p *person) send(st *officeStats, ch int64) error {
	p.action++
	now := time.Now()
	sentAt := p.w.clock.Nanos(now)
	return p.frame(st, 's', protocol.TypeSend, protocol.SendData{
		ChannelID: ch, ClientID: fmt.Sprintf("%s-o%d-%d", p.w.fx.runID, p.index, p.action), Text: p.w.payload.Text(sentAt),
	})
}

// frame writes one client frame whose ack the reader times: the ref is the kind's
// letter and the send time.
func (p *person) frame(st *officeStats, kind byte, typ string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s: %w", typ, err)
	}
	ref := string(kind) + strconv.FormatInt(p.w.clock.Nanos(time.Now()), 10)
	b, err := json.Marshal(protocol.Frame{V: protocol.Version, Type: typ, Ref: ref, Data: raw})
	if err != nil {
		return fmt.Errorf("encode %s frame: %w", typ, err)
	}
	_ = p.conn.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := p.conn.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("write %s: %w", typ, err)
	}
	st.inFlight.Add(1)
	return nil
}

func (p *person) get(ctx context.Context, st *officeStats, kind, path string, out any) error {
	return p.call(ctx, st, kind, http.MethodGet, path, nil, out)
}

// call makes one REST request as this person on their node and times it. The
// request runs to its end even when the step's time is up: a step waits for what
// it started.
func (p *person) call(ctx context.Context, st *officeStats, kind, method, path string, in, out any) error {
	t0 := time.Now()
	err := p.node.api.do(context.WithoutCancel(ctx), p.node.api.pooled, method, path, p.user.token, in, out)
	st.request(kind, time.Since(t0))
	if err != nil {
		return &officeError{kind: kind, err: err}
	}
	return nil
}

// officeError names the request kind that failed.
type officeError struct {
	kind string
	err  error
}

func (e *officeError) Error() string { return e.kind + ": " + e.err.Error() }
func (e *officeError) Unwrap() error { return e.err }

// officeConn is a person's WebSocket: the reader counts deliveries, times acks and
// hears about notices.
type officeConn struct {
	ws   *websocket.Conn
	p    *person
	done chan struct{}
	buf  bytes.Buffer
}

func (c *officeConn) readLoop() {
	defer close(c.done)
	for {
		_, r, err := c.ws.NextReader()
		if err == nil {
			c.buf.Reset()
			_, err = c.buf.ReadFrom(r)
		}
		if err != nil {
			if !c.p.w.closing.Load() {
				c.p.w.stats.Load().errorKind(errorKind("read", err))
			}
			return
		}
		now := time.Now()
		st := c.p.w.stats.Load()
		for frame := range Frames(c.buf.Bytes()) {
			c.handle(st, frame, now)
		}
	}
}

func (c *officeConn) handle(st *officeStats, frame []byte, now time.Time) {
	f, err := decodeInbound(frame)
	if err != nil {
		st.errorKind("frame:undecodable")
		return
	}
	p, w := c.p, c.p.w
	switch f.Type {
	case protocol.TypeMessage:
		m, err := decodeMessage(f.Data)
		if err != nil {
			st.errorKind("frame:undecodable")
			return
		}
		p.mu.Lock()
		p.lastSeq[m.ChannelID] = max(p.lastSeq[m.ChannelID], m.Seq)
		p.mu.Unlock()
		if sentAt, ours := w.payload.SentAt(m.Text); ours {
			st.delivered.Add(1)
			st.delivery.Record(w.clock.Since(sentAt, now))
		}
	case protocol.TypeAck:
		if len(f.Ref) < 2 {
			return
		}
		sentAt, err := strconv.ParseInt(f.Ref[1:], 10, 64)
		if err != nil {
			return
		}
		st.inFlight.Add(-1)
		switch f.Ref[0] {
		case 's':
			st.request("send", w.clock.Since(sentAt, now))
			var a protocol.AckData
			if json.Unmarshal(f.Data, &a) == nil && !a.Duplicate {
				st.expected.Add(w.reach(p, a.ChannelID))
			}
		case 'r':
			st.request("read", w.clock.Since(sentAt, now))
		case 'a':
			st.request("away", w.clock.Since(sentAt, now))
		}
	case protocol.TypeError:
		st.inFlight.Add(-1)
		st.errorKind("ws:" + string(decodeError(f.Data).Code))
	case protocol.TypeNotice:
		var e protocol.NoticeEvent
		if json.Unmarshal(f.Data, &e) == nil && e.Event == protocol.NoticeEventPublished {
			p.mu.Lock()
			if len(p.pending) < 100 {
				p.pending = append(p.pending, e.NoticeID)
			}
			p.mu.Unlock()
		}
	case protocol.TypeResync:
		st.errorKind("ws:resync")
	}
}

// reach is how many connections a message p sent into ch goes to: the group's
// members online, or the two ends of a direct channel (the sender's own
// connection included, as it receives its message too).
func (w *officeWorld) reach(p *person, ch int64) uint64 {
	if ch == p.groupChannel() {
		return uint64(w.groupOnline[p.group].Load())
	}
	if w.online(p.partner) {
		return 2
	}
	return 1
}

func (c *officeConn) shutdown(wait time.Duration) {
	closeGracefully(c.ws, c.done, wait, "office day over")
}

// officeStats is one step's figures.
type officeStats struct {
	actions   atomic.Uint64
	requests  *Histogram // every timed request, REST and acked frames
	kinds     map[string]*Histogram
	delivery  *Histogram
	expected  atomic.Uint64
	delivered atomic.Uint64
	inFlight  atomic.Int64 // frames written and not yet answered

	mu     sync.Mutex
	errors map[string]uint64
}

func newOfficeStats() *officeStats {
	s := &officeStats{requests: NewHistogram(), delivery: NewHistogram(), kinds: map[string]*Histogram{}, errors: map[string]uint64{}}
	for _, k := range officeKinds {
		s.kinds[k] = NewHistogram()
	}
	return s
}

func (s *officeStats) request(kind string, d time.Duration) {
	s.requests.Record(d)
	if h := s.kinds[kind]; h != nil {
		h.Record(d)
	}
}

func (s *officeStats) errorKind(kind string) {
	s.mu.Lock()
	s.errors[kind]++
	s.mu.Unlock()
}

// fail counts a failed action by its kind and the server's error code.
func (s *officeStats) fail(err error) {
	var oe *officeError
	var ae *APIError
	switch {
	case errors.As(err, &oe) && errors.As(err, &ae):
		s.errorKind(oe.kind + ":" + string(ae.Body.Code))
	case errors.As(err, &oe):
		s.errorKind(errorKind(oe.kind, oe.err))
	default:
		s.errorKind(errorKind("ws", err))
	}
}
