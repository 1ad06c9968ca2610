package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

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
