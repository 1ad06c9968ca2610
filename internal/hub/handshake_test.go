package hub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"govchat/internal/wstest"
	"govchat/protocol"
)

// The Origin and session checks are the REST middleware's (httpapi's handshake tests
// run them with the real hub); what is left to the hub answers as REST does.
func TestHandshakeRefusals(t *testing.T) {
	t.Run("a request the middleware did not authenticate is a server error", func(t *testing.T) {
		h := newHarness(t, Options{})
		srv := httptest.NewServer(h.hub) // mounted without the middleware
		defer srv.Close()
		_, resp, err := wstest.TryDial(t, wstest.URL(srv.URL, "/"), wstest.Options{Bearer: "good"})
		if err == nil || resp == nil || resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("err %v status %v, want 500", err, status(resp))
		}
		defer resp.Body.Close()
		if e := readBody(t, resp).Error; e.Code != protocol.CodeInternal || e.Message != "internal error" {
			t.Fatalf("error %+v, want a bare internal error", e)
		}
	})
	t.Run("a request that is not a handshake is a bad request", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.auth.add("good", 1, time.Time{})
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1/ws", nil)
		req.Header.Set("Authorization", "Bearer good")
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || readBody(t, resp).Error.Code != protocol.CodeBadRequest {
			t.Fatalf("status %d, want 400 bad_request", resp.StatusCode)
		}
	})
}

func TestCloseShutsEveryConnection(t *testing.T) {
	h := newHarness(t, Options{})
	a, b := h.user(1, 7), h.user(2, 7)
	a.hello()
	b.hello()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.hub.Close(ctx) }()
	a.expectClose(protocol.CloseShutdown)
	b.expectClose(protocol.CloseShutdown)
	if err := <-done; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if s := h.hub.Stats(); s.Connections != 0 || s.Topics != 0 {
		t.Fatalf("after Close: %+v", s)
	}
	h.auth.add("late", 3, time.Time{})
	_, resp, err := h.tryDial("late", h.origin(), true, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after Close: err %v status %v, want 503", err, status(resp))
	}
	resp.Body.Close()
}
