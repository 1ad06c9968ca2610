package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// migration is one numbered file, e.g. 0001_init.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads a dialect's numbered .sql files in version order.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %q: name must start with a positive number and '_'", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %q and %q share version %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %q: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate brings the schema up to date and returns the versions it applied (none
// when already current). Each file runs in its own transaction together with its
// row in schema_migrations, under a lock (an advisory lock on PostgreSQL, the write
// lock on SQLite) and re-checking what is applied, so several nodes starting at
// once apply every file exactly once. A database migrated by a newer binary is
// refused with ErrSchemaTooNew before anything runs.
func (s *DB) Migrate(ctx context.Context) (applied []int, err error) {
	if s.tx != nil {
		return nil, errors.New("store: Migrate called inside a transaction")
	}
	ms, err := loadMigrations(s.d.migrations)
	if err != nil {
		return nil, err
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].version
	}

	err = s.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockMigrate); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at BIGINT  NOT NULL
		)`)
		if err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		return tx.refuseNewer(ctx, known)
	})
	if err != nil {
		return nil, err
	}

	for _, m := range ms {
		err := s.inTx(ctx, func(tx *DB) error {
			if err := tx.lock(ctx, lockMigrate); err != nil {
				return err
			}
			// Re-check under the lock: another node may have got here first.
			if err := tx.refuseNewer(ctx, known); err != nil {
				return err
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return fmt.Errorf("store: read schema_migrations: %w", err)
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.q.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: apply %s migration %s: %w", s.d.name, m.name, err)
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.version, toMillis(tx.now()))
			if err != nil {
				return fmt.Errorf("store: record migration %s: %w", m.name, err)
			}
			applied = append(applied, m.version)
			return nil
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// refuseNewer fails with ErrSchemaTooNew when the database is past known.
func (s *DB) refuseNewer(ctx context.Context, known int) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v > known {
		return fmt.Errorf("store: database is at schema version %d, this binary knows up to %d: %w", v, known, ErrSchemaTooNew)
	}
	return nil
}

// SchemaVersion returns the highest applied migration, 0 for a fresh database.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	if err := s.queryRow(ctx, s.d.hasTableSQL, "schema_migrations").Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: look for schema_migrations: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v int
	if err := s.queryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}
