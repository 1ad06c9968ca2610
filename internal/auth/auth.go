// Package auth owns logins and sessions: password and second-factor checks, lockout
// after repeated failures, opaque session tokens stored only as hashes, logout and
// password change revoking sessions. Every attempt lands in the audit trail.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/passwd"
	"govchat/internal/reqinfo"
	"govchat/internal/store"
	"govchat/protocol"
)

// Hasher checks credentials and legacy password hashes (internal/passwd).
type Hasher interface {
	// Verify checks a legacy argon2id(password) hash.
	Verify(password, encoded string) (ok, needsRehash bool, err error)
	// VerifyDummy spends the time of a real Verify, so an unknown username answers as
	// slowly as a wrong password.
	VerifyDummy(password string)
	// VerifyAuth checks an authentication hash against a credential; HashAuth stores one.
	VerifyAuth(ctx context.Context, authHash []byte, encoded string) (ok, needsRehash bool, err error)
	HashAuth(ctx context.Context, kdf passwd.KDF, authHash []byte) (string, error)
}

// Options are the login rules from the configuration.
type Options struct {
	SessionTTL  time.Duration
	MaxFailures int
	LockFor     time.Duration
	RequireTOTP bool   // privileged roles must enrol a second factor
	Issuer      string // shown in authenticator apps
}

// Principal is an authenticated request's user and session.
type Principal struct {
	User    store.User
	Session store.Session
}

// Tx is the part of the store the auth service calls inside a transaction.
type Tx interface {
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, at time.Time) error
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error
	CreateSession(ctx context.Context, s *store.Session) error
	DeleteUserSessions(ctx context.Context, userID int64, keepID int64) (int, error)
	SetSessionTOTPPending(ctx context.Context, id int64, pending bool) error
	GetUserKey(ctx context.Context, userID int64) (store.UserKey, error)
	PutUserKey(ctx context.Context, k store.UserKey) (store.UserKey, bool, error)
	audit.Appender
}

