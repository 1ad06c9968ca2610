package hub

import (
	"testing"
	"time"

	"govchat/protocol"
)

func TestSessionEndsOnAnOpenSocket(t *testing.T) {
	t.Run("closes when the session expires", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.auth.add("short", 1, time.Now().Add(300*time.Millisecond))
		c := h.dial("short")
		c.hello()
		start := time.Now()
		c.expectClose(protocol.CloseUnauthenticated)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("closed after %v", d)
		}
	})
	t.Run("closes within the recheck period when the session is revoked", func(t *testing.T) {
		h := newHarness(t, Options{RecheckPeriod: 50 * time.Millisecond})
		h.auth.add("revoked", 1, time.Time{})
		c := h.dial("revoked")
		c.hello()
		c.ping()
		h.auth.revoke("revoked")
		c.expectClose(protocol.CloseUnauthenticated)
	})
	t.Run("stays open while the store cannot answer", func(t *testing.T) {
		h := newHarness(t, Options{RecheckPeriod: 20 * time.Millisecond})
		h.auth.add("kept", 1, time.Time{})
		c := h.dial("kept")
		c.hello()
		h.auth.setFailing(true)
		time.Sleep(200 * time.Millisecond) // several rechecks
		c.ping()
		h.auth.setFailing(false)
		time.Sleep(100 * time.Millisecond)
		c.ping()
	})
}
