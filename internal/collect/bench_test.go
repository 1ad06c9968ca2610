package collect_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/collect"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// Benchmarks on both backends, an audience of 10,000 people in 20 departments under
// one (the bounds: publish < 1 s, the live status table < 50 ms while answers
// arrive, the export of 10,000 answers < 5 s):
//
//	CI=true go test -run '^$' -bench . -benchtime 3x ./internal/collect/
const benchAudience = 10_000

type benchOrg struct {
	s      store.Store
	svc    *collect.Service
	author auth.Principal
	root   int64
	users  []store.User
}

func newBenchOrg(b *testing.B, open func(testing.TB) *store.DB) benchOrg {
	b.Helper()
	ctx := context.Background()
	s := open(b)
	bo := benchOrg{s: s}
	err := s.InTx(ctx, func(tx store.Store) error {
		root := store.Department{Name: "县财政局", CreatedAt: start}
		if err := tx.CreateDepartment(ctx, &root); err != nil {
			return err
		}
		bo.root = root.ID
		depts := make([]int64, 20)
		for i := range depts {
			d := store.Department{Name: fmt.Sprintf("第%d股", i+1), ParentID: root.ID, SortOrder: i, CreatedAt: start}
			if err := tx.CreateDepartment(ctx, &d); err != nil {
				return err
			}
			depts[i] = d.ID
		}
		lead := store.User{Username: "juzhang", DisplayName: "王局长", Role: store.RoleLeader, CreatedAt: start}
		if err := tx.CreateUser(ctx, &lead); err != nil {
			return err
		}
		if err := tx.SetUserDepartments(ctx, lead.ID, []store.DeptMembership{{UserID: lead.ID, DepartmentID: root.ID, Primary: true}}); err != nil {
			return err
		}
		bo.author = auth.Principal{User: lead}
		for i := range benchAudience {
			u := store.User{Username: fmt.Sprintf("u%05d", i), DisplayName: fmt.Sprintf("职工%d", i), Role: store.RoleStaff, CreatedAt: start}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			if err := tx.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{UserID: u.ID, DepartmentID: depts[i%len(depts)], Primary: true}}); err != nil {
				return err
			}
			bo.users = append(bo.users, u)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	mem := bus.NewMemory()
	b.Cleanup(func() { mem.Close() })
	now := func() time.Time { return start }
	bo.svc = collect.New(store.Narrow(s, func(tx store.Store) collect.Tx { return tx }), mem, quiet(), now,
		collect.Options{RemindInterval: 30 * time.Minute, Audit: audit.New(s, now, quiet())})
	return bo
}

func (bo benchOrg) publish(b *testing.B) protocol.Collection {
	b.Helper()
	c, err := bo.svc.Publish(context.Background(), bo.author, protocol.PublishCollectionRequest{Kind: protocol.CollectionForm,
		Title: "人员基数表", Fields: form()[:4], Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: bo.root, Sub: true}}}})
	if err != nil {
		b.Fatal(err)
	}
	if c.Counts.Recipients != benchAudience {
		b.Fatalf("%d recipients", c.Counts.Recipients)
	}
	return c
}

func BenchmarkPublish10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			bo := newBenchOrg(b, be.Open)
			b.ResetTimer()
			for b.Loop() {
				bo.publish(b)
			}
		})
	}
}

// BenchmarkStatusWhileAnswering reads the status table of 10,000 while answers arrive
// through the service as fast as one writer can give them (reported as answers/s).
func BenchmarkStatusWhileAnswering(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			bo := newBenchOrg(b, be.Open)
			c := bo.publish(b)
			ctx := context.Background()
			var answered atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					u := bo.users[i%len(bo.users)]
					req := vals(b, map[string]any{"unit": fmt.Sprint("单位", i), "staff": i})
					if _, err := bo.svc.Submit(ctx, auth.Principal{User: u}, c.ID, req); err != nil {
						b.Error(err)
						return
					}
					answered.Add(1)
				}
			}()
			t0 := time.Now()
			b.ResetTimer()
			for b.Loop() {
				if _, err := bo.svc.Status(ctx, bo.author, c.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(answered.Load())/time.Since(t0).Seconds(), "answers/s")
		})
	}
}

// BenchmarkExport10k exports 10,000 answers (written straight to the store first).
func BenchmarkExport10k(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			bo := newBenchOrg(b, be.Open)
			c := bo.publish(b)
			ctx := context.Background()
			err := bo.s.InTx(ctx, func(tx store.Store) error {
				for i, u := range bo.users {
					sub := store.Submission{CollectionID: c.ID, Unit: store.Unit{User: u.ID}, UserID: u.ID,
						AnswerJSON: fmt.Sprintf(`{"unit":"单位%d","staff":%d,"day":"2026-11-24","kind":"行政"}`, i, i), UpdatedAt: start}
					if _, err := tx.SaveSubmission(ctx, &sub, nil); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := bo.svc.Export(ctx, bo.author, c.ID, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
