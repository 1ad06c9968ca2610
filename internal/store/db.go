package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// querier is what *sql.DB and *sql.Tx have in common, so every method runs
// unchanged inside or outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is the Store over database/sql for both dialects. A DB returned by OpenSQLite or
// OpenPostgres owns its pool; the DB handed to an InTx callback is bound to one
// transaction and shares everything else.
type DB struct {
	db      *sql.DB
	q       querier // db, or tx when bound
	tx      *sql.Tx // nil outside a transaction
	d       *dialect
	now     func() time.Time
	onClose func()   // releases what database/sql does not own (the pgx pool)
	ar      *keyring // encryption at rest, shared with every transaction (atrest.go)
	// txKeys are the data keys this transaction created: not cached until committed.
	txKeys map[int64]bool
	// wl queues this process's writers on SQLite (writelock.go); nil on PostgreSQL.
	wl *writeLock
	// stmts are the pool's prepared statements (stmts.go), shared with every
	// transaction.
	stmts *stmtCache
}

var _ Store = (*DB)(nil)

func newDB(db *sql.DB, d *dialect, onClose func(), wl *writeLock) *DB {
	return &DB{db: db, q: db, d: d, now: time.Now, onClose: onClose, ar: newKeyring(), wl: wl, stmts: newStmtCache()}
}

// Backend names the dialect: "sqlite" or "postgres".
func (s *DB) Backend() string { return s.d.name }

// Ping checks that the database answers.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.d.name, err)
	}
	return nil
}

// Close releases the pool. It is an error on the Store bound to a transaction: that
// one ends when its InTx callback returns.
func (s *DB) Close() error {
	if s.tx != nil {
		return errors.New("store: Close called on a transaction-bound store")
	}
	err := errors.Join(s.stmts.close(), s.db.Close())
	if s.onClose != nil {
		s.onClose()
	}
	if err != nil {
		return fmt.Errorf("store: close %s: %w", s.d.name, err)
	}
	return nil
}

// InTx runs fn with a Store bound to one transaction. Nested calls join the outer
// transaction, so an inner failure is the outer callback's to handle; on PostgreSQL a
// failed statement also poisons the rest of the transaction, so callers should
// return such errors rather than carry on.
//
// On SQLite the transaction holds the database's write lock from its first
// statement, and this process's write lock (writelock.go) from before it begins to
// after it ends, so fn must not use the outer (non-transactional) Store meanwhile: it
// would wait for a lock its own caller holds.
func (s *DB) InTx(ctx context.Context, fn func(tx Store) error) error {
	return s.inTx(ctx, func(tx *DB) error { return fn(tx) })
}

func (s *DB) inTx(ctx context.Context, fn func(tx *DB) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	// Taken before BEGIN and given back after COMMIT or ROLLBACK (this defer runs
	// after the rollback's below, a panic included), so the next writer starts the
	// moment this one is done.
	release, err := s.wl.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	bound := &DB{db: s.db, q: tx, tx: tx, d: s.d, now: s.now, ar: s.ar, txKeys: map[int64]bool{}, wl: s.wl, stmts: s.stmts}
	committed := false
	defer func() {
		// Also covers a panic in fn: the transaction must not stay open holding locks.
		if !committed {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, fmt.Errorf("store: rollback: %w", rbErr))
			}
		}
	}()
	if err := fn(bound); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return nil
}

// lock holds key until the current transaction ends (see dialect.lockSQL). It must
// be called inside inTx.
func (s *DB) lock(ctx context.Context, key lockKey) error {
	q := s.d.lockSQL(key)
	if q == "" {
		return nil
	}
	if _, err := s.q.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: take lock %d: %w", key, err)
	}
	return nil
}

// exec runs a statement. Outside a transaction on SQLite it may write, so it queues
// for the write lock like a transaction does (a read through exec is rare and cheap).
func (s *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.tx == nil && s.wl != nil {
		release, err := s.wl.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	return s.q.ExecContext(ctx, s.d.rebind(query), args...)
}

func (s *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.q.QueryContext(ctx, s.d.rebind(query), args...)
}

func (s *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.q.QueryRowContext(ctx, s.d.rebind(query), args...)
}

// execOne runs a statement that must touch exactly one row; none is ErrNotFound.
func (s *DB) execOne(ctx context.Context, query string, args ...any) error {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// fail wraps err with what was being done, translating "no rows" to ErrNotFound and
// constraint violations to ErrConflict so callers can use errors.Is.
func (s *DB) fail(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	case s.d.conflict(err):
		return fmt.Errorf("store: %s: %w (%w)", what, ErrConflict, err)
	default:
		return fmt.Errorf("store: %s: %w", what, err)
	}
}

// stamp returns t as stored (UTC, millisecond precision), or the clock's now when t
// is zero, so callers get back exactly what a later read returns.
func (s *DB) stamp(t time.Time) time.Time {
	if t.IsZero() {
		t = s.now()
	}
	return fromMillis(toMillis(t))
}

// toMillis is the storage form of a time: unix milliseconds, 0 for the zero time.
func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis reverses toMillis, always in UTC.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// nullID stores a 0 parent as NULL so the foreign key holds for top-level nodes.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// scanner is *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}
