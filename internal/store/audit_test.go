package store_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func appendEvents(t *testing.T, s store.Store, es ...store.AuditEvent) []store.AuditEvent {
	t.Helper()
	for i := range es {
		if err := s.AppendAudit(t.Context(), &es[i], audit.Hash); err != nil {
			t.Fatalf("AppendAudit(%s): %v", es[i].Action, err)
		}
	}
	return es
}

func verify(t *testing.T, s store.Store) int64 {
	t.Helper()
	bad, err := audit.Verify(t.Context(), s)
	must(t, err)
	return bad
}

func TestAuditChain(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		if bad := verify(t, s); bad != 0 {
			t.Fatalf("empty trail reported bad at %d", bad)
		}
		es := appendEvents(t, s,
			store.AuditEvent{At: t0, ActorID: 1, ActorName: "admin", Action: "admin.user_create", TargetType: "user",
				TargetID: "2", Outcome: "ok", IP: "10.0.0.1", RequestID: "r1", Detail: `{"role":"staff"}`},
			store.AuditEvent{ActorName: "王建国", Action: "auth.login_failed", Outcome: "failed"},
			store.AuditEvent{ActorID: 2, Action: "auth.login", Outcome: "ok"},
		)

		t.Run("append links each entry to the last", func(t *testing.T) {
			if es[0].PrevHash != nil {
				t.Fatalf("first PrevHash = %x, want nil", es[0].PrevHash)
			}
			for i, e := range es {
				if e.ID == 0 || !bytes.Equal(e.Hash, audit.Hash(e, e.PrevHash)) {
					t.Fatalf("entry %d: ID %d, hash does not match its content", i, e.ID)
				}
				if i > 0 && !bytes.Equal(e.PrevHash, es[i-1].Hash) {
					t.Fatalf("entry %d does not link to entry %d", i, i-1)
				}
			}
			if !es[0].At.Equal(ms(t0)) || es[1].At.IsZero() || es[1].At.Location() != time.UTC {
				t.Fatalf("At normalisation: %v, %v", es[0].At, es[1].At)
			}
		})

		t.Run("scan returns what was appended, oldest first", func(t *testing.T) {
			var got []store.AuditEvent
			must(t, s.ScanAudit(ctx, func(e store.AuditEvent) error { got = append(got, e); return nil }))
			if len(got) != len(es) {
				t.Fatalf("scanned %d, want %d", len(got), len(es))
			}
			for i := range es {
				if fmt.Sprint(got[i]) != fmt.Sprint(es[i]) {
					t.Fatalf("entry %d:\n got %+v\nwant %+v", i, got[i], es[i])
				}
			}
		})

		t.Run("intact chain verifies", func(t *testing.T) {
			if bad := verify(t, s); bad != 0 {
				t.Fatalf("intact chain reported bad at %d", bad)
			}
		})
	})
}

