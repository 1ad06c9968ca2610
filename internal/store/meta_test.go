package store_test

import (
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestMeta(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, err := s.GetMeta(ctx, "vapid_private_key")
		wantErr(t, err, store.ErrNotFound)
		for _, v := range []string{"first", "second"} {
			must(t, s.SetMeta(ctx, "vapid_private_key", v))
			got, err := s.GetMeta(ctx, "vapid_private_key")
			must(t, err)
			if got != v {
				t.Fatalf("GetMeta = %q, want %q", got, v)
			}
		}
		if s.Backend() != "sqlite" && s.Backend() != "postgres" {
			t.Fatalf("Backend() = %q", s.Backend())
		}
		must(t, s.Ping(ctx))
	})
}
