package todo

import (
	"context"
	"fmt"

	"govchat/internal/collect"
	"govchat/protocol"
)

// CollectionItems is what the collections' source reads: the open collections a
// person's unit has not answered or had returned (internal/collect).
type CollectionItems interface {
	OpenItemsFor(ctx context.Context, userID int64, limit int) ([]collect.OpenItem, error)
}

// CollectionSource lists the collections a person must still answer (PROTOCOL.md §4.21):
// not yet submitted by them or their unit, or returned for correction (退回修改).
type CollectionSource struct {
	Items CollectionItems
}

var _ Source = CollectionSource{}

// Kind is "collection".
func (CollectionSource) Kind() string { return protocol.TodoKindCollection }

// Todos lists the collections userID must still answer, earliest deadline first.
func (c CollectionSource) Todos(ctx context.Context, userID int64, limit int) ([]protocol.TodoItem, error) {
	items, err := c.Items.OpenItemsFor(ctx, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("todo: collections user %d must answer: %w", userID, err)
	}
	out := make([]protocol.TodoItem, len(items))
	for i, x := range items {
		state := protocol.TodoStateOpen
		if x.State == protocol.SubmissionReturned {
			state = protocol.TodoStateReturned
		}
		out[i] = protocol.TodoItem{
			Kind: protocol.TodoKindCollection, ID: x.ID, Title: x.Title, Due: x.Due, State: state,
			From: protocol.TodoUser{ID: x.FromID}, Link: x.Link, CreatedAt: x.CreatedAt,
		}
	}
	return out, nil
}
