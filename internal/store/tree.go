package store

import (
	"context"
	"fmt"
)

// tree describes one of the two hierarchies (departments, party organisations) so
// the rules they share are written once: a parent must exist, a move must not make
// a cycle, and a node with children or members cannot be deleted.
type tree struct {
	table     string  // departments, party_orgs
	noun      string  // for messages
	members   string  // table placing users in a node
	memberCol string  // its column naming the node
	lock      lockKey // serialises structural changes across nodes
}

// Functions rather than package variables, so nothing shared can be reassigned.
func departmentTree() tree {
	return tree{table: "departments", noun: "department", members: "user_departments", memberCol: "department_id", lock: lockDepartments}
}

func partyOrgTree() tree {
	return tree{table: "party_orgs", noun: "party org", members: "party_members", memberCol: "party_org_id", lock: lockPartyOrgs}
}

// nodeExists reports ErrNotFound (wrapped) unless node id exists.
func (s *DB) nodeExists(ctx context.Context, t tree, id int64) error {
	var one int
	if err := s.queryRow(ctx, `SELECT 1 FROM `+t.table+` WHERE id = ?`, id).Scan(&one); err != nil {
		return s.fail(err, "%s %d", t.noun, id)
	}
	return nil
}

// checkParent validates parent for node id (0 for a node being created). Moving a
// node under itself or one of its descendants is ErrConflict. The caller holds t.lock
// so two concurrent moves cannot together make a cycle that neither sees.
func (s *DB) checkParent(ctx context.Context, t tree, id, parent int64) error {
	if parent == 0 {
		return nil
	}
	if id != 0 && parent == id {
		return fmt.Errorf("store: %s %d cannot be its own parent: %w", t.noun, id, ErrConflict)
	}
	if err := s.nodeExists(ctx, t, parent); err != nil {
		return fmt.Errorf("store: parent of %s: %w", t.noun, err)
	}
	if id == 0 {
		return nil
	}
	// Walk up from the proposed parent; meeting id means parent is below it.
	var n int
	err := s.queryRow(ctx, `WITH RECURSIVE up (id, parent_id) AS (
			SELECT id, parent_id FROM `+t.table+` WHERE id = ?
			UNION
			SELECT n.id, n.parent_id FROM `+t.table+` n JOIN up ON n.id = up.parent_id
		)
		SELECT count(*) FROM up WHERE id = ?`, parent, id).Scan(&n)
	if err != nil {
		return s.fail(err, "check ancestry of %s %d", t.noun, id)
	}
	if n > 0 {
		return fmt.Errorf("store: moving %s %d under %d would make a cycle: %w", t.noun, id, parent, ErrConflict)
	}
	return nil
}

// deleteNode removes a leaf without members. The explicit checks give a clear
// error; the RESTRICT foreign keys still catch a member added concurrently.
func (s *DB) deleteNode(ctx context.Context, t tree, id int64) error {
	return s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, t.lock); err != nil {
			return err
		}
		if err := tx.nodeExists(ctx, t, id); err != nil {
			return fmt.Errorf("store: delete: %w", err)
		}
		var children, members int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM `+t.table+` WHERE parent_id = ?`, id).Scan(&children); err != nil {
			return tx.fail(err, "delete %s %d", t.noun, id)
		}
		if children > 0 {
			return fmt.Errorf("store: delete %s %d: it has %d children: %w", t.noun, id, children, ErrConflict)
		}
		if err := tx.queryRow(ctx, `SELECT count(*) FROM `+t.members+` WHERE `+t.memberCol+` = ?`, id).Scan(&members); err != nil {
			return tx.fail(err, "delete %s %d", t.noun, id)
		}
		if members > 0 {
			return fmt.Errorf("store: delete %s %d: it has %d members: %w", t.noun, id, members, ErrConflict)
		}
		if err := tx.execOne(ctx, `DELETE FROM `+t.table+` WHERE id = ?`, id); err != nil {
			return tx.fail(err, "delete %s %d", t.noun, id)
		}
		return nil
	})
}
