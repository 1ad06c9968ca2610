package store_test

import (
	"bytes"
	"testing"
	"time"

	"govchat/internal/store"
)

func TestHashAuditEvent(t *testing.T) {
	base := store.AuditEvent{At: t0, ActorID: 1, ActorName: "ab", Action: "c", TargetType: "user", TargetID: "7",
		Outcome: "ok", IP: "10.0.0.1", RequestID: "r", Detail: "{}"}
	prev := bytes.Repeat([]byte{1}, 32)
	h := store.HashAuditEvent(base, prev)
	if len(h) != 32 || !bytes.Equal(h, store.HashAuditEvent(base, prev)) {
		t.Fatalf("hash not a stable SHA-256: %x", h)
	}
	// Fields that are not content must not change the hash.
	withIDs := base
	withIDs.ID, withIDs.PrevHash, withIDs.Hash = 99, []byte("x"), []byte("y")
	if !bytes.Equal(h, store.HashAuditEvent(withIDs, prev)) {
		t.Fatal("ID, PrevHash or Hash fields leaked into the hash")
	}
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
			if bytes.Equal(h, store.HashAuditEvent(e, prev)) {
				t.Fatal("hash unchanged")
			}
		})
	}
	t.Run("prev changes the hash", func(t *testing.T) {
		if bytes.Equal(h, store.HashAuditEvent(base, nil)) {
			t.Fatal("hash unchanged")
		}
	})
}
