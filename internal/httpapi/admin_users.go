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

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	f, err := userFilter(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	users, m, err := a.listWithMemberships(r, f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := protocol.UserList{Users: []protocol.User{}}
	now := a.now()
	for _, u := range users {
		out.Users = append(out.Users, toAdminUser(u, m, now))
	}
	writeJSON(w, http.StatusOK, out)
}

// adminUser answers with one user as administrators see it.
func (a *API) adminUser(w http.ResponseWriter, r *http.Request, status int, u store.User, oneTime string) {
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if oneTime != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, status, protocol.UserWithPassword{User: toAdminUser(u, m, a.now()), OneTimePassword: oneTime})
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	u, err := a.store.GetUser(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	var req protocol.CreateUserRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	u, oneTime, err := a.accounts.Create(r.Context(), actorOf(r), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.adminUser(w, r, http.StatusCreated, u, oneTime)
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.UpdateUserRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	u, err := a.accounts.Update(r.Context(), actorOf(r), id, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) setMemberships(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var req protocol.MembershipsRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.accounts.SetMemberships(r.Context(), actorOf(r), id, req); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.syncOrg(r)
	u, err := a.store.GetUser(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.adminUser(w, r, http.StatusOK, u, "")
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	u, oneTime, err := a.accounts.ResetPassword(r.Context(), actorOf(r), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.adminUser(w, r, http.StatusOK, u, oneTime)
}

func (a *API) resetTOTP(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.accounts.ResetTOTP(r.Context(), actorOf(r), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
