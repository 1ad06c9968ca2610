package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"govchat/internal/auth"
	"govchat/internal/demo"
	"govchat/internal/httpapi"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// dialWS opens /api/v1/ws with a token as a cookie or a bearer header ("" sends
// neither) and an Origin ("" sends none).
func (h *harness) dialWS(tok, origin string, cookie bool) (*wstest.Conn, *http.Response, error) {
	h.t.Helper()
	opt := wstest.Options{Origin: origin}
	switch {
	case tok != "" && cookie:
		opt.Cookie = &http.Cookie{Name: httpapi.SessionCookie, Value: tok}
	case tok != "":
		opt.Bearer = tok
	}
	return wstest.TryDial(h.t, wstest.URL(h.srv.URL, "/api/v1/ws"), opt)
}

// expectRefused checks a handshake answered with the REST error and no socket.
func expectRefused(t *testing.T, c *wstest.Conn, resp *http.Response, err error, status int, code protocol.Code) *http.Response {
	t.Helper()
	if err == nil {
		c.Close()
		t.Fatal("upgraded; want a refusal")
	}
	if resp == nil {
		t.Fatalf("no HTTP response: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body protocol.ErrorBody
	if resp.StatusCode != status || json.Unmarshal(raw, &body) != nil || body.Error.Code != code || body.Error.RequestID == "" {
		t.Fatalf("status %d body %s, want %d %s with a request id", resp.StatusCode, raw, status, code)
	}
	return resp
}

// expectOpen checks an upgraded socket answers a ping.
func expectOpen(t *testing.T, c *wstest.Conn, resp *http.Response, err error) {
	t.Helper()
	if err != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		t.Fatalf("dial: %v (status %d)", err, code)
	}
	c.Ping()
}

// The WebSocket handshake passes the REST middleware: the same Origin check (stricter
// for a socket), the same authentication and the same error body.
func TestWebSocketHandshake(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		tok := h.login("xulei", demo.Password)
		own := h.srv.URL
		refusals := []struct {
			name   string
			token  string
			origin string
			cookie bool
			status int
			code   protocol.Code
		}{
			{"refuses a foreign origin with a cookie", tok, "https://evil.example", true, http.StatusForbidden, protocol.CodeCrossOrigin},
			{"refuses a foreign origin with a bearer token", tok, "https://evil.example", false, http.StatusForbidden, protocol.CodeCrossOrigin},
			{"refuses a foreign origin before asking for a session", "", "https://evil.example", false, http.StatusForbidden, protocol.CodeCrossOrigin},
			{"refuses the null origin", tok, "null", true, http.StatusForbidden, protocol.CodeCrossOrigin},
			{"refuses a cookie without an origin", tok, "", true, http.StatusForbidden, protocol.CodeCrossOrigin},
			{"refuses a missing token", "", own, true, http.StatusUnauthorized, protocol.CodeUnauthenticated},
			{"refuses an unknown bearer token", "forged", "", false, http.StatusUnauthorized, protocol.CodeUnauthenticated},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				ws, resp, err := h.as(t).dialWS(tc.token, tc.origin, tc.cookie)
				expectRefused(t, ws, resp, err, tc.status, tc.code)
			})
		}
		t.Run("refuses an unknown cookie token and clears the cookie", func(t *testing.T) {
			ws, resp, err := h.as(t).dialWS("forged", own, true)
			resp = expectRefused(t, ws, resp, err, http.StatusUnauthorized, protocol.CodeUnauthenticated)
			if c := resp.Cookies(); len(c) != 1 || c[0].Name != httpapi.SessionCookie || c[0].MaxAge >= 0 {
				t.Fatalf("cookies %v, want the session cookie cleared", c)
			}
		})
		t.Run("accepts a cookie from the request's own host", func(t *testing.T) {
			ws, resp, err := h.as(t).dialWS(tok, own, true)
			expectOpen(t, ws, resp, err)
		})
		t.Run("accepts a bearer token without an origin", func(t *testing.T) {
			ws, resp, err := h.as(t).dialWS(tok, "", false)
			expectOpen(t, ws, resp, err)
		})
		t.Run("the 101 carries the middleware's headers", func(t *testing.T) {
			ws, resp, err := h.as(t).dialWS(tok, own, true)
			expectOpen(t, ws, resp, err)
			if resp.Header.Get("X-Request-Id") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("101 headers %v", resp.Header)
			}
		})
		t.Run("refuses while shutting down", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := h.hub.Close(ctx); err != nil {
				t.Fatal(err)
			}
			ws, resp, err := h.as(t).dialWS(tok, own, true)
			expectRefused(t, ws, resp, err, http.StatusServiceUnavailable, protocol.CodeUnavailable)
		})
	})
}

func TestWebSocketHandshakeWithPublicOrigin(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarnessWith(t, s, func(d *httpapi.Deps) { d.PublicOrigin = "https://chat.gov.example" })
		tok := h.login("xulei", demo.Password)
		for _, o := range []string{"https://chat.gov.example", "https://CHAT.gov.example", "https://chat.gov.example:443"} {
			t.Run("accepts "+o, func(t *testing.T) {
				ws, resp, err := h.as(t).dialWS(tok, o, true)
				expectOpen(t, ws, resp, err)
			})
		}
		for name, o := range map[string]string{"the request's own host": h.srv.URL, "the public host over http": "http://chat.gov.example"} {
			t.Run("refuses "+name, func(t *testing.T) {
				ws, resp, err := h.as(t).dialWS(tok, o, true)
				expectRefused(t, ws, resp, err, http.StatusForbidden, protocol.CodeCrossOrigin)
			})
		}
	})
}

func TestWebSocketRefusesASessionThatMustEnrolTOTP(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s, func(o *auth.Options) { o.RequireTOTP = true })
		admin := h.login("zhoutao", demo.Password)
		ws, resp, err := h.dialWS(admin, "", false)
		expectRefused(t, ws, resp, err, http.StatusForbidden, protocol.CodeTOTPSetupRequired)
	})
}
