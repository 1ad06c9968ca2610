package hub

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"govchat/internal/apperr"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// sessionCookie is the browser's session cookie (httpapi.SessionCookie; not imported
// to keep the hub free of the REST layer).
const sessionCookie = "govchat_session"

// ServeHTTP serves GET /api/v1/ws: it checks the origin and the session before
// upgrading, so a refused client gets a JSON error and no socket, then runs the
// connection until it ends. The request's goroutine becomes the connection's reader.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		h.httpError(w, r, apperr.New(protocol.CodeMethodNotAllowed, "open the WebSocket with GET"))
		return
	}
	tok, bearer := token(r)
	origin := r.Header.Get("Origin")
	if origin != "" && !h.originAllowed(origin, r.Host) {
		h.httpError(w, r, apperr.New(protocol.CodeCrossOrigin, "cross-origin WebSocket refused"))
		return
	}
	if tok == "" {
		h.httpError(w, r, apperr.New(protocol.CodeUnauthenticated, "log in first"))
		return
	}
	if origin == "" && !bearer {
		// Every browser sends Origin on a WebSocket handshake, so a cookie without one
		// is not a browser we can vouch for; non-browser clients use a bearer token.
		h.httpError(w, r, apperr.New(protocol.CodeCrossOrigin, "a cookie-authenticated WebSocket needs an Origin header"))
		return
	}
	p, err := h.opt.Auth.Authenticate(r.Context(), tok)
	if err != nil {
		h.httpError(w, r, err)
		return
	}
	if p.Session.TOTPPending {
		h.httpError(w, r, apperr.New(protocol.CodeTOTPSetupRequired, "enrol a second factor first"))
		return
	}
	if h.isClosed() {
		h.httpError(w, r, apperr.New(protocol.CodeUnavailable, "server shutting down; reconnect"))
		return
	}
	if _, ok := w.(http.Hijacker); !ok {
		// Middleware wrappers expose the connection through Unwrap only; gorilla
		// v1.5.3 asks for http.Hijacker directly.
		w = hijacker{w}
	}
	// gorilla writes the 101 itself on the raw connection, so the headers the
	// middleware set (request id, security headers) must be handed to it.
	ws, err := h.upgrader.Upgrade(w, r, passOn(w.Header()))
	if err != nil {
		return // the upgrader has answered the request (upgradeError)
	}
	c := newConn(h, ws, p, tok, reqinfo.From(r.Context()))
	if !h.track(c) {
		close(c.readerDone) // no reader to wait for
		c.close(protocol.CloseShutdown, "server shutting down")
		c.finish()
		return
	}
	defer h.untrack(c)
	if pr := h.opt.Presence; pr != nil {
		pr.Connected(r.Context(), p.User.ID)
		// The request's context ends with the connection; the withdrawal must still go out.
		// c.away is the reader's, and the reader is this goroutine (c.run), done by now.
		defer func() { pr.Disconnected(context.WithoutCancel(r.Context()), p.User.ID, c.away) }()
	}
	h.log.Debug("websocket open", "request_id", reqinfo.From(r.Context()).ID, "user_id", p.User.ID, "session_id", p.Session.ID)
	c.run()
}

// token finds the session token: a bearer header for API clients, else the cookie.
// An Authorization header that is not a bearer token counts as no token at all.
func token(r *http.Request) (tok string, bearer bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), true
		}
		return "", false
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value, false
	}
	return "", false
}

// originAllowed compares a browser's Origin with the public URL, or with the
// request's own host when none is configured.
func (h *Hub) originAllowed(origin, host string) bool {
	o, ok := normalizeOrigin(origin)
	if !ok {
		return false // includes "null", sent by sandboxed frames and file: pages
	}
	if h.origin != "" {
		return o == h.origin
	}
	scheme, oHost, _ := strings.Cut(o, "://")
	return oHost == stripDefaultPort(strings.ToLower(host), scheme)
}

// normalizeOrigin lower-cases scheme and host and drops a default port, so
// "HTTPS://Chat.Example:443" equals the "https://chat.example" a browser sends.
func normalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	return scheme + "://" + stripDefaultPort(strings.ToLower(u.Host), scheme), true
}

func stripDefaultPort(host, scheme string) string {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// httpError answers a refused handshake with the REST error body. Internal causes
// are logged, never shown; the token never appears in either.
func (h *Hub) httpError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.From(err)
	status := apperr.Status(e.Code)
	id := reqinfo.From(r.Context()).ID
	if status >= 500 {
		h.log.Error("websocket handshake failed", "request_id", id, "err", err)
	}
	body := protocol.ErrorBody{Error: protocol.Error{Code: e.Code, Message: e.Message, RequestID: id, Field: e.Field, Reason: e.Reason}}
	if e.RetryAfter > 0 {
		secs := int((e.RetryAfter + 999_999_999) / 1_000_000_000)
		body.Error.RetryAfter = secs
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeJSONError(w, status, body)
}

// upgradeError answers a request that is not a valid WebSocket handshake.
func (h *Hub) upgradeError(w http.ResponseWriter, r *http.Request, status int, reason error) {
	body := protocol.ErrorBody{Error: protocol.Error{
		Code: protocol.CodeBadRequest, Message: reason.Error(), RequestID: reqinfo.From(r.Context()).ID,
	}}
	if status >= 500 {
		body.Error.Code = protocol.CodeInternal
		h.log.Error("websocket upgrade failed", "request_id", body.Error.RequestID, "err", reason)
	}
	writeJSONError(w, status, body)
}

func writeJSONError(w http.ResponseWriter, status int, body protocol.ErrorBody) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// hijacker reaches the connection of a wrapped ResponseWriter through
// http.ResponseController, which follows Unwrap.
type hijacker struct{ http.ResponseWriter }

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(h.ResponseWriter).Hijack()
}

// passOn picks the middleware's headers that belong on the 101 response.
func passOn(set http.Header) http.Header {
	out := http.Header{}
	for _, k := range []string{"X-Request-Id", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security"} {
		if v := set.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}
