package todo

import (
	"context"
	"fmt"

	"govchat/internal/store"
	"govchat/protocol"
)

// NoticeStore is what the notices' source reads: the notices a person must still
// confirm, in one indexed query (internal/store).
type NoticeStore interface {
	ListNoticeTodos(ctx context.Context, userID int64, limit int) ([]store.NoticeTodo, error)
}

// NoticeSource lists the notices a person must still confirm (PROTOCOL.md §4.10): active,
// asking for confirmation, the current revision unconfirmed. Being a recipient is what
// lets one see a notice, so the list shows nothing the person may not open.
type NoticeSource struct {
	Store NoticeStore
}

var _ Source = NoticeSource{}

// Kind is "notice".
func (NoticeSource) Kind() string { return protocol.TodoKindNotice }

// Todos lists the notices userID must still confirm, earliest deadline first.
func (n NoticeSource) Todos(ctx context.Context, userID int64, limit int) ([]protocol.TodoItem, error) {
	ns, err := n.Store.ListNoticeTodos(ctx, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("todo: notices user %d must confirm: %w", userID, err)
	}
	out := make([]protocol.TodoItem, len(ns))
	for i, x := range ns {
		state := protocol.TodoStateOpen
		if x.Revised {
			state = protocol.TodoStateRevised
		}
		out[i] = protocol.TodoItem{
			Kind: protocol.TodoKindNotice, ID: x.NoticeID, Title: x.Title, Due: timePtr(x.Deadline), State: state,
			From: protocol.TodoUser{ID: x.AuthorID}, Link: fmt.Sprintf("/notices/%d", x.NoticeID), CreatedAt: x.CreatedAt,
		}
	}
	return out, nil
}
