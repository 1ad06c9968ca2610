package httpapi

import (
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/recovery"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// Key recovery (PROTOCOL.md §4.23).

func requesterOf(r *http.Request) recovery.Requester {
	p := principalFrom(r.Context())
	info := reqinfo.From(r.Context())
	return recovery.Requester{User: p.User, SessionID: p.Session.ID, IP: info.IP, UserAgent: info.UserAgent}
}

func (a *API) recoveryKey(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.recovery.RecoveryKey(r.Context())
	return http.StatusOK, out, err
}

func (a *API) setRecoveryKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.SetAccountRecoveryKeyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.SetRecoveryKey(r.Context(), principalFrom(r.Context()).User, req)
	return http.StatusOK, out, err
}

func (a *API) createKeyRecovery(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if a.preloginLimit != nil {
		ok, wait, err := a.preloginLimit.Allow(r.Context(), "recovery:"+reqinfo.From(r.Context()).IP)
		if err != nil {
			a.log.Warn("recovery rate limiter unavailable", "err", err)
			ok = true
		}
		if !ok {
			e := apperr.New(protocol.CodeRateLimited, "too many key recoveries asked for from this address")
			e.RetryAfter = wait
			return 0, nil, e
		}
	}
	req, err := bodyOf[protocol.CreateKeyRecoveryRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Create(r.Context(), requesterOf(r), req)
	return http.StatusCreated, out, err
}

func (a *API) getKeyRecovery(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Get(r.Context(), requesterOf(r), id)
	if err == nil && out.Sealed != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	return http.StatusOK, out, err
}

func (a *API) answerKeyRecovery(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.AnswerKeyRecoveryRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Answer(r.Context(), requesterOf(r), id, req)
	return http.StatusOK, out, err
}

func (a *API) declineKeyRecovery(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Decline(r.Context(), requesterOf(r), id)
	return http.StatusOK, out, err
}

func (a *API) listKeyRecoveries(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.recovery.List(r.Context(), principalFrom(r.Context()).User, r.URL.Query().Get("state"))
	if err != nil {
		return 0, nil, err
	}
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		return 0, nil, err
	}
	for i := range list {
		p := list[i].Person
		if p == nil {
			continue
		}
		for _, dm := range m.deptOf[p.ID] {
			path := m.depts.Path(dm.DepartmentID)
			if dm.Primary {
				p.Departments = append([]string{path}, p.Departments...)
			} else {
				p.Departments = append(p.Departments, path)
			}
		}
	}
	return http.StatusOK, protocol.KeyRecoveries{Recoveries: list}, nil
}

func (a *API) approveKeyRecovery(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.ApproveKeyRecoveryRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Approve(r.Context(), principalFrom(r.Context()).User, id, req)
	return http.StatusOK, out, err
}

func (a *API) rejectKeyRecovery(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, req, err := idAndBody[protocol.RejectKeyRecoveryRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.recovery.Reject(r.Context(), principalFrom(r.Context()).User, id, req)
	return http.StatusOK, out, err
}
