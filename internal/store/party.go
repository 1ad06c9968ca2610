package store

import (
	"context"
	"database/sql"
	"fmt"
)

func validKind(k PartyOrgKind) bool { return k == PartyBranch || k == PartyGroup }

// CreatePartyOrg inserts p and sets p.ID and p.CreatedAt (when zero). The rules are
// the departments' (see tree.go): unique names among siblings, parent must exist.
func (s *DB) CreatePartyOrg(ctx context.Context, p *PartyOrg) error {
	if !validKind(p.Kind) {
		return fmt.Errorf("store: create party org %q: unknown kind %q", p.Name, p.Kind)
	}
	t := partyOrgTree()
	created := s.stamp(p.CreatedAt)
	var id int64
	err := s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, t.lock); err != nil {
			return err
		}
		if err := tx.checkParent(ctx, t, 0, p.ParentID); err != nil {
			return fmt.Errorf("store: create party org %q: %w", p.Name, err)
		}
		err := tx.queryRow(ctx, `INSERT INTO party_orgs (parent_id, name, kind, sort_order, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			nullID(p.ParentID), p.Name, string(p.Kind), p.SortOrder, toMillis(created)).Scan(&id)
		if err != nil {
			return tx.fail(err, "create party org %q", p.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt = id, created
	return nil
}

func scanPartyOrg(row scanner) (PartyOrg, error) {
	var p PartyOrg
	var parent sql.NullInt64
	var kind string
	var created int64
	if err := row.Scan(&p.ID, &parent, &p.Name, &kind, &p.SortOrder, &created); err != nil {
		return PartyOrg{}, err
	}
	p.ParentID, p.Kind, p.CreatedAt = parent.Int64, PartyOrgKind(kind), fromMillis(created)
	return p, nil
}

func (s *DB) GetPartyOrg(ctx context.Context, id int64) (PartyOrg, error) {
	p, err := scanPartyOrg(s.queryRow(ctx, `SELECT id, parent_id, name, kind, sort_order, created_at FROM party_orgs WHERE id = ?`, id))
	if err != nil {
		return PartyOrg{}, s.fail(err, "get party org %d", id)
	}
	return p, nil
}

// UpdatePartyOrg writes name, kind, parent and sort order; ErrConflict on a cycle.
func (s *DB) UpdatePartyOrg(ctx context.Context, p PartyOrg) error {
	if !validKind(p.Kind) {
		return fmt.Errorf("store: update party org %d: unknown kind %q", p.ID, p.Kind)
	}
	t := partyOrgTree()
	return s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, t.lock); err != nil {
			return err
		}
		if err := tx.nodeExists(ctx, t, p.ID); err != nil {
			return fmt.Errorf("store: update: %w", err)
		}
		if err := tx.checkParent(ctx, t, p.ID, p.ParentID); err != nil {
			return fmt.Errorf("store: update party org %d: %w", p.ID, err)
		}
		err := tx.execOne(ctx, `UPDATE party_orgs SET parent_id = ?, name = ?, kind = ?, sort_order = ? WHERE id = ?`,
			nullID(p.ParentID), p.Name, string(p.Kind), p.SortOrder, p.ID)
		if err != nil {
			return tx.fail(err, "update party org %d", p.ID)
		}
		return nil
	})
}

// DeletePartyOrg is ErrConflict while the organisation has children or members.
func (s *DB) DeletePartyOrg(ctx context.Context, id int64) error {
	return s.deleteNode(ctx, partyOrgTree(), id)
}

// ListPartyOrgs returns every party organisation, ordered like ListDepartments.
func (s *DB) ListPartyOrgs(ctx context.Context) ([]PartyOrg, error) {
	rows, err := s.query(ctx, `SELECT id, parent_id, name, kind, sort_order, created_at FROM party_orgs
		ORDER BY coalesce(parent_id, 0), sort_order, id`)
	if err != nil {
		return nil, s.fail(err, "list party orgs")
	}
	defer rows.Close()
	var ps []PartyOrg
	for rows.Next() {
		p, err := scanPartyOrg(rows)
		if err != nil {
			return nil, s.fail(err, "list party orgs")
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list party orgs")
	}
	return ps, nil
}
