package org

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"govchat/internal/account"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Tx is the part of the store the org service calls inside a transaction.
type Tx interface {
	CreateDepartment(ctx context.Context, d *store.Department) error
	GetDepartment(ctx context.Context, id int64) (store.Department, error)
	UpdateDepartment(ctx context.Context, d store.Department) error
	DeleteDepartment(ctx context.Context, id int64) error
	ListDepartments(ctx context.Context) ([]store.Department, error)
	CreatePartyOrg(ctx context.Context, p *store.PartyOrg) error
	GetPartyOrg(ctx context.Context, id int64) (store.PartyOrg, error)
	UpdatePartyOrg(ctx context.Context, p store.PartyOrg) error
	DeletePartyOrg(ctx context.Context, id int64) error
	ListPartyOrgs(ctx context.Context) ([]store.PartyOrg, error)
	ListDeptMemberships(ctx context.Context) ([]store.DeptMembership, error)
	SetUserDepartments(ctx context.Context, userID int64, ms []store.DeptMembership) error
	SetPartyMembership(ctx context.Context, userID int64, m *store.PartyMembership) error
	CreateUser(ctx context.Context, u *store.User) error
	GetUserByUsername(ctx context.Context, username string) (store.User, error)
	UpdateUser(ctx context.Context, u store.User) error
	audit.Appender
}

// Store is the part of the store the org service is given: what it calls outside a
// transaction, and transactions that see only Tx (store.Narrow makes one).
type Store interface {
	GetUserByUsername(ctx context.Context, username string) (store.User, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service changes the trees. Each change and its audit entry commit together.
type Service struct {
	store  Store
	hasher account.Hasher
	audit  *audit.Recorder
	now    func() time.Time
}

// New returns a Service.
func New(s Store, h account.Hasher, rec *audit.Recorder, now func() time.Time) *Service {
	return &Service{store: s, hasher: h, audit: rec, now: now}
}

const maxNameRunes = 64

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", apperr.BadField("name", "name is required")
	}
	if strings.ContainsAny(name, "/／") {
		return "", apperr.BadField("name", "name must not contain '/', which separates path segments")
	}
	return name, account.CheckText("name", name, maxNameRunes)
}

func event(actor account.Actor, action, targetType string, id int64, detail map[string]any) audit.Event {
	return audit.Event{ActorID: actor.ID, ActorName: actor.Name, Action: action, TargetType: targetType, TargetID: strconv.FormatInt(id, 10), Detail: detail}
}

// CreateDepartment adds a department under req.ParentID (0 for the top).
func (s *Service) CreateDepartment(ctx context.Context, actor account.Actor, req protocol.DepartmentRequest) (store.Department, error) {
	name, err := checkName(req.Name)
	if err != nil {
		return store.Department{}, err
	}
	d := store.Department{Name: name, ParentID: req.ParentID, SortOrder: req.SortOrder, CreatedAt: s.now()}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if d.ParentID != 0 {
			if _, err := tx.GetDepartment(ctx, d.ParentID); err != nil {
				return apperr.BadField("parent_id", "parent department %d does not exist", d.ParentID)
			}
		}
		if err := tx.CreateDepartment(ctx, &d); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.DeptCreated, "department", d.ID, map[string]any{"parent_id": d.ParentID}))
	})
	if err != nil {
		return store.Department{}, fmt.Errorf("org: create department: %w", err)
	}
	return d, nil
}

// UpdateDepartment renames, moves or re-sorts a department.
func (s *Service) UpdateDepartment(ctx context.Context, actor account.Actor, id int64, req protocol.DepartmentRequest) (store.Department, error) {
	name, err := checkName(req.Name)
	if err != nil {
		return store.Department{}, err
	}
	var d store.Department
	err = s.store.InTx(ctx, func(tx Tx) error {
		if d, err = tx.GetDepartment(ctx, id); err != nil {
			return err
		}
		if req.ParentID != 0 {
			if _, err := tx.GetDepartment(ctx, req.ParentID); err != nil {
				return apperr.BadField("parent_id", "parent department %d does not exist", req.ParentID)
			}
		}
		d.Name, d.ParentID, d.SortOrder = name, req.ParentID, req.SortOrder
		if err := tx.UpdateDepartment(ctx, d); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.DeptUpdated, "department", id, map[string]any{"parent_id": d.ParentID}))
	})
	if err != nil {
		return store.Department{}, fmt.Errorf("org: update department %d: %w", id, err)
	}
	return d, nil
}