// Store is the part of the store the auth service is given: what it calls outside a
// transaction, and transactions that see only Tx (store.Narrow makes one).
type Store interface {
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetUserByUsername(ctx context.Context, username string) (store.User, error)
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error
	AcceptTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	RecordLoginFailure(ctx context.Context, userID int64, now time.Time, maxFailures int, lockFor time.Duration) (lockedUntil time.Time, err error)
	ResetLoginFailures(ctx context.Context, userID int64) error
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, at time.Time) error
	CreateSession(ctx context.Context, s *store.Session) error
	GetSessionByTokenHash(ctx context.Context, hash []byte, now time.Time) (store.Session, error)
	DeleteSession(ctx context.Context, id int64) error
	EnsureMeta(ctx context.Context, key, value string) (string, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// sessionCreator is where openSession writes: the store, or a transaction.
type sessionCreator interface {
	CreateSession(ctx context.Context, s *store.Session) error
}

// Service runs logins and sessions.
type Service struct {
	store  Store
	hasher Hasher
	policy passwd.Policy
	audit  *audit.Recorder
	now    func() time.Time
	opt    Options
	ghosts *ghosts
	secret preloginSecret
}

// maxGhosts bounds the unknown usernames whose failures are remembered.
const maxGhosts = 10_000

// New returns a Service.
func New(s Store, h Hasher, policy passwd.Policy, rec *audit.Recorder, now func() time.Time, opt Options) *Service {
	return &Service{store: s, hasher: h, policy: policy, audit: rec, now: now, opt: opt, ghosts: newGhosts(maxGhosts)}
}

// Limits on what a login request may carry, checked before any hashing.
const (
	maxUsernameLen = 64
	maxPasswordLen = 512
)

// Login checks a username, an authentication hash (or, once, a legacy account's
// password with its upgrade) and, when enrolled, a TOTP code, and opens a session.
func (s *Service) Login(ctx context.Context, req protocol.LoginRequest) (token string, p Principal, err error) {
	username := strings.ToLower(strings.TrimSpace(req.Username))
	switch {
	case username == "":
		return "", p, apperr.BadField("username", "username is required")
	case len(username) > maxUsernameLen:
		return "", p, apperr.BadField("username", "username is longer than %d bytes", maxUsernameLen)
	}
	sec, err := parseSecret(req.AuthHash, req.Password, "auth_hash", "password")
	if err != nil {
		return "", p, err
	}
	var upgrade *credential
	if sec.password != "" {
		if req.Upgrade == nil {
			return "", p, apperr.BadField("upgrade", "a password login must carry the upgrade credential")
		}
		c, err := parseCredential("upgrade", *req.Upgrade)
		if err != nil {
			return "", p, err
		}
		upgrade = &c
	} else if req.Upgrade != nil {
		return "", p, apperr.BadField("upgrade", "upgrade goes with a legacy account's password only")
	}
	now := s.now()

	u, err := s.store.GetUserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		// Answer exactly as for an account: same time, same lockout.
		if until := s.ghosts.lockedUntil(username, now); !until.IsZero() {
			s.record(ctx, audit.Event{ActorName: username, Action: audit.LoginLocked, TargetType: "user", Outcome: audit.Denied, Detail: map[string]any{"reason": "unknown_user"}})
			return "", p, locked(until, now)
		}
		s.hasher.VerifyDummy(string(sec.authHash) + sec.password)
		if sec.password != "" {
			return "", p, authHashRequired("password")
		}
		s.record(ctx, audit.Event{ActorName: username, Action: audit.LoginFailed, TargetType: "user", Outcome: audit.Failed, Detail: map[string]any{"reason": "unknown_user"}})
		if until := s.ghosts.fail(username, now, s.opt.MaxFailures, s.opt.LockFor); !until.IsZero() {
			return "", p, locked(until, now)
		}
		return "", p, apperr.New(protocol.CodeInvalidCredentials, "wrong username or password")
	}
	if err != nil {
		return "", p, fmt.Errorf("auth: login: %w", err)
	}
	ev := audit.Event{ActorID: u.ID, ActorName: u.Username, TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)}

	if u.LockedUntil.After(now) {
		ev.Action, ev.Outcome = audit.LoginLocked, audit.Denied
		s.record(ctx, ev)
		return "", p, locked(u.LockedUntil, now)
	}

	ok, rehash, err := s.checkSecret(ctx, u, sec, "password")
	if err != nil {
		return "", p, err
	}
	if !ok {
		return "", p, s.fail(ctx, u, ev, now, "wrong_password", apperr.New(protocol.CodeInvalidCredentials, "wrong username or password"))
	}
	if u.Disabled {
		ev.Action, ev.Outcome, ev.Detail = audit.LoginFailed, audit.Denied, map[string]any{"reason": "disabled"}
		s.record(ctx, ev)
		return "", p, apperr.New(protocol.CodeAccountDisabled, "this account is disabled")
	}
	if u.TOTPEnabled {
		if req.TOTPCode == "" {
			return "", p, apperr.New(protocol.CodeTOTPRequired, "enter the code from your authenticator app")
		}
		if err := s.checkTOTP(ctx, u, req.TOTPCode, now); err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) {
				return "", p, s.fail(ctx, u, ev, now, "wrong_totp", ae)
			}
			return "", p, err
		}
	}
	if rehash && sec.password == "" {
		// Parameters were raised since this hash was made; upgrade it while we hold the hash.
		if kdf, err := passwd.ParseKDF(u.PasswordHash); err == nil {
			if h, err := s.hasher.HashAuth(ctx, kdf, sec.authHash); err == nil {
				_ = s.store.SetPassword(ctx, u.ID, h, u.MustChangePassword, u.PasswordChangedAt)
			}
		}
	}
	newHash := ""
	if upgrade != nil {
		if newHash, err = s.hasher.HashAuth(ctx, upgrade.kdf, upgrade.authHash); err != nil {
			return "", p, fmt.Errorf("auth: upgrade credential of user %d: %w", u.ID, err)
		}
	}
	if u.FailedLogins > 0 {
		if err := s.store.ResetLoginFailures(ctx, u.ID); err != nil {
			return "", p, fmt.Errorf("auth: reset failures of user %d: %w", u.ID, err)
		}
	}
	pending := s.opt.RequireTOTP && u.Role.Privileged() && !u.TOTPEnabled
	var sess store.Session
	err = s.store.InTx(ctx, func(tx Tx) error {
		if newHash != "" {
			// The old hash goes in the same transaction the new one comes in.
			if err := tx.SetPassword(ctx, u.ID, newHash, u.MustChangePassword, u.PasswordChangedAt); err != nil {
				return err
			}
			up := ev
			up.Action, up.Outcome = audit.CredentialUpgraded, audit.OK
			if err := s.audit.In(tx).Record(ctx, up); err != nil {
				return err
			}
		}
		var err error
		token, sess, err = s.openSession(ctx, tx, u.ID, pending, now)
		if err != nil {
			return err
		}
		ev.Action, ev.Outcome = audit.LoginOK, audit.OK
		ev.Detail = map[string]any{"session_id": sess.ID, "totp": u.TOTPEnabled}
		// A login the trail does not know about must not happen.
		return s.audit.In(tx).Record(ctx, ev)
	})
	if err != nil {
		return "", p, fmt.Errorf("auth: login of user %d: %w", u.ID, err)
	}
	if newHash != "" {
		u.PasswordHash = newHash
	}
	return token, Principal{User: u, Session: sess}, nil
}

