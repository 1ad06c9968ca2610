package store_test

import (
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkCountNoticesConfirmed50 is the cost "3/5 已确认" adds to a page of the
// author's list: one grouped query over 50 notices of 1,000 recipients each, half of
// them confirmed. The index notice_recipients_confirmed (migration 0013) serves it.
//
//	go test -run '^$' -bench CountNoticesConfirmed -benchtime 50x ./internal/store/
func BenchmarkCountNoticesConfirmed50(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			author := store.User{Username: "cntlead", Role: store.RoleLeader}
			if err := s.CreateUser(b.Context(), &author); err != nil {
				b.Fatal(err)
			}
			people := bulkUsers(b, s, "c", 1000)
			ids := make([]int64, 50)
			for i := range ids {
				n := store.Notice{AuthorID: author.ID, Title: "通知", NeedsConfirm: true}
				if err := s.CreateNotice(b.Context(), &n, recipientsOf(people)); err != nil {
					b.Fatal(err)
				}
				ids[i] = n.ID
			}
			// Half confirm each notice, in one transaction per notice.
			for _, id := range ids {
				err := s.InTx(b.Context(), func(tx store.Store) error {
					for _, u := range people[:500] {
						if _, err := tx.ConfirmNotice(b.Context(), id, u, 1, "", time.Now()); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				got, err := s.CountNoticesConfirmed(b.Context(), ids)
				if err != nil || got[ids[0]] != 500 {
					b.Fatalf("%v %v", got[ids[0]], err)
				}
			}
		})
	}
}
