package httpapi

import (
	"errors"
	"mime"
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/org"
	"govchat/internal/orgimport"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

func (a *API) createDepartment(w http.ResponseWriter, r *http.Request) {
	var req protocol.DepartmentRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	d, err := a.org.CreateDepartment(r.Context(), actorOf(r), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.writeDepartment(w, r, http.StatusCreated, d.ID)
}

func (a *API) updateDepartment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.DepartmentRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if _, err := a.org.UpdateDepartment(r.Context(), actorOf(r), id, req); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.writeDepartment(w, r, http.StatusOK, id)
}

func (a *API) writeDepartment(w http.ResponseWriter, r *http.Request, status int, id int64) {
	ds, err := a.store.ListDepartments(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	t := org.DeptTree(ds)
	d, ok := t.Get(id)
	if !ok {
		a.writeError(w, r, apperr.New(protocol.CodeNotFound, "no such department"))
		return
	}
	writeJSON(w, status, toDepartment(d, t))
}

func (a *API) deleteDepartment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.org.DeleteDepartment(r.Context(), actorOf(r), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) createPartyOrg(w http.ResponseWriter, r *http.Request) {
	var req protocol.PartyOrgRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	p, err := a.org.CreatePartyOrg(r.Context(), actorOf(r), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.writePartyOrg(w, r, http.StatusCreated, p.ID)
}

func (a *API) updatePartyOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.PartyOrgRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if _, err := a.org.UpdatePartyOrg(r.Context(), actorOf(r), id, req); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.writePartyOrg(w, r, http.StatusOK, id)
}

func (a *API) writePartyOrg(w http.ResponseWriter, r *http.Request, status int, id int64) {
	ps, err := a.store.ListPartyOrgs(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	t := org.PartyTree(ps)
	p, ok := t.Get(id)
	if !ok {
		a.writeError(w, r, apperr.New(protocol.CodeNotFound, "no such party organisation"))
		return
	}
	writeJSON(w, status, toPartyOrg(p, t))
}

func (a *API) deletePartyOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.org.DeletePartyOrg(r.Context(), actorOf(r), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	w.WriteHeader(http.StatusNoContent)
}

// importOrg takes a CSV body (text/csv) and applies it whole or not at all.
func (a *API) importOrg(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/csv" && mt != "application/csv" && mt != "text/plain" && mt != "application/vnd.ms-excel") {
			a.writeError(w, r, apperr.New(protocol.CodeUnsupportedMedia, "send the file as text/csv"))
			return
		}
	}
	limits := orgimport.DefaultLimits()
	plan, rows, err := orgimport.Parse(http.MaxBytesReader(w, r.Body, limits.MaxBytes+1), limits)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.Is(err, orgimport.ErrTooLarge) || errors.As(err, &tooBig) {
			a.writeError(w, r, apperr.New(protocol.CodeTooLarge, "the file is larger than %d bytes", limits.MaxBytes))
			return
		}
		a.writeError(w, r, &apperr.Error{Code: protocol.CodeImportInvalid, Message: err.Error(), Err: err})
		return
	}
	if len(rows) > 0 {
		a.writeError(w, r, &apperr.Error{Code: protocol.CodeImportInvalid, Message: "some rows are invalid; nothing was imported", Rows: rows})
		return
	}
	res, err := a.org.Import(r.Context(), actorOf(r), plan, a.auth, r.URL.Query().Get("dry_run") == "true")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if !res.DryRun {
		a.syncOrg(r)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
}

// syncOrg brings department and party channels in line with the org tree after an
// administrative change. The change has committed either way; a failed sync is logged
// and made good by the server's periodic sync.
func (a *API) syncOrg(r *http.Request) {
	if a.chat == nil {
		return
	}
	if err := a.chat.SyncOrgChannels(r.Context()); err != nil {
		a.log.Error("org channel sync failed", "request_id", reqinfo.From(r.Context()).ID, "err", err)
	}
}
