package httpapi

import (
	"net/http"

	"govchat/internal/auth"
	"govchat/protocol"
)

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	me, err := a.meOf(r, principalFrom(r.Context()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, me)
}

// meOf describes the principal with their places in both trees.
func (a *API) meOf(r *http.Request, p auth.Principal) (protocol.Me, error) {
	m, err := loadMemberships(r.Context(), a.store)
	if err != nil {
		return protocol.Me{}, err
	}
	u := p.User
	me := protocol.Me{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Title: u.Title, Position: u.Position,
		Role: string(u.Role), Departments: []protocol.MeDept{}, TOTPEnabled: u.TOTPEnabled,
		MustChangePassword: u.MustChangePassword, TOTPSetupRequired: p.Session.TOTPPending,
		KeyState: keyState(u.HasKey, u.KeyLocked),
	}
	for _, dm := range m.deptOf[u.ID] {
		d, _ := m.depts.Get(dm.DepartmentID)
		me.Departments = append(me.Departments, protocol.MeDept{ID: d.ID, Name: d.Name, Path: m.depts.Path(d.ID), Primary: dm.Primary})
	}
	if pm, ok := m.partyOf[u.ID]; ok {
		po, _ := m.parties.Get(pm.PartyOrgID)
		me.Party = &protocol.MePartyInfo{ID: po.ID, Name: po.Name, Path: m.parties.Path(po.ID), PartyRole: pm.PartyRole}
	}
	return me, nil
}

// keyState is Me.key_state (PROTOCOL.md §4.3).
func keyState(hasKey, locked bool) string {
	switch {
	case !hasKey:
		return protocol.KeyStateNone
	case locked:
		return protocol.KeyStateLocked
	}
	return protocol.KeyStateOK
}
