// Package notice owns notices (通知): who may publish one and to whom, how its audience
// is resolved to people once at publication, who may see it and its tally, receipts
// per revision (seen, confirmed), revisions and withdrawal, the tally and its CSV
// export, reminders of the unconfirmed, and the scheduler that sends the automatic
// reminders before a deadline and tells the department heads at it.
//
// The rules, as PROTOCOL.md states them:
//
//   - Publishing: a user with role leader may publish to any audience. A member who
//     administers a channel may publish to channels they administer (and to nothing
//     else) when Options.ChannelAdminsMayPublish. Everyone else is forbidden. The
//     system administrator, security officer and auditor have no business role (三员分立)
//     and publish only as channel administrators.
//   - Seeing: a notice is visible to its recipients, its author and those who may see
//     its tally; to everyone else it does not exist (not_found).
//   - The tally: the author, security officers (role security, 保密员), and leaders
//     above the audience — users with role leader who are members of a department that
//     is the primary department of some recipient or above it.
//   - Managing (revise, withdraw, remind): the author only; others who can see the
//     notice are forbidden.
//
// Every publication, revision, withdrawal, confirmation, reminder and escalation is
// recorded in the audit trail in the same transaction as the change; the detail names
// titles, counts and ids, never a notice's body, a change note or a reply.
package notice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"govchat/internal/alert"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/dlp"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Options are the notice rules from the configuration.
type Options struct {
	// ChannelAdminsMayPublish: channel administrators may publish to the channels they
	// administer (default true in the configuration).
	ChannelAdminsMayPublish bool
	// RemindInterval: "remind the unconfirmed" at most once per interval (default 30m);
	// automatic reminders count as reminders too.
	RemindInterval time.Duration
	// AutoReminders: automatic reminders this long before the deadline (default 24h and
	// 2h). Non-positive entries are ignored.
	AutoReminders []time.Duration
	// Location: the time zone of the CSV export's times (Asia/Shanghai).
	Location *time.Location
	// Audit, when set, records every change to a notice.
	Audit *audit.Recorder
	// Alerts, when set, is told of each event that may warrant a push (internal/alert):
	// published, revised, reminder, escalation. It must not block.
	Alerts Alerter
	// Forecast, when set, says what quiet hours would do to a notice being written
	// (internal/alert's Dispatcher.Forecast); without it, summaries count people only.
	Forecast Forecaster
	// Files checks a notice's attachments (internal/keys). Nil: a notice with
	// attachments is refused.
	Files Attacher
	// DLP checks a notice's title and body against the data-loss-prevention rules
	// (internal/dlp) at its level, at publication and at each revision. Nil: no checks.
	DLP TextChecker
}

// TextChecker is the data-loss-prevention check of a text about to be published: a
// refusal (dlp_blocked, dlp_warning) is its error; a finding is recorded with Sent once
// the notice is stored.
type TextChecker interface {
	Check(ctx context.Context, sc dlp.Scan) (*dlp.Finding, error)
	Sent(ctx context.Context, f *dlp.Finding, extra map[string]any)
}

// checkDLP checks a notice's title and body at its level; nil checker, nil finding.
func (s *Service) checkDLP(ctx context.Context, userID int64, title, body string, level int, ack bool) (*dlp.Finding, error) {
	if s.opt.DLP == nil {
		return nil, nil
	}
	return s.opt.DLP.Check(ctx, dlp.Scan{ActorID: userID, Text: title + "\n" + body, Level: level, Ack: ack,
		Context: "notice", Kind: protocol.DLPKindNoticeText, Field: "body"})
}

// sentDLP records a finding once its notice is stored.
func (s *Service) sentDLP(ctx context.Context, f *dlp.Finding, op string, noticeID int64) {
	if s.opt.DLP != nil && f != nil {
		s.opt.DLP.Sent(ctx, f, map[string]any{"op": op, "notice_id": noticeID})
	}
}

// Attacher checks the files a notice carries before it is stored; the store writes the
// notice's references to its blobs in the same transaction as the notice.
type Attacher interface {
	// NoticeAttachments checks the files the author attaches (their own uploads,
	// complete, the escrow wrap posted when there is an escrow key) and returns them.
	NoticeAttachments(ctx context.Context, authorID int64, refs []protocol.AttachmentRef) ([]store.Attachment, error)
	// NoticeKeys checks that each recipient with a published key has a wrapped key of
	// every attachment for the notice context (key_missing otherwise).
	NoticeKeys(ctx context.Context, atts []store.Attachment, recipients []int64) error
}

