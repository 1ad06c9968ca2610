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

func (a *API) createDepartment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.DepartmentRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	d, err := a.org.CreateDepartment(r.Context(), actorOf(r), req)
	if err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.department(r, http.StatusCreated, d.ID)
}

func (a *API) updateDepartment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.DepartmentRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.org.UpdateDepartment(r.Context(), actorOf(r), id, req); err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.department(r, http.StatusOK, id)
}

// department answers with one department and its path.
func (a *API) department(r *http.Request, status int, id int64) (int, any, error) {
	ds, err := a.store.ListDepartments(r.Context())
	if err != nil {
		return 0, nil, err
	}
	t := org.DeptTree(ds)
	d, ok := t.Get(id)
	if !ok {
		return 0, nil, apperr.New(protocol.CodeNotFound, "no such department")
	}
	return status, toDepartment(d, t), nil
}

func (a *API) deleteDepartment(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if err := a.org.DeleteDepartment(r.Context(), actorOf(r), id); err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return http.StatusNoContent, nil, nil
}

func (a *API) createPartyOrg(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PartyOrgRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	p, err := a.org.CreatePartyOrg(r.Context(), actorOf(r), req)
	if err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.partyOrg(r, http.StatusCreated, p.ID)
}

func (a *API) updatePartyOrg(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.PartyOrgRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.org.UpdatePartyOrg(r.Context(), actorOf(r), id, req); err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.partyOrg(r, http.StatusOK, id)
}

// partyOrg answers with one party organisation and its path.
func (a *API) partyOrg(r *http.Request, status int, id int64) (int, any, error) {
	ps, err := a.store.ListPartyOrgs(r.Context())
	if err != nil {
		return 0, nil, err
	}
	t := org.PartyTree(ps)
	p, ok := t.Get(id)
	if !ok {
		return 0, nil, apperr.New(protocol.CodeNotFound, "no such party organisation")
	}
	return status, toPartyOrg(p, t), nil
}

func (a *API) deletePartyOrg(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if err := a.org.DeletePartyOrg(r.Context(), actorOf(r), id); err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return http.StatusNoContent, nil, nil
}

// importOrg takes a CSV body (text/csv) and applies it whole or not at all.
func (a *API) importOrg(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/csv" && mt != "application/csv" && mt != "text/plain" && mt != "application/vnd.ms-excel") {
			return 0, nil, apperr.New(protocol.CodeUnsupportedMedia, "send the file as text/csv")
		}
	}
	limits := orgimport.DefaultLimits()
	plan, rows, err := orgimport.Parse(http.MaxBytesReader(w, r.Body, limits.MaxBytes+1), limits)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.Is(err, orgimport.ErrTooLarge) || errors.As(err, &tooBig) {
			return 0, nil, apperr.New(protocol.CodeTooLarge, "the file is larger than %d bytes", limits.MaxBytes)
		}
		return 0, nil, &apperr.Error{Code: protocol.CodeImportInvalid, Message: err.Error(), Err: err}
	}
	if len(rows) > 0 {
		return 0, nil, &apperr.Error{Code: protocol.CodeImportInvalid, Message: "some rows are invalid; nothing was imported", Rows: rows}
	}
	res, err := a.org.Import(r.Context(), actorOf(r), plan, a.auth, r.URL.Query().Get("dry_run") == "true")
	if err != nil {
		return 0, nil, err
	}
	if !res.DryRun {
		a.syncOrg(r)
	}
	w.Header().Set("Cache-Control", "no-store")
	return http.StatusOK, res, nil
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
