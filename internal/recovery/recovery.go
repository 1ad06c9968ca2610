// Package recovery is the server side of key recovery (PROTOCOL.md §4.23, E2E.md
// §4.5–§4.6): after an administrator reset a person's password, their key pair is
// wrapped under a password they no longer have. Another signed-in device of theirs, or
// the security officer holding the organisation's account-recovery private key, seals
// the private key to a one-time key of the requesting browser. The server keeps the
// account-recovery public key and relays sealed keys it cannot open.
//
// The rules:
//
//   - Only the person asks, only while their key is locked, at most five times an hour.
//   - A device answer comes from a session of the same person other than the one asking.
//   - Only the security officer (recovery.manage) approves or rejects, never their own
//     request; the administrator and the auditor are refused before this package runs.
//   - The sealed key is given only to the requester, until they store the key (done) or
//     the request expires. Every step is in the audit trail; completion tells the person.
package recovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/authz"
	"govchat/internal/busevent"
	"govchat/internal/e2e"
	"govchat/internal/keys"
	"govchat/internal/push"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Lifetimes and limits.
const (
	DeviceTTL  = 15 * time.Minute   // a device request, and an answered request's time to complete
	OfficerTTL = 7 * 24 * time.Hour // an officer request
	// PerHour bounds the requests one person makes in any hour.
	PerHour      = 5
	maxNote      = 200
	maxUserAgent = 128
	listLimit    = 200
)

// Tx is what the service changes inside a transaction.
type Tx interface {
	SetRecoveryKey(ctx context.Context, k *store.EscrowKey) error
	CreateKeyRecovery(ctx context.Context, r *store.KeyRecovery) ([]int64, error)
	TransitionKeyRecovery(ctx context.Context, r store.KeyRecovery, from string) error
	audit.Appender
}

// Store is what the service reads, and its transactions (store.Narrow makes one).
type Store interface {
	GetRecoveryKey(ctx context.Context) (store.EscrowKey, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetUserKey(ctx context.Context, userID int64) (store.UserKey, error)
	GetKeyRecovery(ctx context.Context, id int64) (store.KeyRecovery, error)
	ListKeyRecoveries(ctx context.Context, method string, states []string, limit int) ([]store.KeyRecovery, error)
	UserKeyRecoveries(ctx context.Context, userID int64, states []string) ([]store.KeyRecovery, error)
	ExpireKeyRecoveries(ctx context.Context, now time.Time) ([]store.KeyRecovery, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Pusher queues a Web Push (internal/push); nil sends none.
type Pusher interface {
	Enqueue(ctx context.Context, userIDs []int64, msg push.Message) (int, error)
}

// Service runs key recovery.
type Service struct {
	store Store
	pub   *busevent.Publisher
	push  Pusher
	audit *audit.Recorder
	log   *slog.Logger
	now   func() time.Time
}

// New returns a Service; p may be nil (no push).
func New(st Store, b busevent.Bus, p Pusher, rec *audit.Recorder, log *slog.Logger, now func() time.Time) *Service {
	return &Service{store: st, pub: busevent.NewPublisher(b, log), push: p, audit: rec, log: log, now: now}
}

// Requester is who files or answers a request from the person's side: the user and the
// session the request came in on.
type Requester struct {
	User      store.User
	SessionID int64
	IP        string
	UserAgent string
}

func (s *Service) record(ctx context.Context, tx audit.Appender, actor store.User, action string, r store.KeyRecovery, outcome string, detail map[string]any) error {
	rec := s.audit
	if tx != nil {
		rec = rec.In(tx)
	}
	ev := audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: action, TargetType: "key_recovery",
		TargetID: strconv.FormatInt(r.ID, 10), Outcome: outcome, Detail: detail}
	if actor.ID == 0 {
		ev.ActorName = "system"
	}
	return rec.Record(ctx, ev)
}

// RecoveryKey answers GET /keys/account-recovery.
func (s *Service) RecoveryKey(ctx context.Context) (protocol.AccountRecoveryKey, error) {
	k, err := s.store.GetRecoveryKey(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.AccountRecoveryKey{}, apperr.New(protocol.CodeNotFound, "the organisation has no account-recovery key")
	}
	if err != nil {
		return protocol.AccountRecoveryKey{}, fmt.Errorf("recovery: key: %w", err)
	}
	return toKey(k), nil
}

func toKey(k store.EscrowKey) protocol.AccountRecoveryKey {
	return protocol.AccountRecoveryKey{KeyID: k.KeyID, PublicKey: k.PublicKey, SetBy: k.SetBy, CreatedAt: k.CreatedAt}
}

// SetRecoveryKey sets the account-recovery public key (the security officer).
func (s *Service) SetRecoveryKey(ctx context.Context, actor store.User, req protocol.SetAccountRecoveryKeyRequest) (protocol.AccountRecoveryKey, error) {
	if !authz.Can(actor.Role, authz.ManageRecovery) {
		return protocol.AccountRecoveryKey{}, apperr.New(protocol.CodeForbidden, "only the security officer sets the account-recovery key")
	}
	keyID, err := keys.CheckPublicKey("public_key", req.PublicKey)
	if err != nil {
		return protocol.AccountRecoveryKey{}, err
	}
	prev, err := s.store.GetRecoveryKey(ctx)
	had := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return protocol.AccountRecoveryKey{}, fmt.Errorf("recovery: key: %w", err)
	}
	k := store.EscrowKey{KeyID: keyID, PublicKey: req.PublicKey, SetBy: actor.ID, CreatedAt: s.now()}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetRecoveryKey(ctx, &k); err != nil {
			return err
		}
		detail := map[string]any{"key_id": keyID}
		if had {
			detail["previous_key_id"] = prev.KeyID
		}
		return s.audit.In(tx).Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: audit.RecoveryKeySet,
			TargetType: "recovery_key", TargetID: keyID, Detail: detail})
	})
	if err != nil {
		return protocol.AccountRecoveryKey{}, fmt.Errorf("recovery: set key: %w", err)
	}
	return toKey(k), nil
}

