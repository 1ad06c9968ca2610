package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// The console's queries over the trail (PROTOCOL.md §4.8, §4.24). Every filter is an
// indexed column (migration 0025) and every page is cut by id, so a page costs the
// same on the millionth entry as on the first.

// auditWhere turns f into conditions and their arguments (none: no condition).
// PersonID is not among them: auditListQuery splits it into two index ranges.
func auditWhere(f AuditFilter) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.ActorID != 0 {
		add(`actor_id = ?`, f.ActorID)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			// A prefix. substr rather than LIKE: exact in both dialects, no escaping.
			add(`substr(action, 1, ?) = ?`, utf8.RuneCountInString(f.Action), f.Action)
		} else {
			add(`action = ?`, f.Action)
		}
	}
	if f.TargetType != "" {
		add(`target_type = ?`, f.TargetType)
		if f.TargetID != "" {
			add(`target_id = ?`, f.TargetID)
		}
	}
	if len(f.DeptIDs) > 0 {
		a := make([]any, len(f.DeptIDs))
		for i, id := range f.DeptIDs {
			a[i] = id
		}
		add(`actor_dept IN (`+auditMarks(len(a))+`)`, a...)
	}
	if f.MinLevel != nil {
		add(`level >= ?`, *f.MinLevel)
	}
	if f.Outcome != "" {
		add(`outcome = ?`, f.Outcome)
	}
	if !f.Since.IsZero() {
		add(`occurred_at >= ?`, toMillis(f.Since))
	}
	if !f.Until.IsZero() {
		add(`occurred_at < ?`, toMillis(f.Until))
	}
	if f.BeforeID > 0 {
		add(`id < ?`, f.BeforeID)
	}
	return where, args
}

// auditListQuery is the newest-first page of f. A person's entries are the union of
// two index ranges — as actor (audit_events_actor_id) and as subject
// (audit_events_subject) — each cut to the page before they are merged, so neither
// side is read further than one page.
func auditListQuery(f AuditFilter, limit int) (string, []any) {
	where, args := auditWhere(f)
	cond := func(extra string) string {
		all := append([]string{extra}, where...)
		if all[0] == "" {
			all = all[1:]
		}
		if len(all) == 0 {
			return ""
		}
		return ` WHERE ` + strings.Join(all, ` AND `)
	}
	if f.PersonID == 0 {
		return `SELECT ` + auditColumns + ` FROM audit_events` + cond("") + ` ORDER BY id DESC LIMIT ?`, append(args, limit)
	}
	side := func(col string) string {
		return `SELECT * FROM (SELECT ` + auditColumns + ` FROM audit_events` + cond(col+` = ?`) + ` ORDER BY id DESC LIMIT ?) AS ` + col + `_side`
	}
	q := `SELECT ` + auditColumns + ` FROM (` + side("actor_id") + ` UNION ` + side("subject_id") + `) AS person ORDER BY id DESC LIMIT ?`
	var all []any
	for range 2 {
		all = append(all, f.PersonID)
		all = append(all, args...)
		all = append(all, limit)
	}
	return q, append(all, limit)
}

// CountAudit counts the entries matching f with IDs up to and including maxID (0: no
// bound), for the export's record. BeforeID and Limit are ignored.
func (s *DB) CountAudit(ctx context.Context, f AuditFilter, maxID int64) (int64, error) {
	f.BeforeID = 0
	if maxID > 0 {
		f.BeforeID = maxID + 1
	}
	inner, args := auditListQuery(f, auditExportMax)
	var n int64
	if err := s.queryRow(ctx, `SELECT count(*) FROM (`+inner+`) AS page`, args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count audit")
	}
	return n, nil
}

// auditExportMax bounds one export (PROTOCOL.md §4.24).
const auditExportMax = 1_000_000

// AuditExportMax is the most rows one CSV export holds.
const AuditExportMax = auditExportMax

