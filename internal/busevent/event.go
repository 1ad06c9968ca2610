// Package busevent is what domain services and the hub agree on about the bus: the
// topic names and the envelope of an event. The bus itself carries opaque bytes (as
// Centrifuge's Broker does); services put events on it through a Publisher and the
// hub reads them with Decode, so neither side imports the other.
//
// An event is an 8-byte header followed by the encoded frame exactly as clients
// receive it: the frame is encoded once, by the publisher, for every node and every
// connection. The header's first byte is the event's membership Change, its other
// seven a big-endian number:
//
//	change 0 (NoChange)   the number is the frame's channel sequence, 0 for frames
//	                      outside the channel's sequence
//	change 1 (Joined)     on user U's topic: U joined the channel the number names
//	change 2 (Left)       on user U's topic: U left it
//
// A membership change is typed in the header so the hub follows it without reading
// the frame, which says the same to the client. Events without one are the same bytes
// as before the change was added (a big-endian int64 sequence, whose first byte is 0
// below 2^56), and a node that predates it ignores the header of user-topic events and
// reads the frame, so nodes of both versions share one Redis during a rolling upgrade.
//
// A join also says where in the channel the user joined (Event.Since), so the hub can
// catch the user's connections up on what the channel got before they subscribed to
// it. That number travels in the frame (its data.last_seq, protocol.ChannelEvent), the
// one part of a Joined event Decode reads, not in the header: the header's seven bytes
// hold the channel, and a longer header would be a change that nodes of the previous
// version refuse as malformed, so during a rolling upgrade their users would not follow
// the join at all. Such a node forwards last_seq to its clients without using it, and
// its own Joined events, without last_seq, are followed without a catch-up (NoSince).
package busevent

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ChannelTopic is the bus topic of a channel's events.
func ChannelTopic(channelID int64) string { return "chan:" + strconv.FormatInt(channelID, 10) }

// UserTopic is the bus topic of one user's own events (read sync, channel list
// changes, notices).
func UserTopic(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// SecrecyTopic is the bus topic every node's secrecy service listens on: the ladder
// changed, drop the cached copy (internal/secrecy). No client connection subscribes to
// it; clients hear of the change on their own topics.
const SecrecyTopic = "secrecy"

// DLPTopic is the bus topic every node's DLP service listens on: the rules changed,
// drop the cached copy (internal/dlp). Clients read the rules when they scan a file.
const DLPTopic = "dlp"

// Change is a change of the topic's user's channel membership that an event carries.
type Change uint8

const (
	NoChange Change = iota
	Joined          // the user joined Event.Channel
	Left            // the user left Event.Channel
)

func (c Change) String() string {
	switch c {
	case NoChange:
		return "none"
	case Joined:
		return "joined"
	case Left:
		return "left"
	}
	return "change(" + strconv.Itoa(int(c)) + ")"
}

// Event is one event on the bus, decoded.
type Event struct {
	// Seq is the frame's sequence in its channel, on a channel topic; 0 for frames
	// outside the sequence (edits, recalls, everything on a user topic).
	Seq int64
	// Change and Channel: on a user topic, the user joined or left Channel.
	Change  Change
	Channel int64
	// Since, on a Joined event, is Channel's last sequence when the user joined, read
	// from the frame by Decode (Encode leaves the frame as it is); NoSince when the
	// frame does not say, and on every other event.
	Since int64
	// Frame is the encoded frame, shared: never modified.
	Frame []byte
}

// NoSince is Event.Since when the event does not say where the user joined.
const NoSince = -1

// headerLen is the size of the header before the frame.
const headerLen = 8

// maxNumber is the largest sequence or channel id the header's seven bytes hold.
const maxNumber = 1<<56 - 1

// Encode lays e out for the bus.
func Encode(e Event) ([]byte, error) {
	n := e.Seq
	switch e.Change {
	case NoChange:
		if e.Channel != 0 {
			return nil, fmt.Errorf("busevent: channel %d without a membership change", e.Channel)
		}
	case Joined, Left:
		if e.Seq != 0 {
			return nil, fmt.Errorf("busevent: a membership change carries no sequence (got %d)", e.Seq)
		}
		if e.Channel <= 0 {
			return nil, fmt.Errorf("busevent: %s channel %d", e.Change, e.Channel)
		}
		n = e.Channel
	default:
		return nil, fmt.Errorf("busevent: unknown change %d", e.Change)
	}
	if n < 0 || n > maxNumber {
		return nil, fmt.Errorf("busevent: %d does not fit the header", n)
	}
	b := make([]byte, headerLen+len(e.Frame))
	binary.BigEndian.PutUint64(b, uint64(e.Change)<<56|uint64(n))
	copy(b[headerLen:], e.Frame)
	return b, nil
}

// ErrMalformed is returned by Decode for bytes that are not an event.
var ErrMalformed = errors.New("busevent: malformed event")

// Decode splits a bus payload into its event. Frame shares payload's bytes.
func Decode(payload []byte) (Event, error) {
	if len(payload) < headerLen {
		return Event{}, fmt.Errorf("%w: %d bytes, shorter than the header", ErrMalformed, len(payload))
	}
	h := binary.BigEndian.Uint64(payload)
	e := Event{Change: Change(h >> 56), Since: NoSince, Frame: payload[headerLen:]}
	n := int64(h & maxNumber)
	switch e.Change {
	case NoChange:
		e.Seq = n
	case Joined, Left:
		if n == 0 {
			return Event{}, fmt.Errorf("%w: %s channel 0", ErrMalformed, e.Change)
		}
		e.Channel = n
	default:
		return Event{}, fmt.Errorf("%w: unknown change %d", ErrMalformed, e.Change)
	}
	if e.Change == Joined {
		e.Since = joinedSince(e.Frame)
	}
	return e, nil
}

// joinedSince reads a joined frame's data.last_seq: NoSince when it has none, as
// from a node of the previous version, or when it is not a number of the sequence.
// A frame that cannot be read is still the client's to have, and the join is still
// followed; only the catch-up is lost.
func joinedSince(frame []byte) int64 {
	var f struct {
		Data struct {
			LastSeq *int64 `json:"last_seq"`
		} `json:"data"`
	}
	if json.Unmarshal(frame, &f) != nil || f.Data.LastSeq == nil || *f.Data.LastSeq < 0 {
		return NoSince
	}
	return *f.Data.LastSeq
}
