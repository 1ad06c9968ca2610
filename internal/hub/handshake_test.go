package hub

import (
	"context"
	"net/http"
	"testing"
	"time"

	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

func TestHandshakeRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	h.auth.add("good", 1, time.Time{})
	h.auth.set("pending", auth.Principal{
		User:    store.User{ID: 2},
		Session: store.Session{ID: 2, UserID: 2, ExpiresAt: time.Now().Add(time.Hour), TOTPPending: true},
	})
	cases := []struct {
		name   string
		token  string
		origin string
		cookie bool
		status int
		code   protocol.Code
	}{
		{"refuses a foreign origin with a cookie", "good", "https://evil.example", true, http.StatusForbidden, protocol.CodeCrossOrigin},
		{"refuses a foreign origin with a bearer token", "good", "https://evil.example", false, http.StatusForbidden, protocol.CodeCrossOrigin},
		{"refuses the null origin", "good", "null", true, http.StatusForbidden, protocol.CodeCrossOrigin},
		{"refuses a cookie without an origin", "good", "", true, http.StatusForbidden, protocol.CodeCrossOrigin},
		{"refuses a missing token", "", h.origin(), true, http.StatusUnauthorized, protocol.CodeUnauthenticated},
		{"refuses an unknown cookie token", "forged", h.origin(), true, http.StatusUnauthorized, protocol.CodeUnauthenticated},
		{"refuses an unknown bearer token", "forged", "", false, http.StatusUnauthorized, protocol.CodeUnauthenticated},
		{"refuses a session that must enrol TOTP", "pending", h.origin(), true, http.StatusForbidden, protocol.CodeTOTPSetupRequired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, resp, err := h.tryDial(tc.token, tc.origin, tc.cookie, nil)
			if err == nil {
				_ = c.ws.Close()
				t.Fatal("upgraded; want a refusal")
			}
			if resp == nil {
				t.Fatalf("no HTTP response: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if body := readBody(t, resp); body.Error.Code != tc.code {
				t.Fatalf("code %s, want %s", body.Error.Code, tc.code)
			}
		})
	}
	if n := h.hub.Stats().Connections; n != 0 {
		t.Fatalf("%d connections after refusals", n)
	}
}

func TestHandshakeAccepts(t *testing.T) {
	cases := []struct {
		name    string
		allowed string
		origin  func(h *harness) string
		cookie  bool
	}{
		{"a cookie from the request's own host", "", (*harness).origin, true},
		{"a bearer token without an origin", "", func(*harness) string { return "" }, false},
		{"the configured public origin", "https://chat.gov.example", func(*harness) string { return "https://CHAT.gov.example" }, true},
		{"the configured origin with its default port spelled out", "https://chat.gov.example:443/", func(*harness) string { return "https://chat.gov.example" }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{AllowedOrigin: tc.allowed})
			h.auth.add("good", 1, time.Time{})
			c, resp, err := h.tryDial("good", tc.origin(h), tc.cookie, nil)
			if err != nil {
				t.Fatalf("dial: %v (status %v)", err, status(resp))
			}
			c.hello()
			c.ping()
		})
	}
	t.Run("not the request's host when a public origin is configured", func(t *testing.T) {
		h := newHarness(t, Options{AllowedOrigin: "https://chat.gov.example"})
		h.auth.add("good", 1, time.Time{})
		_, resp, err := h.tryDial("good", h.origin(), true, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("err %v status %v, want 403", err, status(resp))
		}
		resp.Body.Close()
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
