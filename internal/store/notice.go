package store

import (
	"context"
	"errors"
	"time"
)

// ErrStaleRevision: a notice was revised after the revision being confirmed.
var ErrStaleRevision = errors.New("store: notice revision is stale")

// ErrWithdrawn: the notice was withdrawn; it takes no more confirmations or revisions.
var ErrWithdrawn = errors.New("store: notice withdrawn")

// NoticeStatus is whether a notice is in force.
type NoticeStatus string

const (
	NoticeActive    NoticeStatus = "active"
	NoticeWithdrawn NoticeStatus = "withdrawn"
)

// Notice is a notice with its current revision. Times are zero when unset.
type Notice struct {
	ID             int64
	AuthorID       int64
	Title          string // of the current revision
	Body           string
	ChangeNote     string
	Revision       int
	Priority       string // normal, urgent
	Secrecy        int
	Deadline       time.Time
	NeedsConfirm   bool
	Status         NoticeStatus
	WithdrawnAt    time.Time
	WithdrawReason string
	// AudienceJSON is the audience as the author gave it (protocol.Audience), kept for
	// the record; Recipients were resolved from it at publication.
	AudienceJSON string
	Channels     []int64 // where it is pinned, ascending
	// Attachments are the files it carries (the author's uploads); a revision keeps them.
	Attachments []Attachment
	Recipients  int
	CreatedAt   time.Time
	RevisedAt   time.Time
	// RemindedAt: the last manual or automatic reminder. AutoReminders: how many of the
	// automatic reminders before the deadline were sent. EscalatedAt: when the
	// department heads were told at the deadline.
	RemindedAt    time.Time
	AutoReminders int
	EscalatedAt   time.Time
}

// NoticeRevision is one version of a notice's text.
type NoticeRevision struct {
	NoticeID   int64
	Revision   int
	Title      string
	Body       string
	ChangeNote string
	AuthorID   int64
	CreatedAt  time.Time
}

// NoticeRecipient is one person's state of a notice. DepartmentID is their primary
// department at publication (0 for none), for grouping tallies and escalations.
type NoticeRecipient struct {
	NoticeID          int64
	UserID            int64
	DepartmentID      int64
	DeliveredAt       time.Time
	SeenAt            time.Time
	SeenRevision      int
	ConfirmedAt       time.Time
	ConfirmedRevision int
	Reply             string
	// Push is what the alert dispatcher did for this person when the notice was
	// published (PushPushed …, PROTOCOL.md §4.13); "" until it decided.
	Push string
}

// NoticeRecipientRow is a recipient with the names a tally shows.
type NoticeRecipientRow struct {
	NoticeRecipient
	Username    string
	DisplayName string
}

// UserName is how a tally names a person: an account's ID, username and display name.
type UserName struct {
	ID          int64
	Username    string
	DisplayName string
}

// NoticeBox selects what ListNotices returns for a user.
type NoticeBox string

const (
	BoxReceived NoticeBox = "received" // notices the user is a recipient of
	BoxPending  NoticeBox = "pending"  // …that are active, need confirmation, and the current revision is not confirmed
	BoxSent     NoticeBox = "sent"     // notices the user wrote
)

// NoticeQuery lists notices for one user, newest first (by ID).
type NoticeQuery struct {
	UserID    int64
	Box       NoticeBox
	ChannelID int64 // only notices pinned in this channel (0: any)
	BeforeID  int64 // paging: only notices with ID < BeforeID (0: from the newest)
	Limit     int   // 0: 50; at most 200
}

// UserNotice is a notice with the user's receipt; HasReceipt is false for notices the
// user wrote but does not receive.
type UserNotice struct {
	Notice
	Receipt    NoticeRecipient
	HasReceipt bool
}

// NoticeEscalation records that a department head was told, at a notice's deadline,
// which of their people had not confirmed it.
type NoticeEscalation struct {
	NoticeID  int64
	HeadID    int64
	UserIDs   []int64 // unconfirmed at the deadline
	CreatedAt time.Time
}

