package hub

import (
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"govchat/protocol"
)

const (
	// closeWriteWait bounds writing the close frame; closeGrace is how long the
	// client has to answer it before the TCP connection is dropped.
	closeWriteWait = time.Second
	closeGrace     = time.Second

	// Batch buffers and spare queue slices above these sizes are dropped rather than
	// kept, so one burst does not pin memory for good.
	maxPooledBatch = 256 << 10
	maxSpareItems  = 1024
)

// writeLoop is the connection's only socket writer. Besides the queue it runs the
// heartbeat, the session timers and membership changes, so a connection costs two
// goroutines and nothing runs per message.
func (c *conn) writeLoop() {
	defer close(c.writerDone)
	ping := time.NewTicker(c.hub.opt.Heartbeat)
	defer ping.Stop()
	s := c.watchSession()
	defer s.stop()
	var spare []item
	for {
		select {
		case <-c.done:
			c.finish()
			return
		case <-c.q.ready:
			if c.closing() {
				continue // a closing connection's backlog is dropped, not written
			}
			batch := c.q.drain(spare)
			if len(batch) == 0 {
				// A wake-up whose items an earlier drain already took.
				spare = batch
				continue
			}
			err := c.write(batch)
			clear(batch) // let the events go
			spare = batch[:0]
			if cap(spare) > maxSpareItems {
				spare = nil
			}
			if err != nil {
				c.hub.log.Debug("websocket write failed", "user_id", c.userID, "err", err)
				c.close(0, "")
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.hub.opt.WriteTimeout)); err != nil {
				c.close(0, "")
			}
		case <-s.expired():
			c.close(protocol.CloseUnauthenticated, "session expired; log in again")
		case <-s.recheck.C:
			c.reauthenticate(s)
		case <-c.ctrl:
			c.applyMembership()
		}
	}
}

// write sends everything drained from the queue as one WebSocket message. A lone
// event goes out as its shared PreparedMessage; several frames are joined with "\n"
// (NDJSON) into one message, written with a single vectored write (gorilla's
// WriteMessage sends the header and a large payload together) rather than flushed
// through the small pooled write buffer a few KiB at a time.
func (c *conn) write(batch []item) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.hub.opt.WriteTimeout))
	if len(batch) == 1 {
		it := batch[0]
		if it.ev == nil {
			return c.ws.WriteMessage(websocket.TextMessage, it.frame)
		}
		pm, err := it.ev.prepared(&c.hub.prepared)
		if err != nil {
			return fmt.Errorf("hub: prepare message: %w", err)
		}
		return c.ws.WritePreparedMessage(pm)
	}
	bp := c.hub.batchBuffer()
	buf := (*bp)[:0]
	for i, it := range batch {
		if i > 0 {
			buf = append(buf, '\n')
		}
		buf = append(buf, it.frame...)
	}
	err := c.ws.WriteMessage(websocket.TextMessage, buf)
	if cap(buf) <= maxPooledBatch {
		*bp = buf[:0]
		c.hub.batchPool.Put(bp)
	}
	return err
}

func (h *Hub) batchBuffer() *[]byte {
	if bp, ok := h.batchPool.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, 4096)
	return &b
}

// finish sends the close frame, if there is a code to send, gives the client a
// moment to answer it and drops the TCP connection, which also ends a reader
// still waiting for input.
func (c *conn) finish() {
	if c.closeCode != 0 {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeText), time.Now().Add(closeWriteWait))
		t := time.NewTimer(closeGrace)
		select {
		case <-c.readerDone:
		case <-t.C:
		}
		t.Stop()
	}
	_ = c.ws.Close()
}
