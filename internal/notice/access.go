package notice

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// view is one user's standing towards one notice.
type view struct {
	n         store.Notice
	receipt   store.NoticeRecipient
	recipient bool
	author    bool
	tally     bool
}

func (v view) visible() bool { return v.recipient || v.author || v.tally }

// look loads a notice and the user's standing towards it; not_found when the user may
// not see it (or it does not exist).
func (s *Service) look(ctx context.Context, p auth.Principal, id int64) (view, error) {
	n, err := s.store.GetNotice(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return view{}, notFound()
	}
	if err != nil {
		return view{}, fmt.Errorf("notice: get %d: %w", id, err)
	}
	v := view{n: n, author: n.AuthorID == p.User.ID}
	r, err := s.store.GetNoticeReceipt(ctx, id, p.User.ID)
	switch {
	case err == nil:
		v.receipt, v.recipient = r, true
	case !errors.Is(err, store.ErrNotFound):
		return view{}, fmt.Errorf("notice: receipt of %d: %w", id, err)
	}
	tv, err := s.tallyViewer(ctx, p)
	if err != nil {
		return view{}, err
	}
	if v.tally, err = tv.canTally(ctx, s, n); err != nil {
		return view{}, err
	}
	if !v.visible() {
		return view{}, notFound()
	}
	return v, nil
}

// manage is look for the author's operations: forbidden to others who see the notice.
func (s *Service) manage(ctx context.Context, p auth.Principal, id int64) (view, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return v, err
	}
	if !v.author {
		return v, apperr.New(protocol.CodeForbidden, "only the notice's author may do this")
	}
	return v, nil
}

// tallyViewer answers "may this user see that notice's tally" for many notices with
// one look at the org tree.
type tallyViewer struct {
	userID   int64
	security bool
	// leader: the departments the leader is a member of; parent: the department tree.
	leader map[int64]bool
	parent map[int64]int64
}

func (s *Service) tallyViewer(ctx context.Context, p auth.Principal) (*tallyViewer, error) {
	return newTallyViewer(ctx, s.store, p)
}

// newTallyViewer reads what the leader's rule needs: the departments p is in, and the
// department tree (nothing for anyone but an active leader).
func newTallyViewer(ctx context.Context, st orgSource, p auth.Principal) (*tallyViewer, error) {
	tv := &tallyViewer{userID: p.User.ID, security: p.User.Role == store.RoleSecurity}
	if p.User.Role != store.RoleLeader || p.User.Disabled {
		return tv, nil
	}
	ms, err := st.ListDeptMemberships(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: memberships: %w", err)
	}
	tv.leader = map[int64]bool{}
	for _, m := range ms {
		if m.UserID == p.User.ID {
			tv.leader[m.DepartmentID] = true
		}
	}
	if len(tv.leader) == 0 {
		return tv, nil
	}
	ds, err := st.ListDepartments(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: departments: %w", err)
	}
	tv.parent = make(map[int64]int64, len(ds))
	for _, d := range ds {
		tv.parent[d.ID] = d.ParentID
	}
	return tv, nil
}

func (tv *tallyViewer) canTally(ctx context.Context, s *Service, n store.Notice) (bool, error) {
	if n.AuthorID == tv.userID || tv.security {
		return true, nil
	}
	if len(tv.leader) == 0 {
		return false, nil
	}
	depts, err := s.recipientDepts(ctx, n.ID, nil)
	if err != nil {
		return false, err
	}
	return tv.above(depts), nil
}

// above: one of depts is a department the leader is in, or below one.
func (tv *tallyViewer) above(depts []int64) bool {
	for _, d := range depts {
		for depth := 0; d != 0 && depth < 64; depth++ { // bounded: a corrupt cycle must not hang us
			if tv.leader[d] {
				return true
			}
			d = tv.parent[d]
		}
	}
	return false
}

// recipientDepts lists the distinct departments of a notice's recipients. Recipients
// are fixed at publication, so the answer never changes and is cached; rows, when the
// caller has them already, spare the query.
func (s *Service) recipientDepts(ctx context.Context, noticeID int64, rows []store.NoticeRecipient) ([]int64, error) {
	if ds, ok := s.depts.get(noticeID); ok {
		return ds, nil
	}
	if rows == nil {
		var err error
		if rows, err = s.store.ListNoticeReceipts(ctx, noticeID); err != nil {
			return nil, fmt.Errorf("notice: recipients of %d: %w", noticeID, err)
		}
	}
	seen := map[int64]bool{}
	var ds []int64
	for _, r := range rows {
		if !seen[r.DepartmentID] {
			seen[r.DepartmentID] = true
			ds = append(ds, r.DepartmentID)
		}
	}
	s.depts.put(noticeID, ds)
	return ds, nil
}

// deptCache remembers notices' recipient departments, up to max notices (then starts
// afresh: simple, and the entries are cheap to rebuild).
type deptCache struct {
	mu  sync.Mutex
	max int
	m   map[int64][]int64
}

func newDeptCache(max int) *deptCache { return &deptCache{max: max, m: map[int64][]int64{}} }

func (c *deptCache) get(id int64) ([]int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ds, ok := c.m[id]
	return ds, ok
}

func (c *deptCache) put(id int64, ds []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = map[int64][]int64{}
	}
	c.m[id] = ds
}
