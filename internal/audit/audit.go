// Package audit records security-relevant actions in the trail: a hash chain this
// package defines (chain.go) and the store keeps. An entry names who did what to which
// resource and how it ended; it never carries message text, passwords, tokens or keys.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"govchat/internal/reqinfo"
	"govchat/internal/store"
)

// Actions recorded by the foundation. Later features add their own.
const (
	LoginOK         = "auth.login"
	LoginFailed     = "auth.login_failed"
	LoginLocked     = "auth.login_locked"
	Logout          = "auth.logout"
	PasswordChanged = "auth.password_change"
	TOTPEnabled     = "auth.totp_enable"
	TOTPDisabled    = "auth.totp_disable"
	AccessDenied    = "auth.denied"

	UserCreated       = "admin.user_create"
	UserUpdated       = "admin.user_update"
	UserPasswordReset = "admin.user_password_reset"
	UserTOTPReset     = "admin.user_totp_reset"
	DeptCreated       = "admin.department_create"
	DeptUpdated       = "admin.department_update"
	DeptDeleted       = "admin.department_delete"
	PartyOrgCreated   = "admin.party_org_create"
	PartyOrgUpdated   = "admin.party_org_update"
	PartyOrgDeleted   = "admin.party_org_delete"
	MembershipChanged = "admin.membership_change"
	OrgImported       = "admin.org_import"
	AuditRead         = "audit.read"

	ChatRecallByAdmin = "chat.recall_by_admin" // a channel administrator recalled someone else's message
	ChatMemberAdd     = "chat.member_add"
	ChatMemberRemove  = "chat.member_remove"
	ChatMemberRole    = "chat.member_role"
	ChatChannelUpdate = "chat.channel_update"
	// ChatForward: someone forwarded messages (转发); the detail names the source
	// channel and seqs and the target channels, never the text.
	ChatForward = "chat.forward"
	// Issue 14: the rest of a message's and a group's life, ids and levels only.
	ChatSend          = "chat.send"           // a message of level ≥ SendRecordLevel (敏感, 秘密) was sent
	ChatEdit          = "chat.edit"           // the sender edited a message
	ChatRecall        = "chat.recall"         // the sender recalled their own message
	ChatMemberLeave   = "chat.member_leave"   // someone left a group
	ChatChannelCreate = "chat.channel_create" // someone created a group

	// Notices: the detail names titles, counts and ids, never a notice's body.
	NoticePublish  = "notice.publish"
	NoticeRevise   = "notice.revise"
	NoticeWithdraw = "notice.withdraw"
	NoticeConfirm  = "notice.confirm"
	NoticeRemind   = "notice.remind"   // manual or automatic; the detail says which
	NoticeEscalate = "notice.escalate" // the department heads were told at the deadline
	// NoticeBreakthrough: an urgent notice pushed through quiet hours (internal/alert).
	NoticeBreakthrough = "notice.breakthrough"

	// Collections (收集, 接龙): the detail names titles, counts, ids and revisions,
	// never an answer's values or a return's note.
	CollectionPublish  = "collection.publish"
	CollectionSubmit   = "collection.submit" // a unit's first answer
	CollectionEdit     = "collection.edit"   // an answer replaced
	CollectionReturn   = "collection.return" // 退回修改
	CollectionClose    = "collection.close"
	CollectionRemind   = "collection.remind"   // manual or automatic; the detail says which
	CollectionEscalate = "collection.escalate" // the department heads were told at the deadline
)

// Outcomes.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Event is what a caller says happened; the recorder adds time, request id and address.
type Event struct {
	ActorID    int64
	ActorName  string
	Action     string
	TargetType string
	TargetID   string
	Outcome    string
	Detail     map[string]any // small, non-secret facts
}

// Appender is the part of the store a Recorder writes to.
type Appender interface {
	AppendAudit(ctx context.Context, e *store.AuditEvent, hash store.AuditHash) error
}

// Recorder appends events to a store.
type Recorder struct {
	store Appender
	now   func() time.Time
	log   *slog.Logger
}

// New returns a recorder writing to s.
func New(s Appender, now func() time.Time, log *slog.Logger) *Recorder {
	return &Recorder{store: s, now: now, log: log}
}

// In returns a recorder that writes inside tx, so an action and its audit entry commit
// or roll back together.
// A nil recorder stays nil (a service built without one records nothing).
func (r *Recorder) In(tx Appender) *Recorder {
	if r == nil {
		return nil
	}
	return &Recorder{store: tx, now: r.now, log: r.log}
}

// Step records that actor did action to one target (its type and id) — the shape of
// every step of a notice, a collection or a to-do. A nil recorder records nothing.
func (r *Recorder) Step(ctx context.Context, actor store.User, action, targetType string, id int64, detail map[string]any) error {
	if r == nil {
		return nil
	}
	return r.Record(ctx, Event{ActorID: actor.ID, ActorName: actor.Username, Action: action, TargetType: targetType,
		TargetID: strconv.FormatInt(id, 10), Detail: detail})
}

// Record appends e. An error means the trail did not get the entry; callers that change
// state record inside the same transaction and fail with it.
func (r *Recorder) Record(ctx context.Context, e Event) error {
	info := reqinfo.From(ctx)
	detail := ""
	if len(e.Detail) > 0 {
		raw, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit: encode detail of %s: %w", e.Action, err)
		}
		detail = string(raw)
	}
	if e.Outcome == "" {
		e.Outcome = OK
	}
	ev := store.AuditEvent{
		At:         r.now(),
		ActorID:    e.ActorID,
		ActorName:  e.ActorName,
		Action:     e.Action,
		TargetType: e.TargetType,
		TargetID:   e.TargetID,
		Outcome:    e.Outcome,
		IP:         info.IP,
		RequestID:  info.ID,
		Detail:     detail,
	}
	if err := r.store.AppendAudit(ctx, &ev, Hash); err != nil {
		r.log.Error("audit append failed", "action", e.Action, "actor_id", e.ActorID, "request_id", info.ID, "err", err)
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}
