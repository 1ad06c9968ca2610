package todo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// List is the person's 待办: every source's open items, earliest due first, those
// without a due time last, overdue ones marked. A source that fails is named in
// Unavailable and the rest of the list stands: a notice store hiccup must not hide the
// to-dos.
func (s *Service) List(ctx context.Context, p auth.Principal) (protocol.Todos, error) {
	limit := protocol.MaxTodoList + 1
	rows, err := s.store.ListOpenTodos(ctx, p.User.ID, limit)
	if err != nil {
		return protocol.Todos{}, fmt.Errorf("todo: list of user %d: %w", p.User.ID, err)
	}
	n := s.names()
	out := protocol.Todos{Items: make([]protocol.TodoItem, 0, len(rows))}
	for _, r := range rows {
		out.Items = append(out.Items, s.messageItem(ctx, n, r))
	}
	sources := slices.Clone(s.opt.Sources)
	if s.opt.Notices != nil {
		sources = append([]Source{s.opt.Notices}, sources...)
	}
	for _, src := range sources {
		items, err := src.Todos(ctx, p.User.ID, limit)
		if err != nil {
			s.log.Warn("to-do source unavailable", "kind", src.Kind(), "user_id", p.User.ID, "err", err)
			out.Unavailable = append(out.Unavailable, src.Kind())
			continue
		}
		for _, it := range items {
			if it.From.ID != 0 && it.From.Name == "" {
				it.From = n.user(ctx, it.From.ID)
			}
			out.Items = append(out.Items, it)
		}
	}
	now := s.now()
	for i := range out.Items {
		it := &out.Items[i]
		it.Overdue = it.State != protocol.TodoStateDone && it.Due != nil && !it.Due.After(now)
	}
	Sort(out.Items)
	if len(out.Items) > protocol.MaxTodoList {
		out.Items, out.Truncated = out.Items[:protocol.MaxTodoList], true
	}
	return out, nil
}

// Sort orders items by due time, earliest first, those without one last; then by when
// they were given, kind and id, so the order is the same on every call.
func Sort(items []protocol.TodoItem) {
	slices.SortStableFunc(items, func(a, b protocol.TodoItem) int {
		switch {
		case a.Due != nil && b.Due != nil:
			if c := a.Due.Compare(*b.Due); c != 0 {
				return c
			}
		case a.Due != nil:
			return -1
		case b.Due != nil:
			return 1
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

// Assigned is what the person gave others (or themselves) and did not withdraw: open
// ones by due time as in the list, then the done ones, the latest done first.
func (s *Service) Assigned(ctx context.Context, p auth.Principal) (protocol.Todos, error) {
	rows, err := s.store.ListAssignedTodos(ctx, p.User.ID, protocol.MaxTodoList+1)
	if err != nil {
		return protocol.Todos{}, fmt.Errorf("todo: assigned by user %d: %w", p.User.ID, err)
	}
	out := protocol.Todos{Items: make([]protocol.TodoItem, 0, len(rows))}
	if len(rows) > protocol.MaxTodoList {
		rows, out.Truncated = rows[:protocol.MaxTodoList], true
	}
	n := s.names()
	now := s.now()
	var open, done []protocol.TodoItem
	for _, r := range rows {
		it := s.messageItem(ctx, n, r)
		it.Overdue = it.State == protocol.TodoStateOpen && it.Due != nil && !it.Due.After(now)
		if it.State == protocol.TodoStateDone {
			done = append(done, it)
		} else {
			open = append(open, it)
		}
	}
	Sort(open)
	slices.SortStableFunc(done, func(a, b protocol.TodoItem) int { return b.DoneAt.Compare(*a.DoneAt) })
	out.Items = append(append(out.Items, open...), done...)
	return out, nil
}

// messageItem is a message to-do as the lists show it.
func (s *Service) messageItem(ctx context.Context, n *names, r store.TodoRow) protocol.TodoItem {
	t := r.Todo
	it := protocol.TodoItem{
		Kind: protocol.TodoKindMessage, ID: t.ID, Title: r.Text, Due: timePtr(t.Due), State: protocol.TodoStateOpen,
		From: n.user(ctx, t.AssignerID), Link: messageLink(t), CreatedAt: t.CreatedAt,
		ChannelID: t.ChannelID, Seq: t.Seq, Assignee: n.ptr(ctx, t.AssigneeID), Note: t.Note,
	}
	if !t.DoneAt.IsZero() {
		it.State, it.DoneAt, it.DoneBy = protocol.TodoStateDone, timePtr(t.DoneAt), n.ptr(ctx, t.DoneBy)
	}
	return it
}

// messageLink opens the message in its channel.
func messageLink(t store.Todo) string {
	return fmt.Sprintf("/c/%d?seq=%d", t.ChannelID, t.Seq)
}

// overdue: due has passed at now.
func overdue(due, now time.Time) bool { return !due.IsZero() && !due.After(now) }