// DeleteDepartment removes an empty department.
func (s *Service) DeleteDepartment(ctx context.Context, actor account.Actor, id int64) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeleteDepartment(ctx, id); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.DeptDeleted, "department", id, nil))
	})
	if err != nil {
		return fmt.Errorf("org: delete department %d: %w", id, err)
	}
	return nil
}

// checkPartyShape enforces branch-at-the-top, group-inside-a-branch.
func checkPartyShape(ctx context.Context, tx Tx, kind store.PartyOrgKind, parentID int64) error {
	switch kind {
	case store.PartyBranch:
		if parentID != 0 {
			return apperr.BadField("parent_id", "a party branch (党支部) sits at the top of the party tree")
		}
	case store.PartyGroup:
		if parentID == 0 {
			return apperr.BadField("parent_id", "a party group (党小组) belongs to a party branch")
		}
		parent, err := tx.GetPartyOrg(ctx, parentID)
		if err != nil || parent.Kind != store.PartyBranch {
			return apperr.BadField("parent_id", "party organisation %d is not a party branch", parentID)
		}
	default:
		return apperr.BadField("kind", "kind must be branch or group")
	}
	return nil
}

// CreatePartyOrg adds a party branch or group.
func (s *Service) CreatePartyOrg(ctx context.Context, actor account.Actor, req protocol.PartyOrgRequest) (store.PartyOrg, error) {
	name, err := checkName(req.Name)
	if err != nil {
		return store.PartyOrg{}, err
	}
	p := store.PartyOrg{Name: name, Kind: store.PartyOrgKind(req.Kind), ParentID: req.ParentID, SortOrder: req.SortOrder, CreatedAt: s.now()}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := checkPartyShape(ctx, tx, p.Kind, p.ParentID); err != nil {
			return err
		}
		if err := tx.CreatePartyOrg(ctx, &p); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.PartyOrgCreated, "party_org", p.ID, map[string]any{"kind": p.Kind}))
	})
	if err != nil {
		return store.PartyOrg{}, fmt.Errorf("org: create party org: %w", err)
	}
	return p, nil
}

// UpdatePartyOrg renames, moves or re-sorts a party organisation. Its kind is fixed.
func (s *Service) UpdatePartyOrg(ctx context.Context, actor account.Actor, id int64, req protocol.PartyOrgRequest) (store.PartyOrg, error) {
	name, err := checkName(req.Name)
	if err != nil {
		return store.PartyOrg{}, err
	}
	var p store.PartyOrg
	err = s.store.InTx(ctx, func(tx Tx) error {
		if p, err = tx.GetPartyOrg(ctx, id); err != nil {
			return err
		}
		if req.Kind != "" && store.PartyOrgKind(req.Kind) != p.Kind {
			return apperr.BadField("kind", "the kind of a party organisation cannot change")
		}
		if err := checkPartyShape(ctx, tx, p.Kind, req.ParentID); err != nil {
			return err
		}
		p.Name, p.ParentID, p.SortOrder = name, req.ParentID, req.SortOrder
		if err := tx.UpdatePartyOrg(ctx, p); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.PartyOrgUpdated, "party_org", id, nil))
	})
	if err != nil {
		return store.PartyOrg{}, fmt.Errorf("org: update party org %d: %w", id, err)
	}
	return p, nil
}

// DeletePartyOrg removes an empty party organisation.
func (s *Service) DeletePartyOrg(ctx context.Context, actor account.Actor, id int64) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeletePartyOrg(ctx, id); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(actor, audit.PartyOrgDeleted, "party_org", id, nil))
	})
	if err != nil {
		return fmt.Errorf("org: delete party org %d: %w", id, err)
	}
	return nil
}
