package hub

import (
	"net/http"
	"testing"

	"github.com/gorilla/websocket"

	"govchat/internal/wstest"
	"govchat/protocol"
)

// client is a test's WebSocket client: the shared protocol test client
// (internal/wstest), under the short names the hub's tests use.
type client struct {
	t  testing.TB
	c  *wstest.Conn
	ws *websocket.Conn // the socket, for tests that write, read or close it themselves
}

// dialClient connects to url with tok as a session cookie or a bearer token; origin
// "" sends none, a nil dialer is the default one.
func dialClient(t testing.TB, url, tok, origin string, cookie bool, dialer *websocket.Dialer) (*client, *http.Response, error) {
	opt := wstest.Options{Origin: origin, Dialer: dialer, Timeout: waitTimeout}
	if tok != "" && cookie {
		opt.Cookie = &http.Cookie{Name: sessionCookie, Value: tok}
	} else if tok != "" {
		opt.Bearer = tok
	}
	c, resp, err := wstest.TryDial(t, url, opt)
	if err != nil {
		return nil, resp, err
	}
	return &client{t: t, c: c, ws: c.WS}, resp, nil
}

// write sends one raw message.
func (c *client) write(raw string) { c.t.Helper(); c.c.WriteRaw([]byte(raw)) }

// send sends a frame and returns its ref.
func (c *client) send(typ string, data any) string { c.t.Helper(); return c.c.Send(typ, data) }

// next returns the next frame from the server.
func (c *client) next() protocol.Frame { c.t.Helper(); return c.c.Next() }

// tryNext returns the next frame or why there is none.
func (c *client) tryNext() (protocol.Frame, error) { return c.c.Read() }

// expect reads the next frame and checks its type (and ref, when given).
func (c *client) expect(typ string, ref ...string) protocol.Frame {
	c.t.Helper()
	return c.c.Expect(typ, ref...)
}

// expectError reads an error frame and checks its code and ref.
func (c *client) expectError(code protocol.Code, ref string) protocol.Error {
	c.t.Helper()
	return c.c.ExpectError(code, ref)
}

// hello sends hello and reads up to welcome, returning what came before it.
func (c *client) hello(resume ...protocol.ResumePos) []protocol.Frame {
	c.t.Helper()
	return c.c.Hello(resume...)
}

// ping checks the connection still answers, and that nothing else was queued before
// the pong.
func (c *client) ping() { c.t.Helper(); c.c.Ping() }

// expectClose reads until the server closes and checks the close code.
func (c *client) expectClose(code int) { c.t.Helper(); c.c.ExpectClose(code) }