// CurrentKeyID is the current account-recovery key's id, "" when none (keys.Service
// checks a PUT /me/key's recovery_key_id against it).
func (s *Service) CurrentKeyID(ctx context.Context) (string, error) {
	k, err := s.store.GetRecoveryKey(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("recovery: key: %w", err)
	}
	return k.KeyID, nil
}

// expire moves requests whose time is up to expired, each one audited.
func (s *Service) expire(ctx context.Context) error {
	due, err := s.store.ExpireKeyRecoveries(ctx, s.now())
	if err != nil {
		return fmt.Errorf("recovery: expire: %w", err)
	}
	for _, r := range due {
		_ = s.record(ctx, nil, store.User{}, audit.RecoveryExpired, r, audit.OK, map[string]any{"user_id": r.UserID, "method": r.Method, "state": r.State})
		s.tell(ctx, r, protocol.RecoveryExpired)
	}
	return nil
}

// tell sends the person's connections a key_recovery frame for r in state.
func (s *Service) tell(ctx context.Context, r store.KeyRecovery, state string) {
	s.pub.ToUsers(ctx, []int64{r.UserID}, protocol.TypeKeyRecovery, protocol.KeyRecoveryEvent{
		ID: r.ID, Method: r.Method, State: state, KeyID: r.KeyID, EphemeralPublic: r.EphemeralPublic,
		CreatedAt: r.CreatedAt, IP: r.IP, UserAgent: r.UserAgent})
}

// ToProtocol is a request as its requester sees it (sealed only while answered).
func ToProtocol(r store.KeyRecovery) protocol.KeyRecovery {
	out := protocol.KeyRecovery{ID: r.ID, UserID: r.UserID, Method: r.Method, State: r.State, KeyID: r.KeyID,
		EphemeralPublic: r.EphemeralPublic, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, IP: r.IP, UserAgent: r.UserAgent,
		AnsweredBy: r.AnsweredBy, AnsweredAt: r.AnsweredAt, Note: r.Note}
	if r.State == protocol.RecoveryAnswered {
		out.Sealed = r.Sealed
	}
	return out
}

