// Package todo owns the 待办 list: one list of everything that asks something of a
// person — notices to confirm, collections to answer, messages someone made a to-do for
// them — sorted by deadline; and message to-dos themselves (设为待办): who may give one
// to whom, done and reopened, withdrawn by the assigner, reminded within working time,
// and every step in the audit trail and the to-do's own record.
//
// The rules, as PROTOCOL.md §4.22 states them:
//
//   - Giving: the assigner must be a member of the message's channel (not_member
//     otherwise, whether the channel exists or not); the assignee is the assigner or an
//     active colleague who is a member of that channel too (not_member otherwise). The
//     message must be a person's message, not recalled. A due time is optional, in the
//     future and at most a year ahead; a note at most 200 characters. Rate-limited.
//   - Seeing a to-do and its record: its assignee and its assigner; to anyone else it
//     does not exist (not_found).
//   - Done: the assignee only. Reopened: the assignee or the assigner. Withdrawn
//     (DELETE): the assigner only.
//
// Other kinds of item come from Sources: this package reads notices itself (the store's
// list of what a person must still confirm) and is given collections' source by whoever
// wires the server.
package todo

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
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Source is one kind of thing a person may have to do, for the 待办 list (GET
// /api/v1/todos). The notices' source is in this package; the collections' (kind
// "collection") is implemented beside collections and handed in with Options.Sources.
type Source interface {
	// Kind is the protocol.TodoItem.Kind of every item the source lists.
	Kind() string
	// Todos lists what userID must still do of this kind, at most limit items,
	// earliest due first and those without a due time last. Items carry Kind, ID,
	// Title, Due, State, From (its ID; an empty Name is filled in), Link and
	// CreatedAt; the list sets Overdue and sorts the sources together. Only what the
	// user may see: a source is called for the signed-in person only.
	Todos(ctx context.Context, userID int64, limit int) ([]protocol.TodoItem, error)
}

// Alerter hears of to-do events after they are committed (internal/alert). It must not
// block.
type Alerter interface {
	Todo(t alert.TodoAlert)
}

// Reach answers whether someone is in their working time or on duty now
// (internal/quiet's policy).
type Reach interface {
	Reachable(userID int64, at time.Time) bool
}

// Options are the to-do rules and the parts the service is handed.
type Options struct {
	// Sources: further kinds of item beside notices and message to-dos (collections).
	Sources []Source
	// Notices: the notices' own source (NoticeSource); nil leaves notices out.
	Notices Source
	// Audit, when set, records every step in the same transaction as the change.
	Audit *audit.Recorder
	// Alerts, when set, is told of to-dos given and due, for a push.
	Alerts Alerter
	// WorkingTime returns the current working-time policy; a reminder waits until the
	// assignee is in their working time. Nil: reminders go out when due.
	WorkingTime func(ctx context.Context) (Reach, error)
	// Limit bounds how often one person gives to-dos (shared through Redis in a
	// cluster); nil: an in-process limit of CreatePerMinute.
	Limit ratelimit.Allower
	// RemindBefore: the reminder goes out this long before the due time, or at the
	// due time when the to-do was given later than that (default 2h).
	RemindBefore time.Duration
}

// CreatePerMinute, createBurst: the default rate of to-dos one person gives.
const (
	CreatePerMinute = 30
	createBurst     = 20
)

// Tx is the part of the store the service changes inside a transaction.
type Tx interface {
	CreateTodo(ctx context.Context, t *store.Todo) error
	ChangeTodo(ctx context.Context, id int64, event string, actorID int64, at time.Time) (store.Todo, bool, error)
	ClaimTodoReminder(ctx context.Context, id int64, at time.Time) (bool, error)
	audit.Appender
}

// Store is the part of the store the service reads, and transactions that see Tx.
type Store interface {
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	GetMessage(ctx context.Context, channelID, seq int64) (store.Message, error)
	GetTodo(ctx context.Context, id int64) (store.Todo, error)
	ListTodoEvents(ctx context.Context, todoID int64) ([]store.TodoEvent, error)
	ListOpenTodos(ctx context.Context, assigneeID int64, limit int) ([]store.TodoRow, error)
	ListAssignedTodos(ctx context.Context, assignerID int64, limit int) ([]store.TodoRow, error)
	DueTodoReminders(ctx context.Context, now time.Time, limit int) ([]store.Todo, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service runs the 待办 list and message to-dos.
type Service struct {
	store Store
	pub   *busevent.Publisher
	log   *slog.Logger
	now   func() time.Time
	opt   Options
}

// New returns a Service publishing its frames on b.
func New(st Store, b busevent.Bus, log *slog.Logger, now func() time.Time, opt Options) *Service {
	if opt.Limit == nil {
		opt.Limit = ratelimit.New(CreatePerMinute, createBurst, 10000, now)
	}
	if opt.RemindBefore <= 0 {
		opt.RemindBefore = 2 * time.Hour
	}
	return &Service{store: st, pub: busevent.NewPublisher(b, log), log: log, now: now, opt: opt}
}

// notFound is what anyone who may not see a to-do is told, whether or not it exists.
func notFound() error { return apperr.New(protocol.CodeNotFound, "no such to-do") }

// inTx runs fn in one transaction with a recorder writing into it, so a step and its
// audit entry commit together. Without an audit recorder the recorder is nil.
func (s *Service) inTx(ctx context.Context, fn func(tx Tx, rec *audit.Recorder) error) error {
	return s.store.InTx(ctx, func(tx Tx) error { return fn(tx, s.opt.Audit.In(tx)) })
}

// record appends a to-do step to the trail; nil rec records nothing.
func record(ctx context.Context, rec *audit.Recorder, actor store.User, action string, todoID int64, detail map[string]any) error {
	return rec.Step(ctx, actor, action, "todo", todoID, detail)
}

// system is the actor of the reminders.
var system = store.User{Username: "system"}

// send tells the assignee's and the assigner's connections of a step. It runs after the
// change committed; clients re-fetch their lists on reconnect.
func (s *Service) send(ctx context.Context, t store.Todo, event string, users ...int64) {
	ev := protocol.TodoEvent{TodoID: t.ID, Event: event, AssigneeID: t.AssigneeID, AssignerID: t.AssignerID, Due: timePtr(t.Due)}
	s.pub.ToUsers(ctx, users, protocol.TypeTodo, ev)
}

// both is the assignee and the assigner, once when they are one person.
func both(t store.Todo) []int64 {
	if t.AssigneeID == t.AssignerID {
		return []int64{t.AssigneeID}
	}
	return []int64{t.AssigneeID, t.AssignerID}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// storeErr turns the store's to-do errors into codes a client acts on.
func storeErr(err error, format string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return &apperr.Error{Code: protocol.CodeNotFound, Message: "no such to-do", Err: err}
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf("todo: "+format+": %w", append(args, err)...)
}
