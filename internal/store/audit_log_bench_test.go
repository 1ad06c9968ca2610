package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkAuditTrail1M measures the tamper-evident trail at scale on both backends
// (BENCHMARKS.md, "Audit trail"): GOVCHAT_AUDIT_EVENTS entries (default 1,000,000)
// inserted through the store in batches, hashed into the log by the checkpointer,
// verified whole against the checkpoint, and the p99 cost of one append with and
// without the checkpointer running. Run with -benchtime=1x.
func BenchmarkAuditTrail1M(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("GOVCHAT_AUDIT_EVENTS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			for range b.N {
				benchTrail(b, be.Open(b), n)
			}
		})
	}
}

func benchTrail(b *testing.B, s *store.DB, n int) {
	ctx := context.Background()
	began := time.Now()
	fill(b, s, n)
	b.Logf("%s: inserted %d entries in %s", s.Backend(), n, time.Since(began).Round(time.Millisecond))

	// The catch-up of a whole trail in large batches (what an upgrade's first run
	// would do with nothing else going on); the server's own batches are below.
	cpr := audit.NewCheckpointer(s, testKey(b, testOrigin, 7), time.Now, slog.New(slog.DiscardHandler), audit.CheckpointOptions{Batch: store.AuditLogMaxBatch})
	began = time.Now()
	sc, err := cpr.Round(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: checkpointer hashed %d entries into the log in %s", s.Backend(), sc.Size, time.Since(began).Round(time.Millisecond))
	cp, err := audit.OpenCheckpoint([]byte(sc.Body), cpr.Key().VerifierKey())
	if err != nil {
		b.Fatal(err)
	}

	began = time.Now()
	cpu := cpuTime()
	rep, err := audit.VerifyStore(ctx, s, cp)
	if err != nil || rep.Entries != int64(n) {
		b.Fatalf("verify: %+v %v", rep, err)
	}
	took, cpu := time.Since(began), cpuTime()-cpu
	b.ReportMetric(took.Seconds(), "verify-s")
	b.Logf("%s: verified %d entries against the checkpoint in %s (this process's CPU time %s, the database's included on SQLite; load average %s)",
		s.Backend(), rep.Entries, took.Round(time.Millisecond), cpu.Round(time.Millisecond), loadavg())

	benchAppend(b, s, cpr.Key(), n)
}

// BenchmarkAuditAppend measures only the appends' p99 with and without the
// checkpointer, over a trail of 100,000 entries: quicker to repeat than the 1M run.
func BenchmarkAuditAppend(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			for range b.N {
				s := be.Open(b)
				ctx := context.Background()
				fill(b, s, 100_000)
				cpr := audit.NewCheckpointer(s, testKey(b, testOrigin, 7), time.Now, slog.New(slog.DiscardHandler), audit.CheckpointOptions{Batch: store.AuditLogMaxBatch})
				if _, err := cpr.Round(ctx, true); err != nil {
					b.Fatal(err)
				}
				benchAppend(b, s, cpr.Key(), 100_000)
			}
		})
	}
}

func fill(b *testing.B, s *store.DB, n int) {
	ctx := context.Background()
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		es := make([]store.AuditEvent, min(batch, n-lo))
		for i := range es {
			k := lo + i
			es[i] = store.AuditEvent{At: t0.Add(time.Duration(k) * time.Second), ActorID: int64(k%500 + 1), ActorName: fmt.Sprintf("user%03d", k%500),
				Action: "file.download", TargetType: "file", TargetID: strconv.Itoa(k % 20000), Outcome: "ok", IP: "10.1.2.3",
				RequestID: fmt.Sprintf("req-%08d", k), Detail: `{"level":2,"channel_id":17}`}
		}
		if err := store.AppendAuditBatch(ctx, s, es, audit.Hash); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAppend: the cost an action's transaction pays for its entry (lock, head,
// insert; the commit is the action's own) and a whole standalone append, p50 and p99,
// without and then with the checkpointer running (the server's own batch options)
// through a backlog of 50,000 entries.
func benchAppend(b *testing.B, s *store.DB, key *audit.Key, n int) {
	ctx := context.Background()
	const batch = 5000
	measure := func(label string, count int) {
		inTx := make([]time.Duration, 0, count)
		whole := make([]time.Duration, 0, count)
		for i := range count {
			e := store.AuditEvent{ActorID: 7, ActorName: "bench", Action: "file.download", TargetType: "file", TargetID: strconv.Itoa(i), Outcome: "ok"}
			t0 := time.Now()
			err := s.InTx(ctx, func(tx store.Store) error {
				t1 := time.Now()
				err := tx.AppendAudit(ctx, &e, audit.Hash)
				inTx = append(inTx, time.Since(t1))
				return err
			})
			whole = append(whole, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("%s: append %s: in the action's transaction p50 %s p99 %s; standalone with commit p50 %s p99 %s", s.Backend(), label,
			pct(inTx, 50), pct(inTx, 99), pct(whole, 50), pct(whole, 99))
	}
	measure("without the checkpointer", 3000)

	// The checkpointer's normal duty: it polls every second and finds the entries
	// appended since.
	{
		steady := audit.NewCheckpointer(s, key, time.Now, slog.New(slog.DiscardHandler), audit.CheckpointOptionsFor(s.Backend()))
		rctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { steady.Run(rctx) })
		measure("with the checkpointer running (steady: polls every second)", 3000)
		stop()
		wg.Wait()
	}

	// A backlog for the checkpointer to work through while appends go on.
	es := make([]store.AuditEvent, 50_000)
	for i := range es {
		es[i] = store.AuditEvent{At: time.Now(), ActorID: 9, Action: "auth.login", Outcome: "ok"}
	}
	for lo := 0; lo < len(es); lo += batch {
		if err := store.AppendAuditBatch(ctx, s, es[lo:lo+batch], audit.Hash); err != nil {
			b.Fatal(err)
		}
	}
	o := audit.CheckpointOptionsFor(s.Backend())
	o.Poll = 10 * time.Millisecond
	run := audit.NewCheckpointer(s, key, time.Now, slog.New(slog.DiscardHandler), o)
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { run.Run(rctx) })
	measure("with the checkpointer catching up a backlog of 50,000", 3000)
	stop()
	wg.Wait()
	st, _ := s.AuditLogState(ctx)
	b.Logf("%s: the checkpointer had hashed %d of the %d entries of the backlog and the appends meanwhile (load average %s)", s.Backend(), st.Leaves-int64(n)-6000, 50_000+3000, loadavg())
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadavg is the machine's 1-minute load average (Linux), to read a wall time by.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Microsecond)
}
