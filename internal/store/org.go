package store

import (
	"context"
	"database/sql"
	"fmt"
)

// CreateDepartment inserts d and sets d.ID and d.CreatedAt (when zero). A sibling
// with the same name, top level included, is ErrConflict; a missing parent is
// ErrNotFound.
func (s *DB) CreateDepartment(ctx context.Context, d *Department) error {
	t := departmentTree()
	created := s.stamp(d.CreatedAt)
	var id int64
	err := s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, t.lock); err != nil {
			return err
		}
		if err := tx.checkParent(ctx, t, 0, d.ParentID); err != nil {
			return fmt.Errorf("store: create department %q: %w", d.Name, err)
		}
		err := tx.queryRow(ctx, `INSERT INTO departments (parent_id, name, sort_order, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`,
			nullID(d.ParentID), d.Name, d.SortOrder, toMillis(created)).Scan(&id)
		if err != nil {
			return tx.fail(err, "create department %q", d.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.ID, d.CreatedAt = id, created
	return nil
}

func scanDepartment(row scanner) (Department, error) {
	var d Department
	var parent sql.NullInt64
	var created int64
	if err := row.Scan(&d.ID, &parent, &d.Name, &d.SortOrder, &created); err != nil {
		return Department{}, err
	}
	d.ParentID, d.CreatedAt = parent.Int64, fromMillis(created)
	return d, nil
}

func (s *DB) GetDepartment(ctx context.Context, id int64) (Department, error) {
	d, err := scanDepartment(s.queryRow(ctx, `SELECT id, parent_id, name, sort_order, created_at FROM departments WHERE id = ?`, id))
	if err != nil {
		return Department{}, s.fail(err, "get department %d", id)
	}
	return d, nil
}

// UpdateDepartment writes name, parent and sort order.
func (s *DB) UpdateDepartment(ctx context.Context, d Department) error {
	t := departmentTree()
	return s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, t.lock); err != nil {
			return err
		}
		if err := tx.nodeExists(ctx, t, d.ID); err != nil {
			return fmt.Errorf("store: update: %w", err)
		}
		if err := tx.checkParent(ctx, t, d.ID, d.ParentID); err != nil {
			return fmt.Errorf("store: update department %d: %w", d.ID, err)
		}
		err := tx.execOne(ctx, `UPDATE departments SET parent_id = ?, name = ?, sort_order = ? WHERE id = ?`,
			nullID(d.ParentID), d.Name, d.SortOrder, d.ID)
		if err != nil {
			return tx.fail(err, "update department %d", d.ID)
		}
		return nil
	})
}

// DeleteDepartment is ErrConflict while the department has children or members.
func (s *DB) DeleteDepartment(ctx context.Context, id int64) error {
	return s.deleteNode(ctx, departmentTree(), id)
}

// ListDepartments returns every department, grouped by parent (top level first) and
// ordered by sort order within each group.
func (s *DB) ListDepartments(ctx context.Context) ([]Department, error) {
	rows, err := s.query(ctx, `SELECT id, parent_id, name, sort_order, created_at FROM departments
		ORDER BY coalesce(parent_id, 0), sort_order, id`)
	if err != nil {
		return nil, s.fail(err, "list departments")
	}
	defer rows.Close()
	var ds []Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, s.fail(err, "list departments")
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list departments")
	}
	return ds, nil
}
