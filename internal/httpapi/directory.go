package httpapi

import (
	"net/http"
	"strings"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// orgTree returns both trees to any logged-in user: the directory is shared knowledge
// inside the organisation.
func (a *API) orgTree(w http.ResponseWriter, r *http.Request) {
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ds, err := a.store.ListDepartments(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ps, err := a.store.ListPartyOrgs(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := protocol.OrgTree{Departments: []protocol.Department{}, PartyOrgs: []protocol.PartyOrg{}}
	for _, d := range ds {
		out.Departments = append(out.Departments, toDepartment(d, m.depts))
	}
	for _, p := range ps {
		out.PartyOrgs = append(out.PartyOrgs, toPartyOrg(p, m.parties))
	}
	writeJSON(w, http.StatusOK, out)
}

// people lists the directory: ?q= matches username or name, ?department= limits to a
// department and, with ?sub=true, everything below it.
func (a *API) people(w http.ResponseWriter, r *http.Request) {
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
	out := protocol.People{People: []protocol.Person{}}
	for _, u := range users {
		if !u.Disabled {
			out.People = append(out.People, toPerson(u, m))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

const maxListLimit = 1000

func userFilter(r *http.Request) (store.UserFilter, error) {
	q := r.URL.Query()
	f := store.UserFilter{Query: strings.TrimSpace(q.Get("q"))}
	if len(f.Query) > 64 {
		return f, apperr.BadField("q", "search text is longer than 64 bytes")
	}
	if role := q.Get("role"); role != "" {
		f.Role = store.Role(role)
		if !f.Role.Valid() {
			return f, apperr.BadField("role", "unknown role %q", role)
		}
	}
	var err error
	if f.Limit, err = queryInt(r, "limit", 200, 1, maxListLimit); err != nil {
		return f, err
	}
	if f.Offset, err = queryInt(r, "offset", 0, 0, 1<<30); err != nil {
		return f, err
	}
	dept, err := queryInt(r, "department", 0, 1, 1<<62)
	if err != nil {
		return f, err
	}
	f.DepartmentID = int64(dept)
	return f, nil
}

// listWithMemberships lists users, widening a department filter to its sub-departments
// when ?sub=true.
func (a *API) listWithMemberships(r *http.Request, f store.UserFilter) ([]store.User, memberships, error) {
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		return nil, m, err
	}
	if f.DepartmentID == 0 || r.URL.Query().Get("sub") != "true" {
		users, err := a.store.ListUsers(r.Context(), f)
		return users, m, err
	}
	// Sub-departments: filter in memory over the membership snapshot, which is one
	// query however deep the tree is.
	in := map[int64]bool{}
	for _, id := range m.depts.Descendants(f.DepartmentID) {
		in[id] = true
	}
	limit, offset := f.Limit, f.Offset
	f.DepartmentID, f.Limit, f.Offset = 0, 0, 0
	all, err := a.store.ListUsers(r.Context(), f)
	if err != nil {
		return nil, m, err
	}
	var users []store.User
	for _, u := range all {
		for _, dm := range m.deptOf[u.ID] {
			if in[dm.DepartmentID] {
				users = append(users, u)
				break
			}
		}
	}
	if offset > len(users) {
		offset = len(users)
	}
	users = users[offset:]
	if limit > 0 && limit < len(users) {
		users = users[:limit]
	}
	return users, m, nil
}
