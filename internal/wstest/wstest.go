// Package wstest is the one WebSocket client the Go tests speak govchat's protocol
// with (server, hub and httpapi tests): it dials with a bearer token or a session
// cookie and an Origin, sends frames, and reads the server's frames — splitting its
// NDJSON batches — under deadlines, so a test waits for an answer, never for a time.
//
// Reading is synchronous: nothing reads unless the test asks, so a test can also play
// a client that stops reading (too slow, or deaf to pings). Read returns errors and is
// safe in a goroutine; the other reads fail the test.
package wstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

// DefaultTimeout is how long a read waits when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options say how to connect.
type Options struct {
	Bearer string       // sent as Authorization: Bearer …; "" sends none
	Cookie *http.Cookie // a session cookie; nil sends none
	Origin string       // the Origin header; "" sends none (as a non-browser client)
	// Dialer dials; nil is one whose handshake times out after Timeout. Tests pass
	// their own to change the socket (a small read buffer for a slow client).
	Dialer *websocket.Dialer
	// Timeout bounds each read (and each Until as a whole); default DefaultTimeout.
	Timeout time.Duration
}

// Conn is one connection to the server.
type Conn struct {
	t       testing.TB
	WS      *websocket.Conn // the socket, for tests that write or close it themselves
	Resp    *http.Response  // the server's 101 answer
	timeout time.Duration
	pending [][]byte // frames of the last message not yet read
	refs    int
}

// URL turns a server's http(s) base URL and a path into the ws(s) URL to dial.
func URL(base, path string) string {
	return "ws" + strings.TrimPrefix(base, "http") + path
}

// Dial connects to url (ws:// or wss://) and fails the test when it cannot. The
// connection is closed when the test ends.
func Dial(t testing.TB, url string, opt Options) *Conn {
	t.Helper()
	c, resp, err := TryDial(t, url, opt)
	if err != nil {
		status := "no response"
		if resp != nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		t.Fatalf("wstest: dial %s: %v (status %s)", url, err, status)
	}
	return c
}

// TryDial connects to url and returns the handshake's error and response, for tests
// of refused handshakes (whose body the caller closes).
func TryDial(t testing.TB, url string, opt Options) (*Conn, *http.Response, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	hdr := http.Header{}
	if opt.Origin != "" {
		hdr.Set("Origin", opt.Origin)
	}
	if opt.Bearer != "" {
		hdr.Set("Authorization", "Bearer "+opt.Bearer)
	}
	if opt.Cookie != nil {
		(&http.Request{Header: hdr}).AddCookie(opt.Cookie)
	}
	dialer := opt.Dialer
	if dialer == nil {
		dialer = &websocket.Dialer{HandshakeTimeout: opt.Timeout}
	}
	ws, resp, err := dialer.Dial(url, hdr)
	if err != nil {
		return nil, resp, err
	}
	t.Cleanup(func() { _ = ws.Close() })
	return &Conn{t: t, WS: ws, Resp: resp, timeout: opt.Timeout}, resp, nil
}

// WriteRaw sends one text message as it is: malformed frames, NDJSON batches.
func (c *Conn) WriteRaw(raw []byte) {
	c.t.Helper()
	if err := c.WS.WriteMessage(websocket.TextMessage, raw); err != nil {
		c.t.Fatalf("wstest: write: %v", err)
	}
}

// Send sends a frame with a new ref ("r1", "r2", …) and returns the ref. A nil data
// sends no data.
func (c *Conn) Send(typ string, data any) string {
	c.t.Helper()
	c.refs++
	ref := "r" + strconv.Itoa(c.refs)
	c.SendRef(typ, ref, data)
	return ref
}

// SendRef sends a frame with the caller's ref.
func (c *Conn) SendRef(typ, ref string, data any) {
	c.t.Helper()
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			c.t.Fatalf("wstest: encode %s data: %v", typ, err)
		}
		raw = b
	}
	b, err := json.Marshal(protocol.Frame{V: protocol.Version, Type: typ, Ref: ref, Data: raw})
	if err != nil {
		c.t.Fatalf("wstest: encode %s: %v", typ, err)
	}
	c.WriteRaw(b)
}

