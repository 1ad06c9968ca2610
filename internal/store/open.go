package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Open picks the backend from the --database setting: empty or "sqlite:" means the
// embedded SQLite file at sqlitePath ("sqlite:/some/file.db" names another file),
// "postgres://" or "postgresql://" means PostgreSQL. It does not migrate.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*DB, error) {
	switch {
	case databaseURL == "":
		return OpenSQLite(ctx, sqlitePath)
	case strings.HasPrefix(databaseURL, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "//")
		if path == "" {
			path = sqlitePath
		}
		return OpenSQLite(ctx, path)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return OpenPostgres(ctx, databaseURL)
	}
	// Name only the scheme: the rest may hold a password.
	scheme, _, ok := strings.Cut(databaseURL, ":")
	if !ok || strings.ContainsAny(scheme, "/@ ") {
		scheme = "(none)"
	}
	return nil, fmt.Errorf("store: --database: unsupported scheme %q: want empty, sqlite:, postgres:// or postgresql://", scheme)
}

// sqliteMaxConns bounds the connections to one SQLite database: readers run side by
// side in WAL mode, and more than a few dozen would only queue for the CPU.
const sqliteMaxConns = 32

// OpenSQLite opens (creating if needed) the SQLite database at path.
//
// WAL lets readers run beside the one writer; this process's writers queue for the
// write lock in Go (writelock.go), so busy_timeout, which makes a writer wait for the
// lock instead of failing with SQLITE_BUSY, is only met by other processes and by
// autocommit writes through query/queryRow; _txlock=immediate starts every
// transaction with the write lock, because a deferred transaction that reads and then
// writes can fail at the upgrade with SQLITE_BUSY no busy_timeout can fix.
// synchronous=FULL costs an fsync per commit but means a committed audit entry
// survives a power cut, which NORMAL does not promise in WAL mode. secure_delete
// zeroes what a delete or update frees (cells, free pages) on every connection, so a
// recalled or edited message's old bytes are not left in the file's free space.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open sqlite: empty database path")
	}
	if strings.ContainsRune(path, '?') {
		// The driver splits its options off at the first '?'.
		return nil, fmt.Errorf("store: open sqlite %q: path must not contain '?'", path)
	}
	dsn := path + "?_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate&_pragma=secure_delete(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	// Opening a connection costs SQLite a parse of the whole schema (every table, index
	// and trigger: a quarter of the server's CPU at 400 sends a second while
	// database/sql, which keeps two idle connections by default, closed and reopened
	// them; BENCHMARKS.md, issue 17). So the pool keeps every connection it opened,
	// until one has been idle for a while, and opens at most sqliteMaxConns: each holds
	// open files and a page cache, and writers queue for one lock anyway.
	db.SetMaxOpenConns(sqliteMaxConns)
	db.SetMaxIdleConns(sqliteMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	return newDB(db, sqliteDialect(), nil, newWriteLock(sqliteWriteWait)), nil
}

// OpenPostgres connects to PostgreSQL through a pgx pool, wrapped as *sql.DB so the
// store's logic stays on database/sql. It pings once so a wrong address fails at
// startup; error messages name the host and database, never the password. Pool
// settings ride in the URL (pool_max_conns=20 …), as pgxpool reads them.
func OpenPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx redacts passwords on a best-effort basis only; do not repeat the URL.
		return nil, errors.New("store: --database: cannot parse the PostgreSQL URL (not shown: it may hold a password)")
	}
	where := postgresWhere(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect to postgres at %s: %w", where, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("store: connect to postgres at %s: %w", where, err)
	}
	return newDB(db, postgresDialect(), pool.Close, nil), nil
}

// postgresWhere describes the target as host:port/database for error messages.
func postgresWhere(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	host := c.Host
	if !strings.HasPrefix(host, "/") { // a Unix socket directory has no port worth naming
		host = net.JoinHostPort(host, strconv.Itoa(int(c.Port)))
	}
	return host + "/" + url.PathEscape(c.Database)
}
