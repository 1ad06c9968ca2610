package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		db := s.(*store.DB)

		t.Run("second run applies nothing", func(t *testing.T) {
			applied, err := db.Migrate(ctx)
			must(t, err)
			if len(applied) != 0 {
				t.Fatalf("second Migrate applied %v", applied)
			}
			v, err := db.SchemaVersion(ctx)
			must(t, err)
			if want := migrationVersions(t); v != want[len(want)-1] {
				t.Fatalf("SchemaVersion = %d, want %d", v, want[len(want)-1])
			}
		})

		t.Run("refuses a newer schema", func(t *testing.T) {
			must(t, store.ExecRaw(ctx, s, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, 9999, 0))
			_, err := db.Migrate(ctx)
			wantErr(t, err, store.ErrSchemaTooNew)
			v, err := db.SchemaVersion(ctx)
			must(t, err)
			if v != 9999 {
				t.Fatalf("SchemaVersion = %d, want 9999", v)
			}
		})
	})
}

// TestMigrateConcurrently starts several "nodes" on one fresh database at once:
// between them every migration must be applied exactly once.
func TestMigrateConcurrently(t *testing.T) {
	backends := map[string]func(t *testing.T) func(ctx context.Context) (*store.DB, error){
		"sqlite": func(t *testing.T) func(ctx context.Context) (*store.DB, error) {
			path := filepath.Join(t.TempDir(), "shared.db")
			return func(ctx context.Context) (*store.DB, error) { return store.OpenSQLite(ctx, path) }
		},
		"postgres": func(t *testing.T) func(ctx context.Context) (*store.DB, error) {
			url := storetest.PostgresSchemaURL(t)
			return func(ctx context.Context) (*store.DB, error) { return store.OpenPostgres(ctx, url) }
		},
	}
	for name, prepare := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			open := prepare(t)
			fresh, err := open(ctx)
			must(t, err)
			t.Cleanup(func() { fresh.Close() })
			v, err := fresh.SchemaVersion(ctx)
			must(t, err)
			if v != 0 {
				t.Fatalf("fresh SchemaVersion = %d, want 0", v)
			}

			const nodes = 4
			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				all []int
			)
			for range nodes {
				wg.Go(func() {
					db, err := open(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					defer db.Close()
					applied, err := db.Migrate(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					all = append(all, applied...)
					mu.Unlock()
				})
			}
			wg.Wait()
			slices.Sort(all)
			if want := migrationVersions(t); !slices.Equal(all, want) {
				t.Fatalf("applied across nodes = %v, want %v", all, want)
			}
		})
	}
}

// migrationVersions lists the numbered files both dialects carry, in order, checking
// that the dialects are in step.
func migrationVersions(t *testing.T) []int {
	t.Helper()
	var lists [2][]int
	for i, dialect := range []string{"sqlite", "postgres"} {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		must(t, err)
		for _, e := range entries {
			num, _, _ := strings.Cut(e.Name(), "_")
			v, err := strconv.Atoi(num)
			if err != nil || !strings.HasSuffix(e.Name(), ".sql") {
				t.Fatalf("stray migration file %s/%s", dialect, e.Name())
			}
			lists[i] = append(lists[i], v)
		}
		slices.Sort(lists[i])
	}
	if !slices.Equal(lists[0], lists[1]) || len(lists[0]) == 0 {
		t.Fatalf("migrations differ: sqlite %v, postgres %v", lists[0], lists[1])
	}
	return lists[0]
}