// Read returns the next frame within the timeout. Its error is the connection's end
// (a *websocket.CloseError when the server closed it; one IsTimeout reports when
// nothing came in time) or an undecodable frame. It does not fail the test, so a
// goroutine may call it.
func (c *Conn) Read() (protocol.Frame, error) {
	return c.readBy(time.Now().Add(c.timeout))
}

func (c *Conn) readBy(deadline time.Time) (protocol.Frame, error) {
	for len(c.pending) == 0 {
		_ = c.WS.SetReadDeadline(deadline)
		_, msg, err := c.WS.ReadMessage()
		if err != nil {
			return protocol.Frame{}, fmt.Errorf("wstest: read: %w", err)
		}
		for _, line := range bytes.Split(msg, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				c.pending = append(c.pending, line)
			}
		}
	}
	raw := c.pending[0]
	c.pending = c.pending[1:]
	var f protocol.Frame
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("wstest: server sent %q: %w", raw, err)
	}
	return f, nil
}

// IsTimeout reports whether a Read error means nothing came in time (gorilla hides
// os.ErrDeadlineExceeded behind a net.Error of its own).
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Next returns the next frame, failing the test when there is none in time.
func (c *Conn) Next() protocol.Frame {
	c.t.Helper()
	f, err := c.Read()
	if err != nil {
		c.t.Fatalf("reading a frame: %v", err)
	}
	return f
}

// Until reads until a frame match accepts and returns it, dropping the others; it
// fails the test when the connection ends or none comes within the timeout.
func (c *Conn) Until(what string, match func(protocol.Frame) bool) protocol.Frame {
	c.t.Helper()
	deadline := time.Now().Add(c.timeout)
	for {
		f, err := c.readBy(deadline)
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", what, err)
		}
		if match(f) {
			return f
		}
	}
}

// OfType matches frames of one type.
func OfType(typ string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool { return f.Type == typ }
}

// WithRef matches the answer to one request.
func WithRef(ref string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool { return f.Ref == ref }
}

// Expect reads the next frame and checks its type (and ref, when given).
func (c *Conn) Expect(typ string, ref ...string) protocol.Frame {
	c.t.Helper()
	f := c.Next()
	if f.Type != typ || (len(ref) > 0 && f.Ref != ref[0]) {
		c.t.Fatalf("got frame %s ref %q data %s; want %s %v", f.Type, f.Ref, f.Data, typ, ref)
	}
	return f
}

// ExpectError reads the next frame and checks it is an error with code, answering ref.
func (c *Conn) ExpectError(code protocol.Code, ref string) protocol.Error {
	c.t.Helper()
	f := c.Expect(protocol.TypeError)
	var e protocol.Error
	if err := json.Unmarshal(f.Data, &e); err != nil {
		c.t.Fatalf("error frame body %s: %v", f.Data, err)
	}
	if e.Code != code || f.Ref != ref {
		c.t.Fatalf("got error %s (%q) ref %q; want %s ref %q", e.Code, e.Message, f.Ref, code, ref)
	}
	return e
}

// Hello sends hello with the resume positions, reads up to the welcome answering it,
// and returns the frames that came before (what was replayed).
func (c *Conn) Hello(resume ...protocol.ResumePos) []protocol.Frame {
	c.t.Helper()
	ref := c.Send(protocol.TypeHello, protocol.HelloData{Resume: resume})
	var before []protocol.Frame
	for {
		f := c.Next()
		if f.Type == protocol.TypeWelcome {
			if f.Ref != ref {
				c.t.Fatalf("welcome ref %q, want %q", f.Ref, ref)
			}
			return before
		}
		before = append(before, f)
	}
}

// Ping checks that the connection still answers, and that nothing else was queued
// before the pong.
func (c *Conn) Ping() {
	c.t.Helper()
	ref := c.Send(protocol.TypePing, nil)
	c.Expect(protocol.TypePong, ref)
}

// ExpectClose reads until the server closes the connection and checks the close code.
func (c *Conn) ExpectClose(code int) {
	c.t.Helper()
	for {
		_, err := c.Read()
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

// Close closes the socket without a closing handshake, as a dropped connection.
func (c *Conn) Close() { _ = c.WS.Close() }
