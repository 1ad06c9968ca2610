package store_test

import (
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestDLPRules(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		if _, ok, err := s.GetDLPRules(ctx); err != nil || ok {
			t.Fatalf("a new database has rules: ok %v err %v", ok, err)
		}
		must(t, s.PutDLPRules(ctx, store.DLPRules{JSON: `[{"id":"a"}]`, UpdatedAt: t0, UpdatedBy: 7}))
		must(t, s.PutDLPRules(ctx, store.DLPRules{JSON: `[{"id":"b"}]`, UpdatedAt: t0, UpdatedBy: 8}))
		got, ok, err := s.GetDLPRules(ctx)
		must(t, err)
		if !ok || got.JSON != `[{"id":"b"}]` || got.UpdatedBy != 8 || !got.UpdatedAt.Equal(ms(t0)) {
			t.Fatalf("GetDLPRules = %+v, %v", got, ok)
		}
	})
}
