package store_test

import (
	"fmt"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkFileKeysForAThousand measures what a file sent to a 1,000-member channel, or
// a notice to 1,000 people, costs the store: posting the 1,000 wrapped keys of one
// request (protocol.MaxFileKeysPerPost, re-posted: the upsert path), and the check at
// publication that every recipient with a key holds one.
//
//	go test -run '^$' -bench BenchmarkFileKeysForAThousand ./internal/store/
func BenchmarkFileKeysForAThousand(b *testing.B) {
	for _, be := range storetest.Backends() {
		s := be.Open(b)
		ctx := b.Context()
		ids := make([]int64, 1000)
		for i := range ids {
			u := store.User{Username: fmt.Sprint("k", i), Role: store.RoleStaff}
			if err := s.CreateUser(ctx, &u); err != nil {
				b.Fatal(err)
			}
			ids[i] = u.ID
			if _, _, err := s.PutUserKey(ctx, store.UserKey{UserID: u.ID, KeyID: fmt.Sprintf("%016x", i), PublicKey: "p",
				WrappedPrivate: "w", KDFSalt: "s", KDFIterations: 600000}); err != nil {
				b.Fatal(err)
			}
		}
		blob := newBlobB(b, s, ids[0])
		keys := make([]store.FileKey, len(ids))
		for i, id := range ids {
			keys[i] = store.FileKey{BlobID: blob, Context: "notice", UserID: id, KeyID: fmt.Sprintf("%016x", i),
				Wrapped: "hpke-enc-and-ciphertext-of-150-characters-" + fmt.Sprint(i), WrappedBy: ids[0]}
		}
		b.Run(be.Name+"/post 1000 keys", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.PutFileKeys(ctx, keys, true); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.Name+"/check 1000 recipients", func(b *testing.B) {
			for b.Loop() {
				n, err := s.CountLackingFileKeys(ctx, blob, "notice", ids)
				if err != nil || n != 0 {
					b.Fatal(n, err)
				}
			}
		})
	}
}

func newBlobB(b *testing.B, s store.Store, uploader int64) string {
	b.Helper()
	id := "0123456789abcdef0123456789abcdef"
	if err := store.ExecRaw(b.Context(), s, `INSERT INTO blobs (id, uploader_id, size, parts, created_at, completed_at, expires_at)
		VALUES (?, ?, 100, 1, 1, 1, 2)`, id, uploader); err != nil {
		b.Fatal(err)
	}
	return id
}
