package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/protocol"
)

// waitTimeout bounds every wait for a frame or a state; generous for -race.
const waitTimeout = 10 * time.Second

// harness is one hub behind an httptest server on a memory bus.
type harness struct {
	t    testing.TB
	hub  *Hub
	bus  *bus.Memory
	gate *gatedBus // the hub's bus: bus, with subscriptions a test can hold up
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
	h.gate = &gatedBus{Bus: h.bus}
	opt.Bus, opt.Auth, opt.Service = h.gate, h.auth, h.svc
	h.hub = New(opt)
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/ws", h.authenticated(h.hub))
	h.srv = httptest.NewUnstartedServer(mux)
	h.srv.Listener = smallBuffers{h.srv.Listener}
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

// publish puts an encoded frame on the bus with its sequence, as a service would.
func (h *harness) publish(topicName string, seq int64, frame []byte) {
	h.t.Helper()
	payload, err := busevent.Encode(busevent.Event{Seq: seq, Frame: frame})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.bus.Publish(context.Background(), topicName, payload); err != nil {
		h.t.Fatalf("publish %s: %v", topicName, err)
	}
}

// tellUser tells a user that they joined or left a channel, or that it changed, the
// way the chat service does.
func (h *harness) tellUser(userID, channelID int64, event string) {
	pub := busevent.NewPublisher(h.bus, slog.New(slog.DiscardHandler))
	pub.Membership(context.Background(), []int64{userID}, protocol.ChannelEvent{ChannelID: channelID, Event: event})
}

// sessionCookie is the cookie the harness reads a token from.
const sessionCookie = "govchat_session"

// authenticated stands in for the REST middleware the server mounts the hub behind
// (httpapi's authed, tested there with the real hub): it hands the principal of the
// bearer or cookie token on in the request's context, and refuses anything else.
func (h *harness) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if c, err := r.Cookie(sessionCookie); err == nil {
			tok = c.Value
		}
		p, err := h.auth.Authenticate(r.Context(), tok)
		if err != nil {
			apperr.WriteHTTP(w, r, slog.New(slog.DiscardHandler), err)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), p, tok)))
	})
}

// encodeFrame encodes a server frame as a service would; the protocol types always encode.
func encodeFrame(typ, ref string, data any) []byte {
	b, err := protocol.EncodeFrame(typ, ref, data)
	if err != nil {
		panic(err)
	}
	return b
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
	return dialClient(h.t, h.url, tok, origin, cookie, dialer)
}

func status(resp *http.Response) any {
	if resp == nil {
		return "no response"
	}
	return resp.StatusCode
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

// channelFrame is the frame of a user-topic event saying the user joined or left a
// channel, without the envelope that tells the hub.
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
// noted reports whether any connection has noted a membership change of the channel
// (every change leaves the channel's state behind).
func (h *harness) noted(channelID int64) bool {
	h.hub.mu.Lock()
	defer h.hub.mu.Unlock()
	for c := range h.hub.conns {
		c.mu.Lock()
		_, ok := c.chans[channelID]
		c.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

func (h *harness) subscribed(t topic, n int) bool {
	h.hub.subs.mu.RLock()
	e := h.hub.subs.topics[t]
	conns := 0
	if e != nil {
		conns = e.n
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
