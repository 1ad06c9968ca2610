package collect

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"govchat/internal/store"
	"govchat/protocol"
)

// OpenItem is a collection a person must still answer, as a 待办 list shows it. Its
// fields are those of td's protocol.TodoItem (kind "collection"): the lead's adapter
// copies them one to one into that type (Kind(), Todos(ctx, userID, limit)).
type OpenItem struct {
	ID        int64
	Title     string
	Due       *time.Time // the deadline; nil: none
	State     string     // todo, or returned (退回修改: answer again)
	FromID    int64      // the author
	Link      string     // the web client's path: /collections/<id>
	CreatedAt time.Time
}

// TodoKind is the 待办 kind of collections.
const TodoKind = "collection"

// OpenItemsFor lists the open collections userID's unit has not answered or had
// returned, at most limit (0: 1000), earliest deadline first and those without one
// last (then newest first). One past its deadline stays (the list marks it overdue)
// until the author closes it, as a notice past its deadline stays to confirm: the
// person is late, and a returned answer may still be given.
func (s *Service) OpenItemsFor(ctx context.Context, userID int64, limit int) ([]OpenItem, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	ucs, err := s.store.ListCollections(ctx, store.CollectionQuery{UserID: userID, Box: store.CollectionsTodo, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("collect: open items of %d: %w", userID, err)
	}
	out := make([]OpenItem, 0, len(ucs))
	for _, uc := range ucs {
		state := uc.State
		if state == "" {
			state = protocol.SubmissionTodo
		}
		out = append(out, OpenItem{ID: uc.ID, Title: uc.Title, Due: timePtr(uc.Deadline), State: state, FromID: uc.AuthorID,
			Link: "/collect/" + strconv.FormatInt(uc.ID, 10), CreatedAt: uc.CreatedAt})
	}
	slices.SortStableFunc(out, func(a, b OpenItem) int {
		switch {
		case a.Due != nil && b.Due != nil:
			return a.Due.Compare(*b.Due)
		case a.Due != nil:
			return -1
		case b.Due != nil:
			return 1
		}
		return 0
	})
	return out, nil
}
