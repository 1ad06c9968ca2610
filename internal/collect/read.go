package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"govchat/internal/auth"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

// labels names people and departments for one answer.
type labels struct {
	users map[int64]store.UserName
	depts *notice.Departments
}

// labelsFor reads the names of users and every department's.
func (s *Service) labelsFor(ctx context.Context, users []int64) (*labels, error) {
	ns, err := s.names.Lookup(ctx, s.store, s.now(), users)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return nil, fmt.Errorf("collect: departments: %w", err)
	}
	return &labels{users: ns, depts: notice.NewDepartments(ds)}, nil
}

// toSubmission is an answer on the wire; l nil reads the names it needs.
func (s *Service) toSubmission(ctx context.Context, l *labels, sub store.Submission) (protocol.Submission, error) {
	if l == nil {
		var err error
		if l, err = s.labelsFor(ctx, []int64{sub.UserID}); err != nil {
			return protocol.Submission{}, err
		}
	}
	vals := map[string]json.RawMessage{}
	if sub.AnswerJSON != "" {
		if err := json.Unmarshal([]byte(sub.AnswerJSON), &vals); err != nil {
			return protocol.Submission{}, fmt.Errorf("collect: stored answer: %w", err)
		}
	}
	return protocol.Submission{CollectionID: sub.CollectionID, UserID: sub.UserID, UserName: l.users[sub.UserID].DisplayName,
		DepartmentID: sub.DepartmentID, DepartmentName: l.depts.Name(sub.DepartmentID), Values: vals, State: sub.State,
		ReturnNote: sub.ReturnNote, SubmittedAt: sub.SubmittedAt, UpdatedAt: sub.UpdatedAt, Revision: sub.Revision, Number: sub.LineNo}, nil
}

// wire is the collection as the viewer sees it, with their own unit's answer.
func (s *Service) wire(ctx context.Context, p auth.Principal, v view) (protocol.Collection, error) {
	author := v.c.AuthorID
	ns, err := s.names.Lookup(ctx, s.store, s.now(), []int64{author})
	if err != nil {
		return protocol.Collection{}, err
	}
	out, err := toWire(v.c, ns[author].DisplayName)
	if err != nil {
		return protocol.Collection{}, err
	}
	out.CanManage, out.CanSeeAll = v.author, v.all
	if v.recipient {
		mine := &protocol.CollectionMine{State: protocol.SubmissionTodo}
		sub, err := s.store.GetSubmission(ctx, v.c.ID, v.r.Unit)
		switch {
		case err == nil:
			ws, err := s.toSubmission(ctx, nil, sub)
			if err != nil {
				return protocol.Collection{}, err
			}
			mine.State, mine.Submission = sub.State, &ws
		case !errors.Is(err, store.ErrNotFound):
			return protocol.Collection{}, fmt.Errorf("collect: my answer to %d: %w", v.c.ID, err)
		}
		out.My = mine
	}
	return out, nil
}

// Get is one collection as the caller sees it; not_found to those who may not.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (protocol.Collection, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Collection{}, err
	}
	return s.wire(ctx, p, v)
}

// ListQuery selects GET /collections.
type ListQuery struct {
	Box      string // all (default), received, sent, todo, escalated
	BeforeID int64
	Limit    int
}

// List is the caller's collections, newest first: a page of Limit and whether there
// are more. In lists My carries the state only, without the answer.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (protocol.Collections, error) {
	box := store.CollectionBox(q.Box)
	if box == "" {
		box = store.CollectionsAll
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	ucs, err := s.store.ListCollections(ctx, store.CollectionQuery{UserID: p.User.ID, Box: box, BeforeID: q.BeforeID, Limit: limit + 1})
	if err != nil {
		return protocol.Collections{}, fmt.Errorf("collect: list for %d: %w", p.User.ID, err)
	}
	out := protocol.Collections{Collections: []protocol.Collection{}}
	if len(ucs) > limit {
		ucs, out.HasMore = ucs[:limit], true
	}
	authors := make([]int64, 0, len(ucs))
	for _, uc := range ucs {
		authors = append(authors, uc.AuthorID)
	}
	ns, err := s.names.Lookup(ctx, s.store, s.now(), authors)
	if err != nil {
		return protocol.Collections{}, err
	}
	for _, uc := range ucs {
		c, err := toWire(uc.Collection, ns[uc.AuthorID].DisplayName)
		if err != nil {
			return protocol.Collections{}, err
		}
		c.CanManage = uc.AuthorID == p.User.ID
		c.CanSeeAll = c.CanManage || box == store.CollectionsEscalated
		if uc.Recipient {
			state := uc.State
			if state == "" {
				state = protocol.SubmissionTodo
			}
			c.My = &protocol.CollectionMine{State: state}
		}
		out.Collections = append(out.Collections, c)
	}
	return out, nil
}

// Submissions lists every answer: the author and those who see all; a signup's lines
// the whole audience. A signup's in order of first answer, a form's by department
// (tally order) then time.
func (s *Service) Submissions(ctx context.Context, p auth.Principal, id int64) (protocol.Submissions, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Submissions{}, err
	}
	if !v.readsAnswers() {
		return protocol.Submissions{}, forbiddenAnswers()
	}
	subs, err := s.store.ListSubmissions(ctx, id)
	if err != nil {
		return protocol.Submissions{}, fmt.Errorf("collect: answers to %d: %w", id, err)
	}
	ws, err := s.wireSubmissions(ctx, v.c, subs)
	if err != nil {
		return protocol.Submissions{}, err
	}
	return protocol.Submissions{Submissions: ws}, nil
}

