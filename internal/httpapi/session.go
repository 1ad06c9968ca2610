package httpapi

import (
	"net/http"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/reqinfo"
	"govchat/protocol"
)

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	ok, wait, err := a.loginLimit.Allow(r.Context(), clientKey(r))
	if err != nil {
		// Fail open: the per-account lockout still guards every account, and refusing
		// all logins because Redis blinked would lock out the whole organisation.
		a.log.Warn("login rate limiter unavailable", "err", err)
		ok = true
	}
	if !ok {
		e := apperr.New(protocol.CodeRateLimited, "too many login attempts from this address")
		e.RetryAfter = wait
		a.metrics.Logins.WithLabelValues(string(protocol.CodeRateLimited)).Inc()
		a.writeError(w, r, e)
		return
	}
	// A cross-site form must not log a browser into someone else's account (login CSRF).
	if !a.sameOrigin(r) {
		a.writeError(w, r, apperr.New(protocol.CodeCrossOrigin, "cross-origin login refused"))
		return
	}
	var req protocol.LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	token, p, err := a.auth.Login(r.Context(), req)
	if err != nil {
		a.metrics.Logins.WithLabelValues(string(apperr.From(err).Code)).Inc()
		a.writeError(w, r, err)
		return
	}
	a.metrics.Logins.WithLabelValues("ok").Inc()
	a.writeSession(w, r, token, p)
}

// prelogin answers how the browser derives the login's master key (PROTOCOL.md §4.2).
func (a *API) prelogin(w http.ResponseWriter, r *http.Request) {
	if a.preloginLimit != nil {
		ok, wait, err := a.preloginLimit.Allow(r.Context(), "prelogin:"+reqinfo.From(r.Context()).IP)
		if err != nil {
			a.log.Warn("prelogin rate limiter unavailable", "err", err)
			ok = true
		}
		if !ok {
			e := apperr.New(protocol.CodeRateLimited, "too many salt look-ups from this address")
			e.RetryAfter = wait
			a.writeError(w, r, e)
			return
		}
	}
	if !a.sameOrigin(r) {
		a.writeError(w, r, apperr.New(protocol.CodeCrossOrigin, "cross-origin prelogin refused"))
		return
	}
	var req protocol.PreloginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := a.auth.Prelogin(r.Context(), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// clientKey is what the login limiter counts by.
func clientKey(r *http.Request) string {
	return "login:" + reqinfo.From(r.Context()).IP
}

// writeSession sets the cookie and answers with the session for API clients.
func (a *API) writeSession(w http.ResponseWriter, r *http.Request, token string, p auth.Principal) {
	me, err := a.meOf(r, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	setSessionCookie(w, token, p.Session.ExpiresAt, a.secure)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, protocol.LoginResponse{User: me, Token: token, ExpiresAt: p.Session.ExpiresAt})
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.Logout(r.Context(), principalFrom(r.Context())); err != nil {
		a.writeError(w, r, err)
		return
	}
	clearCookie(w, a.secure)
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request) {
	var req protocol.ChangePasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	token, p, err := a.auth.ChangePassword(r.Context(), principalFrom(r.Context()), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeSession(w, r, token, p)
}

func (a *API) totpSetup(w http.ResponseWriter, r *http.Request) {
	res, err := a.auth.SetupTOTP(r.Context(), principalFrom(r.Context()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
}

func (a *API) totpEnable(w http.ResponseWriter, r *http.Request) {
	var req protocol.TOTPEnableRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.auth.EnableTOTP(r.Context(), principalFrom(r.Context()), req.Code); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) totpDisable(w http.ResponseWriter, r *http.Request) {
	var req protocol.TOTPDisableRequest
	if err := decodeJSON(w, r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.auth.DisableTOTP(r.Context(), principalFrom(r.Context()), req); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