// Notices keeps notices, their revisions, recipients and escalations.
type Notices interface {
	// CreateNotice stores n as revision 1 with its channels and recipients in one
	// transaction (recipients in bulk: 10,000 must take well under a second) and sets
	// n.ID, n.Revision, n.Recipients. Recipients' NoticeID is filled in.
	CreateNotice(ctx context.Context, n *Notice, recipients []NoticeRecipient) error
	GetNotice(ctx context.Context, id int64) (Notice, error)
	ListNoticeRevisions(ctx context.Context, noticeID int64) ([]NoticeRevision, error) // oldest first
	// ReviseNotice adds the next revision (rev.Revision is set by the store) and updates
	// priority and deadline; ErrWithdrawn when withdrawn.
	ReviseNotice(ctx context.Context, rev *NoticeRevision, priority string, deadline time.Time) (Notice, error)
	WithdrawNotice(ctx context.Context, id int64, reason string, at time.Time) (Notice, error) // ErrWithdrawn when already
	ListNotices(ctx context.Context, q NoticeQuery) ([]UserNotice, error)

	// GetNoticeReceipt returns ErrNotFound when the user is not a recipient.
	GetNoticeReceipt(ctx context.Context, noticeID, userID int64) (NoticeRecipient, error)
	// MarkNoticeSeen records the first time the user opened the given revision (later
	// calls keep the first time of the same revision). ErrStaleRevision when revision is
	// not the current one.
	MarkNoticeSeen(ctx context.Context, noticeID, userID int64, revision int, at time.Time) (NoticeRecipient, error)
	// ConfirmNotice confirms the current revision — checked in the same statement, so a
	// revision committed meanwhile makes it ErrStaleRevision; ErrWithdrawn when
	// withdrawn. Confirming also marks seen. A repeat keeps the first time and reply.
	ConfirmNotice(ctx context.Context, noticeID, userID int64, revision int, reply string, at time.Time) (NoticeRecipient, error)
	// ListNoticeRecipients lists every recipient with names, by department then user ID.
	ListNoticeRecipients(ctx context.Context, noticeID int64) ([]NoticeRecipientRow, error)
	// ListNoticeReceipts lists every receipt, by user ID, without names: the tally's
	// rows read from the receipts alone, cheaper than ListNoticeRecipients.
	ListNoticeReceipts(ctx context.Context, noticeID int64) ([]NoticeRecipient, error)
	// ListUserNames lists every account's names, by ID, for a tally's cache of names.
	ListUserNames(ctx context.Context) ([]UserName, error)
	// CountNoticesConfirmed counts, for each of the notices, the recipients who
	// confirmed its current revision: one indexed query for a page of the author's list.
	CountNoticesConfirmed(ctx context.Context, noticeIDs []int64) (map[int64]int, error)
	// UnconfirmedRecipients lists who has not confirmed the current revision.
	UnconfirmedRecipients(ctx context.Context, noticeID int64) ([]NoticeRecipient, error)

	// ClaimNoticeReminder sets RemindedAt to at if the last reminder was before
	// notBefore (or never), and reports whether it did: the once-per-interval limit,
	// atomic across nodes.
	ClaimNoticeReminder(ctx context.Context, noticeID int64, notBefore, at time.Time) (bool, error)
	// ClaimAutoReminder moves AutoReminders from index to index+1 (and RemindedAt to at)
	// and reports whether this call did it: each scheduled reminder goes out once.
	ClaimAutoReminder(ctx context.Context, noticeID int64, index int, at time.Time) (bool, error)
	// ClaimEscalation sets EscalatedAt if unset and reports whether this call did.
	ClaimEscalation(ctx context.Context, noticeID int64, at time.Time) (bool, error)
	// DueNotices lists active notices that need confirmation, have a deadline, and are
	// not yet escalated, whose deadline is before horizon: the scheduler's work list.
	DueNotices(ctx context.Context, horizon time.Time) ([]Notice, error)
	AddNoticeEscalations(ctx context.Context, es []NoticeEscalation) error
	// ListNoticeEscalations lists a head's escalations of active notices, newest first.
	ListNoticeEscalations(ctx context.Context, headID int64) ([]NoticeEscalation, error)
}