// Create files a request (POST /me/key-recoveries).
func (s *Service) Create(ctx context.Context, who Requester, req protocol.CreateKeyRecoveryRequest) (protocol.KeyRecovery, error) {
	var ttl time.Duration
	switch req.Method {
	case protocol.RecoveryDevice:
		ttl = DeviceTTL
	case protocol.RecoveryOfficer:
		ttl = OfficerTTL
	default:
		return protocol.KeyRecovery{}, apperr.BadField("method", `method is "device" or "officer"`)
	}
	if _, err := keys.CheckPublicKey("ephemeral_public", req.EphemeralPublic); err != nil {
		return protocol.KeyRecovery{}, err
	}
	if err := s.expire(ctx); err != nil {
		return protocol.KeyRecovery{}, err
	}
	u, err := s.store.GetUser(ctx, who.User.ID)
	if err != nil {
		return protocol.KeyRecovery{}, fmt.Errorf("recovery: user %d: %w", who.User.ID, err)
	}
	if !u.HasKey || !u.KeyLocked {
		e := apperr.New(protocol.CodeConflict, "your key pair is not locked: there is nothing to recover")
		e.Reason = "not_locked"
		return protocol.KeyRecovery{}, e
	}
	k, err := s.store.GetUserKey(ctx, u.ID)
	if err != nil {
		return protocol.KeyRecovery{}, fmt.Errorf("recovery: key of user %d: %w", u.ID, err)
	}
	if req.Method == protocol.RecoveryOfficer && k.RecoveryWrap == "" {
		return protocol.KeyRecovery{}, apperr.New(protocol.CodeKeyMissing, "your key pair has no wrap to the account-recovery key")
	}
	now := s.now()
	recent, err := s.store.UserKeyRecoveries(ctx, u.ID, allStates)
	if err != nil {
		return protocol.KeyRecovery{}, fmt.Errorf("recovery: requests of user %d: %w", u.ID, err)
	}
	n := 0
	for _, r := range recent {
		if r.CreatedAt.After(now.Add(-time.Hour)) {
			n++
		}
	}
	if n >= PerHour {
		e := apperr.New(protocol.CodeRateLimited, "too many key recoveries asked for in the last hour")
		e.RetryAfter = time.Hour
		for _, r := range recent {
			if r.CreatedAt.After(now.Add(-time.Hour)) {
				e.RetryAfter = min(e.RetryAfter, r.CreatedAt.Add(time.Hour).Sub(now)) // recent is newest first: the oldest is last
			}
		}
		return protocol.KeyRecovery{}, e
	}
	ua := strings.ToValidUTF8(who.UserAgent, "")
	if len(ua) > maxUserAgent {
		ua = strings.ToValidUTF8(ua[:maxUserAgent], "")
	}
	r := store.KeyRecovery{UserID: u.ID, Method: req.Method, State: protocol.RecoveryPending, KeyID: k.KeyID,
		EphemeralPublic: req.EphemeralPublic, SessionID: who.SessionID, IP: who.IP, UserAgent: ua,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.store.InTx(ctx, func(tx Tx) error {
		cancelled, err := tx.CreateKeyRecovery(ctx, &r)
		if err != nil {
			return err
		}
		detail := map[string]any{"method": r.Method, "key_id": r.KeyID}
		if len(cancelled) > 0 {
			detail["cancelled"] = cancelled
		}
		return s.record(ctx, tx, u, audit.RecoveryRequested, r, audit.OK, detail)
	})
	if err != nil {
		return protocol.KeyRecovery{}, fmt.Errorf("recovery: create for user %d: %w", u.ID, err)
	}
	s.tell(ctx, r, protocol.RecoveryPending)
	return ToProtocol(r), nil
}

var allStates = []string{protocol.RecoveryPending, protocol.RecoveryAnswered, protocol.RecoveryDone, protocol.RecoveryDeclined,
	protocol.RecoveryRejected, protocol.RecoveryCancelled, protocol.RecoveryExpired}

// own loads a request of the requester's; someone else's is not_found alike.
func (s *Service) own(ctx context.Context, userID, id int64) (store.KeyRecovery, error) {
	if err := s.expire(ctx); err != nil {
		return store.KeyRecovery{}, err
	}
	r, err := s.store.GetKeyRecovery(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.UserID != userID) {
		return store.KeyRecovery{}, apperr.New(protocol.CodeNotFound, "no such key recovery")
	}
	if err != nil {
		return store.KeyRecovery{}, fmt.Errorf("recovery: get %d: %w", id, err)
	}
	return r, nil
}

// Get answers GET /me/key-recoveries/{id}.
func (s *Service) Get(ctx context.Context, who Requester, id int64) (protocol.KeyRecovery, error) {
	r, err := s.own(ctx, who.User.ID, id)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	return ToProtocol(r), nil
}

func notPending(r store.KeyRecovery) *apperr.Error {
	e := apperr.New(protocol.CodeConflict, "this key recovery is %s", r.State)
	e.Reason = r.State
	return e
}

// transition moves r from `from` to its new state in one transaction with its audit
// event; a concurrent change answers conflict.
func (s *Service) transition(ctx context.Context, actor store.User, r store.KeyRecovery, from, action, outcome string, detail map[string]any) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.TransitionKeyRecovery(ctx, r, from); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, action, r, outcome, detail)
	})
	if errors.Is(err, store.ErrConflict) {
		cur, gerr := s.store.GetKeyRecovery(ctx, r.ID)
		if gerr == nil {
			return notPending(cur)
		}
	}
	if err != nil {
		return fmt.Errorf("recovery: %s %d: %w", action, r.ID, err)
	}
	return nil
}

