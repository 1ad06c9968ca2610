package store

import (
	"context"
	"time"
)

// ChannelKind is how a channel's membership is decided.
type ChannelKind string

const (
	// ChannelDepartment follows the org tree: its members are the department's
	// members (and, with IncludeSubDepartments, those of every department below it).
	ChannelDepartment ChannelKind = "department"
	// ChannelParty follows the party tree: the party organisation's members (a branch
	// channel includes its groups' members).
	ChannelParty ChannelKind = "party"
	// ChannelGroup is an ad-hoc work group whose members are chosen by its admins.
	ChannelGroup ChannelKind = "group"
	// ChannelDirect is a one-to-one conversation; it has exactly two members.
	ChannelDirect ChannelKind = "direct"
)

// PostPolicy says who may post or @all in a channel.
type PostPolicy string

const (
	PolicyEveryone PostPolicy = "everyone"
	PolicyAdmins   PostPolicy = "admins" // 仅管理员发言: an announcement channel
)

// Channel is a conversation.
type Channel struct {
	ID                    int64
	Kind                  ChannelKind
	Name                  string
	Topic                 string
	DepartmentID          int64 // ChannelDepartment
	IncludeSubDepartments bool  // ChannelDepartment
	PartyOrgID            int64 // ChannelParty
	// DirectKey is "minUserID:maxUserID" for ChannelDirect, unique, so two people have
	// one direct channel; empty otherwise.
	DirectKey  string
	PostPolicy PostPolicy
	MentionAll PostPolicy
	// MaxSecrecy is the ceiling: the highest secrecy level a message here may carry
	// (enforced by internal/chat on send and forward, by internal/notice on a notice
	// pinned here). DefaultSecrecy is the usual level a client's composer starts at, at
	// most MaxSecrecy. Both are the security officer's (SetChannelSecrecy); UpdateChannel
	// leaves them alone.
	MaxSecrecy     int
	DefaultSecrecy int
	CreatedBy      int64
	CreatedAt      time.Time
	Archived       bool
	LastSeq        int64 // the sequence number of the newest message; 0 when empty
	Epoch          int64 // bumped when history is restored from a backup; starts at 1
	// AutoName: a group created without a typed name, named from its members; the
	// chat service renames it as people join and leave until someone names it.
	AutoName bool
}

// MemberRole is a member's standing in a channel.
type MemberRole string

const (
	MemberNormal MemberRole = "member"
	MemberAdmin  MemberRole = "admin"
)

// ChannelMember is one person in one channel, with their read position.
type ChannelMember struct {
	ChannelID int64
	UserID    int64
	Role      MemberRole
	JoinedAt  time.Time
	ReadSeq   int64 // highest sequence the user has read, on any device
}

// MyChannel is a channel as one member sees it in their list.
type MyChannel struct {
	Channel
	Role    MemberRole
	ReadSeq int64
	Unread  int64 // messages after ReadSeq not sent by the user, not recalled and not system lines
	Latest  *Message
	Notify  string // the user's notification level here: NotifyAll, NotifyMentions or NotifyNone
}

// Message is one message of a channel. (ChannelID, Seq) identifies it; Seq is gap-free
// per channel and assigned when the message is committed.
type Message struct {
	ChannelID  int64
	Seq        int64
	SenderID   int64
	ClientID   string // the sender's own id for the message, for idempotent retries
	Text       string
	ReplyTo    int64   // Seq of the message replied to, 0 for none
	Mentions   []int64 // user ids mentioned
	MentionAll bool
	Secrecy    int
	CreatedAt  time.Time
	EditedAt   time.Time // zero when never edited
	RecalledAt time.Time // zero when not recalled; a recalled message keeps its Seq, loses its Text
	RecalledBy int64
	Forward    *Forward // set on a forwarded message or merged record; cleared on recall
	// Attachment is the file or picture the message carries; cleared on recall, which
	// also deletes the message's references to its blobs.
	Attachment *Attachment
	// Kind is "" for a person's message and MessageKindSystem for a line the server
	// wrote (SenderID 0, Text ""); System then says what happened.
	Kind   string
	System *SystemEvent
}

// MessageKindSystem marks a system line: a group created, renamed, people invited,
// gone or removed. It never counts as unread, is never pushed and cannot be edited,
// recalled or replied to.
const MessageKindSystem = "system"

// SystemEvent is what a system line reports, stored as JSON beside the message.
type SystemEvent struct {
	Event   string  `json:"event"`
	ActorID int64   `json:"actor_id"`
	UserIDs []int64 `json:"user_ids,omitempty"`
	Name    string  `json:"name,omitempty"`
}

// Forward is where a forwarded message (转发) or merged record (合并转发) came from:
// the original channel and the original messages, in order.
type Forward struct {
	Merged          bool          `json:"merged,omitempty"`
	FromChannelID   int64         `json:"from_channel_id"`
	FromChannelName string        `json:"from_channel_name"`
	Items           []ForwardItem `json:"items"`
}

