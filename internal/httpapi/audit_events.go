package httpapi

import (
	"net/http"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// auditEvents pages through the trail, newest first. Reading the trail is itself
// recorded, so the auditors are audited too.
func (a *API) auditEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{Action: strings.TrimSpace(q.Get("action"))}
	var err error
	if f.Limit, err = queryInt(r, "limit", 100, 1, 1000); err != nil {
		a.writeError(w, r, err)
		return
	}
	before, err := queryInt(r, "before_id", 0, 1, 1<<62)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	f.BeforeID = int64(before)
	actor, err := queryInt(r, "actor_id", 0, 1, 1<<62)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	f.ActorID = int64(actor)
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				a.writeError(w, r, apperr.BadField(name, "%s must be an RFC 3339 time such as 2026-11-23T09:00:00+08:00", name))
				return
			}
			*dst = t
		}
	}
	events, err := a.store.ListAudit(r.Context(), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	p := principalFrom(r.Context())
	if err := a.audit.Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.AuditRead, TargetType: "audit",
		Detail: map[string]any{"action_filter": f.Action, "returned": len(events)}}); err != nil {
		a.writeError(w, r, err)
		return
	}
	out := protocol.AuditEvents{Events: []protocol.AuditEvent{}}
	for _, e := range events {
		out.Events = append(out.Events, toAuditEvent(e))
	}
	if len(events) == f.Limit && len(events) > 0 {
		out.NextBeforeID = events[len(events)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
