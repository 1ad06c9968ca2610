package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	t.Run("empty or sqlite: means SQLite at the given path", func(t *testing.T) {
		for _, url := range []string{"", "sqlite:", "sqlite://"} {
			path := filepath.Join(t.TempDir(), "govchat.db")
			db, err := store.Open(ctx, url, path)
			must(t, err)
			if db.Backend() != "sqlite" {
				t.Fatalf("Open(%q) backend %q", url, db.Backend())
			}
			must(t, db.Close())
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("Open(%q) did not create %s: %v", url, path, err)
			}
		}
	})

	t.Run("sqlite: with a path overrides the default path", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := store.Open(ctx, "sqlite:"+path, filepath.Join(t.TempDir(), "unused.db"))
		must(t, err)
		must(t, db.Close())
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Open does not migrate", func(t *testing.T) {
		db, err := store.Open(ctx, "", filepath.Join(t.TempDir(), "govchat.db"))
		must(t, err)
		defer db.Close()
		v, err := db.SchemaVersion(ctx)
		must(t, err)
		if v != 0 {
			t.Fatalf("SchemaVersion after Open = %d, want 0", v)
		}
	})

	t.Run("postgres URL means PostgreSQL", func(t *testing.T) {
		db := storetest.NewPostgres(t) // skips (or fails under CI) when unreachable
		must(t, db.Close())
		for _, scheme := range []string{"postgres://", "postgresql://"} {
			url := scheme + strings.TrimPrefix(strings.TrimPrefix(storetest.PostgresURL(), "postgresql://"), "postgres://")
			db, err := store.Open(ctx, url, "")
			must(t, err)
			if db.Backend() != "postgres" {
				t.Fatalf("backend %q", db.Backend())
			}
			must(t, db.Close())
		}
	})

	t.Run("other schemes name the setting, not the secret", func(t *testing.T) {
		for _, url := range []string{"mysql://root:hunter2@db/govchat", "hunter2", "/var/lib/govchat.db"} {
			_, err := store.Open(ctx, url, "x.db")
			if err == nil || !strings.Contains(err.Error(), "--database") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Open(%q) error = %v; want one naming --database without the password", url, err)
			}
		}
	})

	t.Run("unreachable postgres fails fast naming the host, not the password", func(t *testing.T) {
		_, err := store.OpenPostgres(ctx, "postgres://govchat:hunter2@127.0.0.1:1/govchat?connect_timeout=5")
		if err == nil {
			t.Fatal("OpenPostgres to a closed port succeeded")
		}
		if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "hunter2") {
			t.Fatalf("error = %q; want the host and no password", msg)
		}
	})

	t.Run("malformed postgres URL hides the password", func(t *testing.T) {
		_, err := store.OpenPostgres(ctx, "postgres://govchat:hunter2@127.0.0.1:notaport/govchat")
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("error = %v", err)
		}
	})

	t.Run("sqlite path with a question mark is refused", func(t *testing.T) {
		if _, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "a?b.db")); err == nil {
			t.Fatal("accepted")
		}
	})
}
