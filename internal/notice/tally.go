package notice

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// TallyFilter narrows a tally. State: "" (everyone), confirmed, seen or unseen — it
// filters the people listed, not the counts. DepartmentID: only the recipients filed
// under that department (its counts and people); 0 for all.
type TallyFilter struct {
	State        string
	DepartmentID int64
}

// noDepartment names the group of recipients without a department.
const noDepartment = "未分配部门"

// state is a recipient's tally state for revision rev: confirmed when they confirmed
// it; seen when they opened it or confirmed an earlier revision; unseen otherwise.
func state(r *store.NoticeRecipient, rev int) string {
	switch {
	case r.ConfirmedRevision == rev:
		return protocol.TallyConfirmed
	case r.SeenRevision == rev || r.ConfirmedRevision > 0:
		return protocol.TallySeen
	}
	return protocol.TallyUnseen
}

// tallyData is what a tally is built from: the notice, its recipients (by user), their
// names and the tree.
type tallyData struct {
	n     store.Notice
	rows  []store.NoticeRecipient
	names map[int64]names
	depts org.Tree[store.Department]
	order map[int64]int // department → position in the tree, top down
}

// loadTally loads a notice for someone who may see its tally: the author, a security
// officer, or a leader above the audience. A recipient who may not is forbidden;
// anyone else is told not_found. It reads the receipts once, for the check and the
// tally alike, and the names from the cache.
func (s *Service) loadTally(ctx context.Context, p auth.Principal, id int64, f TallyFilter) (tallyData, error) {
	switch f.State {
	case "", protocol.TallyConfirmed, protocol.TallySeen, protocol.TallyUnseen:
	default:
		return tallyData{}, apperr.BadField("state", "state must be confirmed, seen or unseen")
	}
	if f.DepartmentID < 0 {
		return tallyData{}, apperr.BadField("department", "ids are not negative")
	}
	n, err := s.store.GetNotice(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return tallyData{}, notFound()
	}
	if err != nil {
		return tallyData{}, fmt.Errorf("notice: get %d: %w", id, err)
	}
	rows, err := s.store.ListNoticeReceipts(ctx, id)
	if err != nil {
		return tallyData{}, fmt.Errorf("notice: recipients of %d: %w", id, err)
	}
	ok := n.AuthorID == p.User.ID || p.User.Role == store.RoleSecurity
	if !ok {
		tv, err := s.tallyViewer(ctx, p) // reads the memberships: only for leaders
		if err != nil {
			return tallyData{}, err
		}
		if len(tv.leader) > 0 {
			ds, err := s.recipientDepts(ctx, id, rows)
			if err != nil {
				return tallyData{}, err
			}
			ok = tv.above(ds)
		}
	}
	if !ok {
		for _, r := range rows {
			if r.UserID == p.User.ID {
				return tallyData{}, apperr.New(protocol.CodeForbidden, "only the author, the leaders above the audience and security officers see the tally")
			}
		}
		return tallyData{}, notFound()
	}
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return tallyData{}, fmt.Errorf("notice: departments: %w", err)
	}
	names, err := s.names.lookup(ctx, s.store, s.now(), rows)
	if err != nil {
		return tallyData{}, err
	}
	return tallyData{n: n, rows: rows, names: names, depts: org.DeptTree(ds), order: treeOrder(ds)}, nil
}

// treeOrder numbers departments depth first, siblings by sort order (the order
// ListDepartments gives within a parent).
func treeOrder(ds []store.Department) map[int64]int {
	children := map[int64][]int64{}
	for _, d := range ds {
		children[d.ParentID] = append(children[d.ParentID], d.ID)
	}
	order := make(map[int64]int, len(ds))
	var walk func(id int64)
	walk = func(id int64) {
		for _, c := range children[id] {
			if _, done := order[c]; done {
				continue // a corrupt cycle must not recurse forever
			}
			order[c] = len(order)
			walk(c)
		}
	}
	walk(0)
	return order
}

