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

func TestHeartbeat(t *testing.T) {
	h := newHarness(t, Options{Heartbeat: 40 * time.Millisecond})
	alive, silent := h.user(1, 7), h.user(2, 7)
	alive.hello()
	silent.hello()
	// gorilla answers pings only while reading; the silent client never reads again.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := alive.ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	eventually(t, "the silent client dropped", func() bool { return h.hub.Stats().Connections == 1 })
	time.Sleep(200 * time.Millisecond) // five periods: the answering client stays
	if n := h.hub.Stats().Connections; n != 1 {
		t.Fatalf("%d connections, want the answering one", n)
	}
	_ = alive.ws.Close()
	<-done
}
