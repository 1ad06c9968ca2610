// Package collect owns collections (收集, 接龙, a unit's return): an author asks an
// audience — chosen and resolved to people exactly as a notice's (internal/notice
// shares that) — for a sign-up line each or a form's answers, once per person or once
// per department, by a deadline; answers are replaced until the deadline or the
// close, returned with a note (退回修改), reminded and escalated at the deadline as
// notices are, shown live by department and exported to .xlsx.
//
// The rules, as PROTOCOL.md §4.21 states them:
//
//   - Publishing: as notices — leaders to any audience; channel administrators to
//     channels they administer (Options.ChannelAdminsMayPublish); nobody else.
//   - Seeing a collection: its recipients, its author and those who may see a notice's
//     tally (security officers, leaders above the audience); to anyone else it does
//     not exist (not_found), whatever they ask of it.
//   - Answering: recipients only — per department any recipient of the department, the
//     last write counting and every write recorded. Others who see it: forbidden.
//     Until the deadline (past_deadline after, except for an answer returned to them)
//     and while open (collection_closed).
//   - Reading answers: the author and those who see all (the tally's rule); for a
//     signup, the whole audience too. A recipient always sees their own unit's.
//   - Managing (return, close, remind): the author only.
//
// Every step is an audit event (ids, counts, revisions; never values or notes) and a
// row of the collection's own trace, in the same transaction as the change.
package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

// Options are the collection rules from the configuration (those of notices).
type Options struct {
	ChannelAdminsMayPublish bool
	// RemindInterval: the author's "remind" at most once per interval (an automatic
	// reminder counts).
	RemindInterval time.Duration
	// AutoReminders: automatic reminders this long before the deadline.
	AutoReminders []time.Duration
	// Location: the time zone of the export's times (Asia/Shanghai).
	Location *time.Location
	Audit    *audit.Recorder
	// Files checks the files of answers (internal/keys). Nil: file values are refused.
	Files Files
}

// Files checks a file an answer carries (internal/keys' CollectionFile).
type Files interface {
	CollectionFile(ctx context.Context, submitterID int64, c store.Collection, ref protocol.AttachmentRef,
		keep map[string]store.Attachment, maxSize int64, field string) (store.Attachment, error)
}

// Tx is the part of the store the service changes inside a transaction.
type Tx interface {
	CreateCollection(ctx context.Context, c *store.Collection, recipients []store.CollectionRecipient) error
	LockCollection(ctx context.Context, id int64) (store.Collection, error)
	CloseCollection(ctx context.Context, id int64, at time.Time) (store.Collection, error)
	GetSubmission(ctx context.Context, collectionID int64, u store.Unit) (store.Submission, error)
	SaveSubmission(ctx context.Context, sub *store.Submission, blobs []string) (bool, error)
	ReturnSubmission(ctx context.Context, collectionID int64, u store.Unit, note string, at time.Time) (store.Submission, error)
	AddCollectionEvents(ctx context.Context, es []store.CollectionEvent) error
	PendingCollectionRecipients(ctx context.Context, collectionID int64) ([]store.CollectionRecipient, error)
	ClaimCollectionReminder(ctx context.Context, collectionID int64, notBefore, at time.Time) (bool, error)
	ClaimCollectionAutoReminder(ctx context.Context, collectionID int64, index int, at time.Time) (bool, error)
	ClaimCollectionEscalation(ctx context.Context, collectionID int64, at time.Time) (bool, error)
	AddCollectionEscalations(ctx context.Context, es []store.CollectionEscalation) error
	audit.Appender
}

