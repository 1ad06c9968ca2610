package store

import (
	"context"
	"fmt"
)

// SetUserDepartments replaces the user's department memberships in one transaction.
// More than one primary, or a department listed twice, is ErrConflict; an unknown
// user or department is ErrNotFound. Each membership's UserID is taken from userID.
func (s *DB) SetUserDepartments(ctx context.Context, userID int64, ms []DeptMembership) error {
	primaries := 0
	for _, m := range ms {
		if m.Primary {
			primaries++
		}
	}
	if primaries > 1 {
		return fmt.Errorf("store: set departments of user %d: %d primary departments, at most one allowed: %w", userID, primaries, ErrConflict)
	}
	return s.inTx(ctx, func(tx *DB) error {
		if err := tx.userExists(ctx, userID); err != nil {
			return fmt.Errorf("store: set departments: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM user_departments WHERE user_id = ?`, userID); err != nil {
			return tx.fail(err, "set departments of user %d", userID)
		}
		for _, m := range ms {
			if err := tx.nodeExists(ctx, departmentTree(), m.DepartmentID); err != nil {
				return fmt.Errorf("store: set departments of user %d: %w", userID, err)
			}
			_, err := tx.exec(ctx, `INSERT INTO user_departments (user_id, department_id, is_primary) VALUES (?, ?, ?)`,
				userID, m.DepartmentID, m.Primary)
			if err != nil {
				return tx.fail(err, "set departments of user %d: add department %d", userID, m.DepartmentID)
			}
		}
		return nil
	})
}

// SetPartyMembership replaces the user's party membership; nil removes it.
func (s *DB) SetPartyMembership(ctx context.Context, userID int64, m *PartyMembership) error {
	return s.inTx(ctx, func(tx *DB) error {
		if err := tx.userExists(ctx, userID); err != nil {
			return fmt.Errorf("store: set party membership: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM party_members WHERE user_id = ?`, userID); err != nil {
			return tx.fail(err, "set party membership of user %d", userID)
		}
		if m == nil {
			return nil
		}
		if err := tx.nodeExists(ctx, partyOrgTree(), m.PartyOrgID); err != nil {
			return fmt.Errorf("store: set party membership of user %d: %w", userID, err)
		}
		_, err := tx.exec(ctx, `INSERT INTO party_members (user_id, party_org_id, party_role) VALUES (?, ?, ?)`,
			userID, m.PartyOrgID, m.PartyRole)
		if err != nil {
			return tx.fail(err, "set party membership of user %d", userID)
		}
		return nil
	})
}

func (s *DB) userExists(ctx context.Context, id int64) error {
	var one int
	if err := s.queryRow(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one); err != nil {
		return s.fail(err, "user %d", id)
	}
	return nil
}

// ListDeptMemberships returns every membership ordered by user, then department.
func (s *DB) ListDeptMemberships(ctx context.Context) ([]DeptMembership, error) {
	rows, err := s.query(ctx, `SELECT user_id, department_id, is_primary FROM user_departments ORDER BY user_id, department_id`)
	if err != nil {
		return nil, s.fail(err, "list department memberships")
	}
	defer rows.Close()
	var ms []DeptMembership
	for rows.Next() {
		var m DeptMembership
		if err := rows.Scan(&m.UserID, &m.DepartmentID, &m.Primary); err != nil {
			return nil, s.fail(err, "list department memberships")
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list department memberships")
	}
	return ms, nil
}

// ListPartyMemberships returns every party membership ordered by user.
func (s *DB) ListPartyMemberships(ctx context.Context) ([]PartyMembership, error) {
	rows, err := s.query(ctx, `SELECT user_id, party_org_id, party_role FROM party_members ORDER BY user_id`)
	if err != nil {
		return nil, s.fail(err, "list party memberships")
	}
	defer rows.Close()
	var ms []PartyMembership
	for rows.Next() {
		var m PartyMembership
		if err := rows.Scan(&m.UserID, &m.PartyOrgID, &m.PartyRole); err != nil {
			return nil, s.fail(err, "list party memberships")
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list party memberships")
	}
	return ms, nil
}
