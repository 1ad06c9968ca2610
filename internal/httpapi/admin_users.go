package httpapi

import (
	"net/http"

	"govchat/internal/account"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/store"
	"govchat/protocol"
)

func actorOf(r *http.Request) account.Actor {
	p := principalFrom(r.Context())
	return account.Actor{ID: p.User.ID, Name: p.User.Username}
}

// recordDenied puts a refused privileged request in the trail: probing for admin
// endpoints is exactly what a security officer wants to see.
func (a *API) recordDenied(r *http.Request, p auth.Principal, perm authz.Permission) {
	_ = a.audit.Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.AccessDenied,
		TargetType: "endpoint", TargetID: r.Method + " " + r.URL.Path, Outcome: audit.Denied, Detail: map[string]any{"permission": perm}})
}

func (a *API) listUsers(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	f, err := userFilter(r)
	if err != nil {
		return 0, nil, err
	}
	users, m, err := a.listWithMemberships(r, f)
	if err != nil {
		return 0, nil, err
	}
	out := protocol.UserList{Users: []protocol.User{}}
	now := a.now()
	for _, u := range users {
		out.Users = append(out.Users, toAdminUser(u, m, now))
	}
	return http.StatusOK, out, nil
}

// adminUser is one user as administrators see it, with a one-time password when one
// was just made (and then the answer must not be cached).
func (a *API) adminUser(w http.ResponseWriter, r *http.Request, status int, u store.User, oneTime string) (int, any, error) {
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		return 0, nil, err
	}
	if oneTime != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	return status, protocol.UserWithPassword{User: toAdminUser(u, m, a.now()), OneTimePassword: oneTime}, nil
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	u, err := a.store.GetUser(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CreateUserRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	u, oneTime, err := a.accounts.Create(r.Context(), actorOf(r), req)
	if err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.adminUser(w, r, http.StatusCreated, u, oneTime)
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.UpdateUserRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	u, err := a.accounts.Update(r.Context(), actorOf(r), id, req)
	if err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	return a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) setMemberships(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.MembershipsRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.accounts.SetMemberships(r.Context(), actorOf(r), id, req); err != nil {
		return 0, nil, err
	}
	a.syncOrg(r)
	u, err := a.store.GetUser(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	// No body (the usual case): a one-time password; a body may carry a credential.
	var req protocol.ResetPasswordRequest
	if r.ContentLength != 0 {
		if req, err = bodyOf[protocol.ResetPasswordRequest](w, r); err != nil {
			return 0, nil, err
		}
	}
	u, oneTime, err := a.accounts.ResetPassword(r.Context(), actorOf(r), id, req.Credential)
	if err != nil {
		return 0, nil, err
	}
	return a.adminUser(w, r, http.StatusOK, u, oneTime)
}

func (a *API) resetTOTP(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.accounts.ResetTOTP(r.Context(), actorOf(r), id)
}
