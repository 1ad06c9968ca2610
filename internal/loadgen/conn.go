package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

// writeTimeout bounds one write to the server, so a stalled server cannot hold a
// sender past the end of the run.
const writeTimeout = 10 * time.Second

// clientConn is one WebSocket connection of a test user: it sends when it has a
// sender and counts everything it receives.
type clientConn struct {
	ws      *websocket.Conn
	channel int // index of the one channel its user is in
	stats   *Stats
	payload Payload
	clock   Clock
	closing *atomic.Bool // set by the runner before it closes the connections
	done    chan struct{}

	// Only the reader goroutine touches these.
	lastSeq map[int64]int64 // per channel id
	buf     bytes.Buffer
}

// connDeps are what every connection shares.
type connDeps struct {
	stats   *Stats
	payload Payload
	clock   Clock
	closing *atomic.Bool
}

func newConn(ws *websocket.Conn, channel int, d connDeps) *clientConn {
	return &clientConn{
		ws: ws, channel: channel, stats: d.stats, payload: d.payload, clock: d.clock,
		closing: d.closing, done: make(chan struct{}), lastSeq: map[int64]int64{},
	}
}

// dialWS opens the WebSocket with the session's bearer token and an Origin, as a
// browser on the server's own origin would.
func dialWS(ctx context.Context, d *websocket.Dialer, wsURL, origin, token string) (*websocket.Conn, error) {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Origin", origin)
	ws, resp, err := d.DialContext(ctx, wsURL, h)
	if err != nil {
		if resp != nil {
			defer resp.Body.Close()
			var eb protocol.ErrorBody
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			if json.Unmarshal(b, &eb) == nil && eb.Error.Code != "" {
				return nil, &handshakeError{status: resp.StatusCode, code: string(eb.Error.Code), err: err}
			}
			return nil, &handshakeError{status: resp.StatusCode, code: fmt.Sprintf("http_%d", resp.StatusCode), err: err}
		}
		return nil, fmt.Errorf("open websocket: %w", err)
	}
	return ws, nil
}

// handshakeError is an upgrade the server refused with an HTTP answer.
type handshakeError struct {
	status int
	code   string
	err    error
}

func (e *handshakeError) Error() string {
	return fmt.Sprintf("websocket handshake refused: %d %s", e.status, e.code)
}
func (e *handshakeError) Unwrap() error { return e.err }

// hello sends hello and waits for welcome.
func (c *clientConn) hello(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	_ = c.ws.SetWriteDeadline(deadline)
	hello := []byte(`{"v":1,"type":"hello","ref":"hello","data":{}}`)
	if err := c.ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		return fmt.Errorf("send hello: %w", err)
	}
	_ = c.ws.SetReadDeadline(deadline)
	defer c.ws.SetReadDeadline(time.Time{})
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("wait for welcome: %w", err)
		}
		for frame := range Frames(msg) {
			f, err := decodeInbound(frame)
			if err != nil {
				return err
			}
			switch f.Type {
			case protocol.TypeWelcome:
				return nil
			case protocol.TypeError:
				return &frameError{code: string(decodeError(f.Data).Code)}
			}
		}
	}
}

// frameError is an error frame that answered hello.
type frameError struct{ code string }

func (e *frameError) Error() string { return "hello refused: " + e.code }

// readLoop counts what arrives until the connection ends. It reuses one buffer per
// connection, and takes the time once per WebSocket message: frames that arrived
// together were delivered together.
func (c *clientConn) readLoop() {
	defer close(c.done)
	for {
		_, r, err := c.ws.NextReader()
		if err == nil {
			c.buf.Reset()
			_, err = c.buf.ReadFrom(r)
		}
		if err != nil {
			if !c.closing.Load() {
				c.stats.Dropped.Add(1)
				c.stats.ErrorWith(errorKind("read", err), err)
			}
			return
		}
		now := time.Now()
		c.stats.ReadBatches.Add(1)
		for frame := range Frames(c.buf.Bytes()) {
			c.handle(frame, now)
		}
	}
}

func (c *clientConn) handle(frame []byte, now time.Time) {
	c.stats.ReadFrames.Add(1)
	f, err := decodeInbound(frame)
	if err != nil {
		c.stats.Error("frame:undecodable")
		return
	}
	switch f.Type {
	case protocol.TypeMessage:
		m, err := decodeMessage(f.Data)
		if err != nil {
			c.stats.Error("frame:undecodable")
			return
		}
		sentAt, ours := c.payload.SentAt(m.Text)
		if !ours {
			c.stats.Foreign.Add(1)
			return
		}
		c.stats.Deliveries.Add(1)
		c.stats.DeliveryLatency.Record(c.clock.Since(sentAt, now))
		c.stats.event(c.clock.Nanos(now))
		last, seen := c.lastSeq[m.ChannelID]
		switch {
		case seen && m.Seq <= last:
			c.stats.Reordered.Add(1)
		case seen && m.Seq > last+1:
			c.stats.gap(SeqGap{ChannelID: m.ChannelID, From: last, To: m.Seq})
		}
		c.lastSeq[m.ChannelID] = max(last, m.Seq)
	case protocol.TypeAck:
		if sentAt, err := strconv.ParseInt(f.Ref, 10, 64); err == nil {
			c.stats.AckLatency.Record(c.clock.Since(sentAt, now))
		}
		c.stats.Acked.Add(1)
		c.stats.event(c.clock.Nanos(now))
		c.stats.ackedPerChannel[c.channel].Add(1)
		if bytes.Contains(f.Data, []byte(`"duplicate":true`)) {
			c.stats.Duplicates.Add(1)
		}
	case protocol.TypeError:
		c.stats.Error("ws:" + string(decodeError(f.Data).Code))
		if _, err := strconv.ParseInt(f.Ref, 10, 64); err == nil {
			c.stats.SendErrors.Add(1)
		}
	case protocol.TypeResync:
		c.stats.Error("ws:resync")
	}
}

// send writes one frame. Only the connection's sender calls it.
func (c *clientConn) send(frame []byte) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// shutdown says goodbye with a normal close, gives the server a moment to answer
// it, then drops the socket whatever happened.
func (c *clientConn) shutdown(wait time.Duration) {
	closeGracefully(c.ws, c.done, wait, "load run over")
}

// closeGracefully sends a normal close with reason, waits up to wait for the reader
// (which closes done) to see the server's answer, then closes the socket and waits
// for the reader to end.
func closeGracefully(ws *websocket.Conn, done <-chan struct{}, wait time.Duration, reason string) {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, reason)
	_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
	_ = ws.Close()
	<-done
}

// errorKind names a failure for the error table: the close code the server sent,
// the handshake's error code, or a short name for a network failure.
func errorKind(stage string, err error) string {
	var ce *websocket.CloseError
	var he *handshakeError
	var fe *frameError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return fmt.Sprintf("close:%d", ce.Code)
	case errors.As(err, &he):
		return stage + ":" + he.code
	case errors.As(err, &fe):
		return stage + ":" + fe.code
	case errors.Is(err, syscall.ECONNREFUSED):
		return stage + ":connection_refused"
	case errors.Is(err, syscall.ECONNRESET):
		return stage + ":connection_reset"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return stage + ":too_many_open_files"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return stage + ":address_not_available"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return stage + ":eof"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return stage + ":timeout"
	default:
		return stage + ":other"
	}
}