// TestAuditTrailWrittenBefore stores, beneath the Store, two entries whose hashes were
// computed before the chain moved from internal/store to internal/audit (as a database
// of that time holds them), and expects them to verify and the chain to grow from them.
func TestAuditTrailWrittenBefore(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		hash := func(h string) []byte {
			b, err := hex.DecodeString(h)
			must(t, err)
			return b
		}
		first := hash("a45f0c836e1068dd3c62e80ec3499de47a3233df7a19b0a474afe7688f2b0a02")
		insert := `INSERT INTO audit_events (occurred_at, actor_id, actor_name, action, target_type, target_id,
			outcome, ip, request_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		must(t, store.ExecRaw(ctx, s, insert, int64(1772357400123), 1, "admin", "auth.login", "session", "1",
			"ok", "10.0.0.1", "req-1", "", nil, first))
		must(t, store.ExecRaw(ctx, s, insert, int64(1772357465000), 1, "admin", "admin.user_create", "user", "7",
			"ok", "10.0.0.1", "req-2", `{"display_name":"王建国","role":"staff"}`, first,
			hash("e4cae2151c86cd7d2d917dc9564166c74a45d1b5fe87a2121b7d702de201ba5d")))
		if bad := verify(t, s); bad != 0 {
			t.Fatalf("a trail written before the move reported bad at %d", bad)
		}
		appendEvents(t, s, store.AuditEvent{ActorID: 1, Action: "auth.logout"})
		if bad := verify(t, s); bad != 0 {
			t.Fatalf("the chain grown from an older trail reported bad at %d", bad)
		}
	})
}

// TestAuditTamper edits the table behind the store's back, as an insider with
// database access might, and expects VerifyAuditChain to name the first bad entry.
func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(es []store.AuditEvent) (query string, args []any)
		badIdx int // index into es of the entry that must be reported
	}{
		{"edited detail", func(es []store.AuditEvent) (string, []any) {
			return `UPDATE audit_events SET detail = ? WHERE id = ?`, []any{`{"role":"admin"}`, es[2].ID}
		}, 2},
		{"edited actor", func(es []store.AuditEvent) (string, []any) {
			return `UPDATE audit_events SET actor_name = ? WHERE id = ?`, []any{"someone else", es[1].ID}
		}, 1},
		{"edited time", func(es []store.AuditEvent) (string, []any) {
			return `UPDATE audit_events SET occurred_at = occurred_at + 1 WHERE id = ?`, []any{es[3].ID}
		}, 3},
		{"rehashed entry breaks the next link", func(es []store.AuditEvent) (string, []any) {
			// An attacker who recomputes one entry's hash still breaks its successor.
			e := es[2]
			e.Detail = "forged"
			return `UPDATE audit_events SET detail = ?, hash = ? WHERE id = ?`, []any{"forged", audit.Hash(e, e.PrevHash), e.ID}
		}, 3},
		{"deleted entry", func(es []store.AuditEvent) (string, []any) {
			return `DELETE FROM audit_events WHERE id = ?`, []any{es[1].ID}
		}, 2},
		{"deleted first entry", func(es []store.AuditEvent) (string, []any) {
			return `DELETE FROM audit_events WHERE id = ?`, []any{es[0].ID}
		}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
				t.Parallel()
				var es []store.AuditEvent
				for i := range 5 {
					es = append(es, store.AuditEvent{ActorID: int64(i), Action: "admin.user_update", Detail: `{"role":"staff"}`})
				}
				es = appendEvents(t, s, es...)
				q, args := c.tamper(es)
				must(t, store.Unguard(t.Context(), s))
				must(t, store.ExecRaw(t.Context(), s, q, args...))
				if bad := verify(t, s); bad != es[c.badIdx].ID {
					t.Fatalf("VerifyAuditChain = %d, want %d", bad, es[c.badIdx].ID)
				}
			})
		})
	}
}

func TestListAudit(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		es := appendEvents(t, s,
			store.AuditEvent{At: t0, ActorID: 1, Action: "auth.login"},
			store.AuditEvent{At: t0.Add(time.Minute), ActorID: 2, Action: "auth.login_failed"},
			store.AuditEvent{At: t0.Add(2 * time.Minute), ActorID: 1, Action: "admin.user_create"},
			store.AuditEvent{At: t0.Add(3 * time.Minute), ActorID: 1, Action: "authx.other"},
			store.AuditEvent{At: t0.Add(4 * time.Minute), ActorID: 3, Action: "auth.logout"},
		)
		cases := []struct {
			name string
			f    store.AuditFilter
			want []int // indexes into es, newest first
		}{
			{"all newest first", store.AuditFilter{}, []int{4, 3, 2, 1, 0}},
			{"actor", store.AuditFilter{ActorID: 1}, []int{3, 2, 0}},
			{"exact action", store.AuditFilter{Action: "auth.login"}, []int{0}},
			{"action prefix stops at the dot", store.AuditFilter{Action: "auth."}, []int{4, 1, 0}},
			{"since is inclusive", store.AuditFilter{Since: t0.Add(3 * time.Minute)}, []int{4, 3}},
			{"until is exclusive", store.AuditFilter{Until: t0.Add(time.Minute)}, []int{0}},
			{"before id pages", store.AuditFilter{BeforeID: es[2].ID}, []int{1, 0}},
			{"limit", store.AuditFilter{Limit: 2}, []int{4, 3}},
			{"combined", store.AuditFilter{ActorID: 1, Action: "auth.", Until: t0.Add(time.Hour)}, []int{0}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListAudit(ctx, c.f)
				must(t, err)
				var gotIDs, wantIDs []int64
				for _, e := range got {
					gotIDs = append(gotIDs, e.ID)
				}
				for _, i := range c.want {
					wantIDs = append(wantIDs, es[i].ID)
				}
				if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
					t.Fatalf("ListAudit(%+v) = %v, want %v", c.f, gotIDs, wantIDs)
				}
			})
		}
	})
}

// TestAuditVolume checks the default and maximum page sizes and that ScanAudit
// crosses its internal batch boundary without losing or repeating entries.
func TestAuditVolume(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		const n = 1203
		must(t, s.InTx(ctx, func(tx store.Store) error {
			for i := range n {
				if err := tx.AppendAudit(ctx, &store.AuditEvent{Action: "test.bulk", TargetID: fmt.Sprint(i)}, audit.Hash); err != nil {
					return err
				}
			}
			return nil
		}))
		for _, c := range []struct {
			limit, want int
		}{{0, 100}, {50, 50}, {5000, 1000}} {
			got, err := s.ListAudit(ctx, store.AuditFilter{Limit: c.limit})
			must(t, err)
			if len(got) != c.want {
				t.Fatalf("ListAudit(Limit %d) returned %d, want %d", c.limit, len(got), c.want)
			}
		}
		var last int64
		count := 0
		must(t, s.ScanAudit(ctx, func(e store.AuditEvent) error {
			if e.ID <= last {
				return fmt.Errorf("ScanAudit out of order: %d after %d", e.ID, last)
			}
			last = e.ID
			count++
			return nil
		}))
		if count != n {
			t.Fatalf("scanned %d, want %d", count, n)
		}
		if bad := verify(t, s); bad != 0 {
			t.Fatalf("chain broken at %d", bad)
		}
	})
}

// HasAudit finds an entry only when actor, action, target, outcome all match and it is
// recent enough: the escrow open it stands for grants nothing wider.
func TestHasAudit(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		appendEvents(t, s,
			store.AuditEvent{At: t0, ActorID: 5, ActorName: "zhaomin", Action: "file.escrow_open", TargetType: "blob", TargetID: "aa", Outcome: "ok"},
			store.AuditEvent{At: t0, ActorID: 5, ActorName: "zhaomin", Action: "file.escrow_open", TargetType: "blob", TargetID: "bb", Outcome: "failed"},
		)
		want := store.AuditMatch{ActorID: 5, Action: "file.escrow_open", TargetType: "blob", TargetID: "aa", Outcome: "ok", Since: t0.Add(-time.Minute)}
		for _, tc := range []struct {
			name string
			edit func(m *store.AuditMatch)
			want bool
		}{
			{"the entry", func(*store.AuditMatch) {}, true},
			{"since its very millisecond", func(m *store.AuditMatch) { m.Since = t0 }, true},
			{"too old", func(m *store.AuditMatch) { m.Since = t0.Add(time.Second) }, false},
			{"another actor", func(m *store.AuditMatch) { m.ActorID = 6 }, false},
			{"another action", func(m *store.AuditMatch) { m.Action = "file.download" }, false},
			{"another target", func(m *store.AuditMatch) { m.TargetID = "cc" }, false},
			{"another target type", func(m *store.AuditMatch) { m.TargetType = "user" }, false},
			{"a failed one", func(m *store.AuditMatch) { m.TargetID, m.Outcome = "bb", "ok" }, false},
		} {
			m := want
			tc.edit(&m)
			got, err := s.HasAudit(t.Context(), m)
			must(t, err)
			if got != tc.want {
				t.Errorf("%s: HasAudit = %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}
