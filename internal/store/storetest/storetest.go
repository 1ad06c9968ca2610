// Package storetest gives tests fresh, migrated stores on both backends, so every
// storage behaviour is checked against SQLite and PostgreSQL alike.
//
// PostgreSQL comes from GOVCHAT_TEST_POSTGRES (default DefaultPostgresURL). Each
// store gets its own schema, dropped when the test ends, so tests may run in
// parallel against one database. When PostgreSQL cannot be reached the PostgreSQL
// leg is skipped, unless CI=true, where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"govchat/internal/atrest"
	"govchat/internal/store"
)

// DefaultPostgresURL is used when GOVCHAT_TEST_POSTGRES is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ForEachBackend runs fn as subtests "sqlite" and "postgres", each with its own
// fresh, migrated store. fn may call t.Parallel.
func ForEachBackend(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, NewSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
}

// Backend names a storage backend and opens a fresh, migrated store on it.
type Backend struct {
	Name string
	Open func(testing.TB) *store.DB
}

// Backends lists both backends, for benchmarks and tests that need the concrete
// *store.DB or their own sub-benchmark names; ForEachBackend is the simpler form.
func Backends() []Backend {
	return []Backend{{"sqlite", NewSQLite}, {"postgres", NewPostgres}}
}

// NewSQLite returns a migrated SQLite store in t.TempDir(), closed at cleanup.
func NewSQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, func(ctx context.Context) (*store.DB, error) {
		return store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "govchat.db"))
	})
}

// NewPostgres returns a migrated PostgreSQL store in a new schema with a random
// name, closed and dropped (CASCADE) at cleanup.
func NewPostgres(t testing.TB) *store.DB {
	t.Helper()
	schemaURL := PostgresSchemaURL(t)
	return open(t, func(ctx context.Context) (*store.DB, error) {
		return store.OpenPostgres(ctx, schemaURL)
	})
}

// PostgresSchemaURL creates an empty schema with a random name, registers its
// DROP … CASCADE as cleanup, and returns the test database URL with search_path
// set to it. Tests of migration itself open stores on it directly.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		unreachable(t, err)
	}
	schema := "govchat_test_" + randomHex(t, 8)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		admin.Close(ctx)
		t.Fatalf("storetest: create schema %s: %v", schema, err)
	}
	// Registered before any store's Close, so it runs after them (cleanups are LIFO).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: GOVCHAT_TEST_POSTGRES is not a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresURL is the test database: GOVCHAT_TEST_POSTGRES or DefaultPostgresURL.
func PostgresURL() string {
	if v := os.Getenv("GOVCHAT_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgresURL
}

func open(t testing.TB, openFn func(context.Context) (*store.DB, error)) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := openFn(ctx)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", db.Backend(), err)
	}
	db.SetMasterKey(MasterKey(t))
	return db
}

// MasterKey returns a fresh random master key for encryption at rest.
func MasterKey(t testing.TB) *atrest.MasterKey {
	t.Helper()
	text, err := atrest.GenerateKeyText()
	if err != nil {
		t.Fatalf("storetest: master key: %v", err)
	}
	mk, err := atrest.ParseMasterKey(text)
	if err != nil {
		t.Fatalf("storetest: master key: %v", err)
	}
	return mk
}

// KeyFile writes a fresh random master key file (0600) in t.TempDir() and returns
// its path, for servers started with --data-key-file (every node of a test cluster
// is given the same one).
func KeyFile(t testing.TB) string {
	t.Helper()
	text, err := atrest.GenerateKeyText()
	if err != nil {
		t.Fatalf("storetest: key file: %v", err)
	}
	path := filepath.Join(t.TempDir(), "data.key")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatalf("storetest: key file: %v", err)
	}
	return path
}

// unreachable skips the test, or fails it under CI=true, where a missing database
// must not pass silently.
func unreachable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("storetest: PostgreSQL unreachable (GOVCHAT_TEST_POSTGRES): %v", err)
	}
	t.Skipf("storetest: skipping PostgreSQL, unreachable (set GOVCHAT_TEST_POSTGRES; CI=true makes this fail): %v", err)
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("storetest: random: %v", err)
	}
	return hex.EncodeToString(b)
}
