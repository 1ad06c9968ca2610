package httpapi

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// SessionCookie is the name of the browser's session cookie.
const SessionCookie = "govchat_session"

// contentSecurityPolicy allows only the server's own scripts and styles: no inline code,
// so injected markup cannot run. frame-ancestors 'none' forbids framing (clickjacking).
// frame-src adds blob: to 'self' for one use: the PDF preview, a frame of a file the
// browser decrypted (a Blob the page made, typed application/pdf by the page).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-src 'self' blob:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// statusRecorder remembers the status for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the WebSocket upgrade needs it).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack hands the connection to the WebSocket upgrader and records the switch, so the
// request log says 101 rather than a 200 that was never sent.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("httpapi: connection cannot be hijacked")
	}
	s.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// outer wraps every request: request id, client address, security headers, recovery,
// the request log and metrics.
func (a *API) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		info := reqinfo.Info{ID: id, IP: a.clientIP(r), UserAgent: r.UserAgent()}
		r = r.WithContext(reqinfo.With(r.Context(), info))

		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if a.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}

		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("panic serving request", "request_id", id, "panic", v)
				if rec.status == 0 {
					a.writeError(rec, r, apperr.New(protocol.CodeInternal, "internal error"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			a.metrics.HTTPRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
			a.metrics.HTTPDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
			if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && r.URL.Path != "/metrics" {
				a.log.Info("http", append(logAttrs(r, status, route), "ms", time.Since(start).Milliseconds())...)
			}
		}()
		if err := validText(r); err != nil {
			a.writeError(rec, r, err)
			return
		}
		next.ServeHTTP(rec, r)
	})
}

// validText refuses an API request whose path or query is not valid UTF-8 once
// percent-decoded: query parameters carry user text (search terms), and decoding keeps
// any byte, so invalid text would otherwise reach the services. The field is the
// parameter's name.
func validText(r *http.Request) error {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		return nil // the web client's files
	}
	if !utf8.ValidString(r.URL.Path) {
		return apperr.New(protocol.CodeBadRequest, "the path is not valid UTF-8")
	}
	for name, values := range r.URL.Query() {
		if !utf8.ValidString(name) {
			return apperr.New(protocol.CodeBadRequest, "a query parameter's name is not valid UTF-8")
		}
		for _, v := range values {
			if !utf8.ValidString(v) {
				return apperr.BadField(name, "%s is not valid UTF-8", name)
			}
		}
	}
	return nil
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clientIP is the peer address, or the first X-Forwarded-For hop the operator told us
// to trust.
func (a *API) clientIP(r *http.Request) string {
	if a.trustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			first, _, _ := strings.Cut(fwd, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func principalFrom(ctx context.Context) auth.Principal {
	p, _, _ := auth.FromContext(ctx)
	return p
}

// token is the one reader of the session token: a bearer header for API clients, else
// the cookie. An Authorization header that is not a bearer token counts as no token.
func token(r *http.Request) (tok string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

// authed requires a session: REST endpoints and the WebSocket handshake alike. A
// privileged account that must still enrol a second factor may only reach the
// endpoints that let it do so (allowPending). The principal and token go on in the
// request's context (auth.FromContext).
func (a *API) authed(allowPending bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, fromCookie := token(r)
		if err := a.checkOrigin(r, tok != "" && fromCookie); err != nil {
			a.writeError(w, r, err)
			return
		}
		if tok == "" {
			a.writeError(w, r, apperr.New(protocol.CodeUnauthenticated, "log in first"))
			return
		}
		p, err := a.auth.Authenticate(r.Context(), tok)
		if err != nil {
			if fromCookie {
				clearCookie(w, a.secure)
			}
			a.writeError(w, r, err)
			return
		}
		if p.Session.TOTPPending && !allowPending {
			a.writeError(w, r, apperr.New(protocol.CodeTOTPSetupRequired, "enrol a second factor first"))
			return
		}
		next(w, r.WithContext(auth.NewContext(r.Context(), p, tok)))
	}
}

// requires wraps authed with a permission check; a refusal is audited.
func (a *API) requires(perm authz.Permission, next http.HandlerFunc) http.HandlerFunc {
	return a.authed(false, func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		if !authz.Can(p.User.Role, perm) {
			a.recordDenied(r, p, perm)
			a.writeError(w, r, apperr.New(protocol.CodeForbidden, "your role may not do this"))
			return
		}
		next(w, r)
	})
}

// checkOrigin refuses a browser request from another site before its credentials are
// looked at. A WebSocket handshake is checked whatever its method and credentials: the
// socket reads and writes, and any page may try to open one (cross-site WebSocket
// hijacking). Every browser sends Origin on a handshake, so a cookie without one is
// not a browser we can vouch for; non-browser clients use a bearer token. Other
// requests are checked only when they carry the cookie (sameOrigin).
func (a *API) checkOrigin(r *http.Request, cookie bool) error {
	if !isWebSocket(r) {
		if cookie && !a.sameOrigin(r) {
			return apperr.New(protocol.CodeCrossOrigin, "cross-origin request refused")
		}
		return nil
	}
	switch o := r.Header.Get("Origin"); {
	case o != "" && !a.publicOrigin.Admits(o, r.Host):
		return apperr.New(protocol.CodeCrossOrigin, "cross-origin WebSocket refused")
	case o == "" && cookie:
		return apperr.New(protocol.CodeCrossOrigin, "a cookie-authenticated WebSocket needs an Origin header")
	}
	return nil
}

// isWebSocket reports whether r asks to become a WebSocket (RFC 6455 §4.1), reading
// the Upgrade header as a token list the way the upgrader does, so nothing the
// upgrader would take escapes the stricter check.
func isWebSocket(r *http.Request) bool {
	for _, v := range r.Header.Values("Upgrade") {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), "websocket") {
				return true
			}
		}
	}
	return false
}

// sameOrigin guards cookie-authenticated writes against cross-site requests. SameSite=
// Strict already keeps the cookie off them in current browsers; checking Origin too
// covers older ones. Safe methods change nothing and pass.
func (a *API) sameOrigin(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		// Browsers send Origin on every cross-origin POST; its absence means a same-origin
		// request from an old browser or a non-browser client.
		return true
	}
	// The whole origin when one is configured: http://chat.example is not
	// https://chat.example.
	return a.publicOrigin.Admits(origin, r.Host)
}

func setSessionCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
	})
}

func clearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
	})
}
