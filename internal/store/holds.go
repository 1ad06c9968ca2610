package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Legal holds (法律保全): while a hold covers a message or notice, retention does not
// delete it (see retention.go for "covers").

// HoldScope is what a hold covers (protocol.HoldScope).
type HoldScope string

const (
	HoldChannel HoldScope = "channel" // messages of a channel created within the range
	HoldUser    HoldScope = "user"    // messages a person sent and notices they wrote, within the range
	HoldNotice  HoldScope = "notice"  // one notice
)

// HoldStatus is where a hold is in its life (protocol.HoldStatus).
type HoldStatus string

const (
	HoldActive           HoldStatus = "active"
	HoldReleaseRequested HoldStatus = "release_requested"
	HoldReleased         HoldStatus = "released"
)

// ErrTwoPersonRule: the person countersigning a hold's release is the one who asked for
// it. It is an ErrConflict.
var ErrTwoPersonRule = fmt.Errorf("store: the release of a hold needs a second person: %w", ErrConflict)

// LegalHold is one hold. Times are zero when unset; From and To zero are open ends.
type LegalHold struct {
	ID                 int64
	Scope              HoldScope
	TargetID           int64
	TargetName         string // the channel's or person's name when it was placed, for search
	From, To           time.Time
	Reason             string
	CaseNo             string
	Status             HoldStatus
	CreatedBy          int64
	CreatedAt          time.Time
	ReleaseRequestedBy int64
	ReleaseRequestedAt time.Time
	ReleaseNote        string
	ReleasedBy         int64 // who countersigned
	ReleasedAt         time.Time
	CountersignNote    string
}

// HoldFilter narrows ListHolds; results are newest first.
type HoldFilter struct {
	// Query is a substring (case-insensitive for ASCII) of the case number, the reason
	// or the target's name; "" matches every hold.
	Query  string
	Status HoldStatus // "" for any
	Limit  int        // 0: 200; at most 1000
}

// Holds keeps legal holds. The two-person rule is enforced here, in the statement
// that releases, so two officers racing cannot get around it.
type Holds interface {
	// CreateHold stores h as active and sets h.ID, h.Status and h.CreatedAt (now when
	// zero).
	CreateHold(ctx context.Context, h *LegalHold) error
	GetHold(ctx context.Context, id int64) (LegalHold, error)
	ListHolds(ctx context.Context, f HoldFilter) ([]LegalHold, error)
	// RequestHoldRelease moves an active hold to release_requested by `by`.
	// ErrNotFound for no such hold; ErrConflict when it is not active.
	RequestHoldRelease(ctx context.Context, id, by int64, note string, at time.Time) (LegalHold, error)
	// CountersignHold releases a hold whose release was requested by someone other than
	// `by`. ErrTwoPersonRule when `by` asked for it; ErrConflict when no release is
	// pending; ErrNotFound for no such hold.
	CountersignHold(ctx context.Context, id, by int64, note string, at time.Time) (LegalHold, error)
	// CancelHoldRelease returns a hold whose release was requested to active.
	// ErrConflict when no release is pending; ErrNotFound for no such hold.
	CancelHoldRelease(ctx context.Context, id int64) (LegalHold, error)
}

const holdCols = `id, scope, target_id, target_name, from_at, to_at, reason, case_no, status, created_by, created_at,
	release_requested_by, release_requested_at, release_note, released_by, released_at, countersign_note`

func scanHold(row scanner) (LegalHold, error) {
	var h LegalHold
	var from, to, created, requested, released int64
	err := row.Scan(&h.ID, &h.Scope, &h.TargetID, &h.TargetName, &from, &to, &h.Reason, &h.CaseNo, &h.Status,
		&h.CreatedBy, &created, &h.ReleaseRequestedBy, &requested, &h.ReleaseNote, &h.ReleasedBy, &released, &h.CountersignNote)
	if err != nil {
		return LegalHold{}, err
	}
	h.From, h.To, h.CreatedAt = fromMillis(from), fromMillis(to), fromMillis(created)
	h.ReleaseRequestedAt, h.ReleasedAt = fromMillis(requested), fromMillis(released)
	return h, nil
}

// CreateHold implements Holds.
func (s *DB) CreateHold(ctx context.Context, h *LegalHold) error {
	if err := checkTexts("reason", h.Reason, "case number", h.CaseNo, "target name", h.TargetName); err != nil {
		return fmt.Errorf("store: create hold: %w", err)
	}
	if !h.To.IsZero() && h.From.After(h.To) {
		return fmt.Errorf("store: create hold: from is after to")
	}
	created := s.stamp(h.CreatedAt)
	err := s.queryRow(ctx, `INSERT INTO legal_holds (scope, target_id, target_name, from_at, to_at, reason, case_no, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id`,
		string(h.Scope), h.TargetID, h.TargetName, toMillis(h.From), toMillis(h.To), h.Reason, h.CaseNo, h.CreatedBy, toMillis(created)).Scan(&h.ID)
	if err != nil {
		return s.fail(err, "create hold")
	}
	h.Status, h.CreatedAt = HoldActive, created
	h.From, h.To = fromMillis(toMillis(h.From)), fromMillis(toMillis(h.To))
	return nil
}

