package hub

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/apperr"
	"govchat/protocol"
)

const (
	// hardReadLimit is the largest message the reader takes in at all. Messages
	// between protocol.MaxFrameBytes and this are read and answered with too_large
	// (except hello, see handle), and the connection goes on; beyond it gorilla stops reading mid-message, sends
	// close 1009 (message too big) itself and the connection ends, because the rest
	// of the message would have to be read to find the next one.
	hardReadLimit = 64 << 10

	// maxFlooding rate-limited frames in a row end the connection with 1008: a
	// client that ignores rate_limited is not going to start listening.
	maxFlooding = 100

	// Close codes gorilla names but protocol does not.
	closePolicy   = websocket.ClosePolicyViolation   // 1008
	closeInternal = websocket.CloseInternalServerErr // 1011
)

// readLoop reads frames until the socket fails or the peer closes it. Once the
// connection is closing it keeps reading, discarding frames, so the client's answer
// to our close frame arrives and the TCP connection ends cleanly (closing a socket
// with unread input resets it, and the client would lose our close code).
func (c *conn) readLoop() {
	c.ws.SetReadLimit(hardReadLimit)
	c.extendRead()
	c.ws.SetPongHandler(func(string) error {
		c.extendRead()
		return nil
	})
	for {
		mt, b, err := c.ws.ReadMessage()
		if err != nil {
			c.logReadEnd(err)
			return
		}
		c.extendRead()
		if c.closing() {
			continue
		}
		c.handle(mt, b)
	}
}

// extendRead gives the peer 2.5 heartbeats to send anything (a frame or a pong).
func (c *conn) extendRead() {
	_ = c.ws.SetReadDeadline(time.Now().Add(c.hub.opt.Heartbeat * 5 / 2))
}

func (c *conn) logReadEnd(err error) {
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		c.hub.log.Debug("websocket closed by client", "user_id", c.userID, "code", ce.Code)
	case errors.Is(err, websocket.ErrReadLimit):
		c.hub.log.Info("websocket message over the hard limit", "user_id", c.userID, "limit", hardReadLimit)
	case c.closing():
	default:
		c.hub.log.Debug("websocket read ended", "user_id", c.userID, "err", err)
	}
}

// handle answers one client message. Every refusal is an error frame and the
// connection goes on, except a flood, which ends it.
func (c *conn) handle(mt int, b []byte) {
	if ok, retry := c.limit.allow(c.hub.now()); !ok {
		c.flooding++
		if c.flooding >= maxFlooding {
			c.close(closePolicy, "rate limit ignored")
			return
		}
		e := apperr.New(protocol.CodeRateLimited, "too many frames; slow down")
		e.RetryAfter = retry
		c.replyError(peekRef(b), e)
		return
	}
	c.flooding = 0
	if mt != websocket.TextMessage {
		c.replyError("", apperr.New(protocol.CodeBadRequest, "frames are JSON text messages"))
		return
	}
	f, ferr := decodeFrame(b)
	if len(b) > protocol.MaxFrameBytes && (ferr != nil || f.Type != protocol.TypeHello) {
		// hello alone may be larger (up to hardReadLimit): MaxResumeChans positions
		// do not fit in MaxFrameBytes, and hello comes once per connection.
		ref := f.Ref
		if ferr != nil {
			ref = ferr.ref
		}
		c.replyError(ref, apperr.New(protocol.CodeTooLarge, "frame is larger than the limit (max_frame_bytes)"))
		return
	}
	if ferr != nil {
		c.replyError(ferr.ref, ferr.err)
		return
	}
	switch {
	case f.Type == protocol.TypePing:
		c.reply(protocol.TypePong, f.Ref, nil)
	case f.Type == protocol.TypeHello && c.helloDone:
		c.replyError(f.Ref, apperr.New(protocol.CodeHelloFirst, "hello was already sent on this connection"))
	case f.Type == protocol.TypeHello:
		c.hello(f)
	case !c.helloDone:
		c.replyError(f.Ref, apperr.New(protocol.CodeHelloFirst, "send hello first"))
	case f.Type == protocol.TypeAway:
		c.setAway(f)
	default:
		// The service commits before it answers (group commit); waiting here keeps
		// this connection's replies in order and slows only this client.
		if reply := c.hub.opt.Service.Handle(c.ctx, c.principal(), f); len(reply) > 0 {
			c.send(reply)
		}
	}
}

// setAway answers away: it is about this connection, not chat, so the hub keeps the
// flag and tells presence of a change (a repeated state changes nothing).
func (c *conn) setAway(f protocol.Frame) {
	var in struct {
		Away *bool `json:"away"` // a pointer, so a missing or null away is refused
	}
	if len(f.Data) > 0 {
		if err := decodeData(f.Data, &in); err != nil {
			c.replyError(f.Ref, err)
			return
		}
	}
	if in.Away == nil {
		c.replyError(f.Ref, apperr.BadField("data.away", "away (true or false) is required"))
		return
	}
	d := protocol.AwayData{Away: *in.Away}
	if d.Away != c.away {
		c.away = d.Away
		if pr := c.hub.opt.Presence; pr != nil {
			pr.Away(c.ctx, c.userID, d.Away)
		}
	}
	c.reply(protocol.TypeAck, f.Ref, d)
}
