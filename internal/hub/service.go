package hub

import (
	"context"
	"encoding/binary"
	"errors"
	"strconv"

	"govchat/internal/auth"
	"govchat/protocol"
)

// Authenticator resolves a session token (cookie or bearer) to its principal.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (auth.Principal, error)
}

// Service is the chat logic behind the socket (internal/chat implements it). The hub
// owns connections, framing, fan-out and resume bookkeeping; the service owns what a
// frame means and who may do it.
type Service interface {
	// Channels lists the ids of the channels the user belongs to.
	Channels(ctx context.Context, userID int64) ([]int64, error)
	// Resume returns what the user missed in a channel after pos.LastSeq, as complete
	// encoded frames in sequence order, and the channel's last sequence. It answers a
	// resync instead when the client is too far behind or in another epoch, and
	// protocol.CodeNotMember (as an *apperr.Error) when the user is not in the channel.
	Resume(ctx context.Context, userID int64, pos protocol.ResumePos) (frames [][]byte, lastSeq int64, resync *protocol.ResyncData, err error)
	// Handle performs one client frame (send, edit, recall, read) for p and returns the
	// reply for this connection only: an ack, or an error frame. Effects on others are
	// published on the bus by the service.
	Handle(ctx context.Context, p auth.Principal, f protocol.Frame) (reply []byte)
}

// ChannelTopic is the bus topic of a channel's events.
func ChannelTopic(channelID int64) string { return "chan:" + strconv.FormatInt(channelID, 10) }

// UserTopic is the bus topic of one user's own events (read sync, channel list changes).
func UserTopic(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// An event on the bus is the sequence number it carries (0 for events outside the
// channel's sequence) in 8 big-endian bytes, followed by the encoded frame exactly as
// clients receive it: the frame is encoded once, by the publisher, for every node and
// every connection.
const eventHeader = 8

// EncodeEvent frames an encoded protocol frame for the bus.
func EncodeEvent(seq int64, frame []byte) []byte {
	b := make([]byte, eventHeader+len(frame))
	binary.BigEndian.PutUint64(b, uint64(seq))
	copy(b[eventHeader:], frame)
	return b
}

// DecodeEvent splits a bus payload into its sequence number and frame.
func DecodeEvent(payload []byte) (seq int64, frame []byte, err error) {
	if len(payload) < eventHeader {
		return 0, nil, errors.New("hub: bus event shorter than its header")
	}
	return int64(binary.BigEndian.Uint64(payload)), payload[eventHeader:], nil
}