// GetHold implements Holds.
func (s *DB) GetHold(ctx context.Context, id int64) (LegalHold, error) {
	h, err := scanHold(s.queryRow(ctx, `SELECT `+holdCols+` FROM legal_holds WHERE id = ?`, id))
	if err != nil {
		return LegalHold{}, s.fail(err, "get hold %d", id)
	}
	return h, nil
}

// likePattern is q as a LIKE pattern matching it anywhere, its wildcards escaped (with
// ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(q)) + "%"
}

// ListHolds implements Holds. The table is small (holds are placed by hand), so the
// search reads it whole rather than keeping an index of words.
func (s *DB) ListHolds(ctx context.Context, f HoldFilter) ([]LegalHold, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, 1000)
	query := `SELECT ` + holdCols + ` FROM legal_holds WHERE 1 = 1`
	var args []any
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if err := checkText(q); err != nil {
			return nil, fmt.Errorf("store: list holds: query: %w", err)
		}
		p := likePattern(q)
		query += ` AND (lower(case_no) LIKE ? ESCAPE '\' OR lower(reason) LIKE ? ESCAPE '\' OR lower(target_name) LIKE ? ESCAPE '\')`
		args = append(args, p, p, p)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "list holds")
	}
	defer rows.Close()
	out := []LegalHold{}
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, s.fail(err, "list holds")
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list holds")
	}
	return out, nil
}

// RequestHoldRelease implements Holds.
func (s *DB) RequestHoldRelease(ctx context.Context, id, by int64, note string, at time.Time) (LegalHold, error) {
	if err := checkText(note); err != nil {
		return LegalHold{}, fmt.Errorf("store: request release of hold %d: note: %w", id, err)
	}
	return s.changeHold(ctx, id, "request release of", `UPDATE legal_holds
		SET status = 'release_requested', release_requested_by = ?, release_requested_at = ?, release_note = ?
		WHERE id = ? AND status = 'active' RETURNING `+holdCols,
		by, toMillis(s.stamp(at)), note, id)
}

// CountersignHold implements Holds: the condition that a second person signs is part of
// the one statement that releases.
func (s *DB) CountersignHold(ctx context.Context, id, by int64, note string, at time.Time) (LegalHold, error) {
	if err := checkText(note); err != nil {
		return LegalHold{}, fmt.Errorf("store: countersign hold %d: note: %w", id, err)
	}
	h, err := s.changeHold(ctx, id, "countersign", `UPDATE legal_holds
		SET status = 'released', released_by = ?, released_at = ?, countersign_note = ?
		WHERE id = ? AND status = 'release_requested' AND release_requested_by <> ? RETURNING `+holdCols,
		by, toMillis(s.stamp(at)), note, id, by)
	if errors.Is(err, ErrConflict) {
		if cur, gerr := s.GetHold(ctx, id); gerr == nil && cur.Status == HoldReleaseRequested && cur.ReleaseRequestedBy == by {
			return LegalHold{}, fmt.Errorf("store: countersign hold %d: %w", id, ErrTwoPersonRule)
		}
	}
	return h, err
}

// CancelHoldRelease implements Holds.
func (s *DB) CancelHoldRelease(ctx context.Context, id int64) (LegalHold, error) {
	return s.changeHold(ctx, id, "cancel the release of", `UPDATE legal_holds
		SET status = 'active', release_requested_by = 0, release_requested_at = 0, release_note = ''
		WHERE id = ? AND status = 'release_requested' RETURNING `+holdCols, id)
}

// changeHold runs a conditional UPDATE … RETURNING of one hold: no row is ErrNotFound
// when the hold does not exist and ErrConflict when it is not in the state the change
// needs.
func (s *DB) changeHold(ctx context.Context, id int64, verb, query string, args ...any) (LegalHold, error) {
	h, err := scanHold(s.queryRow(ctx, query, args...))
	if err == nil {
		return h, nil
	}
	if !isNoRows(err) {
		return LegalHold{}, s.fail(err, "%s hold %d", verb, id)
	}
	if _, gerr := s.GetHold(ctx, id); gerr != nil {
		return LegalHold{}, gerr
	}
	return LegalHold{}, fmt.Errorf("store: %s hold %d: not in a state that allows it: %w", verb, id, ErrConflict)
}
