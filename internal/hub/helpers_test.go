package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/store"
	"govchat/protocol"
)

// waitTimeout bounds every wait for a frame or a state; generous for -race.
const waitTimeout = 10 * time.Second

// fakeAuth maps tokens to principals; a revoked or unknown token is refused the way
// auth.Service refuses it, and failing makes it answer like a store that is down.
type fakeAuth struct {
	mu      sync.Mutex
	tokens  map[string]auth.Principal
	failing bool
}

var _ Authenticator = (*fakeAuth)(nil)

func newFakeAuth() *fakeAuth { return &fakeAuth{tokens: map[string]auth.Principal{}} }

// add issues a token for a user whose session ends at expires (zero: far future).
func (a *fakeAuth) add(token string, userID int64, expires time.Time) {
	if expires.IsZero() {
		expires = time.Now().Add(24 * time.Hour)
	}
	a.set(token, auth.Principal{
		User:    store.User{ID: userID, Username: fmt.Sprintf("user%d", userID)},
		Session: store.Session{ID: userID * 100, UserID: userID, ExpiresAt: expires},
	})
}

func (a *fakeAuth) set(token string, p auth.Principal) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[token] = p
}

func (a *fakeAuth) revoke(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.tokens, token)
}

func (a *fakeAuth) setFailing(failing bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failing = failing
}

func (a *fakeAuth) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failing {
		return auth.Principal{}, errors.New("fake store: connection refused")
	}
	p, ok := a.tokens[token]
	if !ok {
		return auth.Principal{}, apperr.New(protocol.CodeUnauthenticated, "not logged in")
	}
	return p, nil
}

// fakeService knows who is in which channel, answers send with an ack and lets a
// test script Resume.
type fakeService struct {
	mu       sync.Mutex
	channels map[int64][]int64 // user → channel ids
	resume   func(userID int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error)
	handled  []protocol.Frame
	seq      int64
}

var _ Service = (*fakeService)(nil)

func newFakeService() *fakeService { return &fakeService{channels: map[int64][]int64{}} }

func (s *fakeService) setChannels(userID int64, ids ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[userID] = ids
}

func (s *fakeService) Channels(_ context.Context, userID int64) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.channels[userID]...), nil
}

func (s *fakeService) Resume(_ context.Context, userID int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
	s.mu.Lock()
	fn := s.resume
	s.mu.Unlock()
	if fn == nil {
		return nil, pos.LastSeq, nil, nil
	}
	return fn(userID, pos)
}

func (s *fakeService) Handle(_ context.Context, p auth.Principal, f protocol.Frame) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handled = append(s.handled, f)
	if f.Type != protocol.TypeSend {
		return nil
	}
	var d protocol.SendData
	if err := json.Unmarshal(f.Data, &d); err != nil {
		return errorFrame(f.Ref, protocol.Error{Code: protocol.CodeBadRequest, Message: "bad send"})
	}
	s.seq++
	return encodeFrame(protocol.TypeAck, f.Ref, protocol.AckData{ChannelID: d.ChannelID, Seq: s.seq, ClientID: d.ClientID, CreatedAt: time.Unix(0, 0).UTC()})
}

// harness is one hub behind an httptest server on a memory bus.
type harness struct {
	t    testing.TB
	hub  *Hub
	bus  *bus.Memory
	auth *fakeAuth
	svc  *fakeService
	srv  *httptest.Server
	url  string // ws://…/api/v1/ws
}

// newHarness starts a hub; opt's Bus, Auth and Service are filled in. It checks for
// leaked goroutines when the test ends, so tests using it must not be parallel.
func newHarness(t testing.TB, opt Options) *harness {
	t.Helper()
	checkLeaks(t)
	h := &harness{t: t, bus: bus.NewMemory(), auth: newFakeAuth(), svc: newFakeService()}
	opt.Bus, opt.Auth, opt.Service = h.bus, h.auth, h.svc
	h.hub = New(opt)
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/ws", h.hub)
	h.srv = httptest.NewUnstartedServer(mux)
	if os.Getenv("NOSMALL") == "" {
		h.srv.Listener = smallBuffers{h.srv.Listener}
	}
	h.srv.Start()
	h.url = "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/api/v1/ws"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := h.hub.Close(ctx); err != nil {
			t.Errorf("hub.Close: %v", err)
		}
		h.srv.Close()
		_ = h.bus.Close()
		if s := h.hub.Stats(); s.Connections != 0 || s.Topics != 0 {
			t.Errorf("after Close: %+v, want no connections and no topics", s)
		}
	})
	return h
}

