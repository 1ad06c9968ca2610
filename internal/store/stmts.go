package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// stmtCache holds statements prepared once for the whole pool: database/sql prepares
// each on a connection the first time that connection runs it and keeps it there, and
// a transaction reuses its connection's (Tx.StmtContext). It is for statements that
// are long to parse and run often — SQLite parses a statement's text on every plain
// Exec, and a 512-row VALUES list costs more to parse than to run. SQLite only (see
// execPrepared).
type stmtCache struct {
	mu     sync.Mutex
	closed bool
	m      map[string]*sql.Stmt
}

func newStmtCache() *stmtCache { return &stmtCache{m: map[string]*sql.Stmt{}} }

// get returns the pool's statement for query, preparing it the first time. It never
// holds its mutex while preparing: that takes a connection from the pool, which may
// have to wait for a transaction that is itself about to ask for a statement.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, closed := c.m[query], c.closed
	c.mu.Unlock()
	if closed {
		return nil, errors.New("store: statement cache closed")
	}
	if st != nil {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[query]; prev != nil || c.closed {
		st.Close() // another goroutine prepared it meanwhile, or the store closed
		if prev == nil {
			return nil, errors.New("store: statement cache closed")
		}
		return prev, nil
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	clear(c.m)
	return errors.Join(errs...)
}

// execPrepared is exec through the statement cache on SQLite. PostgreSQL's driver
// (pgx) already keeps a prepared statement per connection and statement text, and its
// pool is bounded: preparing on the pool from inside a transaction could wait for a
// connection that only a transaction waiting on this one would give back.
func (s *DB) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.d.name != "sqlite" {
		return s.exec(ctx, query, args...)
	}
	st, err := s.stmts.get(ctx, s.db, s.d.rebind(query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if s.tx != nil {
		// Closed by database/sql when the transaction ends; the pool's statement and
		// the connection's prepared copy stay.
		return s.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	if s.wl != nil {
		release, err := s.wl.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	return st.ExecContext(ctx, args...)
}
