package httpapi

import (
	"context"
	"time"

	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// memberships is a snapshot of both trees and everyone's place in them, loaded once per
// request that needs to describe people.
type memberships struct {
	depts   org.Tree[store.Department]
	parties org.Tree[store.PartyOrg]
	deptOf  map[int64][]store.DeptMembership
	partyOf map[int64]store.PartyMembership
}

// orgReader is what loadMemberships reads.
type orgReader interface {
	ListDepartments(ctx context.Context) ([]store.Department, error)
	ListPartyOrgs(ctx context.Context) ([]store.PartyOrg, error)
	ListDeptMemberships(ctx context.Context) ([]store.DeptMembership, error)
	ListPartyMemberships(ctx context.Context) ([]store.PartyMembership, error)
}

func loadMemberships(ctx context.Context, s orgReader) (memberships, error) {
	ds, err := s.ListDepartments(ctx)
	if err != nil {
		return memberships{}, err
	}
	ps, err := s.ListPartyOrgs(ctx)
	if err != nil {
		return memberships{}, err
	}
	dms, err := s.ListDeptMemberships(ctx)
	if err != nil {
		return memberships{}, err
	}
	pms, err := s.ListPartyMemberships(ctx)
	if err != nil {
		return memberships{}, err
	}
	m := memberships{depts: org.DeptTree(ds), parties: org.PartyTree(ps), deptOf: map[int64][]store.DeptMembership{}, partyOf: map[int64]store.PartyMembership{}}
	for _, dm := range dms {
		m.deptOf[dm.UserID] = append(m.deptOf[dm.UserID], dm)
	}
	for _, pm := range pms {
		m.partyOf[pm.UserID] = pm
	}
	return m, nil
}

func (m memberships) userDepts(userID int64) []protocol.UserDept {
	out := []protocol.UserDept{}
	for _, dm := range m.deptOf[userID] {
		out = append(out, protocol.UserDept{DepartmentID: dm.DepartmentID, Primary: dm.Primary})
	}
	return out
}

func (m memberships) userParty(userID int64) *protocol.UserParty {
	pm, ok := m.partyOf[userID]
	if !ok {
		return nil
	}
	return &protocol.UserParty{PartyOrgID: pm.PartyOrgID, PartyRole: pm.PartyRole}
}

func toAdminUser(u store.User, m memberships, now time.Time) protocol.User {
	out := protocol.User{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Title: u.Title, Position: u.Position,
		Role: string(u.Role), Phone: u.Phone, Email: u.Email, Disabled: u.Disabled, TOTPEnabled: u.TOTPEnabled,
		MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt,
		Departments: m.userDepts(u.ID), Party: m.userParty(u.ID),
	}
	if u.LockedUntil.After(now) {
		t := u.LockedUntil
		out.LockedUntil = &t
	}
	return out
}

func toPerson(u store.User, m memberships) protocol.Person {
	return protocol.Person{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Title: u.Title, Position: u.Position,
		Phone: u.Phone, Departments: m.userDepts(u.ID), Party: m.userParty(u.ID)}
}

func toDepartment(d store.Department, t org.Tree[store.Department]) protocol.Department {
	return protocol.Department{ID: d.ID, ParentID: d.ParentID, Name: d.Name, Path: t.Path(d.ID), SortOrder: d.SortOrder}
}

func toPartyOrg(p store.PartyOrg, t org.Tree[store.PartyOrg]) protocol.PartyOrg {
	return protocol.PartyOrg{ID: p.ID, ParentID: p.ParentID, Name: p.Name, Kind: string(p.Kind), Path: t.Path(p.ID), SortOrder: p.SortOrder}
}
