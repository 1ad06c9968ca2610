// Package holds places and releases legal holds (法律保全, PROTOCOL.md §4.19): the
// security officer holds a channel, a person or a notice for a time range, with a
// reason and a case number, and retention (internal/retention) deletes nothing a hold
// covers. Releasing takes two people: one officer asks, a second officer or the
// auditor countersigns, and even then nothing is purged at once — held items follow
// their normal retention counted from the release.
package holds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/authz"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Limits of a hold's texts, in characters.
const (
	MaxReason = 500
	MaxCaseNo = 64
	MaxNote   = 500
	MaxQuery  = 100
)

// Tx is what a hold's change and its audit entry do in one transaction.
type Tx interface {
	CreateHold(ctx context.Context, h *store.LegalHold) error
	GetHold(ctx context.Context, id int64) (store.LegalHold, error)
	RequestHoldRelease(ctx context.Context, id, by int64, note string, at time.Time) (store.LegalHold, error)
	CountersignHold(ctx context.Context, id, by int64, note string, at time.Time) (store.LegalHold, error)
	CancelHoldRelease(ctx context.Context, id int64) (store.LegalHold, error)
	AppendAudit(ctx context.Context, e *store.AuditEvent, hash store.AuditHash) error
}

// Store is what the service reads outside a transaction.
type Store interface {
	ListHolds(ctx context.Context, f store.HoldFilter) ([]store.LegalHold, error)
	GetHold(ctx context.Context, id int64) (store.LegalHold, error)
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetNotice(ctx context.Context, id int64) (store.Notice, error)
	AppendAudit(ctx context.Context, e *store.AuditEvent, hash store.AuditHash) error
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service places, lists and releases holds.
type Service struct {
	store Store
	audit *audit.Recorder
	now   func() time.Time
}

// New returns a Service.
func New(s Store, rec *audit.Recorder, now func() time.Time) *Service {
	return &Service{store: s, audit: rec, now: now}
}

// Place puts a hold in force (holds.manage).
func (s *Service) Place(ctx context.Context, actor store.User, req protocol.CreateHoldRequest) (protocol.LegalHold, error) {
	if !authz.Can(actor.Role, authz.ManageHolds) {
		return protocol.LegalHold{}, apperr.New(protocol.CodeForbidden, "only the security officer places holds")
	}
	h := store.LegalHold{Scope: store.HoldScope(req.Scope), TargetID: req.TargetID, CreatedBy: actor.ID}
	switch req.Scope {
	case protocol.HoldChannel, protocol.HoldUser, protocol.HoldNotice:
	default:
		return protocol.LegalHold{}, apperr.BadField("scope", "scope is channel, user or notice")
	}
	var err error
	if h.CaseNo, err = textcheck.Field("case_no", req.CaseNo, MaxCaseNo, true, false); err != nil {
		return protocol.LegalHold{}, err
	}
	if h.Reason, err = textcheck.Field("reason", req.Reason, MaxReason, true, true); err != nil {
		return protocol.LegalHold{}, err
	}
	if req.From != nil {
		h.From = *req.From
	}
	if req.To != nil {
		h.To = *req.To
	}
	if req.From != nil && req.To != nil && h.From.After(h.To) {
		return protocol.LegalHold{}, apperr.BadField("to", "to is before from")
	}
	if h.TargetName, err = s.targetName(ctx, req.Scope, req.TargetID); err != nil {
		return protocol.LegalHold{}, err
	}
	h.CreatedAt = s.now()
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateHold(ctx, &h); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.HoldPlaced, h, audit.OK, nil)
	})
	if err != nil {
		return protocol.LegalHold{}, fmt.Errorf("holds: place: %w", err)
	}
	return s.wire(ctx, h), nil
}

