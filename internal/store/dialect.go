package store

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// migrationFiles holds both dialects' numbered DDL. An embed.FS is read-only, so this
// is not mutable package state.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// lockKey names a critical section that must be serialised across every process
// sharing the database.
type lockKey int32

const (
	lockMigrate lockKey = 0x67630001 + iota // "gc" + sequence, unlikely to meet another app's keys
	lockAudit
	lockDepartments
	lockPartyOrgs
)

// dialect is everything that differs between SQLite and PostgreSQL. The queries
// themselves are written once, with ? placeholders, in portable SQL.
type dialect struct {
	name string
	// dollar rewrites ? placeholders to $1, $2 … for PostgreSQL.
	dollar bool
	// lockSQL returns a statement that, run inside a transaction, holds key until the
	// transaction ends; "" when the transaction itself already serialises writers.
	lockSQL func(key lockKey) string
	// rowLock is appended to a SELECT to lock the rows it returns until the
	// transaction ends, in the order returned; "" when the transaction itself already
	// serialises writers.
	rowLock string
	// searchColumn: a message's search tokens are its row's search_tokens array under
	// a GIN index (PostgreSQL), rather than a document in the FTS5 table
	// message_search (SQLite); see search.go.
	searchColumn bool
	// conflict reports whether err is a unique or foreign-key violation.
	conflict func(err error) bool
	// hasTableSQL counts (0 or 1) tables named by its one parameter, resolved the way
	// unqualified names in queries are.
	hasTableSQL string
	// migrations is the directory of numbered .sql files for this dialect.
	migrations fs.FS
}

func sqliteDialect() *dialect {
	sub, err := fs.Sub(migrationFiles, "migrations/sqlite")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return &dialect{
		name: "sqlite",
		// Every transaction is BEGIN IMMEDIATE (_txlock=immediate), which takes the
		// database's single write lock up front; nothing more is needed.
		lockSQL:     func(lockKey) string { return "" },
		conflict:    sqliteConflict,
		hasTableSQL: `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
		migrations:  sub,
	}
}

func postgresDialect() *dialect {
	sub, err := fs.Sub(migrationFiles, "migrations/postgres")
	if err != nil {
		panic(err)
	}
	return &dialect{
		name:   "postgres",
		dollar: true,
		// The second key is the schema, so two govchat installations (or two test
		// schemas) in one database do not wait on each other, while every node of one
		// installation does. coalesce keeps the lock real if search_path is empty:
		// the function is strict and would silently lock nothing on NULL.
		lockSQL: func(key lockKey) string {
			return fmt.Sprintf("SELECT pg_advisory_xact_lock(%d, hashtext(coalesce(current_schema()::text, '')))", int32(key))
		},
		// NO KEY: foreign-key checks of concurrent inserts (a new member, a message)
		// take KEY SHARE on the same row and need not wait.
		rowLock:      " FOR NO KEY UPDATE",
		searchColumn: true,
		conflict:     postgresConflict,
		hasTableSQL:  `SELECT count(*) FROM (SELECT to_regclass(?::text) AS t) r WHERE r.t IS NOT NULL`,
		migrations:   sub,
	}
}

func sqliteConflict(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return true
	}
	return false
}

func postgresConflict(err error) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == "23505" || e.Code == "23503" // unique_violation, foreign_key_violation
}

// rebind rewrites ? placeholders for PostgreSQL. Our queries never put ? inside a
// string literal or identifier, so a plain scan is enough.
func (d *dialect) rebind(query string) string {
	if !d.dollar || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}
