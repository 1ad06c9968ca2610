package collect

import (
	"context"
	"errors"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

// view is one user's standing towards one collection.
type view struct {
	c         store.Collection
	r         store.CollectionRecipient
	recipient bool
	author    bool
	all       bool // may read every answer, the status table and the export
}

// readsAnswers: may read every answer (a signup's lines: the whole audience too).
func (v view) readsAnswers() bool {
	return v.all || v.recipient && v.c.Kind == protocol.CollectionSignup
}

// look loads a collection and the user's standing; not_found when they may not see it.
func (s *Service) look(ctx context.Context, p auth.Principal, id int64) (view, error) {
	c, err := s.store.GetCollection(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return view{}, notFound()
	}
	if err != nil {
		return view{}, fmt.Errorf("collect: get %d: %w", id, err)
	}
	v := view{c: c, author: c.AuthorID == p.User.ID}
	r, err := s.store.GetCollectionRecipient(ctx, id, p.User.ID)
	switch {
	case err == nil:
		v.r, v.recipient = r, true
	case !errors.Is(err, store.ErrNotFound):
		return view{}, fmt.Errorf("collect: recipient of %d: %w", id, err)
	}
	if v.author {
		v.all = true
	} else if p.User.Role == store.RoleSecurity || p.User.Role == store.RoleLeader {
		tv, err := notice.NewTallyViewer(ctx, s.store, p)
		if err != nil {
			return view{}, err
		}
		depts, err := s.recipientDepts(ctx, id)
		if err != nil {
			return view{}, err
		}
		v.all = tv.CanSee(c.AuthorID, depts)
	}
	if !v.recipient && !v.author && !v.all {
		return view{}, notFound()
	}
	return v, nil
}

// manage is look for the author's operations: forbidden to others who see it.
func (s *Service) manage(ctx context.Context, p auth.Principal, id int64) (view, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return v, err
	}
	if !v.author {
		return v, apperr.New(protocol.CodeForbidden, "only the collection's author may do this")
	}
	return v, nil
}

// seeAll is look for the author's views (every answer, status, export): forbidden to
// recipients who are not allowed them.
func (s *Service) seeAll(ctx context.Context, p auth.Principal, id int64) (view, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return v, err
	}
	if !v.all {
		return v, apperr.New(protocol.CodeForbidden, "only the author, and those who may see a notice's tally, see every answer")
	}
	return v, nil
}

// recipientDepts lists the distinct departments of a collection's recipients, fixed at
// publication and so remembered.
func (s *Service) recipientDepts(ctx context.Context, id int64) ([]int64, error) {
	if ds, ok := s.depts.Load(id); ok {
		return ds.([]int64), nil
	}
	rs, err := s.store.ListCollectionRecipients(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("collect: recipients of %d: %w", id, err)
	}
	ds := distinctDepts(rs)
	s.depts.Store(id, ds)
	return ds, nil
}

func distinctDepts(rs []store.CollectionRecipient) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, r := range rs {
		if !seen[r.DepartmentID] {
			seen[r.DepartmentID] = true
			out = append(out, r.DepartmentID)
		}
	}
	return out
}

// forbiddenAnswers is what a recipient who asks for everyone's answers to a form is told.
func forbiddenAnswers() error {
	return apperr.New(protocol.CodeForbidden, "a form's answers are for its author, and those who may see a notice's tally, to read")
}
