package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/investigate"
	"govchat/internal/notice"
	"govchat/internal/reqinfo"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// The security officer's and auditor's console (PROTOCOL.md §4.8, §4.24). The routes
// guard audit.read (alerts.manage to acknowledge); internal/investigate answers and
// records every read.

// consoleOf builds the console's service over the store when it is the whole store
// (the server's and the tests'); nil leaves the console's routes out.
func consoleOf(d Deps) *investigate.Service {
	if d.Console != nil {
		return d.Console
	}
	s, ok := d.Store.(store.Store)
	if !ok || d.Audit == nil {
		return nil
	}
	return investigate.New(store.Narrow(s, func(tx store.Store) investigate.Tx { return tx }), d.Audit, d.Now, d.Log)
}

// auditFilter reads the trail's filters (§4.8) from the query; each bad one is a
// bad_request naming it.
func auditFilter(r *http.Request) (investigate.Filter, error) {
	q := r.URL.Query()
	var f investigate.Filter
	text := func(name string, max int) (string, error) {
		return textcheck.Field(name, q.Get(name), max, false, false)
	}
	id := func(name string) (int64, error) {
		n, err := queryInt(r, name, 0, 1, 1<<62)
		return int64(n), err
	}
	var err error
	if f.Action, err = text("action", 64); err != nil {
		return f, err
	}
	if f.ActorID, err = id("actor_id"); err != nil {
		return f, err
	}
	if f.PersonID, err = id("person_id"); err != nil {
		return f, err
	}
	if f.DepartmentID, err = id("department_id"); err != nil {
		return f, err
	}
	if f.BeforeID, err = id("before_id"); err != nil {
		return f, err
	}
	if f.Limit, err = queryInt(r, "limit", 100, 1, protocol.MaxTimelineLimit); err != nil {
		return f, err
	}
	if f.TargetType, err = text("target_type", 32); err != nil {
		return f, err
	}
	if f.TargetID, err = text("target_id", 64); err != nil {
		return f, err
	}
	if f.TargetID != "" && f.TargetType == "" {
		return f, apperr.BadField("target_id", "target_id needs target_type")
	}
	if q.Get("level") != "" {
		l, err := queryInt(r, "level", 0, 0, 3)
		if err != nil {
			return f, err
		}
		f.MinLevel = &l
	}
	switch o := q.Get("outcome"); o {
	case "", protocol.OutcomeOK, protocol.OutcomeDenied, protocol.OutcomeFailed:
		f.Outcome = o
	default:
		return f, apperr.BadField("outcome", "outcome must be ok, denied or failed")
	}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, apperr.BadField(name, "%s must be an RFC 3339 time such as 2026-11-23T09:00:00+08:00", name)
			}
			*dst = t
		}
	}
	return f, nil
}

// auditEvents pages through the trail, newest first, with the console's filters.
func (a *API) auditEvents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	f, err := auditFilter(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.Events(r.Context(), principalFrom(r.Context()).User, f)
	return http.StatusOK, out, err
}

func (a *API) auditTimeline(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	f, err := auditFilter(r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.Timeline(r.Context(), principalFrom(r.Context()).User, id, f)
	return http.StatusOK, out, err
}

// blobIDForm is a blob id: 32 lowercase hex digits.
var blobIDForm = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (a *API) auditFileTrace(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("blob_id")
	if !blobIDForm.MatchString(id) {
		return 0, nil, apperr.BadField("blob_id", "blob_id must be 32 lowercase hex digits")
	}
	out, err := a.console.FileTrace(r.Context(), principalFrom(r.Context()).User, id)
	return http.StatusOK, out, err
}

func (a *API) auditMessageTrace(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ch, err := pathID(r, "channel_id")
	if err != nil {
		return 0, nil, err
	}
	seq, err := pathID(r, "seq")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.MessageTrace(r.Context(), principalFrom(r.Context()).User, ch, seq)
	return http.StatusOK, out, err
}

func (a *API) auditNoticeReaders(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.NoticeReaders(r.Context(), principalFrom(r.Context()).User, id)
	return http.StatusOK, out, err
}

func (a *API) auditAlerts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	state := store.AlertState(r.URL.Query().Get("state"))
	switch state {
	case "":
		state = store.AlertsOpen
	case store.AlertsOpen, store.AlertsAcked, store.AlertsAll:
	default:
		return 0, nil, apperr.BadField("state", "state must be open, acked or all")
	}
	before, err := queryInt(r, "before_id", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.Alerts(r.Context(), principalFrom(r.Context()).User, state, int64(before), limit)
	return http.StatusOK, out, err
}

func (a *API) auditAckAlert(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.AlertAck](w, r)
	if err != nil {
		return 0, nil, err
	}
	note, err := textcheck.Field("note", req.Note, protocol.MaxAlertNoteRunes, true, true)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.console.Ack(r.Context(), principalFrom(r.Context()).User, id, note)
	return http.StatusOK, out, err
}

// auditExport streams the trail as CSV for an inspection; recorded before the first
// byte.
func (a *API) auditExport(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	caseNo, err := textcheck.Field("case_number", r.URL.Query().Get("case_number"), protocol.MaxAuditCaseNumberRunes, true, false)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	x, err := a.console.BeginExport(r.Context(), principalFrom(r.Context()).User, f, caseNo)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s-%s.csv"`,
		safeFileName(caseNo), a.now().In(notice.Beijing()).Format("20060102")))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	// The answer has begun: a failure now can only cut the stream short (and is logged).
	if err := x.WriteTo(r.Context(), w); err != nil {
		a.log.Warn("audit export cut short", "request_id", reqinfo.From(r.Context()).ID, "err", err)
	}
}

// safeFileName keeps the characters of s a file name may safely carry.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
