package notice_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/auth"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// Confirmers and the live view's pace in BenchmarkConfirmWhileTallying.
const (
	benchConfirmers  = 16                     // HTTP handlers confirming at once
	benchTallyPeriod = 250 * time.Millisecond // the author's view asks at most 2–4 times a second
)

// BenchmarkConfirmWhileTallying is the issue's "1,000 confirmations per second are
// absorbed while tallies stay live": each op publishes a notice to 10,000 people
// (untimed), then 16 goroutines confirm it for all of them through Service.Confirm, as
// HTTP handlers would, while one goroutine asks for the author's tally every 250 ms.
// An op is always the same 10,000 confirmations. It reports the confirmations absorbed
// per second and the tally's latency while they stream in, twice: as fast as they go
// (max: what the machine absorbs) and paced at the 1,000 a second (1000/s: how
// live the tally stays at that rate; 10 s per op):
//
//	go test -run '^$' -bench ConfirmWhileTallying -benchtime 1x ./internal/notice/
func BenchmarkConfirmWhileTallying(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, rate := range []int{0, 1000} {
			name := be.Name + "/max"
			if rate > 0 {
				name = fmt.Sprintf("%s/%d-per-s", be.Name, rate)
			}
			b.Run(name, func(b *testing.B) { benchConfirmWhileTallying(b, be.Open, rate) })
		}
	}
}

func benchConfirmWhileTallying(b *testing.B, open func(testing.TB) *store.DB, rate int) {
	bo := newBenchOrg(b, open)
	ctx := context.Background()
	users, err := bo.s.ListUsers(ctx, store.UserFilter{Role: store.RoleStaff})
	if err != nil {
		b.Fatal(err)
	}
	if len(users) != benchAudience {
		b.Fatalf("%d staff", len(users))
	}
	var confirming time.Duration
	var tallies, confirms []time.Duration
	for b.Loop() {
		b.StopTimer()
		n := bo.publish(b)
		b.StartTimer()
		began := time.Now()
		c, t := confirmWhileTallying(b, bo, users, n.ID, rate)
		confirming += time.Since(began)
		confirms, tallies = append(confirms, c...), append(tallies, t...)
		b.StopTimer()
		got, err := bo.svc.Tally(ctx, bo.author, n.ID, notice.TallyFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if got.Confirmed != benchAudience {
			b.Fatalf("%d of %d confirmed", got.Confirmed, benchAudience)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchAudience)/confirming.Seconds(), "confirms/s")
	b.ReportMetric(ms(quantile(confirms, 0.99)), "confirm-p99-ms")
	b.ReportMetric(ms(quantile(tallies, 0.5)), "tally-p50-ms")
	b.ReportMetric(ms(quantile(tallies, 1)), "tally-max-ms")
	b.ReportMetric(float64(len(tallies))/float64(b.N), "tallies/op")
}

// confirmWhileTallying confirms notice id for every user with benchConfirmers
// goroutines — at most rate a second when rate > 0 — while the author's tally is asked
// every benchTallyPeriod, and returns how long each confirmation and each tally took.
func confirmWhileTallying(b *testing.B, bo benchOrg, users []store.User, id int64, rate int) (confirms, tallies []time.Duration) {
	ctx := context.Background()
	done := make(chan struct{})
	tallied := make(chan []time.Duration)
	go func() {
		var took []time.Duration
		tick := time.NewTicker(benchTallyPeriod)
		defer tick.Stop()
		for {
			began := time.Now()
			if _, err := bo.svc.Tally(ctx, bo.author, id, notice.TallyFilter{}); err != nil {
				b.Error(err)
			}
			took = append(took, time.Since(began))
			select {
			case <-tick.C:
			case <-done:
				tallied <- took
				return
			}
		}
	}()
	var next atomic.Int64
	start := time.Now()
	per := make([][]time.Duration, benchConfirmers)
	var wg sync.WaitGroup
	for w := range benchConfirmers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(users); i = int(next.Add(1) - 1) {
				if rate > 0 {
					time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
				}
				began := time.Now()
				if _, err := bo.svc.Confirm(ctx, auth.Principal{User: users[i]}, id, protocol.NoticeReadRequest{Revision: 1}); err != nil {
					b.Error(err)
					return
				}
				per[w] = append(per[w], time.Since(began))
			}
		})
	}
	wg.Wait()
	close(done)
	return slices.Concat(per...), <-tallied
}

// quantile is the q-quantile (0 < q ≤ 1) of ds by the nearest rank; 0 when empty.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