// targetName checks that the target exists and names it for the list and its search.
func (s *Service) targetName(ctx context.Context, scope protocol.HoldScope, id int64) (string, error) {
	missing := apperr.BadField("target_id", "no such %s", scope)
	if id <= 0 {
		return "", missing
	}
	var name string
	var err error
	switch scope {
	case protocol.HoldChannel:
		var c store.Channel
		if c, err = s.store.GetChannel(ctx, id); err == nil {
			name = c.Name
			if name == "" {
				name = string(c.Kind) + " " + strconv.FormatInt(id, 10)
			}
		}
	case protocol.HoldUser:
		var u store.User
		if u, err = s.store.GetUser(ctx, id); err == nil {
			name = u.DisplayName + " (" + u.Username + ")"
		}
	case protocol.HoldNotice:
		// The notice's number, never its title: a hold's record outlives the notice's
		// text, which retention purges once the hold lets go.
		if _, err = s.store.GetNotice(ctx, id); err == nil {
			name = "notice " + strconv.FormatInt(id, 10)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return "", missing
	}
	if err != nil {
		return "", fmt.Errorf("holds: target: %w", err)
	}
	return name, nil
}

// List lists holds, newest first, those matching q (a case number, reason or target
// name) and status when given (holds.manage or holds.countersign).
func (s *Service) List(ctx context.Context, actor store.User, q string, status string) (protocol.HoldList, error) {
	if !MayList(actor.Role) {
		return protocol.HoldList{}, apperr.New(protocol.CodeForbidden, "only the security officer and the auditor see holds")
	}
	switch protocol.HoldStatus(status) {
	case "", protocol.HoldActive, protocol.HoldReleaseRequested, protocol.HoldReleased:
	default:
		return protocol.HoldList{}, apperr.BadField("status", "status is active, release_requested or released")
	}
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > MaxQuery {
		return protocol.HoldList{}, apperr.BadField("q", "q is at most %d characters of text", MaxQuery)
	}
	hs, err := s.store.ListHolds(ctx, store.HoldFilter{Query: q, Status: store.HoldStatus(status)})
	if err != nil {
		return protocol.HoldList{}, fmt.Errorf("holds: list: %w", err)
	}
	out := protocol.HoldList{Holds: make([]protocol.LegalHold, 0, len(hs))}
	names := map[int64]string{}
	for _, h := range hs {
		out.Holds = append(out.Holds, s.wireNamed(ctx, h, names))
	}
	return out, nil
}

// MayList reports whether a role sees the holds.
func MayList(r store.Role) bool {
	return authz.Can(r, authz.ManageHolds) || authz.Can(r, authz.CountersignHolds)
}

// RequestRelease asks for a hold's release (holds.manage); a second person must
// countersign.
func (s *Service) RequestRelease(ctx context.Context, actor store.User, id int64, req protocol.HoldReleaseRequest) (protocol.LegalHold, error) {
	if !authz.Can(actor.Role, authz.ManageHolds) {
		return protocol.LegalHold{}, apperr.New(protocol.CodeForbidden, "only the security officer asks for a hold's release")
	}
	note, err := textcheck.Field("note", req.Note, MaxNote, true, true)
	if err != nil {
		return protocol.LegalHold{}, err
	}
	var h store.LegalHold
	err = s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if h, err = tx.RequestHoldRelease(ctx, id, actor.ID, note, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.HoldReleaseRequested, h, audit.OK, map[string]any{"note": note})
	})
	if err != nil {
		return protocol.LegalHold{}, holdError(id, "request release", err)
	}
	return s.wire(ctx, h), nil
}

// Countersign releases a hold whose release another person asked for
// (holds.countersign). The one who asked is refused with two_person_rule, audited.
func (s *Service) Countersign(ctx context.Context, actor store.User, id int64, req protocol.HoldReleaseRequest) (protocol.LegalHold, error) {
	if !authz.Can(actor.Role, authz.CountersignHolds) {
		return protocol.LegalHold{}, apperr.New(protocol.CodeForbidden, "only a security officer or the auditor countersigns a release")
	}
	note, err := textcheck.Field("note", req.Note, MaxNote, true, true)
	if err != nil {
		return protocol.LegalHold{}, err
	}
	var h store.LegalHold
	err = s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if h, err = tx.CountersignHold(ctx, id, actor.ID, note, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.HoldReleased, h, audit.OK, map[string]any{"note": note})
	})
	if errors.Is(err, store.ErrTwoPersonRule) {
		if cur, gerr := s.store.GetHold(ctx, id); gerr == nil {
			if rerr := s.record(ctx, s.store, actor, audit.HoldReleased, cur, audit.Denied,
				map[string]any{"code": string(protocol.CodeTwoPersonRule)}); rerr != nil {
				return protocol.LegalHold{}, rerr
			}
		}
		return protocol.LegalHold{}, apperr.New(protocol.CodeTwoPersonRule, "the release must be countersigned by someone other than who asked for it")
	}
	if err != nil {
		return protocol.LegalHold{}, holdError(id, "countersign", err)
	}
	return s.wire(ctx, h), nil
}

