package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLitePragmas checks the connection settings concurrency and integrity rely
// on, on a connection other than the first, since they are per connection.
func TestSQLitePragmas(t *testing.T) {
	ctx := t.Context()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.db.SetMaxIdleConns(0) // force fresh connections
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000", "synchronous": "2"}
	for pragma, v := range want {
		var got string
		if err := db.db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if !strings.EqualFold(got, v) {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, v)
		}
	}
}
