package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Key recovery (PROTOCOL.md §4.23): the organisation's account-recovery public key, and
// requests to get a key pair back after a password reset. The server relays sealed
// keys it cannot open.

// KeyRecovery is one recovery request.
type KeyRecovery struct {
	ID              int64
	UserID          int64
	Method          string // "device" or "officer"
	State           string // protocol.Recovery*
	KeyID           string // the key pair to recover
	EphemeralPublic string
	SessionID       int64 // the requesting session: it cannot answer itself
	IP, UserAgent   string
	CreatedAt       time.Time
	ExpiresAt       time.Time
	Sealed          string // while answered
	AnsweredBy      int64
	AnsweredAt      time.Time
	Note            string
	UpdatedAt       time.Time
}

// Recoveries keeps the account-recovery key and recovery requests.
type Recoveries interface {
	GetRecoveryKey(ctx context.Context) (EscrowKey, error) // the current one; ErrNotFound when none
	SetRecoveryKey(ctx context.Context, k *EscrowKey) error
	// CreateKeyRecovery inserts r (setting ID) and cancels the user's pending or
	// answered requests of the same method, whose ids it returns.
	CreateKeyRecovery(ctx context.Context, r *KeyRecovery) (cancelled []int64, err error)
	GetKeyRecovery(ctx context.Context, id int64) (KeyRecovery, error)
	// TransitionKeyRecovery writes r's State, Sealed, AnsweredBy, AnsweredAt, Note and
	// ExpiresAt if the row is still in state from; ErrConflict otherwise.
	TransitionKeyRecovery(ctx context.Context, r KeyRecovery, from string) error
	// ListKeyRecoveries lists the requests of a method in the given states, newest first.
	ListKeyRecoveries(ctx context.Context, method string, states []string, limit int) ([]KeyRecovery, error)
	// UserKeyRecoveries lists the user's requests in the given states, newest first.
	UserKeyRecoveries(ctx context.Context, userID int64, states []string) ([]KeyRecovery, error)
	// ExpireKeyRecoveries moves pending and answered requests whose time is up to
	// expired (dropping their sealed key) and returns them as they were.
	ExpireKeyRecoveries(ctx context.Context, now time.Time) ([]KeyRecovery, error)
}

// GetRecoveryKey: see Recoveries.
func (s *DB) GetRecoveryKey(ctx context.Context) (EscrowKey, error) {
	return s.newestKey(ctx, "recovery_keys")
}

// SetRecoveryKey: see Recoveries.
func (s *DB) SetRecoveryKey(ctx context.Context, k *EscrowKey) error {
	return s.setNewestKey(ctx, "recovery_keys", k)
}

const recoveryCols = `id, user_id, method, state, key_id, ephemeral_public, session_id, ip, user_agent,
	created_at, expires_at, sealed, answered_by, answered_at, note, updated_at`

func scanRecovery(row scanner) (KeyRecovery, error) {
	var r KeyRecovery
	var created, expires, answered, updated int64
	err := row.Scan(&r.ID, &r.UserID, &r.Method, &r.State, &r.KeyID, &r.EphemeralPublic, &r.SessionID, &r.IP, &r.UserAgent,
		&created, &expires, &r.Sealed, &r.AnsweredBy, &answered, &r.Note, &updated)
	if err != nil {
		return KeyRecovery{}, err
	}
	r.CreatedAt, r.ExpiresAt, r.UpdatedAt = fromMillis(created), fromMillis(expires), fromMillis(updated)
	if answered != 0 {
		r.AnsweredAt = fromMillis(answered)
	}
	return r, nil
}

// live are the states a request can still move from.
const liveRecoveryStates = `('pending', 'answered')`

