package store

import (
	"context"
	"errors"
	"time"
)

// DLPRules is the stored data-loss-prevention rule set (PROTOCOL.md §4.25): the JSON of
// the officer's rules, which internal/dlp validates and reads. The store keeps it as
// given.
type DLPRules struct {
	JSON      string
	UpdatedAt time.Time
	UpdatedBy int64
}

// DLP keeps the rule set.
type DLP interface {
	// GetDLPRules returns the stored rule set; ok is false when none was ever stored
	// (the defaults apply).
	GetDLPRules(ctx context.Context) (r DLPRules, ok bool, err error)
	// PutDLPRules replaces the stored rule set.
	PutDLPRules(ctx context.Context, r DLPRules) error
}

func (s *DB) GetDLPRules(ctx context.Context) (DLPRules, bool, error) {
	var r DLPRules
	var at int64
	err := s.queryRow(ctx, `SELECT rules, updated_at, updated_by FROM dlp_rules WHERE id = 1`).Scan(&r.JSON, &at, &r.UpdatedBy)
	if err != nil {
		err = s.fail(err, "get dlp rules")
		if errors.Is(err, ErrNotFound) {
			return DLPRules{}, false, nil
		}
		return DLPRules{}, false, err
	}
	r.UpdatedAt = fromMillis(at)
	return r, true, nil
}

func (s *DB) PutDLPRules(ctx context.Context, r DLPRules) error {
	_, err := s.exec(ctx, `INSERT INTO dlp_rules (id, rules, updated_at, updated_by) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.JSON, toMillis(s.stamp(r.UpdatedAt)), r.UpdatedBy)
	if err != nil {
		return s.fail(err, "put dlp rules")
	}
	return nil
}
