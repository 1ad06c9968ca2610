package protocol

import "time"

// Read status (已读 / 未读, N人未读): every member's read position in a channel, for the
// channel's members (PROTOCOL.md §4.14).

// TypeReads is the server → client frame (ReadsData) that carries the read positions
// that moved in a channel, coalesced: at most one per channel per ReadsInterval.
const TypeReads = "reads"

// ReadsInterval is the longest a read position's move waits before it is published
// to the channel's members, gathered with the others of the same channel.
const ReadsInterval = 500 * time.Millisecond

// ChannelReads answers GET /api/v1/channels/{id}/reads: every member's read position.
type ChannelReads struct {
	ChannelID int64 `json:"channel_id"`
	// LastSeq is the channel's newest seq when the positions were read.
	LastSeq int64          `json:"last_seq"`
	Reads   []ReadPosition `json:"reads"`
}

// ReadPosition is one member's read position: they have read every message up to and
// including Seq. JoinedAt says when they joined: a message created before it was never
// theirs to read.
type ReadPosition struct {
	UserID   int64     `json:"user_id"`
	Seq      int64     `json:"seq"`
	JoinedAt time.Time `json:"joined_at"`
}

// ReadsData is the reads frame: the positions that moved in one channel since the
// channel's last reads frame, one per member (the highest), in no particular order.
type ReadsData struct {
	ChannelID int64      `json:"channel_id"`
	Moves     []ReadMove `json:"moves"`
}

// ReadMove is a member's new read position.
type ReadMove struct {
	UserID int64 `json:"user_id"`
	Seq    int64 `json:"seq"`
}
