package todo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/account"
	"govchat/internal/alert"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// Create makes a message a to-do for the assigner or a colleague (设为待办).
func (s *Service) Create(ctx context.Context, p auth.Principal, req protocol.CreateTodoRequest) (protocol.Todo, error) {
	now := s.now()
	if err := s.checkCreate(req, now); err != nil {
		return protocol.Todo{}, err
	}
	if ok, wait, err := s.opt.Limit.Allow(ctx, "todo:"+strconv.FormatInt(p.User.ID, 10)); err != nil {
		s.log.Warn("to-do rate limiter unavailable", "err", err) // fail open, as sends do
	} else if !ok {
		e := apperr.New(protocol.CodeRateLimited, "you are giving to-dos too fast; wait a moment")
		e.RetryAfter = wait
		return protocol.Todo{}, e
	}
	if err := s.checkMessage(ctx, p.User.ID, req); err != nil {
		return protocol.Todo{}, err
	}
	if req.AssigneeID != p.User.ID {
		if err := s.checkAssignee(ctx, req.ChannelID, req.AssigneeID); err != nil {
			return protocol.Todo{}, err
		}
	}
	t := store.Todo{ChannelID: req.ChannelID, Seq: req.Seq, AssignerID: p.User.ID, AssigneeID: req.AssigneeID,
		Note: req.Note, CreatedAt: now}
	if req.Due != nil {
		t.Due = *req.Due
		t.RemindAt = t.Due.Add(-s.opt.RemindBefore)
		if !t.RemindAt.After(now) {
			t.RemindAt = t.Due // given too late for a reminder before: one at the due time
		}
	}
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.CreateTodo(ctx, &t); err != nil {
			return err
		}
		detail := map[string]any{"channel_id": t.ChannelID, "seq": t.Seq, "assignee_id": t.AssigneeID, "note": t.Note != ""}
		if !t.Due.IsZero() {
			detail["due"] = t.Due.UTC().Format(time.RFC3339)
		}
		return record(ctx, rec, p.User, audit.TodoAssign, t.ID, detail)
	})
	if errors.Is(err, store.ErrConflict) {
		return protocol.Todo{}, &apperr.Error{Code: protocol.CodeConflict, Field: "assignee_id",
			Message: "this message is already an open to-do of that person", Err: err}
	}
	if err != nil {
		return protocol.Todo{}, storeErr(err, "create for %d/%d", req.ChannelID, req.Seq)
	}
	s.send(ctx, t, protocol.TodoEventAssigned, both(t)...)
	if s.opt.Alerts != nil {
		s.opt.Alerts.Todo(alert.TodoAlert{TodoID: t.ID, Event: protocol.TodoEventAssigned, AssignerID: t.AssignerID, AssigneeID: t.AssigneeID})
	}
	return s.wire(ctx, p.User.ID, t)
}

// checkCreate checks the request's own fields.
func (s *Service) checkCreate(req protocol.CreateTodoRequest, now time.Time) error {
	switch {
	case req.ChannelID <= 0:
		return apperr.BadField("channel_id", "channel_id must be positive")
	case req.Seq <= 0:
		return apperr.BadField("seq", "seq must be positive")
	case req.AssigneeID <= 0:
		return apperr.BadField("assignee_id", "assignee_id must be positive")
	}
	if req.Due != nil {
		switch {
		case !req.Due.After(now):
			return apperr.BadField("due", "the due time must be in the future")
		case req.Due.Sub(now) > protocol.MaxTodoDueAhead:
			return apperr.BadField("due", "the due time must be within a year")
		}
	}
	return account.CheckText("note", req.Note, protocol.MaxTodoNote)
}

// checkMessage: the assigner reads the channel, and the message is a person's, not
// recalled.
func (s *Service) checkMessage(ctx context.Context, userID int64, req protocol.CreateTodoRequest) error {
	if _, err := s.store.GetMember(ctx, req.ChannelID, userID); err != nil {
		return notMember(err, "channel_id", "the channel does not exist or you are not in it")
	}
	m, err := s.store.GetMessage(ctx, req.ChannelID, req.Seq)
	if errors.Is(err, store.ErrNotFound) {
		return &apperr.Error{Code: protocol.CodeNotFound, Field: "seq", Message: "no such message", Err: err}
	}
	if err != nil {
		return fmt.Errorf("todo: message %d/%d: %w", req.ChannelID, req.Seq, err)
	}
	switch {
	case !m.RecalledAt.IsZero():
		return &apperr.Error{Code: protocol.CodeMessageRecalled, Field: "seq", Message: "the message was recalled"}
	case m.Kind != "":
		return &apperr.Error{Code: protocol.CodeForbidden, Field: "seq", Message: "a system line cannot be a to-do"}
	}
	return nil
}

// checkAssignee: an active colleague who can read the channel. Whether they exist and
// whether they are in it are told alike: not_member.
func (s *Service) checkAssignee(ctx context.Context, channelID, assigneeID int64) error {
	u, err := s.store.GetUser(ctx, assigneeID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("todo: assignee %d: %w", assigneeID, err)
	}
	if err != nil || u.Disabled {
		return notMember(store.ErrNotFound, "assignee_id", "that person cannot read this channel")
	}
	if _, err := s.store.GetMember(ctx, channelID, assigneeID); err != nil {
		return notMember(err, "assignee_id", "that person cannot read this channel")
	}
	return nil
}