// deptName is a department's path, "预算股 / 预算编制组".
func (td tallyData) deptName(id int64) string {
	if id == 0 {
		return noDepartment
	}
	if segs := td.depts.Segments(id); len(segs) > 0 {
		return strings.Join(segs, " / ")
	}
	return fmt.Sprintf("已删除的部门 %d", id)
}

// build groups the recipients by department: counts of every state and the people of
// the filtered state. One pass over the rows, which come by user, so each department's
// people are by user too; departments in tree order (deleted ones by ID), those without
// a department last.
func (td tallyData) build(f TallyFilter) protocol.NoticeTally {
	out := protocol.NoticeTally{NoticeID: td.n.ID, Revision: td.n.Revision, Departments: []protocol.TallyDepartment{}}
	index := map[int64]int{}
	var pc protocol.TallyPushCounts
	for i := range td.rows {
		r := &td.rows[i]
		if f.DepartmentID != 0 && r.DepartmentID != f.DepartmentID {
			continue
		}
		i, ok := index[r.DepartmentID]
		if !ok {
			i = len(out.Departments)
			index[r.DepartmentID] = i
			out.Departments = append(out.Departments, protocol.TallyDepartment{DepartmentID: r.DepartmentID,
				Name: td.deptName(r.DepartmentID), People: []protocol.TallyPerson{}})
		}
		d := &out.Departments[i]
		st := state(r, td.n.Revision)
		switch st {
		case protocol.TallyConfirmed:
			d.Confirmed++
		case protocol.TallySeen:
			d.Seen++
		default:
			d.Unseen++
		}
		if f.State == "" || f.State == st {
			nm := td.names[r.UserID]
			d.People = append(d.People, protocol.TallyPerson{
				NoticeUser: protocol.NoticeUser{UserID: r.UserID, DisplayName: nm.display, Username: nm.username},
				State:      st, SeenAt: timePtr(r.SeenAt), ConfirmedAt: timePtr(r.ConfirmedAt),
				ConfirmedRevision: r.ConfirmedRevision, Reply: r.Reply, Push: r.Push,
			})
		}
		pc.Add(r.Push)
	}
	sort.Slice(out.Departments, func(i, j int) bool {
		a, b := out.Departments[i].DepartmentID, out.Departments[j].DepartmentID
		if ra, rb := td.rank(a), td.rank(b); ra != rb {
			return ra < rb
		}
		return a < b
	})
	for _, d := range out.Departments {
		out.Confirmed += d.Confirmed
		out.Seen += d.Seen
		out.Unseen += d.Unseen
	}
	out.Total = out.Confirmed + out.Seen + out.Unseen
	if pc.Undecided < out.Total {
		out.PushCounts = &pc
	}
	return out
}

// rank orders departments: the tree's order, then departments deleted since
// publication, then those without a department.
func (td tallyData) rank(id int64) int {
	if id == 0 {
		return 1 << 30
	}
	if o, ok := td.order[id]; ok {
		return o
	}
	return 1<<30 - 1
}

// Tally counts the recipients per state of the current revision, grouped by
// department, with their names; see TallyFilter. RemindedAt is the last reminder
// (manual or automatic) and NextRemindAt when "remind the unconfirmed" may be used
// again (absent when it may be now). It reads the receipts with one query, without
// names, which come from a cache (see nameCache).
func (s *Service) Tally(ctx context.Context, p auth.Principal, id int64, f TallyFilter) (protocol.NoticeTally, error) {
	td, err := s.loadTally(ctx, p, id, f)
	if err != nil {
		return protocol.NoticeTally{}, err
	}
	out := td.build(f)
	out.RemindedAt = timePtr(td.n.RemindedAt)
	if !td.n.RemindedAt.IsZero() {
		if next := td.n.RemindedAt.Add(s.opt.RemindInterval); next.After(s.now()) {
			out.NextRemindAt = &next
		}
	}
	return out, nil
}
