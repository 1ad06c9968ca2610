package quiet

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/store"
	"govchat/protocol"
)

// Store is the part of the store the Service is given: what it reads outside a
// transaction, and transactions that see only Tx (store.Narrow makes one).
type Store interface {
	Source
	GetQuietPersonal(ctx context.Context, userID int64) (store.QuietPersonal, error)
	GetChannelNotify(ctx context.Context, channelID, userID int64) (string, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is the part of the store the Service calls inside a transaction: it changes the
// settings and records the change in the audit trail, so the two commit or roll back
// together.
type Tx interface {
	SetOrgSchedule(ctx context.Context, body string) error
	PutCalendarYear(ctx context.Context, y *store.CalendarYear) error
	SetQuietPersonal(ctx context.Context, p *store.QuietPersonal) error
	SetChannelNotify(ctx context.Context, channelID, userID int64, level string) error
	CreateDutySlot(ctx context.Context, d *store.DutySlot) error
	GetDutySlot(ctx context.Context, id int64) (store.DutySlot, error)
	DeleteDutySlot(ctx context.Context, id int64) error
	audit.Appender
}

// Service runs quiet hours (PROTOCOL.md §4.11): it answers who is reachable from the
// cached Policy, and carries out every change to what decides it — the organisation's
// schedule, calendar years, the duty roster, a person's own settings — and to channel
// notification levels. Each change is validated, authorised, stored with its audit
// entry in one transaction, and then drops the cached Policy.
type Service struct {
	store  Store
	audit  *audit.Recorder
	now    func() time.Time
	policy *Cache
}

// NewService returns a Service whose Policy is cached for ttl (≤ 0: DefaultTTL); rec
// records every change.
func NewService(st Store, rec *audit.Recorder, now func() time.Time, ttl time.Duration) (*Service, error) {
	c, err := NewCache(st, now, ttl)
	if err != nil {
		return nil, err
	}
	return &Service{store: st, audit: rec, now: now, policy: c}, nil
}

// Policy returns the current Policy (see Cache.Policy); callers must not modify it.
func (s *Service) Policy(ctx context.Context) (Policy, error) { return s.policy.Policy(ctx) }

// SetDefaultZone sets the zone that applies until an administrator stores the
// organisation's settings (see Cache.SetDefaultZone).
func (s *Service) SetDefaultZone(name string) error { return s.policy.SetDefaultZone(name) }

// inTx runs fn in one transaction with a recorder writing into it, so a change and its
// audit entry commit or roll back together.
func (s *Service) inTx(ctx context.Context, fn func(tx Tx, rec *audit.Recorder) error) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		return fn(tx, s.audit.In(tx))
	})
}

// change is inTx for what the Policy is made of: once committed, the cached Policy is
// dropped, so the next question sees the change.
func (s *Service) change(ctx context.Context, fn func(tx Tx, rec *audit.Recorder) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return err
	}
	s.policy.Invalidate()
	return nil
}

// event is an audit event by the principal.
func event(p auth.Principal, action, targetType, targetID string, detail map[string]any) audit.Event {
	return audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: action, TargetType: targetType, TargetID: targetID, Detail: detail}
}

// mayManage refuses whoever may not change the organisation's working time.
func mayManage(p auth.Principal) error {
	if !authz.Can(p.User.Role, authz.ManageOrg) {
		return apperr.New(protocol.CodeForbidden, "your role may not do this")
	}
	return nil
}

// orgSettings reads the organisation's settings; never stored, they are the defaults
// in the zone the server was configured with.
func (s *Service) orgSettings(ctx context.Context) (OrgSettings, error) {
	body, err := s.store.GetOrgSchedule(ctx)
	if err != nil {
		return OrgSettings{}, fmt.Errorf("quiet: read organisation schedule: %w", err)
	}
	org, err := ParseOrgSettings(body)
	if err != nil {
		return OrgSettings{}, fmt.Errorf("quiet: stored organisation schedule: %w", err)
	}
	if body == "" {
		org.TimeZone = s.policy.DefaultZone()
	}
	return org, nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