// deviceStep checks an answer or a decline: the requester's own device request,
// pending, from another session.
func (s *Service) deviceStep(ctx context.Context, who Requester, id int64) (store.KeyRecovery, error) {
	r, err := s.own(ctx, who.User.ID, id)
	if err != nil {
		return r, err
	}
	if r.Method != protocol.RecoveryDevice {
		return r, apperr.New(protocol.CodeNotFound, "no such device key recovery")
	}
	if r.SessionID == who.SessionID {
		e := apperr.New(protocol.CodeForbidden, "the session that asked cannot answer its own request")
		e.Reason = "not_this_session"
		return r, e
	}
	if r.State != protocol.RecoveryPending {
		return r, notPending(r)
	}
	return r, nil
}

// Answer stores another device's sealed key (POST /me/key-recoveries/{id}/answer).
func (s *Service) Answer(ctx context.Context, who Requester, id int64, req protocol.AnswerKeyRecoveryRequest) (protocol.KeyRecovery, error) {
	if err := keys.CheckSealed("sealed", req.Sealed, e2e.SealedKeySize); err != nil {
		return protocol.KeyRecovery{}, err
	}
	r, err := s.deviceStep(ctx, who, id)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	now := s.now()
	r.State, r.Sealed, r.AnsweredBy, r.AnsweredAt, r.ExpiresAt, r.UpdatedAt = protocol.RecoveryAnswered, req.Sealed, who.User.ID, now, now.Add(DeviceTTL), now
	if err := s.transition(ctx, who.User, r, protocol.RecoveryPending, audit.RecoveryAnswered, audit.OK, map[string]any{"user_id": r.UserID}); err != nil {
		return protocol.KeyRecovery{}, err
	}
	s.tell(ctx, r, r.State)
	return ToProtocol(r), nil
}

// Decline refuses a device request from another device (POST …/decline).
func (s *Service) Decline(ctx context.Context, who Requester, id int64) (protocol.KeyRecovery, error) {
	r, err := s.deviceStep(ctx, who, id)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	r.State, r.UpdatedAt = protocol.RecoveryDeclined, s.now()
	if err := s.transition(ctx, who.User, r, protocol.RecoveryPending, audit.RecoveryDeclined, audit.OK, map[string]any{"user_id": r.UserID}); err != nil {
		return protocol.KeyRecovery{}, err
	}
	s.tell(ctx, r, r.State)
	return ToProtocol(r), nil
}

