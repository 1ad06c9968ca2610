package store_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

const testOrigin = "chat.test.gov.cn/govchat-audit"

func testKey(t testing.TB, origin string, fill byte) *audit.Key {
	t.Helper()
	k, err := audit.NewKey(origin, bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// trail appends n entries starting at `at`, a minute apart, and checkpoints them.
func trail(t *testing.T, s store.Store, n int, at time.Time) ([]store.AuditEvent, *audit.Checkpointer, audit.Checkpoint) {
	t.Helper()
	es := make([]store.AuditEvent, n)
	for i := range es {
		es[i] = store.AuditEvent{At: at.Add(time.Duration(i) * time.Minute), ActorID: int64(i%7 + 1), ActorName: fmt.Sprintf("user%d", i%7),
			Action: "file.download", TargetType: "file", TargetID: fmt.Sprint(i), Outcome: "ok", IP: "10.0.0.9", Detail: `{"level":1}`}
	}
	es = appendEvents(t, s, es...)
	cpr := audit.NewCheckpointer(s, testKey(t, testOrigin, 7), time.Now, slog.New(slog.DiscardHandler), audit.CheckpointOptions{Batch: 16})
	return es, cpr, checkpoint(t, cpr)
}

func checkpoint(t *testing.T, cpr *audit.Checkpointer) audit.Checkpoint {
	t.Helper()
	sc, err := cpr.Round(t.Context(), true)
	must(t, err)
	cp, err := audit.OpenCheckpoint([]byte(sc.Body), cpr.Key().VerifierKey())
	must(t, err)
	return cp
}

// setEvent overwrites the row id with e's content, as an insider would.
func setEvent(t *testing.T, s store.Store, id int64, e store.AuditEvent) {
	t.Helper()
	must(t, store.ExecRaw(t.Context(), s, `UPDATE audit_events SET occurred_at = ?, actor_id = ?, actor_name = ?, action = ?,
		target_type = ?, target_id = ?, outcome = ?, ip = ?, request_id = ?, detail = ?, prev_hash = ?, hash = ? WHERE id = ?`,
		e.At.UnixMilli(), e.ActorID, e.ActorName, e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.RequestID, e.Detail,
		e.PrevHash, e.Hash, id))
}

func TestAuditLogVerifyNamesTheTampering(t *testing.T) {
	const n = 40
	cases := []struct {
		name   string
		tamper func(t *testing.T, s store.Store, es []store.AuditEvent)
		want   func(es []store.AuditEvent) string
	}{
		{"untouched", func(*testing.T, store.Store, []store.AuditEvent) {}, nil},
		{"one row edited", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			must(t, store.ExecRaw(t.Context(), s, `UPDATE audit_events SET actor_name = 'nobody' WHERE id = ?`, es[17].ID))
		}, func(es []store.AuditEvent) string {
			return fmt.Sprintf("entry %d altered: its content does not match its hash", es[17].ID)
		}},
		{"one row edited and rehashed", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			e := es[17]
			e.TargetID = "999"
			e.Hash = audit.Hash(e, e.PrevHash)
			setEvent(t, s, e.ID, e)
		}, func(es []store.AuditEvent) string {
			return fmt.Sprintf("entry %d altered: rewritten with a recomputed hash", es[17].ID)
		}},
		{"chain recomputed from an edited row on", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			prev := es[24].PrevHash
			for i := 24; i < n; i++ {
				e := es[i]
				if i == 24 {
					e.Outcome = "denied"
				}
				e.PrevHash, e.Hash = prev, audit.Hash(e, prev)
				prev = e.Hash
				setEvent(t, s, e.ID, e)
			}
		}, func(es []store.AuditEvent) string {
			return fmt.Sprintf("entry %d altered: the chain was recomputed from it on", es[24].ID)
		}},
		{"one row deleted", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			must(t, store.ExecRaw(t.Context(), s, `DELETE FROM audit_events WHERE id = ?`, es[12].ID))
		}, func(es []store.AuditEvent) string { return fmt.Sprintf("entry %d missing", es[12].ID) }},
		{"first row deleted", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			must(t, store.ExecRaw(t.Context(), s, `DELETE FROM audit_events WHERE id = ?`, es[0].ID))
		}, func(es []store.AuditEvent) string { return fmt.Sprintf("entry %d missing", es[0].ID) }},
		{"two rows swapped", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			setEvent(t, s, es[20].ID, es[21])
			setEvent(t, s, es[21].ID, es[20])
		}, func(es []store.AuditEvent) string {
			return fmt.Sprintf("entries %d and %d swapped (out of order)", es[20].ID, es[21].ID)
		}},
		{"tail truncated", func(t *testing.T, s store.Store, es []store.AuditEvent) {
			must(t, store.ExecRaw(t.Context(), s, `DELETE FROM audit_events WHERE id > ?`, es[29].ID))
		}, func(es []store.AuditEvent) string {
			return fmt.Sprintf("truncated: the trail ends at entry %d (30 entries) but the checkpoint covers 40", es[29].ID)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
				t.Parallel()
				es, _, cp := trail(t, s, n, t0)
				must(t, store.Unguard(t.Context(), s))
				c.tamper(t, s, es)
				rep, err := audit.VerifyStore(t.Context(), s, cp)
				if c.want == nil {
					if err != nil || rep.Entries != n {
						t.Fatalf("VerifyStore = %+v, %v; want %d entries intact", rep, err, n)
					}
					return
				}
				if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), c.want(es)) {
					t.Fatalf("VerifyStore = %v\nwant %q", err, c.want(es))
				}
			})
		})
	}
}