// LatestAuditID is the newest entry's id (0: none).
func (s *DB) LatestAuditID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_events`).Scan(&id); err != nil {
		return 0, s.fail(err, "latest audit id")
	}
	return id, nil
}

// ListAuditAbout returns the entries about one target, oldest first, at most limit;
// more reports that there were more.
func (s *DB) ListAuditAbout(ctx context.Context, targetType, targetID string, limit int) ([]AuditEvent, bool, error) {
	es, err := s.listAudit(ctx, "list audit about "+targetType, `SELECT `+auditColumns+` FROM audit_events
		WHERE target_type = ? AND target_id = ? ORDER BY id LIMIT ?`, targetType, targetID, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(es) > limit {
		return es[:limit], true, nil
	}
	return es, false, nil
}

// ListAuditNear returns the entries of action about one target by one actor between
// from and to (inclusive), oldest first, at most limit: a forward's entry beside the
// message it made.
func (s *DB) ListAuditNear(ctx context.Context, action, targetType, targetID string, actorID int64, from, to int64, limit int) ([]AuditEvent, error) {
	return s.listAudit(ctx, "list audit near", `SELECT `+auditColumns+` FROM audit_events
		WHERE target_type = ? AND target_id = ? AND action = ? AND actor_id = ? AND occurred_at >= ? AND occurred_at <= ?
		ORDER BY id LIMIT ?`, targetType, targetID, action, actorID, from, to, limit)
}

// ListAuditAfter returns up to limit entries with IDs above after, oldest first, whose
// action is one of actions (the alert job's read of what is new).
func (s *DB) ListAuditAfter(ctx context.Context, after int64, actions []string, limit int) ([]AuditEvent, error) {
	args := []any{after}
	for _, a := range actions {
		args = append(args, a)
	}
	return s.listAudit(ctx, "list audit after", `SELECT `+auditColumns+` FROM audit_events
		WHERE id > ? AND action IN (`+auditMarks(len(actions))+`) ORDER BY id LIMIT ?`, append(args, limit)...)
}

// ListAuditWindow returns, oldest first and at most limit, the entries of action with
// IDs in (afterID, upToID] that occurred at or after since, by actorID (when ip is "")
// or from ip: what one alert rule counts. Each reads one index range
// (audit_events_actor_id, audit_events_failed_ip).
func (s *DB) ListAuditWindow(ctx context.Context, action string, actorID int64, ip string, afterID, upToID int64, since time.Time, limit int) ([]AuditEvent, error) {
	where, args := `actor_id = ? AND action = ?`, []any{actorID, action}
	switch {
	case ip != "" && action == "auth.login_failed":
		// Spelled out, so that SQLite may use the partial index audit_events_failed_ip.
		where, args = `ip = ? AND action = 'auth.login_failed'`, []any{ip}
	case ip != "":
		where, args = `ip = ? AND action = ?`, []any{ip, action}
	}
	return s.listAudit(ctx, "list audit window", `SELECT `+auditColumns+` FROM audit_events
		WHERE `+where+` AND id > ? AND id <= ? AND occurred_at >= ? ORDER BY id LIMIT ?`,
		append(args, afterID, upToID, toMillis(since), limit)...)
}

// AuditConsole is what the security officer's and auditor's console reads and keeps
// beside the trail (PROTOCOL.md §4.24): filtered pages, histories, the people and
// files they name, and alerts.
type AuditConsole interface {
	CountAudit(ctx context.Context, f AuditFilter, maxID int64) (int64, error)
	LatestAuditID(ctx context.Context) (int64, error)
	ListAuditAbout(ctx context.Context, targetType, targetID string, limit int) ([]AuditEvent, bool, error)
	ListAuditNear(ctx context.Context, action, targetType, targetID string, actorID int64, from, to int64, limit int) ([]AuditEvent, error)
	ListAuditAfter(ctx context.Context, after int64, actions []string, limit int) ([]AuditEvent, error)
	ListAuditWindow(ctx context.Context, action string, actorID int64, ip string, afterID, upToID int64, since time.Time, limit int) ([]AuditEvent, error)
	AuditPeople(ctx context.Context, ids []int64) (map[int64]AuditPersonRow, error)
	ListKeyHolders(ctx context.Context, blobID string, limit int) ([]KeyHolder, bool, error)
	ListNoticeFacts(ctx context.Context, ids []int64) ([]NoticeFacts, error)

	InsertAlert(ctx context.Context, a *SecurityAlert) error
	LastAlertedEventID(ctx context.Context, kind string, actorID int64, ip string) (int64, error)
	ListAlerts(ctx context.Context, state AlertState, beforeID int64, limit int) ([]SecurityAlert, error)
	GetAlert(ctx context.Context, id int64) (SecurityAlert, error)
	AckAlert(ctx context.Context, id, by int64, at time.Time, note string) (SecurityAlert, error)
	ClaimAlertLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, int64, error)
	SetAlertCursor(ctx context.Context, owner string, cursor int64) error
	ReleaseAlertLease(ctx context.Context, owner string) error
}
