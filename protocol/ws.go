package protocol

import (
	"encoding/json"
	"time"
)

// Version is the WebSocket protocol version every frame carries in "v".
const Version = 1

// Limits of the WebSocket protocol.
const (
	MaxFrameBytes   = 16 << 10 // a client frame larger than this is refused with too_large
	MaxTextRunes    = 5000     // message text, in characters
	MaxClientIDLen  = 64       // client-chosen message id
	MaxResumeChans  = 1000     // channels in one hello
	HeartbeatPeriod = 25 * time.Second
)

// Frame is the envelope of every WebSocket frame in both directions. A server message
// on the socket may carry several frames separated by "\n" (NDJSON); a client sends one
// frame per message.
type Frame struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	Ref  string          `json:"ref,omitempty"`  // client's request id, echoed in the reply (ack or error)
	Data json.RawMessage `json:"data,omitempty"` // the type's body below
}

// Client → server frame types.
const (
	TypeHello  = "hello"  // HelloData: resume positions; first frame after connecting
	TypeSend   = "send"   // SendData
	TypeEdit   = "edit"   // EditData
	TypeRecall = "recall" // RecallData
	TypeRead   = "read"   // ReadData
	TypeAway   = "away"   // AwayData: this connection is idle (or active again)
	TypePing   = "ping"   // no data
)

// Server → client frame types.
const (
	TypeWelcome  = "welcome" // WelcomeData, answers hello
	TypeAck      = "ack"     // AckData, answers send (after commit)
	TypeMessage  = "message" // Message: new, edited or recalled
	TypeReadSync = "read"    // ReadData: the user's read position moved (any device)
	TypeResync   = "resync"  // ResyncData: page this channel by REST instead
	TypeChannel  = "channel" // ChannelEvent: joined, left or changed a channel
	TypeNotice   = "notice"  // NoticeEvent: a notice you receive, wrote or head people of changed
	// TypeCollection: CollectionEvent, a collection you receive, wrote or head people of changed
	TypeCollection = "collection"
	TypePong       = "pong"  // no data
	TypeError      = "error" // Error (the same body as REST errors)
)

// HelloData says what the client last saw, per channel.
type HelloData struct {
	Resume []ResumePos `json:"resume,omitempty"`
}

// ResumePos is the last sequence a client saw in a channel, in an epoch.
type ResumePos struct {
	ChannelID int64 `json:"channel_id"`
	LastSeq   int64 `json:"last_seq"`
	Epoch     int64 `json:"epoch,omitempty"`
}

// WelcomeData answers hello once the missed messages have been sent.
type WelcomeData struct {
	UserID      int64     `json:"user_id"`
	ExpiresAt   time.Time `json:"session_expires_at"`
	HeartbeatMS int64     `json:"heartbeat_ms"`
	MaxFrame    int       `json:"max_frame_bytes"`
}

// SendData is a new message.
type SendData struct {
	ChannelID  int64   `json:"channel_id"`
	ClientID   string  `json:"client_id"` // unique per sender; a retry with the same id is answered with the first ack
	Text       string  `json:"text"`
	ReplyTo    int64   `json:"reply_to,omitempty"` // seq in the same channel
	Mentions   []int64 `json:"mentions,omitempty"`
	MentionAll bool    `json:"mention_all,omitempty"`
	Secrecy    int     `json:"secrecy,omitempty"`
	// Attachment: a file or picture this sender uploaded (Text is then an optional
	// caption). Its keys must already be posted for this channel (POST
	// /api/v1/files/{id}/keys), the escrow wrap included when the organisation has one.
	Attachment *AttachmentRef `json:"attachment,omitempty"`
	// DLPAck: the sender saw a dlp_warning for this text and sends it anyway (§4.25).
	DLPAck bool `json:"dlp_ack,omitempty"`
}

// AckData answers a send once the message is committed.
type AckData struct {
	ChannelID int64     `json:"channel_id"`
	Seq       int64     `json:"seq"`
	ClientID  string    `json:"client_id"`
	CreatedAt time.Time `json:"created_at"`
	Duplicate bool      `json:"duplicate,omitempty"` // a retry: this is the first ack again
}

// EditData changes a message's text.
type EditData struct {
	ChannelID int64   `json:"channel_id"`
	Seq       int64   `json:"seq"`
	Text      string  `json:"text"`
	Mentions  []int64 `json:"mentions,omitempty"`
	// DLPAck: as in SendData, for the edited text.
	DLPAck bool `json:"dlp_ack,omitempty"`
}

// RecallData recalls (撤回) a message.
type RecallData struct {
	ChannelID int64 `json:"channel_id"`
	Seq       int64 `json:"seq"`
}

// ReadData moves (client → server) or reports (server → client) a read position.
type ReadData struct {
	ChannelID int64 `json:"channel_id"`
	Seq       int64 `json:"seq"`
}

// AwayData says whether the person has left this connection idle (the page hidden, no
// input for a while). A connection starts active; it is away from an away:true until an
// away:false or its end. The answer is an ack with the same body.
type AwayData struct {
	Away bool `json:"away"`
}

