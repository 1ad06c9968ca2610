package loadgen

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"govchat/protocol"
)

// Payload writes and reads the text of a load message: "lg <run> <unix-nanos> xxx…".
// The send time travels inside the message, so a receiver needs no shared state
// with the sender to measure delivery latency, and both timestamps come from this
// process's clock, so a remote server's clock does not matter. The run id keeps
// messages of an earlier run (or a person's message) out of the figures.
type Payload struct {
	prefix string // "lg <run> "
	size   int    // total text length in bytes (ASCII, so also in characters)
}

// minTimestampDigits is the width of a unix-nanosecond timestamp until the year 2286.
const minTimestampDigits = 19

// NewPayload returns the format of one run. size is the text length in bytes; it is
// raised to the smallest length that holds the header.
func NewPayload(runID string, size int) Payload {
	p := Payload{prefix: "lg " + runID + " "}
	p.size = max(size, p.MinSize())
	return p
}

// MinSize is the shortest text this format can make.
func (p Payload) MinSize() int { return len(p.prefix) + minTimestampDigits }

// Size is the text length the format makes.
func (p Payload) Size() int { return p.size }

// Text makes a message text carrying sentAt (unix nanoseconds).
func (p Payload) Text(sentAt int64) string {
	var b strings.Builder
	b.Grow(p.size)
	b.WriteString(p.prefix)
	b.WriteString(strconv.FormatInt(sentAt, 10))
	if pad := p.size - b.Len(); pad > 1 {
		b.WriteByte(' ')
		for range pad - 1 {
			b.WriteByte('x')
		}
	}
	return b.String()
}

// SentAt reads the timestamp back; ok is false for a text of another run or format.
func (p Payload) SentAt(text string) (sentAt int64, ok bool) {
	rest, found := strings.CutPrefix(text, p.prefix)
	if !found {
		return 0, false
	}
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		rest = rest[:i]
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil
}

// inbound is a server frame with its body left raw, so only the frame types the
// load generator cares about are decoded further.
type inbound struct {
	Type string
	Ref  string
	Data []byte // aliases the frame
}

// delivered is the part of a message frame a receiver needs.
type delivered struct {
	ChannelID int64
	Seq       int64
	Text      string
}

func decodeInbound(frame []byte) (inbound, error) {
	var f inbound
	var err error
	perr := objectFields(frame, func(key, val []byte) {
		switch string(key) {
		case "type":
			f.Type, err = jsonString(val)
		case "ref":
			f.Ref, err = jsonString(val)
		case "data":
			f.Data = val
		}
	})
	if err := errors.Join(perr, err); err != nil {
		return f, fmt.Errorf("decode server frame: %w", err)
	}
	return f, nil
}

func decodeMessage(data []byte) (delivered, error) {
	var m delivered
	var errs []error
	perr := objectFields(data, func(key, val []byte) {
		var err error
		switch string(key) {
		case "channel_id":
			m.ChannelID, err = jsonInt(val)
		case "seq":
			m.Seq, err = jsonInt(val)
		case "text":
			m.Text, err = jsonString(val)
		}
		if err != nil {
			errs = append(errs, err)
		}
	})
	if err := errors.Join(append(errs, perr)...); err != nil {
		return m, fmt.Errorf("decode message: %w", err)
	}
	return m, nil
}

func decodeError(data []byte) protocol.Error {
	var e protocol.Error
	if json.Unmarshal(data, &e) != nil || e.Code == "" {
		e.Code = "unreadable_error"
	}
	return e
}

// sendFrame encodes a send frame. ref carries the scheduled send time too, so the
// ack (which echoes ref) is timed without a table of outstanding sends.
func sendFrame(ref string, d protocol.SendData) ([]byte, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode send: %w", err)
	}
	b, err := json.Marshal(protocol.Frame{V: protocol.Version, Type: protocol.TypeSend, Ref: ref, Data: data})
	if err != nil {
		return nil, fmt.Errorf("encode send frame: %w", err)
	}
	return b, nil
}
