// Package investigate answers the security officer's and auditor's questions of the
// trail (PROTOCOL.md §4.8, §4.24): a filtered trail, one person's timeline, a file's
// trace across channels, a notice's readers, the alerts, and the CSV export for an
// inspection. Every read is itself recorded (audit.read), so the auditors are audited
// too. Nothing here reads or returns content: ids, people, times, levels, outcomes.
package investigate

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// Tx is what acknowledging an alert changes in one transaction.
type Tx interface {
	AckAlert(ctx context.Context, id, by int64, at time.Time, note string) (store.SecurityAlert, error)
	audit.Appender
}

// Store is the part of the store the console reads.
type Store interface {
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error)
	CountAudit(ctx context.Context, f store.AuditFilter, maxID int64) (int64, error)
	LatestAuditID(ctx context.Context) (int64, error)
	ListAuditAbout(ctx context.Context, targetType, targetID string, limit int) ([]store.AuditEvent, bool, error)
	ListAuditNear(ctx context.Context, action, targetType, targetID string, actorID int64, from, to int64, limit int) ([]store.AuditEvent, error)
	AuditPeople(ctx context.Context, ids []int64) (map[int64]store.AuditPersonRow, error)
	ListDepartments(ctx context.Context) ([]store.Department, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetBlob(ctx context.Context, id string) (store.Blob, error)
	ListBlobRefs(ctx context.Context, blobID string) ([]store.BlobRef, error)
	GetMessage(ctx context.Context, channelID, seq int64) (store.Message, error)
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
	ListKeyHolders(ctx context.Context, blobID string, limit int) ([]store.KeyHolder, bool, error)
	ListNoticeFacts(ctx context.Context, ids []int64) ([]store.NoticeFacts, error)
	GetNotice(ctx context.Context, id int64) (store.Notice, error)
	ListNoticeReceipts(ctx context.Context, noticeID int64) ([]store.NoticeRecipient, error)
	ListAlerts(ctx context.Context, state store.AlertState, beforeID int64, limit int) ([]store.SecurityAlert, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service answers the console.
type Service struct {
	store Store
	audit *audit.Recorder
	now   func() time.Time
	log   *slog.Logger
}

// New returns the console's service over s, recording every read with rec.
func New(s Store, rec *audit.Recorder, now func() time.Time, log *slog.Logger) *Service {
	return &Service{store: s, audit: rec, now: now, log: log}
}

// read records that actor read the trail: what they asked (target, filters), never
// content.
func (s *Service) read(ctx context.Context, actor store.User, targetType, targetID string, detail map[string]any) error {
	return s.audit.Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: audit.AuditRead,
		TargetType: targetType, TargetID: targetID, Detail: detail})
}

// notFound turns the store's ErrNotFound into a not_found naming what.
func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(protocol.CodeNotFound, "no such %s", what)
	}
	return err
}

// people names the persons a page mentions: display name (the username when there is
// none) and primary department, loaded once per page.
type people struct {
	rows  map[int64]store.AuditPersonRow
	depts org.Tree[store.Department]
}

func (s *Service) loadPeople(ctx context.Context, ids []int64) (people, error) {
	rows, err := s.store.AuditPeople(ctx, ids)
	if err != nil {
		return people{}, err
	}
	ds, err := s.store.ListDepartments(ctx)
	if err != nil {
		return people{}, err
	}
	return people{rows: rows, depts: org.DeptTree(ds)}, nil
}

// person names id; fallback is the name to show for someone the store no longer has
// (or the system, or the server console).
func (p people) person(id int64, fallback string) protocol.AuditPerson {
	r, ok := p.rows[id]
	if !ok {
		if fallback == "" && id == 0 {
			fallback = "system"
		}
		return protocol.AuditPerson{ID: id, Name: fallback}
	}
	out := protocol.AuditPerson{ID: id, Name: r.DisplayName, Username: r.Username}
	if out.Name == "" {
		out.Name = r.Username
	}
	out.Department = p.dept(r.DeptID)
	return out
}

func (p people) dept(id int64) *protocol.AuditRef {
	if d, ok := p.depts.Get(id); ok {
		return &protocol.AuditRef{ID: d.ID, Name: d.Name}
	}
	return nil
}

// Event is one entry on the wire.
func Event(e store.AuditEvent) protocol.AuditEvent {
	return protocol.AuditEvent{ID: e.ID, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Outcome: e.Outcome, IP: e.IP, RequestID: e.RequestID,
		Detail: e.Detail, Hash: hex.EncodeToString(e.Hash),
		ActorRole: e.ActorRole, DepartmentID: e.ActorDept, Level: e.Level, SubjectID: e.SubjectID}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