// Forecaster foresees quiet hours for the people of a notice not yet published.
type Forecaster interface {
	Forecast(ctx context.Context, authorID int64, urgent bool, users []int64) (alert.Forecast, error)
}

// Alerter hears of notice events after they are committed.
type Alerter interface {
	Notice(n store.Notice, event string, users []int64)
}

// alert hands an event to the Alerter, if any.
func (s *Service) alert(n store.Notice, event string, users []int64) {
	if s.opt.Alerts != nil && len(users) > 0 {
		s.opt.Alerts.Notice(n, event, users)
	}
}

// Tx is the part of the store the notice service calls inside a transaction.
type Tx interface {
	CreateNotice(ctx context.Context, n *store.Notice, recipients []store.NoticeRecipient) error
	ReviseNotice(ctx context.Context, rev *store.NoticeRevision, priority string, deadline time.Time) (store.Notice, error)
	WithdrawNotice(ctx context.Context, id int64, reason string, at time.Time) (store.Notice, error)
	ConfirmNotice(ctx context.Context, noticeID, userID int64, revision int, reply string, at time.Time) (store.NoticeRecipient, error)
	UnconfirmedRecipients(ctx context.Context, noticeID int64) ([]store.NoticeRecipient, error)
	ClaimNoticeReminder(ctx context.Context, noticeID int64, notBefore, at time.Time) (bool, error)
	ClaimAutoReminder(ctx context.Context, noticeID int64, index int, at time.Time) (bool, error)
	ClaimEscalation(ctx context.Context, noticeID int64, at time.Time) (bool, error)
	AddNoticeEscalations(ctx context.Context, es []store.NoticeEscalation) error
	audit.Appender
}