// Message is a message as clients see it, live and in history.
type Message struct {
	ChannelID  int64      `json:"channel_id"`
	Seq        int64      `json:"seq"`
	SenderID   int64      `json:"sender_id"`
	ClientID   string     `json:"client_id,omitempty"`
	Text       string     `json:"text"`
	ReplyTo    int64      `json:"reply_to,omitempty"`
	Mentions   []int64    `json:"mentions,omitempty"`
	MentionAll bool       `json:"mention_all,omitempty"`
	Secrecy    int        `json:"secrecy"`
	CreatedAt  time.Time  `json:"created_at"`
	EditedAt   *time.Time `json:"edited_at,omitempty"`
	RecalledAt *time.Time `json:"recalled_at,omitempty"`
	RecalledBy int64      `json:"recalled_by,omitempty"`
	// Kind is "" for a person's message and MessageKindSystem for a line the server
	// wrote into the channel (a group created, renamed, people added or gone); System
	// then says what happened, for the client to word in its language.
	Kind   string       `json:"kind,omitempty"`
	System *SystemEvent `json:"system,omitempty"`
	// Forward is set on a forwarded message (转发) and on a merged record (合并转发).
	Forward *Forward `json:"forward,omitempty"`
	// Reactions are who reacted with what (收到, 👍, …), in the order of the server's
	// allowed set; a reaction nobody holds any more is left out.
	Reactions []Reaction `json:"reactions,omitempty"`
	// Attachment is the file or picture the message carries; recalling the message
	// removes it (and its blobs once nothing else refers to them).
	Attachment *Attachment `json:"attachment,omitempty"`
}

// MessageKindSystem marks a message the server wrote.
const MessageKindSystem = "system"

// SystemEvent is what a system line reports.
type SystemEvent struct {
	Event   string  `json:"event"` // SystemGroupCreated, SystemRenamed, SystemMembersAdded, SystemMemberLeft, SystemMemberRemoved
	ActorID int64   `json:"actor_id"`
	UserIDs []int64 `json:"user_ids,omitempty"` // who was invited, added or removed
	Name    string  `json:"name,omitempty"`     // the group's (new) name
}

// SystemEvent.Event values.
const (
	SystemGroupCreated  = "group_created"  // 张静 创建了群聊并邀请了 …
	SystemRenamed       = "renamed"        // 张静 将群名改为 …
	SystemMembersAdded  = "members_added"  // 张静 邀请 … 加入了群聊
	SystemMemberLeft    = "member_left"    // 张静 退出了群聊
	SystemMemberRemoved = "member_removed" // 张静 将 … 移出了群聊
)

// Forward is where a forwarded message came from. A single forward carries one item; a
// merged record (Merged) carries the chosen messages in order, shown as a transcript.
// Forwarding a forwarded message carries its original items, so the original sender,
// channel and time always travel; a merged record inside a merged record is one item
// whose text is that record's title (one level deep, like a forwarded file name).
type Forward struct {
	Merged          bool          `json:"merged,omitempty"`
	FromChannelID   int64         `json:"from_channel_id"`
	FromChannelName string        `json:"from_channel_name"`
	Items           []ForwardItem `json:"items"`
}

// ForwardItem is one original message inside a forward.
type ForwardItem struct {
	SenderID   int64     `json:"sender_id"`
	SenderName string    `json:"sender_name"`
	Seq        int64     `json:"seq"`
	Text       string    `json:"text"`
	Secrecy    int       `json:"secrecy"`
	CreatedAt  time.Time `json:"created_at"`
	// Attachment travels with a forwarded file; the forwarder posted its keys for the
	// target channel before forwarding (a re-wrap, no re-upload).
	Attachment *Attachment `json:"attachment,omitempty"`
}

// Reaction is one reaction on a message and the people who gave it, in the order
// they did.
type Reaction struct {
	Reaction string  `json:"reaction"`
	UserIDs  []int64 `json:"user_ids"`
}

// ResyncData tells the client it cannot be caught up over the socket: it missed more
// than the server replays (reason too_far_behind), or history was restored from a
// backup (epoch_changed). It pages the channel by REST from its position.
type ResyncData struct {
	ChannelID int64  `json:"channel_id"`
	Reason    string `json:"reason"`
	LastSeq   int64  `json:"last_seq"`
	Epoch     int64  `json:"epoch"`
}

// ChannelEvent tells a user's connections that their channel list changed.
type ChannelEvent struct {
	ChannelID int64  `json:"channel_id"`
	Event     string `json:"event"` // ChannelJoined, ChannelLeft or ChannelUpdated
	// LastSeq, on ChannelJoined only, is the channel's last sequence when the user
	// joined: every message after it reaches each of the user's connections (PROTOCOL.md
	// §7.5 channel). A pointer, since a new channel joins at 0.
	LastSeq *int64 `json:"last_seq,omitempty"`
}

// ChannelEvent.Event values.
const (
	ChannelJoined  = "joined"
	ChannelLeft    = "left"
	ChannelUpdated = "updated" // the channel's settings or the user's role in it changed
)

// WebSocket close codes (4000–4999 are the application's).
const (
	CloseUnauthenticated = 4001 // session expired or revoked; log in again
	CloseTooSlow         = 4008 // the client did not keep up; reconnect and resume
	CloseProtocol        = 4002 // hello missing or repeated, or frames that cannot be framed
	CloseShutdown        = 1001 // server going away; reconnect (to another node)
)
