package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// BenchmarkAuditConsole fills a trail of n entries (GOVCHAT_AUDIT_BENCH_N, default
// 1,000,000) over 180 days by 1,000 people in 20 departments, then times the console's
// questions, newest data last:
//
//	person_week   one person's entries of the last 7 days (as actor or subject), a page of 100
//	file_history  every entry about one file (target blob), oldest first
//	trail_filtered one page of 100 of a department subtree at level ≥ 2, deep in the trail
//	append        AppendAudit onto the full trail inside a transaction, as actions record
//	              their entries (p50/p99_append_ms: what an entry adds to its action)
//	append_without_console_indexes  the same after dropping migration 0025's indexes
//
// The rows are written in batches straight into the table (a real chain hash is not
// needed to time queries). Run:
//
//	CI=true GOVCHAT_AUDIT_BENCH_N=1000000 go test -run '^$' -bench BenchmarkAuditConsole -benchtime=50x -timeout 30m ./internal/store/
func BenchmarkAuditConsole(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("GOVCHAT_AUDIT_BENCH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("GOVCHAT_AUDIT_BENCH_N=%q", v)
		}
	}
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			ctx := context.Background()
			start := time.Now()
			tr := fillTrail(b, s, n)
			b.Logf("%s: %d entries in %v", be.Name, n, time.Since(start).Round(time.Second))
			b.Run("person_week", func(b *testing.B) {
				rows := 0
				for i := range b.N {
					p := tr.people[i%len(tr.people)]
					es, err := s.ListAudit(ctx, store.AuditFilter{PersonID: p, Since: tr.end.Add(-7 * 24 * time.Hour), Limit: 100})
					must(b, err)
					rows += len(es)
				}
				b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
			})
			b.Run("file_history", func(b *testing.B) {
				rows := 0
				for i := range b.N {
					es, _, err := s.ListAuditAbout(ctx, "blob", tr.blob(i), 2000)
					must(b, err)
					rows += len(es)
				}
				b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
			})
			b.Run("trail_filtered", func(b *testing.B) {
				for i := range b.N {
					_, err := s.ListAudit(ctx, store.AuditFilter{DeptIDs: tr.depts[:5], MinLevel: lvl(2),
						BeforeID: int64(n/2 + i*997), Limit: 100})
					must(b, err)
				}
			})
			// Appends inside a transaction, as an action records its entry: what the entry
			// adds to the action, without the commit the action pays anyway. p99 over at
			// least 1,000 appends; then the same without the console's indexes (migration
			// 0025), for the ratio within one run.
			appends := func(b *testing.B) {
				var lat []time.Duration
				must(b, s.InTx(ctx, func(tx store.Store) error {
					for i := range max(b.N, 1000) {
						e := store.AuditEvent{ActorID: tr.people[i%len(tr.people)], ActorName: "p", Action: "file.download", TargetType: "blob",
							TargetID: tr.blob(i * 7), Outcome: "ok", Detail: `{"purpose":"view","secrecy":1}`}
						t0 := time.Now()
						if err := tx.AppendAudit(ctx, &e, audit.Hash); err != nil {
							return err
						}
						lat = append(lat, time.Since(t0))
					}
					return nil
				}))
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_append_ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_append_ms")
			}
			b.Run("append", appends)
			for _, ix := range []string{"audit_events_subject", "audit_events_target", "audit_events_dept", "audit_events_level",
				"audit_events_outcome", "audit_events_failed_ip"} {
				must(b, store.ExecRaw(ctx, s, `DROP INDEX `+ix))
			}
			b.Run("append_without_console_indexes", appends)
		})
	}
}

type consoleTrail struct {
	people []int64
	depts  []int64
	blobs  int
	end    time.Time
}

func (t consoleTrail) blob(i int) string { return fmt.Sprintf("%032x", i%t.blobs) }

// fillTrail writes n entries: 1,000 people (real accounts, in 20 departments), 50,000
// files, a mix of logins, downloads (levels 0–3), forwards, notices and admin changes.
func fillTrail(b *testing.B, s store.Store, n int) consoleTrail {
	b.Helper()
	ctx := context.Background()
	tr := consoleTrail{blobs: max(n/20, 100), end: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	for i := range 20 {
		d := store.Department{Name: fmt.Sprintf("部门%d", i)}
		must(b, s.CreateDepartment(ctx, &d))
		tr.depts = append(tr.depts, d.ID)
	}
	for i := range 1000 {
		u := store.User{Username: fmt.Sprintf("u%04d", i), DisplayName: fmt.Sprintf("人员%d", i), Role: store.RoleStaff}
		must(b, s.CreateUser(ctx, &u))
		tr.people = append(tr.people, u.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	span := 180 * 24 * time.Hour
	step := span / time.Duration(n)
	at := tr.end.Add(-span)
	hash := make([]byte, 32)
	const cols = `(occurred_at, actor_id, actor_name, action, target_type, target_id, outcome, ip, request_id, detail, prev_hash, hash,
		actor_role, actor_dept, subject_id, level)`
	const batch = 1000
	var sb strings.Builder
	args := make([]any, 0, batch*16)
	for done := 0; done < n; {
		sb.Reset()
		sb.WriteString(`INSERT INTO audit_events ` + cols + ` VALUES `)
		args = args[:0]
		for k := 0; k < batch && done < n; k++ {
			if k > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			pi := rng.IntN(len(tr.people))
			actor := tr.people[pi]
			dept := tr.depts[pi%len(tr.depts)]
			var action, tt, tid, detail string
			var subject int64
			var level any
			switch r := rng.IntN(100); {
			case r < 40:
				l := rng.IntN(4)
				action, tt, tid, detail, level = "file.download", "blob", tr.blob(rng.IntN(tr.blobs)), `{"purpose":"view","secrecy":`+strconv.Itoa(l)+`}`, l
			case r < 50:
				action, tt, tid = "file.keys_posted", "blob", tr.blob(rng.IntN(tr.blobs))
			case r < 70:
				action, tt, tid, subject = "auth.login", "user", strconv.FormatInt(actor, 10), actor
			case r < 80:
				action, tt, tid = "chat.forward", "channel", strconv.Itoa(rng.IntN(500)+1)
			case r < 90:
				other := tr.people[rng.IntN(len(tr.people))]
				action, tt, tid, subject, detail = "chat.member_remove", "channel", strconv.Itoa(rng.IntN(500)+1), other, `{"user_id":`+strconv.FormatInt(other, 10)+`}`
			default:
				action, tt, tid = "notice.confirm", "notice", strconv.Itoa(rng.IntN(5000)+1)
			}
			args = append(args, at.UnixMilli(), actor, "u", action, tt, tid, "ok", "10.0.0.1", "req", detail, hash, hash,
				"staff", dept, subject, level)
			at = at.Add(step)
			done++
		}
		must(b, store.ExecRaw(ctx, s, sb.String(), args...))
	}
	if s.Backend() == "postgres" {
		must(b, store.ExecRaw(ctx, s, `ANALYZE audit_events`))
	} else {
		must(b, store.ExecRaw(ctx, s, `ANALYZE`))
	}
	return tr
}
