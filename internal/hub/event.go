package hub

import (
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"govchat/internal/busevent"
)

// event is one bus event on its way to the local connections of a topic. It is
// built once per event by the bus handler and shared by every connection's queue:
// the frame bytes are the bus payload's, never copied per connection.
type event struct {
	seq   int64  // channel sequence, 0 for events outside it
	frame []byte // the encoded frame, shared; never modified
	// change, on a user topic, is the user joining or leaving channel; the frame
	// says the same to the client. A join's since is where in the channel the user
	// joined (busevent.Event.Since).
	change  busevent.Change
	channel int64
	since   int64

	once sync.Once
	pm   *websocket.PreparedMessage
	err  error
}

// prepared returns the event as a websocket.PreparedMessage, built by the first
// writer that sends the event on its own and reused by all others: the frame header
// is computed and the bytes laid out once per event, not once per connection. A
// writer that batches the event with others uses frame directly and never builds it.
func (e *event) prepared(built *atomic.Uint64) (*websocket.PreparedMessage, error) {
	e.once.Do(func() {
		e.pm, e.err = websocket.NewPreparedMessage(websocket.TextMessage, e.frame)
		built.Add(1)
	})
	return e.pm, e.err
}

// item is one entry of a connection's outbound queue: a shared event, or a frame for
// this connection only (a reply, a resumed message, an error).
type item struct {
	ev    *event // nil for a frame of this connection's own
	frame []byte
}