// fail counts a failed attempt, records it and returns the error to show: the given one,
// or account_locked when this failure tipped the account over the limit.
func (s *Service) fail(ctx context.Context, u store.User, ev audit.Event, now time.Time, reason string, show *apperr.Error) error {
	lockedUntil, err := s.store.RecordLoginFailure(ctx, u.ID, now, s.opt.MaxFailures, s.opt.LockFor)
	if err != nil {
		return fmt.Errorf("auth: count failure of user %d: %w", u.ID, err)
	}
	ev.Action, ev.Outcome, ev.Detail = audit.LoginFailed, audit.Failed, map[string]any{"reason": reason}
	if lockedUntil.After(now) {
		ev.Detail["locked_until"] = lockedUntil.UTC().Format(time.RFC3339)
		s.record(ctx, ev)
		return locked(lockedUntil, now)
	}
	s.record(ctx, ev)
	return show
}

func locked(until, now time.Time) *apperr.Error {
	e := apperr.New(protocol.CodeAccountLocked, "too many failed attempts; try again later")
	e.RetryAfter = until.Sub(now) // the wire rounds up (apperr.RetryAfterSeconds)
	if e.RetryAfter < time.Second {
		e.RetryAfter = time.Second
	}
	return e
}

// record appends an event whose failure must not change the answer (a failed login is
// refused either way); the recorder has logged the failure.
func (s *Service) record(ctx context.Context, ev audit.Event) {
	_ = s.audit.Record(ctx, ev)
}

func (s *Service) openSession(ctx context.Context, st sessionCreator, userID int64, totpPending bool, now time.Time) (string, store.Session, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", store.Session{}, err
	}
	info := reqinfo.From(ctx)
	ua := info.UserAgent
	if len(ua) > 256 {
		ua = ua[:256]
	}
	sess := store.Session{
		TokenHash:   hash,
		UserID:      userID,
		CreatedAt:   now,
		ExpiresAt:   now.Add(s.opt.SessionTTL),
		IP:          info.IP,
		UserAgent:   ua,
		TOTPPending: totpPending,
	}
	if err := st.CreateSession(ctx, &sess); err != nil {
		return "", store.Session{}, fmt.Errorf("auth: create session for user %d: %w", userID, err)
	}
	return token, sess, nil
}

// Authenticate resolves a bearer token or cookie value to its user and session.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	unauth := apperr.New(protocol.CodeUnauthenticated, "not logged in, or the session expired or was revoked")
	if !wellFormedToken(token) {
		return Principal{}, unauth
	}
	sess, err := s.store.GetSessionByTokenHash(ctx, hashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, unauth
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: look up session: %w", err)
	}
	u, err := s.store.GetUser(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return Principal{}, unauth
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: load user %d: %w", sess.UserID, err)
	}
	return Principal{User: u, Session: sess}, nil
}

// Logout revokes the principal's session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if err := s.store.DeleteSession(ctx, p.Session.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("auth: logout: %w", err)
	}
	s.record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.Logout, TargetType: "session", TargetID: strconv.FormatInt(p.Session.ID, 10)})
	return nil
}

