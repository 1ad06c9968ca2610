package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// SecurityAlert is an alert the console raised from the trail (internal/secalert).
type SecurityAlert struct {
	ID          int64
	Kind        string
	RaisedAt    time.Time
	ActorID     int64
	ActorName   string
	IP          string
	Count       int
	WindowSecs  int
	Level       *int
	EventIDs    []int64
	LastEventID int64
	AckedBy     int64
	AckedAt     time.Time // zero while open
	Note        string
}

// AlertState selects alerts by whether they were acknowledged.
type AlertState string

const (
	AlertsOpen  AlertState = "open"
	AlertsAcked AlertState = "acked"
	AlertsAll   AlertState = "all"
)

const alertColumns = `id, kind, raised_at, actor_id, actor_name, ip, count, window_secs, level, event_ids, last_event_id, acked_by, acked_at, note`

func scanAlert(row scanner) (SecurityAlert, error) {
	var a SecurityAlert
	var raised, acked int64
	var level sql.NullInt64
	var ids string
	if err := row.Scan(&a.ID, &a.Kind, &raised, &a.ActorID, &a.ActorName, &a.IP, &a.Count, &a.WindowSecs, &level,
		&ids, &a.LastEventID, &a.AckedBy, &acked, &a.Note); err != nil {
		return SecurityAlert{}, err
	}
	a.RaisedAt, a.AckedAt = fromMillis(raised), fromMillis(acked)
	if level.Valid {
		l := int(level.Int64)
		a.Level = &l
	}
	if err := json.Unmarshal([]byte(ids), &a.EventIDs); err != nil {
		return SecurityAlert{}, fmt.Errorf("alert %d: event ids: %w", a.ID, err)
	}
	return a, nil
}

// InsertAlert stores a and sets its ID.
func (s *DB) InsertAlert(ctx context.Context, a *SecurityAlert) error {
	ids, err := json.Marshal(a.EventIDs)
	if err != nil {
		return fmt.Errorf("store: insert alert: %w", err)
	}
	if a.EventIDs == nil {
		ids = []byte("[]")
	}
	err = s.writing(ctx, func() error {
		return s.queryRow(ctx, `INSERT INTO security_alerts (kind, raised_at, actor_id, actor_name, ip, count, window_secs, level,
				event_ids, last_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.Kind, toMillis(a.RaisedAt), a.ActorID, a.ActorName, a.IP, a.Count, a.WindowSecs, levelArg(a.Level),
			string(ids), a.LastEventID).Scan(&a.ID)
	})
	if err != nil {
		return s.fail(err, "insert alert %s", a.Kind)
	}
	return nil
}

// LastAlertedEventID is the newest entry an alert of kind about this actor (or
// address) already counted; 0: none.
func (s *DB) LastAlertedEventID(ctx context.Context, kind string, actorID int64, ip string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(last_event_id), 0) FROM security_alerts WHERE kind = ? AND actor_id = ? AND ip = ?`,
		kind, actorID, ip).Scan(&id)
	if err != nil {
		return 0, s.fail(err, "last alerted entry")
	}
	return id, nil
}

// ListAlerts returns alerts in state, newest first, with IDs below beforeID (0: any).
func (s *DB) ListAlerts(ctx context.Context, state AlertState, beforeID int64, limit int) ([]SecurityAlert, error) {
	q := `SELECT ` + alertColumns + ` FROM security_alerts WHERE id < ?`
	switch state {
	case AlertsOpen:
		q += ` AND acked_at = 0`
	case AlertsAcked:
		q += ` AND acked_at > 0`
	}
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT ?`, beforeID, limit)
	if err != nil {
		return nil, s.fail(err, "list alerts")
	}
	defer rows.Close()
	var out []SecurityAlert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, s.fail(err, "list alerts")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list alerts")
	}
	return out, nil
}

// GetAlert returns one alert; ErrNotFound when there is none.
func (s *DB) GetAlert(ctx context.Context, id int64) (SecurityAlert, error) {
	a, err := scanAlert(s.queryRow(ctx, `SELECT `+alertColumns+` FROM security_alerts WHERE id = ?`, id))
	if err != nil {
		return SecurityAlert{}, s.fail(err, "get alert %d", id)
	}
	return a, nil
}

// AckAlert acknowledges an open alert: ErrNotFound when there is no such alert,
// ErrConflict when it was acknowledged already.
func (s *DB) AckAlert(ctx context.Context, id, by int64, at time.Time, note string) (SecurityAlert, error) {
	var out SecurityAlert
	err := s.inTx(ctx, func(tx *DB) error {
		a, err := tx.GetAlert(ctx, id)
		if err != nil {
			return err
		}
		if !a.AckedAt.IsZero() {
			return fmt.Errorf("store: ack alert %d: %w", id, ErrConflict)
		}
		if _, err := tx.exec(ctx, `UPDATE security_alerts SET acked_by = ?, acked_at = ?, note = ? WHERE id = ? AND acked_at = 0`,
			by, toMillis(at), note, id); err != nil {
			return tx.fail(err, "ack alert %d", id)
		}
		a.AckedBy, a.AckedAt, a.Note = by, fromMillis(toMillis(at)), note
		out = a
		return nil
	})
	return out, err
}

// ClaimAlertLease makes owner the one alert scanner until now+ttl if nobody else holds
// the lease (renewing one's own succeeds), and returns the cursor: the last entry read.
func (s *DB) ClaimAlertLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, int64, error) {
	var cursor int64
	err := s.writing(ctx, func() error {
		return s.queryRow(ctx, `UPDATE security_alert_state SET lease_owner = ?, lease_until = ?
			WHERE id = 1 AND (lease_until <= ? OR lease_owner = ?) RETURNING cursor`,
			owner, toMillis(now.Add(ttl)), toMillis(now), owner).Scan(&cursor)
	})
	if isNoRows(err) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, s.fail(err, "claim the alert lease")
	}
	return true, cursor, nil
}

// SetAlertCursor moves the cursor forward, if owner still holds the lease.
func (s *DB) SetAlertCursor(ctx context.Context, owner string, cursor int64) error {
	if _, err := s.exec(ctx, `UPDATE security_alert_state SET cursor = ? WHERE id = 1 AND lease_owner = ? AND cursor < ?`,
		cursor, owner, cursor); err != nil {
		return s.fail(err, "move the alert cursor")
	}
	return nil
}

// ReleaseAlertLease gives the lease up if owner holds it.
func (s *DB) ReleaseAlertLease(ctx context.Context, owner string) error {
	if _, err := s.exec(ctx, `UPDATE security_alert_state SET lease_owner = '', lease_until = 0 WHERE id = 1 AND lease_owner = ?`,
		owner); err != nil {
		return s.fail(err, "release the alert lease")
	}
	return nil
}