func TestAuditLogGrowsAndProvesConsistency(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		_, cpr, older := trail(t, s, 37, t0)
		appendEvents(t, s, store.AuditEvent{Action: "auth.login"}, store.AuditEvent{Action: "auth.logout"})
		newer := checkpoint(t, cpr)
		if older.Size != 37 || newer.Size != 39 {
			t.Fatalf("sizes %d, %d; want 37, 39", older.Size, newer.Size)
		}
		if _, err := audit.ProveConsistency(ctx, s, older, newer); err != nil {
			t.Fatalf("consistency 37→39: %v", err)
		}
		if rep, err := audit.VerifyStore(ctx, s, older); err != nil || rep.Entries != 39 {
			t.Fatalf("the grown trail against the older checkpoint: %+v %v", rep, err)
		}
		forged := newer
		forged.Root = tlog.RecordHash([]byte("another history"))
		if _, err := audit.ProveConsistency(ctx, s, older, forged); !errors.Is(err, audit.ErrTampered) ||
			!strings.Contains(err.Error(), "does not extend") {
			t.Fatalf("a rewritten history: %v", err)
		}
		cps, err := s.ListAuditCheckpoints(ctx, 10)
		must(t, err)
		if len(cps) != 2 || cps[0].Size != 39 {
			t.Fatalf("checkpoints %+v", cps)
		}
	})
}

func TestAuditCheckpointRefusals(t *testing.T) {
	key := testKey(t, testOrigin, 7)
	root := tlog.RecordHash([]byte("x"))
	good, err := key.Sign(12, root)
	must(t, err)
	other, err := testKey(t, "chat.other.gov.cn/govchat-audit", 9).Sign(12, root)
	must(t, err)
	sameNameOtherKey, err := testKey(t, testOrigin, 8).Sign(12, root)
	must(t, err)
	cases := []struct {
		name string
		text string
		want error
	}{
		{"forged size", strings.Replace(good, "\n12\n", "\n13\n", 1), audit.ErrForgedCheckpoint},
		{"another deployment", other, audit.ErrOtherDeployment},
		{"another key", sameNameOtherKey, audit.ErrOtherKey},
		{"no signature", strings.SplitN(good, "\n\n", 2)[0] + "\n", audit.ErrMalformed},
		{"garbage", "hello", audit.ErrMalformed},
	}
	if cp, err := audit.OpenCheckpoint([]byte(good), key.VerifierKey()); err != nil || cp.Size != 12 || cp.Root != root {
		t.Fatalf("the good checkpoint: %+v %v", cp, err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := audit.OpenCheckpoint([]byte(c.text), key.VerifierKey()); !errors.Is(err, c.want) {
				t.Fatalf("OpenCheckpoint = %v, want %v", err, c.want)
			}
		})
	}
}

