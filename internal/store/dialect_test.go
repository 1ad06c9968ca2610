package store

import "testing"

func TestRebind(t *testing.T) {
	cases := []struct{ in, sqlite, postgres string }{
		{"SELECT 1", "SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = ? AND b = ?", "a = $1 AND b = $2"},
		{"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
	}
	for _, c := range cases {
		if got := sqliteDialect().rebind(c.in); got != c.sqlite {
			t.Errorf("sqlite rebind(%q) = %q", c.in, got)
		}
		if got := postgresDialect().rebind(c.in); got != c.postgres {
			t.Errorf("postgres rebind(%q) = %q, want %q", c.in, got, c.postgres)
		}
	}
}

func TestMigrationsPairUp(t *testing.T) {
	// Both dialects must know the same versions, or one backend would fall behind.
	sq, err := loadMigrations(sqliteDialect().migrations)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(postgresDialect().migrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(sq) == 0 || len(sq) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(sq), len(pg))
	}
	for i := range sq {
		if sq[i].version != pg[i].version {
			t.Fatalf("migration %d: sqlite version %d, postgres %d", i, sq[i].version, pg[i].version)
		}
	}
}