// ChangePassword checks the current secret, stores the new credential (and, when sent,
// the private key re-wrapped under it), revokes every session of the user and opens a
// fresh one for the caller, all in one transaction. The server never sees the new
// password: the client checked the policy.
func (s *Service) ChangePassword(ctx context.Context, p Principal, req protocol.ChangePasswordRequest) (string, Principal, error) {
	sec, err := parseSecret(req.CurrentAuthHash, req.CurrentPassword, "current_auth_hash", "current_password")
	if err != nil {
		return "", p, err
	}
	next, err := parseCredential("new", req.New)
	if err != nil {
		return "", p, err
	}
	if (req.WrappedPrivate == "") != (req.KeyID == "") {
		return "", p, apperr.BadField("key_id", "wrapped_private and key_id go together")
	}
	if req.WrappedPrivate != "" {
		if b, err := decodeB64("wrapped_private", req.WrappedPrivate); err != nil {
			return "", p, err
		} else if len(b) != wrappedPrivateBytes {
			return "", p, apperr.BadField("wrapped_private", "a wrapped private key is %d bytes", wrappedPrivateBytes)
		}
	}
	now := s.now()
	u := p.User
	ev := audit.Event{ActorID: u.ID, ActorName: u.Username, TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)}
	ok, _, err := s.checkSecret(ctx, u, sec, "current_password")
	if err != nil {
		return "", p, err
	}
	if !ok {
		return "", p, s.fail(ctx, u, ev, now, "wrong_current_password", apperr.New(protocol.CodeInvalidCredentials, "the current password is wrong"))
	}
	if old, err := passwd.ParseKDF(u.PasswordHash); err == nil && string(old.Salt) == string(next.kdf.Salt) {
		return "", p, apperr.BadField("new.salt", "the new credential needs a fresh salt")
	}
	hash, err := s.hasher.HashAuth(ctx, next.kdf, next.authHash)
	if err != nil {
		return "", p, fmt.Errorf("auth: hash credential: %w", err)
	}
	var token string
	var sess store.Session
	err = s.store.InTx(ctx, func(tx Tx) error {
		if req.WrappedPrivate != "" {
			k, err := tx.GetUserKey(ctx, u.ID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && k.KeyID != req.KeyID) {
				return apperr.New(protocol.CodeConflict, "key_id is not your current key pair")
			}
			if err != nil {
				return err
			}
			k.WrappedPrivate, k.KDFSalt, k.KDFIterations, k.UpdatedAt = req.WrappedPrivate, req.New.Salt, next.kdf.Iterations, now
			if _, _, err := tx.PutUserKey(ctx, k); err != nil {
				return err
			}
			kev := ev
			kev.Action, kev.Detail = audit.KeyRewrapped, map[string]any{"key_id": k.KeyID, "kdf_iterations": k.KDFIterations}
			if err := s.audit.In(tx).Record(ctx, kev); err != nil {
				return err
			}
		}
		if err := tx.SetPassword(ctx, u.ID, hash, false, now); err != nil {
			return err
		}
		revoked, err := tx.DeleteUserSessions(ctx, u.ID, 0)
		if err != nil {
			return err
		}
		token, sess, err = s.openSession(ctx, tx, u.ID, p.Session.TOTPPending, now)
		if err != nil {
			return err
		}
		ev.Action, ev.Detail = audit.PasswordChanged, map[string]any{"sessions_revoked": revoked}
		return s.audit.In(tx).Record(ctx, ev)
	})
	if err != nil {
		if ae := (*apperr.Error)(nil); errors.As(err, &ae) {
			return "", p, ae
		}
		return "", p, fmt.Errorf("auth: change password of user %d: %w", u.ID, err)
	}
	u.MustChangePassword = false
	u.PasswordHash = hash
	return token, Principal{User: u, Session: sess}, nil
}

// CheckPolicy applies the password policy and phrases a violation for the client,
// naming the request field that carried the password.
func (s *Service) CheckPolicy(password, username, field string) error {
	err := s.policy.Check(password, username)
	if err == nil {
		return nil
	}
	reason := ""
	var pe *passwd.PolicyError
	if errors.As(err, &pe) {
		reason = pe.Reason
	}
	msg, ok := policyMessages[reason]
	if !ok {
		msg = "the password does not meet the policy"
	}
	return &apperr.Error{Code: protocol.CodePasswordPolicy, Message: msg, Field: field, Reason: reason, Err: err}
}

// policyMessages phrase each policy reason; clients show their own text for the code.
var policyMessages = map[string]string{
	passwd.ReasonTooShort:       "the password must have at least 10 characters",
	passwd.ReasonTooLong:        "the password must have at most 128 characters",
	passwd.ReasonSameAsUsername: "the password must not be the username",
	passwd.ReasonTooSimple:      "the password needs three of: lower-case, upper-case, digits, other characters — or at least 10 Chinese characters",
}