// smallBuffers shrinks the server's socket send buffers so a client that does not
// read fills them after a few KiB instead of megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

// publish puts an event on the bus as a service would.
func (h *harness) publish(topicName string, seq int64, frame []byte) {
	h.t.Helper()
	if err := h.bus.Publish(context.Background(), topicName, EncodeEvent(seq, frame)); err != nil {
		h.t.Fatalf("publish %s: %v", topicName, err)
	}
}

// origin is what a browser on the server's own page sends.
func (h *harness) origin() string { return h.srv.URL }

// user issues a token for userID, a member of channels, and connects with it as a
// browser would (cookie and Origin).
func (h *harness) user(userID int64, channels ...int64) *client {
	h.t.Helper()
	tok := fmt.Sprintf("tok-%d-%d", userID, time.Now().UnixNano())
	h.auth.add(tok, userID, time.Time{})
	h.svc.setChannels(userID, channels...)
	return h.dial(tok)
}

func (h *harness) dial(tok string) *client {
	h.t.Helper()
	c, resp, err := h.tryDial(tok, h.origin(), true, nil)
	if err != nil {
		h.t.Fatalf("dial: %v (status %v)", err, status(resp))
	}
	return c
}

// tryDial connects with the token as a cookie or a bearer header; origin "" sends none.
func (h *harness) tryDial(tok, origin string, cookie bool, dialer *websocket.Dialer) (*client, *http.Response, error) {
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	if tok != "" && cookie {
		hdr.Set("Cookie", sessionCookie+"="+tok)
	} else if tok != "" {
		hdr.Set("Authorization", "Bearer "+tok)
	}
	if dialer == nil {
		dialer = &websocket.Dialer{HandshakeTimeout: waitTimeout}
	}
	ws, resp, err := dialer.Dial(h.url, hdr)
	if err != nil {
		return nil, resp, err
	}
	c := &client{t: h.t, ws: ws}
	h.t.Cleanup(func() { _ = ws.Close() })
	return c, resp, nil
}

func status(resp *http.Response) any {
	if resp == nil {
		return "no response"
	}
	return resp.StatusCode
}

// client is a test's WebSocket client. It splits the server's NDJSON messages into
// frames.
type client struct {
	t       testing.TB
	ws      *websocket.Conn
	pending [][]byte
	ref     int
}

// write sends one raw message.
func (c *client) write(raw string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// send sends a frame and returns its ref.
func (c *client) send(typ string, data any) string {
	c.t.Helper()
	c.ref++
	ref := fmt.Sprintf("r%d", c.ref)
	var raw json.RawMessage
	if data != nil {
		raw, _ = json.Marshal(data)
	}
	b, _ := json.Marshal(protocol.Frame{V: protocol.Version, Type: typ, Ref: ref, Data: raw})
	c.write(string(b))
	return ref
}

// next returns the next frame from the server.
func (c *client) next() protocol.Frame {
	c.t.Helper()
	f, err := c.tryNext()
	if err != nil {
		c.t.Fatalf("reading a frame: %v", err)
	}
	return f
}

func (c *client) tryNext() (protocol.Frame, error) {
	for len(c.pending) == 0 {
		_ = c.ws.SetReadDeadline(time.Now().Add(waitTimeout))
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return protocol.Frame{}, err
		}
		c.pending = bytes.Split(msg, []byte("\n"))
	}
	raw := c.pending[0]
	c.pending = c.pending[1:]
	var f protocol.Frame
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("server sent %q: %w", raw, err)
	}
	return f, nil
}

