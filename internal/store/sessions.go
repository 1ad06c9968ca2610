package store

import (
	"context"
	"time"
)

// CreateSession inserts s and sets its ID (and CreatedAt, when zero, to now).
func (s *DB) CreateSession(ctx context.Context, sess *Session) error {
	created := s.stamp(sess.CreatedAt)
	expires := fromMillis(toMillis(sess.ExpiresAt))
	var id int64
	err := s.queryRow(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, totp_pending)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		sess.TokenHash, sess.UserID, toMillis(created), toMillis(expires), sess.IP, sess.UserAgent, sess.TOTPPending).Scan(&id)
	if err != nil {
		return s.fail(err, "create session for user %d", sess.UserID)
	}
	sess.ID, sess.CreatedAt, sess.ExpiresAt = id, created, expires
	return nil
}

// GetSessionByTokenHash treats an expired session as absent, so a caller cannot
// forget the expiry check.
func (s *DB) GetSessionByTokenHash(ctx context.Context, hash []byte, now time.Time) (Session, error) {
	var sess Session
	var created, expires int64
	err := s.queryRow(ctx, `SELECT id, token_hash, user_id, created_at, expires_at, ip, user_agent, totp_pending
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, hash, toMillis(now)).
		Scan(&sess.ID, &sess.TokenHash, &sess.UserID, &created, &expires, &sess.IP, &sess.UserAgent, &sess.TOTPPending)
	if err != nil {
		// Never put the hash in the message: it identifies a live credential.
		return Session{}, s.fail(err, "get session by token")
	}
	sess.CreatedAt, sess.ExpiresAt = fromMillis(created), fromMillis(expires)
	return sess, nil
}

func (s *DB) DeleteSession(ctx context.Context, id int64) error {
	if err := s.execOne(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return s.fail(err, "delete session %d", id)
	}
	return nil
}

func (s *DB) DeleteUserSessions(ctx context.Context, userID int64, keepID int64) (int, error) {
	// keepID 0 matches no row (ids start at 1), so it keeps none.
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
	if err != nil {
		return 0, s.fail(err, "delete sessions of user %d", userID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(err, "delete sessions of user %d", userID)
	}
	return int(n), nil
}

func (s *DB) SetSessionTOTPPending(ctx context.Context, id int64, pending bool) error {
	if err := s.execOne(ctx, `UPDATE sessions SET totp_pending = ? WHERE id = ?`, pending, id); err != nil {
		return s.fail(err, "set totp pending on session %d", id)
	}
	return nil
}

func (s *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, toMillis(now))
	if err != nil {
		return 0, s.fail(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(err, "delete expired sessions")
	}
	return int(n), nil
}