// CancelRelease withdraws a pending release request (holds.manage): the hold is active
// again.
func (s *Service) CancelRelease(ctx context.Context, actor store.User, id int64) (protocol.LegalHold, error) {
	if !authz.Can(actor.Role, authz.ManageHolds) {
		return protocol.LegalHold{}, apperr.New(protocol.CodeForbidden, "only the security officer cancels a release request")
	}
	var h store.LegalHold
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if h, err = tx.CancelHoldRelease(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.HoldReleaseCanceled, h, audit.OK, nil)
	})
	if err != nil {
		return protocol.LegalHold{}, holdError(id, "cancel release", err)
	}
	return s.wire(ctx, h), nil
}

// holdError turns the store's refusals into answers: no such hold, or not in the state
// the change needs.
func holdError(id int64, verb string, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apperr.New(protocol.CodeNotFound, "no such hold")
	case errors.Is(err, store.ErrConflict):
		return apperr.New(protocol.CodeConflict, "the hold is not in a state that allows %s", verb)
	}
	return fmt.Errorf("holds: %s %d: %w", verb, id, err)
}

// record appends the audit entry of a hold's change, inside its transaction.
func (s *Service) record(ctx context.Context, tx audit.Appender, actor store.User, action string, h store.LegalHold, outcome string, extra map[string]any) error {
	detail := map[string]any{"scope": string(h.Scope), "target_id": h.TargetID, "case_no": h.CaseNo, "status": string(h.Status)}
	if action == audit.HoldPlaced {
		detail["reason"] = h.Reason
		if !h.From.IsZero() {
			detail["from"] = h.From.UTC().Format(time.RFC3339)
		}
		if !h.To.IsZero() {
			detail["to"] = h.To.UTC().Format(time.RFC3339)
		}
	}
	for k, v := range extra {
		detail[k] = v
	}
	return s.audit.In(tx).Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: action,
		TargetType: "hold", TargetID: strconv.FormatInt(h.ID, 10), Outcome: outcome, Detail: detail})
}

func (s *Service) wire(ctx context.Context, h store.LegalHold) protocol.LegalHold {
	return s.wireNamed(ctx, h, map[int64]string{})
}

// wireNamed is h as clients see it, the people in it named (names caches the lookups).
func (s *Service) wireNamed(ctx context.Context, h store.LegalHold, names map[int64]string) protocol.LegalHold {
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		n := ""
		if u, err := s.store.GetUser(ctx, id); err == nil {
			n = u.DisplayName
		}
		names[id] = n
		return n
	}
	out := protocol.LegalHold{
		ID: h.ID, Scope: protocol.HoldScope(h.Scope), TargetID: h.TargetID, TargetName: h.TargetName,
		Reason: h.Reason, CaseNo: h.CaseNo, Status: protocol.HoldStatus(h.Status),
		CreatedBy: h.CreatedBy, CreatedByName: name(h.CreatedBy), CreatedAt: h.CreatedAt,
		ReleaseRequestedBy: h.ReleaseRequestedBy, ReleaseRequestedName: name(h.ReleaseRequestedBy),
		ReleaseNote: h.ReleaseNote, ReleasedBy: h.ReleasedBy, ReleasedByName: name(h.ReleasedBy),
		CountersignNote: h.CountersignNote,
	}
	if !h.From.IsZero() {
		out.From = &h.From
	}
	if !h.To.IsZero() {
		out.To = &h.To
	}
	if !h.ReleaseRequestedAt.IsZero() {
		out.ReleaseRequestedAt = &h.ReleaseRequestedAt
	}
	if !h.ReleasedAt.IsZero() {
		out.ReleasedAt = &h.ReleasedAt
	}
	return out
}