// List answers the security officer's GET /key-recoveries: officer requests in a state
// group ("pending", "done" or "all"), with each person's recovery wrap. Person carries
// id, username and name; the caller adds departments.
func (s *Service) List(ctx context.Context, actor store.User, state string) ([]protocol.KeyRecovery, error) {
	if !authz.Can(actor.Role, authz.ManageRecovery) {
		return nil, apperr.New(protocol.CodeForbidden, "only the security officer handles key recoveries")
	}
	var states []string
	switch state {
	case "", "pending":
		states = []string{protocol.RecoveryPending}
	case "done":
		states = []string{protocol.RecoveryAnswered, protocol.RecoveryDone, protocol.RecoveryRejected, protocol.RecoveryExpired, protocol.RecoveryCancelled}
	case "all":
		states = allStates
	default:
		return nil, apperr.BadField("state", "state is pending, done or all")
	}
	if err := s.expire(ctx); err != nil {
		return nil, err
	}
	rs, err := s.store.ListKeyRecoveries(ctx, protocol.RecoveryOfficer, states, listLimit)
	if err != nil {
		return nil, fmt.Errorf("recovery: list: %w", err)
	}
	out := make([]protocol.KeyRecovery, 0, len(rs))
	for _, r := range rs {
		p := ToProtocol(r)
		p.Sealed = "" // the officer sealed it; only the requester fetches it
		if u, err := s.store.GetUser(ctx, r.UserID); err == nil {
			p.Person = &protocol.RecoveryPerson{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Departments: []string{}}
		}
		if k, err := s.store.GetUserKey(ctx, r.UserID); err == nil && k.KeyID == r.KeyID {
			p.RecoveryWrap, p.RecoveryKeyID = k.RecoveryWrap, k.RecoveryKeyID
		}
		out = append(out, p)
	}
	return out, nil
}

// officerStep checks an approval or a rejection: an officer request, pending, not the
// officer's own (that refusal is audited).
func (s *Service) officerStep(ctx context.Context, actor store.User, id int64, action string) (store.KeyRecovery, error) {
	if !authz.Can(actor.Role, authz.ManageRecovery) {
		return store.KeyRecovery{}, apperr.New(protocol.CodeForbidden, "only the security officer handles key recoveries")
	}
	if err := s.expire(ctx); err != nil {
		return store.KeyRecovery{}, err
	}
	r, err := s.store.GetKeyRecovery(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Method != protocol.RecoveryOfficer) {
		return r, apperr.New(protocol.CodeNotFound, "no such key recovery")
	}
	if err != nil {
		return r, fmt.Errorf("recovery: get %d: %w", id, err)
	}
	if r.UserID == actor.ID {
		if err := s.record(ctx, nil, actor, action, r, audit.Denied, map[string]any{"user_id": r.UserID, "reason": "own_recovery"}); err != nil {
			return r, err
		}
		e := apperr.New(protocol.CodeForbidden, "you cannot handle your own key recovery: another security officer must")
		e.Reason = "own_recovery"
		return r, e
	}
	if r.State != protocol.RecoveryPending {
		return r, notPending(r)
	}
	return r, nil
}