func TestAuditGuardRefusesUpdateAndDelete(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		es, _, _ := trail(t, s, 5, t0)
		for _, q := range []string{
			`UPDATE audit_events SET actor_name = 'x' WHERE id = ?`,
			`DELETE FROM audit_events WHERE id = ?`,
			`UPDATE audit_tlog SET hash = hash WHERE sidx = ?`,
			`DELETE FROM audit_tlog WHERE sidx = ?`,
			`DELETE FROM audit_leaves WHERE event_id = ?`,
		} {
			err := store.ExecRaw(ctx, s, q, es[1].ID)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused", q, err)
			}
		}
		// The purge may not cut into the last 180 days, whatever cut it says.
		recent := appendEvents(t, s, store.AuditEvent{At: time.Now().Add(-24 * time.Hour), Action: "auth.login"})
		if _, err := store.PurgeAuditUnchecked(ctx, s, recent[0].ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("a purge of a day-old entry: %v, want refused", err)
		}
	})
}

func TestAuditPurgeKeepsTheCheckpointsVerifiable(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		old := time.Now().AddDate(-1, 0, 0)
		es, cpr, cp := trail(t, s, 30, old)
		appendEvents(t, s, store.AuditEvent{At: time.Now(), Action: "auth.login"})
		newer := checkpoint(t, cpr)
		n, last, err := s.PurgeAudit(ctx, old.Add(20*time.Minute), 1000)
		must(t, err)
		if n != 20 || last != es[19].ID {
			t.Fatalf("purged %d up to %d; want 20 up to %d", n, last, es[19].ID)
		}
		for _, c := range []audit.Checkpoint{cp, newer} {
			if rep, err := audit.VerifyStore(ctx, s, c); err != nil || rep.Entries != 11 || rep.FirstID != es[20].ID {
				t.Fatalf("after the purge, against %d: %+v %v", c.Size, rep, err)
			}
		}
		st, err := s.AuditLogState(ctx)
		must(t, err)
		if st.PurgedLeaves != 20 {
			t.Fatalf("purged leaves %d", st.PurgedLeaves)
		}
		p, err := audit.Prove(ctx, s, cpr.Key(), mustCheckpoint(t, s, newer.Size), es[25].ID)
		must(t, err)
		if err := audit.VerifyProof(p, cpr.Key().VerifierKey()); err != nil {
			t.Fatalf("inclusion proof after the purge: %v", err)
		}
		p.Event.Detail = `{"level":0}`
		if err := audit.VerifyProof(p, cpr.Key().VerifierKey()); !errors.Is(err, audit.ErrTampered) {
			t.Fatalf("an altered proof's entry: %v", err)
		}
		// Deleting a purged-range boundary row beneath the purge is still named.
		must(t, store.Unguard(ctx, s))
		must(t, store.ExecRaw(ctx, s, `DELETE FROM audit_events WHERE id = ?`, es[21].ID))
		if _, err := audit.VerifyStore(ctx, s, newer); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("entry %d missing", es[21].ID)) {
			t.Fatalf("a deletion after the purge: %v", err)
		}
	})
}

func mustCheckpoint(t *testing.T, s store.Store, size int64) store.AuditCheckpoint {
	t.Helper()
	c, err := s.AuditCheckpointAt(t.Context(), size)
	must(t, err)
	return c
}

