package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// The tamper-evident trail (PROTOCOL.md §4.8 "Proofs, checkpoints and bundles"): the
// trail's reach and checkpoints, one entry's inclusion proof and the signed bundle.
// Every route needs audit.read and is itself audited.

// recordTrail audits one read or export of the trail by the caller.
func (a *API) recordTrail(r *http.Request, action string, detail map[string]any) error {
	p := principalFrom(r.Context())
	return a.audit.Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: action,
		TargetType: "audit", Detail: detail})
}

func (a *API) auditStatus(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := a.trail.Status(r.Context())
	if err != nil {
		return 0, nil, err
	}
	if err := a.recordTrail(r, audit.AuditRead, map[string]any{"read": "status"}); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st, nil
}

func (a *API) auditCheckpoints(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, err := queryInt(r, "limit", 20, 1, 1000)
	if err != nil {
		return 0, nil, err
	}
	cs, err := a.trail.Checkpoints(r.Context(), limit)
	if err != nil {
		return 0, nil, err
	}
	if err := a.recordTrail(r, audit.AuditRead, map[string]any{"read": "checkpoints", "returned": len(cs)}); err != nil {
		return 0, nil, err
	}
	out := protocol.AuditCheckpoints{Checkpoints: []protocol.AuditCheckpoint{}}
	for _, c := range cs {
		out.Checkpoints = append(out.Checkpoints, audit.CheckpointJSON(c))
	}
	return http.StatusOK, out, nil
}

// auditLatestCheckpoint answers the signed note itself, as the auditor keeps it.
func (a *API) auditLatestCheckpoint(w http.ResponseWriter, r *http.Request) {
	c, err := a.trail.Latest(r.Context())
	if err == nil {
		err = a.recordTrail(r, audit.AuditRead, map[string]any{"read": "checkpoint", "size": c.Size})
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="govchat-audit-checkpoint-%d.txt"`, c.Size))
	_, _ = w.Write([]byte(c.Body))
}

func (a *API) auditProof(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.trail.Proof(r.Context(), id)
	if errors.Is(err, audit.ErrNotCheckpointed) {
		err = apperr.New(protocol.CodeConflict, "entry %d is not in a checkpoint yet; try again in a minute", id)
	}
	if err == nil {
		err = a.recordTrail(r, audit.TrailProof, map[string]any{"event_id": id, "tree_size": p.TreeSize})
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="govchat-audit-proof-%d.json"`, id))
	writeJSON(w, http.StatusOK, p)
}

// auditExportBundle streams the signed bundle of a range for a case. The export is
// audited before the first byte goes out: a bundle the trail does not record is never
// handed over.
func (a *API) auditExportBundle(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	caseNo, err := textcheck.Field("case_number", q.Get("case_number"), 64, true, false)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var since, until time.Time
	for name, dst := range map[string]*time.Time{"since": &since, "until": &until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				a.writeError(w, r, apperr.BadField(name, "%s must be an RFC 3339 time such as 2026-11-23T09:00:00+08:00", name))
				return
			}
			*dst = t
		}
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		a.writeError(w, r, apperr.BadField("until", "until must be after since"))
		return
	}
	p := principalFrom(r.Context())
	detail := map[string]any{"case_number": caseNo}
	if !since.IsZero() {
		detail["since"] = since.UTC().Format(time.RFC3339)
	}
	if !until.IsZero() {
		detail["until"] = until.UTC().Format(time.RFC3339)
	}
	if err := a.recordTrail(r, audit.TrailExported, detail); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="govchat-audit-%s.zip"`, a.now().Format("20060102-150405")))
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Minute)) // a year's trail takes longer than the server's write timeout
	m, err := a.trail.Export(r.Context(), audit.BundleRequest{Since: since, Until: until, CaseNumber: caseNo,
		OfficerID: p.User.ID, OfficerName: p.User.Username, At: a.now()}, w)
	if errors.Is(err, audit.ErrNothingToExport) {
		w.Header().Del("Content-Disposition")
		a.writeError(w, r, apperr.New(protocol.CodeNotFound, "no checkpointed audit entry lies in the range"))
		return
	}
	if err != nil {
		// Headers may be out; the bundle is cut short, which verify names.
		a.log.Error("audit bundle export failed", "err", err, "case", caseNo)
		return
	}
	a.log.Info("audit bundle exported", "entries", m.Count, "tree_size", m.TreeSize)
}