// expect reads the next frame and checks its type (and ref, when given).
func (c *client) expect(typ string, ref ...string) protocol.Frame {
	c.t.Helper()
	f := c.next()
	if f.Type != typ || (len(ref) > 0 && f.Ref != ref[0]) {
		c.t.Fatalf("got frame %s ref %q data %s; want %s %v", f.Type, f.Ref, f.Data, typ, ref)
	}
	return f
}

// expectError reads an error frame and checks its code and ref.
func (c *client) expectError(code protocol.Code, ref string) protocol.Error {
	c.t.Helper()
	f := c.expect(protocol.TypeError)
	var e protocol.Error
	if err := json.Unmarshal(f.Data, &e); err != nil {
		c.t.Fatalf("error frame body %s: %v", f.Data, err)
	}
	if e.Code != code || f.Ref != ref {
		c.t.Fatalf("got error %s (%q) ref %q; want %s ref %q", e.Code, e.Message, f.Ref, code, ref)
	}
	return e
}

// hello sends hello and reads up to welcome, returning what came before it.
func (c *client) hello(resume ...protocol.ResumePos) []protocol.Frame {
	c.t.Helper()
	ref := c.send(protocol.TypeHello, protocol.HelloData{Resume: resume})
	var before []protocol.Frame
	for {
		f := c.next()
		if f.Type == protocol.TypeWelcome {
			if f.Ref != ref {
				c.t.Fatalf("welcome ref %q, want %q", f.Ref, ref)
			}
			return before
		}
		before = append(before, f)
	}
}

// ping checks the connection still answers, and that nothing else was queued before
// the pong.
func (c *client) ping() {
	c.t.Helper()
	ref := c.send(protocol.TypePing, nil)
	c.expect(protocol.TypePong, ref)
}

// expectClose reads until the server closes and checks the close code.
func (c *client) expectClose(code int) {
	c.t.Helper()
	for {
		_, err := c.tryNext()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("connection ended with %v, want close code %d", err, code)
		}
		if ce.Code != code {
			c.t.Fatalf("closed with %d %q, want %d", ce.Code, ce.Text, code)
		}
		return
	}
}

// messageSeq is a message frame's seq.
func messageSeq(t *testing.T, f protocol.Frame) int64 {
	t.Helper()
	if f.Type != protocol.TypeMessage {
		t.Fatalf("got %s %s, want a message", f.Type, f.Data)
	}
	var m protocol.Message
	if err := json.Unmarshal(f.Data, &m); err != nil {
		t.Fatal(err)
	}
	return m.Seq
}

// messageFrame is a message frame as a service encodes it.
func messageFrame(channelID, seq int64, text string) []byte {
	return encodeFrame(protocol.TypeMessage, "", protocol.Message{ChannelID: channelID, Seq: seq, SenderID: 1, Text: text, CreatedAt: time.Unix(0, 0).UTC()})
}

// channelFrame is a user-topic frame saying the user joined or left a channel.
func channelFrame(channelID int64, ev string) []byte {
	return encodeFrame(protocol.TypeChannel, "", protocol.ChannelEvent{ChannelID: channelID, Event: ev})
}

// eventually polls cond until it holds or the wait times out.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// subscribed reports whether n local connections are on a topic and its bus
// subscription is in effect, so an event published now reaches them.
func (h *harness) subscribed(t topic, n int) bool {
	h.hub.subs.mu.RLock()
	e := h.hub.subs.topics[t]
	conns := 0
	if e != nil {
		conns = len(e.conns)
	}
	h.hub.subs.mu.RUnlock()
	if e == nil {
		return n == 0
	}
	e.subMu.Lock()
	defer e.subMu.Unlock()
	return conns == n && e.unsub != nil
}

// checkLeaks fails the test if goroutines it started outlive it. Registered first,
// it runs after every other cleanup.
func checkLeaks(t testing.TB) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("%d goroutines after the test, %d before:\n%s", runtime.NumGoroutine(), base, buf[:n])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// readBody reads a refused handshake's JSON error.
func readBody(t *testing.T, resp *http.Response) protocol.ErrorBody {
	t.Helper()
	var body protocol.ErrorBody
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return body
}