// TestAuditBundleOnAnotherMachine exports a range and verifies it with nothing but the
// bundle's bytes and the verifier key, then damages it in the ways an inspector meets.
func TestAuditBundleOnAnotherMachine(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		es, cpr, _ := trail(t, s, 50, t0)
		sc := mustCheckpoint(t, s, 50)
		var buf bytes.Buffer
		m, err := audit.WriteBundle(ctx, s, cpr.Key(), sc, audit.BundleRequest{
			Since: es[10].At, Until: es[31].At, CaseNumber: "2026-保密-017", OfficerID: 3, OfficerName: "security", At: time.Now(),
		}, &buf)
		must(t, err)
		if m.Count != 21 || m.FirstID != es[10].ID || m.LastID != es[30].ID {
			t.Fatalf("manifest %+v", m)
		}
		vkey := cpr.Key().VerifierKey()
		bundle := buf.Bytes()

		// Another machine: only the bytes and the key.
		res, err := audit.VerifyBundle(ctx, bundle, vkey)
		if err != nil || res.Report.Entries != 21 || res.Manifest.CaseNumber != "2026-保密-017" || res.KeyInside {
			t.Fatalf("VerifyBundle = %+v, %v", res, err)
		}
		if res, err := audit.VerifyBundle(ctx, bundle, ""); err != nil || !res.KeyInside {
			t.Fatalf("with the key inside: %+v %v", res, err)
		}

		edit := func(t *testing.T, f func(name string, b []byte) []byte) []byte {
			t.Helper()
			zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
			must(t, err)
			var out bytes.Buffer
			zw := zip.NewWriter(&out)
			for _, zf := range zr.File {
				rc, err := zf.Open()
				must(t, err)
				b, err := io.ReadAll(rc)
				must(t, err)
				rc.Close()
				if b = f(zf.Name, b); b == nil {
					continue
				}
				w, err := zw.Create(zf.Name)
				must(t, err)
				_, err = w.Write(b)
				must(t, err)
			}
			must(t, zw.Close())
			return out.Bytes()
		}
		lines := func(b []byte) []string { return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n") }
		other, err := testKey(t, "chat.other.gov.cn/govchat-audit", 9).Sign(50, tlog.Hash{})
		must(t, err)
		cases := []struct {
			name   string
			bundle []byte
			vkey   string
			want   string
		}{
			{"cut short", bundle[:len(bundle)-100], vkey, "bundle truncated or damaged: not a complete zip archive"},
			{"last entries dropped", edit(t, func(name string, b []byte) []byte {
				if name == "events.ndjson" {
					l := lines(b)
					return []byte(strings.Join(l[:len(l)-3], ""))
				}
				return b
			}), vkey, "bundle truncated: it holds 18 entries, its manifest lists 21"},
			{"last entry cut mid-line", edit(t, func(name string, b []byte) []byte {
				if name == "events.ndjson" {
					return b[:len(b)-20]
				}
				return b
			}), vkey, "bundle truncated: line 21 of events.ndjson is not a whole entry"},
			{"an entry altered", edit(t, func(name string, b []byte) []byte {
				if name == "events.ndjson" {
					return bytes.Replace(b, []byte(`"target_id":"15"`), []byte(`"target_id":"16"`), 1)
				}
				return b
			}), vkey, fmt.Sprintf("entry %d altered", es[15].ID)},
			{"an entry removed", edit(t, func(name string, b []byte) []byte {
				if name == "events.ndjson" {
					l := lines(b)
					return []byte(strings.Join(append(l[:5:5], l[6:]...), ""))
				}
				return b
			}), vkey, fmt.Sprintf("entry %d missing", es[15].ID)},
			{"the checkpoint of another deployment", edit(t, func(name string, b []byte) []byte {
				if name == "checkpoint.txt" {
					return []byte(other)
				}
				return b
			}), vkey, "checkpoint of another deployment"},
			{"checked with another key", bundle, testKey(t, testOrigin, 8).VerifierKey(), "checkpoint signed by another key"},
			{"the proof dropped", edit(t, func(name string, b []byte) []byte {
				if name == "proof.json" {
					return []byte(`{"tree_size":50,"blocks":[]}`)
				}
				return b
			}), vkey, "lacks the proof hashes"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := audit.VerifyBundle(ctx, c.bundle, c.vkey)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("VerifyBundle = %v\nwant %q", err, c.want)
				}
			})
		}
	})
}