// Store is the part of the store the notice service is given: what it reads and marks
// outside a transaction, and transactions that see only Tx (store.Narrow makes one).
type Store interface {
	GetNotice(ctx context.Context, id int64) (store.Notice, error)
	ListNotices(ctx context.Context, q store.NoticeQuery) ([]store.UserNotice, error)
	ListNoticeRevisions(ctx context.Context, noticeID int64) ([]store.NoticeRevision, error)
	ListNoticeReceipts(ctx context.Context, noticeID int64) ([]store.NoticeRecipient, error)
	CountNoticesConfirmed(ctx context.Context, noticeIDs []int64) (map[int64]int, error)
	BrokeThrough(ctx context.Context, senderID, noticeID int64) (bool, error)
	GetNoticeReceipt(ctx context.Context, noticeID, userID int64) (store.NoticeRecipient, error)
	MarkNoticeSeen(ctx context.Context, noticeID, userID int64, revision int, at time.Time) (store.NoticeRecipient, error)
	UnconfirmedRecipients(ctx context.Context, noticeID int64) ([]store.NoticeRecipient, error)
	DueNotices(ctx context.Context, horizon time.Time) ([]store.Notice, error)
	ListNoticeEscalations(ctx context.Context, headID int64) ([]store.NoticeEscalation, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	ListUserNames(ctx context.Context) ([]store.UserName, error)
	orgSource
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	ListMembers(ctx context.Context, channelID int64) ([]store.ChannelMember, error)
	ListChannelsByKind(ctx context.Context, kind store.ChannelKind) ([]store.Channel, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service runs notices.
type Service struct {
	store Store
	pub   *busevent.Publisher
	log   *slog.Logger
	now   func() time.Time
	opt   Options
	// reminders: AutoReminders, positive only, largest (earliest before the deadline)
	// first.
	reminders []time.Duration
	depts     *deptCache
	names     *nameCache
	// summaries limits each person's audience counts (Summary).
	summaries *ratelimit.Limiter
	confirms  *confirmer
}

// New returns a Service publishing its events on b.
func New(st Store, b busevent.Bus, log *slog.Logger, now func() time.Time, opt Options) *Service {
	if opt.Location == nil {
		opt.Location = shanghai()
	}
	rs := Reminders(opt.AutoReminders)
	s := &Service{store: st, pub: busevent.NewPublisher(b, log), log: log, now: now, opt: opt, reminders: rs, depts: newDeptCache(4096),
		names: &nameCache{}, summaries: ratelimit.New(summariesPerMinute, summariesBurst, 10000, now)}
	s.confirms = newConfirmer(s, confirmDelay, confirmBatch)
	return s
}

// Close refuses further confirmations (unavailable) and returns once those already
// submitted are committed and answered. Nothing else needs closing: the confirmations'
// group commit runs only while there is work.
func (s *Service) Close() {
	s.confirms.close()
}

// shanghai is Asia/Shanghai, or its fixed offset where the system has no zone data
// (China has kept UTC+8 without daylight saving since 1991).
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// notFound is what anyone who may not see a notice is told, whether or not it exists.
func notFound() error { return apperr.New(protocol.CodeNotFound, "no such notice") }

// storeErr turns the store's notice errors into codes a client acts on.
func storeErr(err error, format string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrStaleRevision):
		return &apperr.Error{Code: protocol.CodeStaleRevision, Message: "the notice was revised; read the current revision and confirm that", Err: err}
	case errors.Is(err, store.ErrBlobGone):
		return &apperr.Error{Code: protocol.CodeNotFound, Field: "attachments",
			Message: "an attached file was removed before the notice was stored; upload it again", Err: err}
	case errors.Is(err, store.ErrWithdrawn):
		return &apperr.Error{Code: protocol.CodeNoticeWithdrawn, Message: "the notice was withdrawn", Err: err}
	case errors.Is(err, store.ErrNotFound):
		return &apperr.Error{Code: protocol.CodeNotFound, Message: "no such notice", Err: err}
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf("notice: "+format+": %w", append(args, err)...)
}

// send tells each user's connections of a notice event. It runs after the change
// committed; the publisher logs a failure, and clients re-fetch their lists on
// reconnect.
func (s *Service) send(ctx context.Context, users []int64, ev protocol.NoticeEvent) {
	s.pub.ToUsers(ctx, users, protocol.TypeNotice, ev)
}

// inTx runs fn in one transaction with a recorder writing into it, so a change and its
// audit entry commit together. Without an audit recorder the recorder is nil.
func (s *Service) inTx(ctx context.Context, fn func(tx Tx, rec *audit.Recorder) error) error {
	return s.store.InTx(ctx, func(tx Tx) error { return fn(tx, s.opt.Audit.In(tx)) })
}

// record appends a notice event to the trail; nil rec records nothing.
func record(ctx context.Context, rec *audit.Recorder, actor store.User, action string, noticeID int64, detail map[string]any) error {
	return rec.Step(ctx, actor, action, "notice", noticeID, detail)
}

// system is the actor of what the scheduler does.
var system = store.User{Username: "system"}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// toWire is a notice as a reader sees it, without the reader's own state.
func toWire(n store.Notice) protocol.Notice {
	channels := n.Channels
	if channels == nil {
		channels = []int64{}
	}
	return protocol.Notice{
		ID: n.ID, AuthorID: n.AuthorID, Title: n.Title, Body: n.Body, Revision: n.Revision, ChangeNote: n.ChangeNote,
		Priority: n.Priority, Secrecy: n.Secrecy, Deadline: timePtr(n.Deadline), NeedsConfirm: n.NeedsConfirm,
		Status: string(n.Status), WithdrawnAt: timePtr(n.WithdrawnAt), WithdrawReason: n.WithdrawReason,
		Channels: channels, Recipients: n.Recipients, CreatedAt: n.CreatedAt, RevisedAt: timePtr(n.RevisedAt),
		Attachments: toWireAttachments(n.Attachments),
	}
}

// toWireAttachments are a notice's files as clients see them; none is absent.
func toWireAttachments(as []store.Attachment) []protocol.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]protocol.Attachment, len(as))
	for i, a := range as {
		out[i] = protocol.Attachment{BlobID: a.BlobID, Size: a.Size, Commitment: a.Commitment, ThumbID: a.ThumbID, ThumbSize: a.ThumbSize}
	}
	return out
}

// toReceipt is a recipient's state on the wire.
func toReceipt(r store.NoticeRecipient) protocol.NoticeReceipt {
	return protocol.NoticeReceipt{
		DeliveredAt: r.DeliveredAt, SeenAt: timePtr(r.SeenAt), SeenRevision: r.SeenRevision,
		ConfirmedAt: timePtr(r.ConfirmedAt), ConfirmedRevision: r.ConfirmedRevision, Reply: r.Reply,
	}
}

// pending: the recipient must still confirm the notice's current revision.
func pending(n store.Notice, r store.NoticeRecipient) bool {
	return n.Status == store.NoticeActive && n.NeedsConfirm && r.ConfirmedRevision != n.Revision
}

// event is the frame data about n.
func event(n store.Notice, name string) protocol.NoticeEvent {
	return protocol.NoticeEvent{NoticeID: n.ID, Event: name, Revision: n.Revision, Title: n.Title, Priority: n.Priority}
}
