package investigate

import (
	"context"
	"time"

	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// Filter is what the console asks of the trail (PROTOCOL.md §4.8): the store's filter
// and a department, which takes its sub-departments with it.
type Filter struct {
	store.AuditFilter
	DepartmentID int64
}

// detail is what an audit.read entry says of the filter: the parameters given, never
// more.
func (f Filter) detail() map[string]any {
	d := map[string]any{}
	put := func(k string, v any, set bool) {
		if set {
			d[k] = v
		}
	}
	put("action_filter", f.Action, true)
	put("actor_id", f.ActorID, f.ActorID != 0)
	put("person_id", f.PersonID, f.PersonID != 0)
	put("target_type", f.TargetType, f.TargetType != "")
	put("target_id", f.TargetID, f.TargetID != "")
	put("department_id", f.DepartmentID, f.DepartmentID != 0)
	if f.MinLevel != nil {
		d["level"] = *f.MinLevel
	}
	put("outcome", f.Outcome, f.Outcome != "")
	put("since", f.Since.UTC().Format(time.RFC3339), !f.Since.IsZero())
	put("until", f.Until.UTC().Format(time.RFC3339), !f.Until.IsZero())
	return d
}

// storeFilter expands the department into its subtree.
func (s *Service) storeFilter(ctx context.Context, f Filter) (store.AuditFilter, error) {
	out := f.AuditFilter
	if f.DepartmentID == 0 {
		return out, nil
	}
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return out, err
	}
	out.DeptIDs = org.DeptTree(ds).Descendants(f.DepartmentID)
	if len(out.DeptIDs) == 0 {
		out.DeptIDs = []int64{f.DepartmentID} // a department that is gone: its entries still match
	}
	return out, nil
}

// Events is a page of the trail, newest first (GET /audit/events).
func (s *Service) Events(ctx context.Context, actor store.User, f Filter) (protocol.AuditEvents, error) {
	sf, err := s.storeFilter(ctx, f)
	if err != nil {
		return protocol.AuditEvents{}, err
	}
	events, err := s.store.ListAudit(ctx, sf)
	if err != nil {
		return protocol.AuditEvents{}, err
	}
	d := f.detail()
	d["returned"] = len(events)
	if err := s.read(ctx, actor, "audit", "", d); err != nil {
		return protocol.AuditEvents{}, err
	}
	return page(events, sf.Limit), nil
}

func page(events []store.AuditEvent, limit int) protocol.AuditEvents {
	out := protocol.AuditEvents{Events: make([]protocol.AuditEvent, 0, len(events))}
	for _, e := range events {
		out.Events = append(out.Events, Event(e))
	}
	if len(events) == limit && len(events) > 0 {
		out.NextBeforeID = events[len(events)-1].ID
	}
	return out
}

// Timeline is one person's entries, as actor and as the person acted on, newest first.
func (s *Service) Timeline(ctx context.Context, actor store.User, personID int64, f Filter) (protocol.PersonTimeline, error) {
	if _, err := s.store.GetUser(ctx, personID); err != nil {
		return protocol.PersonTimeline{}, notFound(err, "person")
	}
	f.PersonID = personID
	sf, err := s.storeFilter(ctx, f)
	if err != nil {
		return protocol.PersonTimeline{}, err
	}
	events, err := s.store.ListAudit(ctx, sf)
	if err != nil {
		return protocol.PersonTimeline{}, err
	}
	ps, err := s.loadPeople(ctx, []int64{personID})
	if err != nil {
		return protocol.PersonTimeline{}, err
	}
	d := f.detail()
	d["returned"] = len(events)
	if err := s.read(ctx, actor, "user", idString(personID), d); err != nil {
		return protocol.PersonTimeline{}, err
	}
	p := page(events, sf.Limit)
	return protocol.PersonTimeline{Person: ps.person(personID, ""), Events: p.Events, NextBeforeID: p.NextBeforeID}, nil
}
