package protocol

import "time"

// Bounds of one forward (转发) request.
const (
	MaxForwardItems   = 100   // messages chosen for one forward (逐条 or 合并)
	MaxForwardTargets = 20    // channels and people it goes to
	MaxForwardRunes   = 20000 // all the chosen messages' text together, in characters
	// MaxForwardMessages bounds the messages one request writes: items × targets for a
	// one-by-one (逐条) forward, targets for a merged one; comments not counted.
	MaxForwardMessages = 200
)

// ForwardRequest is the body of POST /api/v1/forward: forward messages of one channel
// to channels and people, one by one (逐条) or as one merged record (合并转发, Merged),
// each target then getting the comment, when there is one, as the forwarder's own
// message right after.
type ForwardRequest struct {
	// ClientID makes the request idempotent: a retry with the same id writes nothing new
	// and answers as the first time did. The messages written take ids derived from it
	// (see PROTOCOL.md), which no client-chosen id can equal.
	ClientID  string          `json:"client_id"`
	ChannelID int64           `json:"channel_id"` // where the chosen messages are
	Seqs      []int64         `json:"seqs"`       // the chosen messages; forwarded in seq order
	Merged    bool            `json:"merged,omitempty"`
	Targets   []ForwardTarget `json:"targets"`
	Comment   string          `json:"comment,omitempty"`
}

// ForwardTarget is one place a forward goes to: a channel the forwarder is in, or a
// person (their direct channel with the forwarder, opened when there is none yet).
// Exactly one of the two is set.
type ForwardTarget struct {
	ChannelID int64 `json:"channel_id,omitempty"`
	UserID    int64 `json:"user_id,omitempty"`
}

// ForwardResult answers a forward: one entry per distinct target channel, in the order
// of the request's targets.
type ForwardResult struct {
	Results []ForwardDelivery `json:"results"`
}

// ForwardDelivery is what one target channel got: the forwarded messages' sequence
// numbers (one for a merged record) and the comment's, 0 without a comment.
type ForwardDelivery struct {
	ChannelID  int64     `json:"channel_id"`
	Seqs       []int64   `json:"seqs"`
	CommentSeq int64     `json:"comment_seq,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// Duplicate: this was a retry; nothing new was written to the channel.
	Duplicate bool `json:"duplicate,omitempty"`
}