// Store is what the service reads, and its transactions (store.Narrow makes one).
type Store interface {
	notice.AudienceStore
	ListUserNames(ctx context.Context) ([]store.UserName, error)
	GetCollection(ctx context.Context, id int64) (store.Collection, error)
	ListCollections(ctx context.Context, q store.CollectionQuery) ([]store.UserCollection, error)
	GetCollectionRecipient(ctx context.Context, collectionID, userID int64) (store.CollectionRecipient, error)
	ListCollectionRecipients(ctx context.Context, collectionID int64) ([]store.CollectionRecipient, error)
	PendingCollectionRecipients(ctx context.Context, collectionID int64) ([]store.CollectionRecipient, error)
	GetSubmission(ctx context.Context, collectionID int64, u store.Unit) (store.Submission, error)
	ListSubmissions(ctx context.Context, collectionID int64) ([]store.Submission, error)
	ListSubmissionStates(ctx context.Context, collectionID int64) ([]store.Submission, error)
	ListCollectionEvents(ctx context.Context, collectionID int64) ([]store.CollectionEvent, error)
	DueCollections(ctx context.Context, horizon time.Time) ([]store.Collection, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service runs collections.
type Service struct {
	store     Store
	pub       *busevent.Publisher
	log       *slog.Logger
	now       func() time.Time
	opt       Options
	audiences *notice.Audiences
	reminders []time.Duration
	names     *notice.Names
	depts     sync.Map // collection id → its recipients' distinct departments ([]int64); fixed at publication
}

// New returns a Service publishing its frames on b.
func New(st Store, b busevent.Bus, log *slog.Logger, now func() time.Time, opt Options) *Service {
	if opt.Location == nil {
		opt.Location = notice.Beijing()
	}
	return &Service{store: st, pub: busevent.NewPublisher(b, log), log: log, now: now, opt: opt,
		audiences: notice.NewAudiences(st, opt.ChannelAdminsMayPublish), reminders: notice.Reminders(opt.AutoReminders),
		names: &notice.Names{}}
}

// notFound is what anyone who may not see a collection is told, whether or not it exists.
func notFound() error { return apperr.New(protocol.CodeNotFound, "no such collection") }

// storeErr turns the store's errors into codes a client acts on.
func storeErr(err error, format string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrCollectionClosed):
		return &apperr.Error{Code: protocol.CodeCollectionClosed, Message: "the collection was closed", Err: err}
	case errors.Is(err, store.ErrBlobGone):
		return &apperr.Error{Code: protocol.CodeNotFound, Field: "values",
			Message: "a file was removed before the answer was stored; upload it again", Err: err}
	case errors.Is(err, store.ErrNotFound):
		return &apperr.Error{Code: protocol.CodeNotFound, Message: "no such collection or answer", Err: err}
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf("collect: "+format+": %w", append(args, err)...)
}

// inTx runs fn in one transaction with a recorder writing into it.
func (s *Service) inTx(ctx context.Context, fn func(tx Tx, rec *audit.Recorder) error) error {
	return s.store.InTx(ctx, func(tx Tx) error { return fn(tx, s.opt.Audit.In(tx)) })
}

// record appends a collection event to the audit trail; nil rec records nothing.
func record(ctx context.Context, rec *audit.Recorder, actor store.User, action string, id int64, detail map[string]any) error {
	return rec.Step(ctx, actor, action, "collection", id, detail)
}

// system is the actor of what the scheduler does.
var system = store.User{Username: "system"}

// send tells each user's connections of a collection event, after the commit.
func (s *Service) send(ctx context.Context, users []int64, c store.Collection, event string, whose int64) {
	if len(users) == 0 {
		return
	}
	s.pub.ToUsers(ctx, users, protocol.TypeCollection, protocol.CollectionEvent{CollectionID: c.ID, Event: event, Title: c.Title, UserID: whose})
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fieldsOf decodes a stored form.
func fieldsOf(c store.Collection) ([]protocol.CollectionField, error) {
	var fs []protocol.CollectionField
	if err := json.Unmarshal([]byte(c.FieldsJSON), &fs); err != nil {
		return nil, fmt.Errorf("collect: fields of %d: %w", c.ID, err)
	}
	if fs == nil {
		fs = []protocol.CollectionField{}
	}
	return fs, nil
}

// toWire is a collection as a reader sees it, without their own state.
func toWire(c store.Collection, authorName string) (protocol.Collection, error) {
	fs, err := fieldsOf(c)
	if err != nil {
		return protocol.Collection{}, err
	}
	var aud protocol.Audience
	if err := json.Unmarshal([]byte(c.AudienceJSON), &aud); err != nil {
		return protocol.Collection{}, fmt.Errorf("collect: audience of %d: %w", c.ID, err)
	}
	return protocol.Collection{
		ID: c.ID, AuthorID: c.AuthorID, AuthorName: authorName, Kind: c.Kind, Title: c.Title, Description: c.Description,
		Fields: fs, Per: c.Per, Audience: aud, Deadline: timePtr(c.Deadline), Status: c.Status, Secrecy: c.Secrecy,
		CreatedAt: c.CreatedAt, ClosedAt: timePtr(c.ClosedAt),
		Counts: protocol.CollectionCounts{Recipients: c.Recipients, Units: c.Units, Submitted: c.Submitted, Returned: c.Returned},
	}, nil
}

// userIDs lists the recipients' users.
func userIDs(rs []store.CollectionRecipient) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.UserID
	}
	return out
}
