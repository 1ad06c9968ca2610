package hub

import (
	"context"

	"govchat/internal/auth"
	"govchat/protocol"
)

// Authenticator resolves a session token to its principal. The middleware in front of
// the hub authenticates the handshake; the hub uses this to check open connections again.
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
	// published on the bus by the service (internal/busevent).
	Handle(ctx context.Context, p auth.Principal, f protocol.Frame) (reply []byte)
}
