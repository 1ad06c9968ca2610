package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// CountingQueries returns s (outside a transaction) with every statement it runs
// counted, and the counter, so tests can show that a page costs one query rather than
// one per message. It exists only in test builds.
func CountingQueries(s Store) (Store, *atomic.Int64) {
	db := *s.(*DB)
	n := &atomic.Int64{}
	db.q = countingQuerier{db.q, n}
	return &db, n
}

type countingQuerier struct {
	q querier
	n *atomic.Int64
}

func (c countingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.q.ExecContext(ctx, query, args...)
}

func (c countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

func (c countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}
