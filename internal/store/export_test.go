package store

import (
	"context"
	"time"
)

// ExecRaw lets the external conformance tests tamper with the database beneath the
// Store (to prove the audit chain catches it, or to fake a newer schema). The query
// uses ? placeholders, rebound for the dialect. It exists only in test builds.
func ExecRaw(ctx context.Context, s Store, query string, args ...any) error {
	_, err := s.(*DB).exec(ctx, query, args...)
	return err
}

// SetClock replaces the store's clock, for tests of defaults taken from "now".
func SetClock(s Store, now func() time.Time) { s.(*DB).now = now }