// CreateKeyRecovery: see Recoveries.
func (s *DB) CreateKeyRecovery(ctx context.Context, r *KeyRecovery) ([]int64, error) {
	if err := checkTexts("key id", r.KeyID, "ephemeral key", r.EphemeralPublic, "ip", r.IP, "user agent", r.UserAgent); err != nil {
		return nil, fmt.Errorf("store: create key recovery: %w", err)
	}
	at := s.stamp(r.CreatedAt)
	var cancelled []int64
	err := s.inTx(ctx, func(tx *DB) error {
		rows, err := tx.query(ctx, `SELECT id FROM key_recoveries WHERE user_id = ? AND method = ? AND state IN `+liveRecoveryStates+tx.d.rowLock,
			r.UserID, r.Method)
		if err != nil {
			return tx.fail(err, "create key recovery")
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return tx.fail(err, "create key recovery")
			}
			cancelled = append(cancelled, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "create key recovery")
		}
		if _, err := tx.exec(ctx, `UPDATE key_recoveries SET state = 'cancelled', sealed = '', updated_at = ?
				WHERE user_id = ? AND method = ? AND state IN `+liveRecoveryStates, toMillis(at), r.UserID, r.Method); err != nil {
			return tx.fail(err, "create key recovery")
		}
		return tx.queryRow(ctx, `INSERT INTO key_recoveries (user_id, method, state, key_id, ephemeral_public, session_id, ip, user_agent,
				created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.UserID, r.Method, r.State, r.KeyID, r.EphemeralPublic, r.SessionID, r.IP, r.UserAgent,
			toMillis(at), toMillis(r.ExpiresAt), toMillis(at)).Scan(&r.ID)
	})
	if err != nil {
		return nil, s.fail(err, "create key recovery of user %d", r.UserID)
	}
	r.CreatedAt, r.UpdatedAt = at, at
	return cancelled, nil
}

// GetKeyRecovery: see Recoveries.
func (s *DB) GetKeyRecovery(ctx context.Context, id int64) (KeyRecovery, error) {
	r, err := scanRecovery(s.queryRow(ctx, `SELECT `+recoveryCols+` FROM key_recoveries WHERE id = ?`, id))
	if err != nil {
		return KeyRecovery{}, s.fail(err, "get key recovery %d", id)
	}
	return r, nil
}

// TransitionKeyRecovery: see Recoveries.
func (s *DB) TransitionKeyRecovery(ctx context.Context, r KeyRecovery, from string) error {
	if err := checkTexts("sealed", r.Sealed, "note", r.Note); err != nil {
		return fmt.Errorf("store: key recovery %d: %w", r.ID, err)
	}
	var answered int64
	if !r.AnsweredAt.IsZero() {
		answered = toMillis(r.AnsweredAt)
	}
	res, err := s.exec(ctx, `UPDATE key_recoveries SET state = ?, sealed = ?, answered_by = ?, answered_at = ?, note = ?, expires_at = ?,
			updated_at = ? WHERE id = ? AND state = ?`,
		r.State, r.Sealed, r.AnsweredBy, answered, r.Note, toMillis(r.ExpiresAt), toMillis(s.stamp(r.UpdatedAt)), r.ID, from)
	if err != nil {
		return s.fail(err, "key recovery %d", r.ID)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.fail(err, "key recovery %d", r.ID)
	} else if n == 0 {
		return fmt.Errorf("store: key recovery %d is no longer %s: %w", r.ID, from, ErrConflict)
	}
	return nil
}

func (s *DB) listRecoveries(ctx context.Context, what, where string, args ...any) ([]KeyRecovery, error) {
	rows, err := s.query(ctx, `SELECT `+recoveryCols+` FROM key_recoveries WHERE `+where, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	out := []KeyRecovery{}
	for rows.Next() {
		r, err := scanRecovery(rows)
		if err != nil {
			return nil, s.fail(err, "%s", what)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}

func stateList(states []string) (string, []any) {
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", ") + ")", args
}

// ListKeyRecoveries: see Recoveries.
func (s *DB) ListKeyRecoveries(ctx context.Context, method string, states []string, limit int) ([]KeyRecovery, error) {
	if len(states) == 0 {
		return []KeyRecovery{}, nil
	}
	in, args := stateList(states)
	args = append([]any{method}, args...)
	return s.listRecoveries(ctx, "list key recoveries", `method = ? AND state IN `+in+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...)
}

// UserKeyRecoveries: see Recoveries.
func (s *DB) UserKeyRecoveries(ctx context.Context, userID int64, states []string) ([]KeyRecovery, error) {
	if len(states) == 0 {
		return []KeyRecovery{}, nil
	}
	in, args := stateList(states)
	args = append([]any{userID}, args...)
	return s.listRecoveries(ctx, "list key recoveries of a user", `user_id = ? AND state IN `+in+` ORDER BY id DESC`, args...)
}

// ExpireKeyRecoveries: see Recoveries.
func (s *DB) ExpireKeyRecoveries(ctx context.Context, now time.Time) ([]KeyRecovery, error) {
	var out []KeyRecovery
	err := s.inTx(ctx, func(tx *DB) error {
		due, err := tx.listRecoveries(ctx, "expire key recoveries", `state IN `+liveRecoveryStates+` AND expires_at <= ?`+tx.d.rowLock, toMillis(now))
		if err != nil {
			return err
		}
		for _, r := range due {
			if _, err := tx.exec(ctx, `UPDATE key_recoveries SET state = 'expired', sealed = '', updated_at = ? WHERE id = ?`, toMillis(now), r.ID); err != nil {
				return tx.fail(err, "expire key recovery %d", r.ID)
			}
		}
		out = due
		return nil
	})
	return out, err
}