// wireSubmissions puts answers on the wire in the collection's order.
func (s *Service) wireSubmissions(ctx context.Context, c store.Collection, subs []store.Submission) ([]protocol.Submission, error) {
	users := make([]int64, len(subs))
	for i, sub := range subs {
		users[i] = sub.UserID
	}
	l, err := s.labelsFor(ctx, users)
	if err != nil {
		return nil, err
	}
	if c.Kind == protocol.CollectionForm {
		slices.SortStableFunc(subs, func(a, b store.Submission) int {
			if a.DepartmentID != b.DepartmentID {
				if l.depts.Less(a.DepartmentID, b.DepartmentID) {
					return -1
				}
				return 1
			}
			return a.SubmittedAt.Compare(b.SubmittedAt)
		})
	}
	out := make([]protocol.Submission, 0, len(subs))
	for _, sub := range subs {
		w, err := s.toSubmission(ctx, l, sub)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// Status is who has and has not answered, by department (tally order), each person
// with their unit's state: the author and those who see all.
func (s *Service) Status(ctx context.Context, p auth.Principal, id int64) (protocol.CollectionStatus, error) {
	v, err := s.seeAll(ctx, p, id)
	if err != nil {
		return protocol.CollectionStatus{}, err
	}
	rs, err := s.store.ListCollectionRecipients(ctx, id)
	if err != nil {
		return protocol.CollectionStatus{}, fmt.Errorf("collect: recipients of %d: %w", id, err)
	}
	subs, err := s.store.ListSubmissionStates(ctx, id)
	if err != nil {
		return protocol.CollectionStatus{}, fmt.Errorf("collect: answers to %d: %w", id, err)
	}
	byUnit := make(map[store.Unit]store.Submission, len(subs))
	for _, sub := range subs {
		byUnit[sub.Unit] = sub
	}
	l, err := s.labelsFor(ctx, userIDs(rs))
	if err != nil {
		return protocol.CollectionStatus{}, err
	}
	out := protocol.CollectionStatus{CollectionID: id, Departments: []protocol.CollectionDepartment{},
		Counts: protocol.CollectionCounts{Recipients: v.c.Recipients, Units: v.c.Units, Submitted: v.c.Submitted, Returned: v.c.Returned}}
	idx := map[int64]int{}
	for _, r := range rs {
		i, ok := idx[r.DepartmentID]
		if !ok {
			i = len(out.Departments)
			idx[r.DepartmentID] = i
			out.Departments = append(out.Departments, protocol.CollectionDepartment{DepartmentID: r.DepartmentID,
				Name: l.depts.Name(r.DepartmentID), People: []protocol.CollectionPerson{}})
		}
		d := &out.Departments[i]
		person := protocol.CollectionPerson{UserID: r.UserID, DisplayName: l.users[r.UserID].DisplayName,
			Username: l.users[r.UserID].Username, State: protocol.SubmissionTodo}
		if sub, ok := byUnit[r.Unit]; ok {
			person.State, person.UpdatedAt = sub.State, timePtr(sub.UpdatedAt)
		}
		switch person.State {
		case protocol.SubmissionSubmitted:
			d.Submitted++
		case protocol.SubmissionReturned:
			d.Returned++
		default:
			d.Todo++
		}
		d.People = append(d.People, person)
	}
	slices.SortStableFunc(out.Departments, func(a, b protocol.CollectionDepartment) int {
		switch {
		case a.DepartmentID == b.DepartmentID:
			return 0
		case l.depts.Less(a.DepartmentID, b.DepartmentID):
			return -1
		}
		return 1
	})
	if !v.c.RemindedAt.IsZero() {
		out.RemindedAt = timePtr(v.c.RemindedAt)
		if next := v.c.RemindedAt.Add(s.opt.RemindInterval); next.After(s.now()) {
			out.NextRemindAt = &next
		}
	}
	return out, nil
}

// History is the collection's trace, oldest first: all of it for the author and those
// who see all; for a recipient the steps of the whole collection and of their unit.
func (s *Service) History(ctx context.Context, p auth.Principal, id int64) (protocol.CollectionHistory, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.CollectionHistory{}, err
	}
	es, err := s.store.ListCollectionEvents(ctx, id)
	if err != nil {
		return protocol.CollectionHistory{}, fmt.Errorf("collect: trace of %d: %w", id, err)
	}
	var actors []int64
	for _, e := range es {
		actors = append(actors, e.ActorID)
	}
	ns, err := s.names.Lookup(ctx, s.store, s.now(), actors)
	if err != nil {
		return protocol.CollectionHistory{}, err
	}
	out := protocol.CollectionHistory{Entries: []protocol.CollectionHistoryEntry{}}
	for _, e := range es {
		unitStep := e.Unit != (store.Unit{})
		if !v.all && unitStep && e.Unit != v.r.Unit {
			continue
		}
		out.Entries = append(out.Entries, protocol.CollectionHistoryEntry{At: e.At, Action: e.Action, ActorID: e.ActorID,
			ActorName: ns[e.ActorID].DisplayName, UserID: e.UserID, DepartmentID: e.DepartmentID, Revision: e.Revision,
			Note: e.Note, Count: e.People})
	}
	return out, nil
}

// nextRemind is when the author may remind again (zero: now).
func (s *Service) nextRemind(c store.Collection) time.Time {
	if c.RemindedAt.IsZero() {
		return time.Time{}
	}
	return c.RemindedAt.Add(s.opt.RemindInterval)
}
