package store_test

import (
	"sync/atomic"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// Notice benchmarks, on both backends:
//
//	go test -run '^$' -bench Notice -benchtime 5x ./internal/store/
//
// The audience is 10,000 people in 20 departments: a county-wide notice.
const benchAudience = 10_000

// benchNoticeSetup opens a store with an author and benchAudience recipients.
func benchNoticeSetup(b *testing.B, open func(testing.TB) *store.DB) (store.Store, int64, []store.NoticeRecipient) {
	b.Helper()
	s := open(b)
	author := store.User{Username: "benchlead", Role: store.RoleLeader}
	if err := s.CreateUser(b.Context(), &author); err != nil {
		b.Fatal(err)
	}
	depts := make([]int64, 20)
	for i := range depts {
		depts[i] = int64(i + 1)
	}
	return s, author.ID, recipientsOf(bulkUsers(b, s, "r", benchAudience), depts...)
}

func benchPublish(b *testing.B, s store.Store, author int64, rs []store.NoticeRecipient) store.Notice {
	b.Helper()
	n := store.Notice{AuthorID: author, Title: "关于做好2026年度部门预算编制工作的通知",
		Body: "各单位：请于本周五前报送预算编制材料。", NeedsConfirm: true}
	if err := s.CreateNotice(b.Context(), &n, rs); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkCreateNotice10k publishes one notice to 10,000 recipients per op.
func BenchmarkCreateNotice10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, author, rs := benchNoticeSetup(b, be.Open)
			for b.Loop() {
				benchPublish(b, s, author, rs)
			}
			b.ReportMetric(float64(b.N*benchAudience)/b.Elapsed().Seconds(), "recipients/s")
		})
	}
}

// BenchmarkListNoticeRecipients10k reads the tally's rows of a 10,000-recipient
// notice, with names, by department.
func BenchmarkListNoticeRecipients10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, author, rs := benchNoticeSetup(b, be.Open)
			n := benchPublish(b, s, author, rs)
			for b.Loop() {
				rows, err := s.ListNoticeRecipients(b.Context(), n.ID)
				if err != nil {
					b.Fatal(err)
				}
				if len(rows) != benchAudience {
					b.Fatalf("%d rows", len(rows))
				}
			}
		})
	}
}

// BenchmarkConfirmNotice confirms one (notice, recipient) pair per op, each a
// first confirmation (a real write), one at a time and from parallel goroutines.
// It reports confirmations per second.
func BenchmarkConfirmNotice(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, mode := range []string{"sequential", "parallel"} {
			b.Run(be.Name+"/"+mode, func(b *testing.B) {
				s, author, rs := benchNoticeSetup(b, be.Open)
				var notices []int64
				for range (b.N + benchAudience - 1) / benchAudience {
					notices = append(notices, benchPublish(b, s, author, rs).ID)
				}
				confirm := func(i int) {
					nid, uid := notices[i/benchAudience], rs[i%benchAudience].UserID
					if _, err := s.ConfirmNotice(b.Context(), nid, uid, 1, "收到", t0); err != nil {
						b.Error(err)
					}
				}
				b.ResetTimer()
				if mode == "sequential" {
					for i := range b.N {
						confirm(i)
					}
				} else {
					var next atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							confirm(int(next.Add(1) - 1))
						}
					})
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "confirms/s")
			})
		}
	}
}

// BenchmarkListNoticeReceipts10k reads the same receipts without names, by user: what
// the tally reads since it takes names from its cache.
func BenchmarkListNoticeReceipts10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, author, rs := benchNoticeSetup(b, be.Open)
			n := benchPublish(b, s, author, rs)
			for b.Loop() {
				rows, err := s.ListNoticeReceipts(b.Context(), n.ID)
				if err != nil {
					b.Fatal(err)
				}
				if len(rows) != benchAudience {
					b.Fatalf("%d rows", len(rows))
				}
			}
		})
	}
}

// BenchmarkListUserNames10k reads every account's names: the tally's cache filling.
func BenchmarkListUserNames10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, _, _ := benchNoticeSetup(b, be.Open)
			for b.Loop() {
				names, err := s.ListUserNames(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				if len(names) != benchAudience+1 {
					b.Fatalf("%d names", len(names))
				}
			}
		})
	}
}
