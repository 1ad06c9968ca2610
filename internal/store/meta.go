package store

import "context"

// GetMeta returns ErrNotFound when key is unset.
func (s *DB) GetMeta(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v); err != nil {
		return "", s.fail(err, "get meta %q", key)
	}
	return v, nil
}

// SetMeta inserts or replaces key. ON CONFLICT … DO UPDATE reads the same in both
// dialects and is one atomic statement.
func (s *DB) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return s.fail(err, "set meta %q", key)
	}
	return nil
}

// EnsureMeta: see Store.
func (s *DB) EnsureMeta(ctx context.Context, key, value string) (string, error) {
	if _, err := s.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", s.fail(err, "ensure meta %q", key)
	}
	return s.GetMeta(ctx, key)
}