// ForwardItem is one original message inside a Forward.
type ForwardItem struct {
	SenderID   int64     `json:"sender_id"`
	SenderName string    `json:"sender_name"`
	Seq        int64     `json:"seq"`
	Text       string    `json:"text"`
	Secrecy    int       `json:"secrecy"`
	CreatedAt  time.Time `json:"created_at"`
	// Attachment travels with a forwarded file; the new message refers to its blobs too.
	Attachment *Attachment `json:"attachment,omitempty"`
}

// NewMessage is a message to append.
type NewMessage struct {
	ChannelID  int64
	SenderID   int64
	ClientID   string
	Text       string
	ReplyTo    int64
	Mentions   []int64
	MentionAll bool
	Secrecy    int
	CreatedAt  time.Time
	Kind       string       // "" or MessageKindSystem
	System     *SystemEvent // with MessageKindSystem
	Forward    *Forward
	// Attachment: the blobs it (and Forward's items) names are referenced from the
	// message in the same transaction, and marked attached; a blob gone meanwhile is
	// this message's Err (ErrBlobGone).
	Attachment *Attachment
}

// AppendResult is the outcome of appending one NewMessage.
type AppendResult struct {
	Message Message
	// Duplicate is true when (SenderID, ClientID) had already been appended: Message is
	// the first one, unchanged, and nothing was written.
	Duplicate bool
	Err       error // per-message failure (ErrNotFound for a missing channel); others in the batch still commit
}

// HistoryQuery pages through a channel by sequence.
type HistoryQuery struct {
	ChannelID int64
	AfterSeq  int64 // only Seq > AfterSeq (0: from the start)
	BeforeSeq int64 // only Seq < BeforeSeq (0: up to the newest)
	Limit     int   // 1..500; with BeforeSeq set and AfterSeq 0, the newest Limit before it
}

// SearchQuery finds messages by text in the channels a user belongs to.
type SearchQuery struct {
	UserID    int64
	ChannelID int64 // 0: every channel of the user
	SenderID  int64 // 0: anyone's messages
	// Since and Until bound the messages' CreatedAt: Since <= CreatedAt < Until (a zero
	// time is open).
	Since, Until time.Time
	Text         string
	Limit        int
}

// Chat keeps channels, memberships, messages and read positions.
type Chat interface {
	// CreateChannel creates c with its first members and sets c.ID, c.Epoch (1).
	// ErrConflict for a second direct channel between the same two people.
	CreateChannel(ctx context.Context, c *Channel, members []ChannelMember) error
	GetChannel(ctx context.Context, id int64) (Channel, error)
	GetDirectChannel(ctx context.Context, directKey string) (Channel, error)
	// UpdateChannel writes Name, Topic, PostPolicy, MentionAll, Archived,
	// IncludeSubDepartments, AutoName.
	UpdateChannel(ctx context.Context, c Channel) error
	// ListChannelsByKind lists every channel of a kind (for membership sync).
	ListChannelsByKind(ctx context.Context, kind ChannelKind) ([]Channel, error)
	// ListMyChannels lists the user's channels with unread counts and latest messages.
	ListMyChannels(ctx context.Context, userID int64) ([]MyChannel, error)

	GetMember(ctx context.Context, channelID, userID int64) (ChannelMember, error) // ErrNotFound when not a member
	// GetMembership is GetChannel and GetMember in one query; ErrNotFound when not a member.
	GetMembership(ctx context.Context, channelID, userID int64) (Channel, ChannelMember, error)
	ListMembers(ctx context.Context, channelID int64) ([]ChannelMember, error)
	AddMember(ctx context.Context, m ChannelMember) error // ErrConflict when already a member
	RemoveMember(ctx context.Context, channelID, userID int64) error
	SetMemberRole(ctx context.Context, channelID, userID int64, role MemberRole) error
	// SyncMembers makes the channel's members exactly userIDs: adds the missing as
	// members, removes the rest, keeps roles and read positions of those who stay.
	SyncMembers(ctx context.Context, channelID int64, userIDs []int64, at time.Time) (added, removed []int64, err error)

	// AppendMessages commits a batch in one transaction, assigning each channel's next
	// gap-free sequence numbers in batch order; a retry of an appended (SenderID,
	// ClientID) returns the first message with Duplicate set. Results are in input order.
	AppendMessages(ctx context.Context, msgs []NewMessage) ([]AppendResult, error)
	GetMessage(ctx context.Context, channelID, seq int64) (Message, error)
	History(ctx context.Context, q HistoryQuery) ([]Message, error) // ascending by Seq
	EditMessage(ctx context.Context, channelID, seq int64, text string, mentions []int64, at time.Time) (Message, error)
	RecallMessage(ctx context.Context, channelID, seq, by int64, at time.Time) (Message, error)
	// SetReadSeq moves the user's read position forward only, and returns the position
	// after the call and whether this call moved it.
	SetReadSeq(ctx context.Context, channelID, userID, seq int64) (pos int64, moved bool, err error)
	SearchMessages(ctx context.Context, q SearchQuery) ([]Message, error)
}
