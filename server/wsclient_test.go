package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

// wsClient is a test's WebSocket client: it reads frames (splitting the server's NDJSON
// batches) into a channel so the test can wait for the ones it expects.
type wsClient struct {
	t         *testing.T
	conn      *websocket.Conn
	resp      *http.Response // the 101
	frames    chan protocol.Frame
	done      chan struct{}
	closeCode int
}

func dialWS(t *testing.T, base, token string) *wsClient {
	t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Origin", base)
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/ws"
	conn, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	c := &wsClient{t: t, conn: conn, resp: resp, frames: make(chan protocol.Frame, 10000), done: make(chan struct{})}
	go c.read()
	t.Cleanup(func() { conn.Close() })
	return c
}

func (c *wsClient) read() {
	defer close(c.done)
	for {
		_, msg, err := c.conn.ReadMessage()
		if err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				c.closeCode = ce.Code
			}
			return
		}
		for _, line := range bytes.Split(msg, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var f protocol.Frame
			if err := json.Unmarshal(line, &f); err != nil {
				c.t.Errorf("undecodable frame %q: %v", line, err)
				continue
			}
			c.frames <- f
		}
	}
}

func (c *wsClient) send(typ, ref string, data any) {
	c.t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		c.t.Fatal(err)
	}
	frame, _ := json.Marshal(protocol.Frame{V: protocol.Version, Type: typ, Ref: ref, Data: raw})
	if err := c.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
		c.t.Fatalf("write %s: %v", typ, err)
	}
}

// next waits for the first frame that match accepts, dropping the others.
func (c *wsClient) next(what string, match func(protocol.Frame) bool) protocol.Frame {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f := <-c.frames:
			if match(f) {
				return f
			}
		case <-c.done:
			c.t.Fatalf("connection closed (code %d) while waiting for %s", c.closeCode, what)
		case <-timeout:
			c.t.Fatalf("no %s within 10s", what)
		}
	}
}

func ofType(typ string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool { return f.Type == typ }
}

func withRef(ref string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool { return f.Ref == ref }
}

// hello greets the server with resume positions and waits for welcome, returning the
// messages replayed before it.
func (c *wsClient) hello(resume ...protocol.ResumePos) []protocol.Message {
	c.t.Helper()
	c.send(protocol.TypeHello, "hello", protocol.HelloData{Resume: resume})
	var replayed []protocol.Message
	c.next("welcome", func(f protocol.Frame) bool {
		if f.Type == protocol.TypeMessage {
			replayed = append(replayed, decodeMessage(c.t, f))
		}
		return f.Type == protocol.TypeWelcome
	})
	return replayed
}

func decodeMessage(t *testing.T, f protocol.Frame) protocol.Message {
	t.Helper()
	var m protocol.Message
	if err := json.Unmarshal(f.Data, &m); err != nil {
		t.Fatalf("message frame %s: %v", f.Data, err)
	}
	return m
}

// loginToken logs in and returns the bearer token.
func loginToken(t *testing.T, base, username, password string) string {
	t.Helper()
	body, _ := json.Marshal(protocol.LoginRequest{Username: username, Password: password})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lr protocol.LoginResponse
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&lr) != nil {
		t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return lr.Token
}

// channelNamed finds one of the user's channels by name over REST.
func channelNamed(t *testing.T, base, token, name string) protocol.Channel {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/channels", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cs protocol.Channels
	if err := json.NewDecoder(resp.Body).Decode(&cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs.Channels {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no channel %q among %d", name, len(cs.Channels))
	return protocol.Channel{}
}