// Approve stores the officer's sealed key (POST /key-recoveries/{id}/approve).
func (s *Service) Approve(ctx context.Context, actor store.User, id int64, req protocol.ApproveKeyRecoveryRequest) (protocol.KeyRecovery, error) {
	if err := keys.CheckSealed("sealed", req.Sealed, e2e.SealedKeySize); err != nil {
		return protocol.KeyRecovery{}, err
	}
	note, err := textcheck.Field("note", req.Note, maxNote, false, false)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	r, err := s.officerStep(ctx, actor, id, audit.RecoveryApproved)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	k, err := s.store.GetUserKey(ctx, r.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return protocol.KeyRecovery{}, fmt.Errorf("recovery: key of user %d: %w", r.UserID, err)
	}
	if err != nil || k.KeyID != r.KeyID || k.RecoveryKeyID == "" || req.RecoveryKeyID != k.RecoveryKeyID {
		return protocol.KeyRecovery{}, apperr.BadField("recovery_key_id", "the key pair's recovery wrap is not to recovery key %q", req.RecoveryKeyID)
	}
	now := s.now()
	r.State, r.Sealed, r.AnsweredBy, r.AnsweredAt, r.Note, r.UpdatedAt = protocol.RecoveryAnswered, req.Sealed, actor.ID, now, note, now
	if r.ExpiresAt.Before(now.Add(DeviceTTL)) {
		r.ExpiresAt = now.Add(DeviceTTL) // time to complete
	}
	detail := map[string]any{"user_id": r.UserID, "recovery_key_id": k.RecoveryKeyID, "note": note != ""}
	if err := s.transition(ctx, actor, r, protocol.RecoveryPending, audit.RecoveryApproved, audit.OK, detail); err != nil {
		return protocol.KeyRecovery{}, err
	}
	s.tell(ctx, r, r.State)
	out := ToProtocol(r)
	out.Sealed = ""
	return out, nil
}

// Reject refuses an officer request (POST /key-recoveries/{id}/reject).
func (s *Service) Reject(ctx context.Context, actor store.User, id int64, req protocol.RejectKeyRecoveryRequest) (protocol.KeyRecovery, error) {
	note, err := textcheck.Field("note", req.Note, maxNote, false, false)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	r, err := s.officerStep(ctx, actor, id, audit.RecoveryRejected)
	if err != nil {
		return protocol.KeyRecovery{}, err
	}
	now := s.now()
	r.State, r.AnsweredBy, r.AnsweredAt, r.Note, r.UpdatedAt = protocol.RecoveryRejected, actor.ID, now, note, now
	if err := s.transition(ctx, actor, r, protocol.RecoveryPending, audit.RecoveryRejected, audit.OK, map[string]any{"user_id": r.UserID, "note": note != ""}); err != nil {
		return protocol.KeyRecovery{}, err
	}
	s.tell(ctx, r, r.State)
	return ToProtocol(r), nil
}

// Completed is called once the person stored their key pair again with the same public
// key keyID while it was locked: an answered request for it is done, audited, and the
// person is told on every device and by a push.
func (s *Service) Completed(ctx context.Context, u store.User, keyID string) {
	rs, err := s.store.UserKeyRecoveries(ctx, u.ID, []string{protocol.RecoveryAnswered})
	if err != nil {
		s.log.Warn("key recovery not marked done", "user_id", u.ID, "err", err)
		return
	}
	for _, r := range rs {
		if r.KeyID != keyID {
			continue
		}
		r.State, r.Sealed, r.UpdatedAt = protocol.RecoveryDone, "", s.now()
		if err := s.transition(ctx, u, r, protocol.RecoveryAnswered, audit.RecoveryCompleted, audit.OK,
			map[string]any{"user_id": u.ID, "method": r.Method, "key_id": keyID}); err != nil {
			s.log.Warn("key recovery not marked done", "user_id", u.ID, "recovery_id", r.ID, "err", err)
			continue
		}
		s.tell(ctx, r, r.State)
		if s.push != nil {
			body := "您的加密密钥已通过其他设备恢复。如非本人操作，请立即联系保密员。"
			if r.Method == protocol.RecoveryOfficer {
				body = "您的加密密钥已由保密员协助恢复。如非本人操作，请立即联系保密员。"
			}
			if _, err := s.push.Enqueue(ctx, []int64{u.ID}, push.Message{Topic: "key-recovery",
				Payload: protocol.PushPayload{Kind: protocol.PushKeyRecovered, Title: "加密密钥已恢复", Body: body, URL: "/", Tag: "key-recovery"}}); err != nil {
				s.log.Warn("key recovery push not queued", "user_id", u.ID, "err", err)
			}
		}
	}
}
