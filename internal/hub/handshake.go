package hub

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// ServeHTTP serves GET /api/v1/ws. It is mounted behind the REST middleware, which has
// checked the Origin and authenticated the session before it is called (auth.
// FromContext), so a refused client gets the REST error and no socket. The hub checks
// only that it is still open, upgrades, and starts the connection's reader (conn.run).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		apperr.WriteHTTP(w, r, h.log, apperr.New(protocol.CodeMethodNotAllowed, "open the WebSocket with GET"))
		return
	}
	p, tok, ok := auth.FromContext(r.Context())
	if !ok {
		apperr.WriteHTTP(w, r, h.log, errors.New("hub: no authenticated principal; mount the hub behind the authentication middleware"))
		return
	}
	if h.isClosed() {
		apperr.WriteHTTP(w, r, h.log, apperr.New(protocol.CodeUnavailable, "server shutting down; reconnect"))
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
		return
	}
	if pr := h.opt.Presence; pr != nil {
		pr.Connected(r.Context(), p.User.ID)
	}
	h.log.Debug("websocket open", "request_id", reqinfo.From(r.Context()).ID, "user_id", p.User.ID, "session_id", p.Session.ID)
	// The connection reads on a goroutine of its own and this handler returns, so
	// net/http lets go of the request, its buffers and this deep stack (an idle
	// connection costs the reader's stack and the socket's state, nothing more).
	go c.run()
}

// upgradeError answers a request that is not a valid WebSocket handshake, through the
// one error edge: a wrong method or a missing header is the client's, anything else
// (the connection cannot be taken over) is internal and logged.
func (h *Hub) upgradeError(w http.ResponseWriter, r *http.Request, status int, reason error) {
	var err error = apperr.New(protocol.CodeBadRequest, "%s", reason.Error())
	switch {
	case status >= 500:
		err = fmt.Errorf("hub: upgrade: %w", reason)
	case status == http.StatusMethodNotAllowed:
		err = apperr.New(protocol.CodeMethodNotAllowed, "%s", reason.Error())
	}
	apperr.WriteHTTP(w, r, h.log, err)
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
