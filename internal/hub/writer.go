package hub

import (
	"fmt"
	"time"

	"github.com/gorilla/websocket"
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

// kick starts the connection's writer when start says it is not running (the queue's
// offer, push and request tell). It never blocks, so bus handlers and timers call it.
func (c *conn) kick(start bool) {
	if start {
		go c.writeLoop()
	}
}

// writeLoop is the connection's only socket writer while it runs: it writes what is
// queued and sends pings until nothing is left, then exits; the next piece of work
// starts it again (queue). So an idle connection has no
// writer goroutine, and nothing runs per message but the write itself. Frames that
// arrive while a write is under way are written together in the next round
// (coalesced: several frames in one WebSocket message).
func (c *conn) writeLoop() {
	for {
		w := c.q.take()
		switch {
		case w.close:
			c.finish()
			return
		case w.empty():
			return
		}
		if len(w.batch) > 0 {
			err := c.write(w.batch)
			c.q.recycle(w.batch)
			if err != nil {
				c.hub.log.Debug("websocket write failed", "user_id", c.userID, "err", err)
				c.close(0, "")
				continue
			}
		}
		if w.ping {
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.hub.opt.WriteTimeout)); err != nil {
				c.close(0, "")
			}
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
// still waiting for input. It runs once, on the writer (or instead of one, when the
// connection never started).
func (c *conn) finish() {
	c.q.stop()
	defer close(c.writerDone)
	c.hub.clock.remove(c)
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