// notMember is not_member for a store's ErrNotFound, and the error otherwise.
func notMember(err error, field, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return &apperr.Error{Code: protocol.CodeNotMember, Field: field, Message: msg}
	}
	return fmt.Errorf("todo: membership: %w", err)
}

// look loads a to-do its assignee or assigner asks about; not_found for anyone else.
func (s *Service) look(ctx context.Context, p auth.Principal, id int64) (store.Todo, error) {
	t, err := s.store.GetTodo(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Todo{}, notFound()
	}
	if err != nil {
		return store.Todo{}, fmt.Errorf("todo: get %d: %w", id, err)
	}
	if t.AssigneeID != p.User.ID && t.AssignerID != p.User.ID {
		return store.Todo{}, notFound()
	}
	return t, nil
}

// Get is a to-do with its record, for its assignee and its assigner.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (protocol.Todo, error) {
	t, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Todo{}, err
	}
	return s.wire(ctx, p.User.ID, t)
}

// Done marks the to-do done: its assignee only. Done again answers as the first time.
func (s *Service) Done(ctx context.Context, p auth.Principal, id int64) (protocol.Todo, error) {
	return s.change(ctx, p, id, store.TodoDone)
}

// Reopen undoes done: the assignee (pressed by mistake) or the assigner (not done after
// all).
func (s *Service) Reopen(ctx context.Context, p auth.Principal, id int64) (protocol.Todo, error) {
	return s.change(ctx, p, id, store.TodoReopened)
}

// Cancel withdraws the to-do: its assigner only. It leaves both lists; its record stays.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id int64) (protocol.Todo, error) {
	return s.change(ctx, p, id, store.TodoCancelled)
}

var stepActions = map[string]string{
	store.TodoDone: audit.TodoDone, store.TodoReopened: audit.TodoReopen, store.TodoCancelled: audit.TodoCancel,
}

func (s *Service) change(ctx context.Context, p auth.Principal, id int64, step string) (protocol.Todo, error) {
	t, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Todo{}, err
	}
	switch {
	case step == store.TodoDone && t.AssigneeID != p.User.ID:
		return protocol.Todo{}, apperr.New(protocol.CodeForbidden, "only the person the to-do was given to marks it done")
	case step == store.TodoCancelled && t.AssignerID != p.User.ID:
		return protocol.Todo{}, apperr.New(protocol.CodeForbidden, "only the person who gave the to-do withdraws it")
	case !t.CancelledAt.IsZero():
		return protocol.Todo{}, apperr.New(protocol.CodeConflict, "the to-do was withdrawn")
	case step == store.TodoCancelled && !t.DoneAt.IsZero():
		return protocol.Todo{}, apperr.New(protocol.CodeConflict, "a done to-do stays on record; it cannot be withdrawn")
	}
	var changed bool
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		var err error
		if t, changed, err = tx.ChangeTodo(ctx, id, step, p.User.ID, s.now()); err != nil || !changed {
			return err
		}
		return record(ctx, rec, p.User, stepActions[step], id, map[string]any{"channel_id": t.ChannelID, "seq": t.Seq,
			"assignee_id": t.AssigneeID, "assigner_id": t.AssignerID})
	})
	if errors.Is(err, store.ErrConflict) {
		return protocol.Todo{}, apperr.New(protocol.CodeConflict, "the message is already an open to-do of that person")
	}
	if err != nil {
		return protocol.Todo{}, storeErr(err, "%s %d", step, id)
	}
	if changed {
		s.send(ctx, t, step, both(t)...)
	}
	return s.wire(ctx, p.User.ID, t)
}

// wire is a to-do with its record, as reader sees it.
func (s *Service) wire(ctx context.Context, reader int64, t store.Todo) (protocol.Todo, error) {
	evs, err := s.store.ListTodoEvents(ctx, t.ID)
	if err != nil {
		return protocol.Todo{}, fmt.Errorf("todo: record of %d: %w", t.ID, err)
	}
	n := s.names()
	text := ""
	if _, err := s.store.GetMember(ctx, t.ChannelID, reader); err == nil {
		if m, err := s.store.GetMessage(ctx, t.ChannelID, t.Seq); err == nil && m.RecalledAt.IsZero() && m.Kind == "" {
			text = clip(m.Text, store.TodoSnippet)
		}
	}
	out := protocol.Todo{
		TodoItem: s.messageItem(ctx, n, store.TodoRow{Todo: t, Text: text}),
		Assigner: n.user(ctx, t.AssignerID), CancelledAt: timePtr(t.CancelledAt),
		History: make([]protocol.TodoHistoryEntry, len(evs)),
	}
	out.Overdue = out.State == protocol.TodoStateOpen && overdue(t.Due, s.now())
	for i, e := range evs {
		out.History[i] = protocol.TodoHistoryEntry{At: e.At, Event: e.Event, Actor: n.ptr(ctx, e.ActorID)}
	}
	return out, nil
}

// clip keeps the first n characters of s.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
