package audit_test

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
)

// chainVector is a trail whose hashes were computed by the chain's code before it moved
// out of internal/store: entries already in a database must keep verifying, so these
// may never change (a new encoding needs a new hashDomain, and a migration).
var chainVector = []struct {
	event store.AuditEvent
	hash  string
}{
	{store.AuditEvent{At: time.Date(2026, 3, 1, 9, 30, 0, 123_000_000, time.UTC), ActorID: 1, ActorName: "admin", Action: "auth.login",
		TargetType: "session", TargetID: "1", Outcome: "ok", IP: "10.0.0.1", RequestID: "req-1"},
		"a45f0c836e1068dd3c62e80ec3499de47a3233df7a19b0a474afe7688f2b0a02"},
	{store.AuditEvent{At: time.Date(2026, 3, 1, 9, 31, 5, 0, time.UTC), ActorID: 1, ActorName: "admin", Action: "admin.user_create",
		TargetType: "user", TargetID: "7", Outcome: "ok", IP: "10.0.0.1", RequestID: "req-2", Detail: `{"display_name":"王建国","role":"staff"}`},
		"e4cae2151c86cd7d2d917dc9564166c74a45d1b5fe87a2121b7d702de201ba5d"},
	{store.AuditEvent{At: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), ActorName: "李四", Action: "auth.login_failed",
		TargetType: "user", Outcome: "failed", IP: "::1"},
		"a85a4bf60a54864e2b8014d67a8267c50fe0789cbca1e114be119d89a9200e42"},
}

func TestHashKeepsExistingTrails(t *testing.T) {
	var prev []byte
	for i, v := range chainVector {
		got := audit.Hash(v.event, prev)
		if hex.EncodeToString(got) != v.hash {
			t.Fatalf("entry %d: hash %x, want %s: entries already stored would no longer verify", i, got, v.hash)
		}
		prev = got
	}
}

func TestHash(t *testing.T) {
	base := store.AuditEvent{At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), ActorID: 1, ActorName: "ab", Action: "c", TargetType: "user", TargetID: "7",
		Outcome: "ok", IP: "10.0.0.1", RequestID: "r", Detail: "{}"}
	prev := bytes.Repeat([]byte{1}, 32)
	h := audit.Hash(base, prev)
	if len(h) != 32 || !bytes.Equal(h, audit.Hash(base, prev)) {
		t.Fatalf("hash not a stable SHA-256: %x", h)
	}
	t.Run("ID, PrevHash and Hash are not inputs", func(t *testing.T) {
		withIDs := base
		withIDs.ID, withIDs.PrevHash, withIDs.Hash = 99, []byte("x"), []byte("y")
		if !bytes.Equal(h, audit.Hash(withIDs, prev)) {
			t.Fatal("ID, PrevHash or Hash fields leaked into the hash")
		}
	})
	changes := map[string]func(e *store.AuditEvent){
		"at":                      func(e *store.AuditEvent) { e.At = e.At.Add(time.Millisecond) },
		"actor id":                func(e *store.AuditEvent) { e.ActorID = 2 },
		"text moved across field": func(e *store.AuditEvent) { e.ActorName, e.Action = "a", "bc" },
		"target type":             func(e *store.AuditEvent) { e.TargetType = "session" },
		"target id":               func(e *store.AuditEvent) { e.TargetID = "8" },
		"outcome":                 func(e *store.AuditEvent) { e.Outcome = "denied" },
		"ip":                      func(e *store.AuditEvent) { e.IP = "10.0.0.2" },
		"request id":              func(e *store.AuditEvent) { e.RequestID = "s" },
		"detail":                  func(e *store.AuditEvent) { e.Detail = `{"x":1}` },
	}
	for name, change := range changes {
		t.Run(name+" changes the hash", func(t *testing.T) {
			e := base
			change(&e)
			if bytes.Equal(h, audit.Hash(e, prev)) {
				t.Fatal("hash unchanged")
			}
		})
	}
	t.Run("prev changes the hash", func(t *testing.T) {
		if bytes.Equal(h, audit.Hash(base, nil)) {
			t.Fatal("hash unchanged")
		}
	})
}
