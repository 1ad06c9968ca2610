package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

const userColumns = `id, username, display_name, title, position, role, phone, email, disabled,
	password_hash, must_change_password, password_changed_at,
	totp_secret, totp_enabled, totp_last_step, failed_logins, locked_until,
	created_at, updated_at, key_locked,
	EXISTS (SELECT 1 FROM user_keys WHERE user_keys.user_id = users.id)`

func scanUser(row scanner) (User, error) {
	var u User
	var role string
	var pwChanged, locked, created, updated int64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Title, &u.Position, &role, &u.Phone, &u.Email, &u.Disabled,
		&u.PasswordHash, &u.MustChangePassword, &pwChanged,
		&u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &u.FailedLogins, &locked,
		&created, &updated, &u.KeyLocked, &u.HasKey)
	if err != nil {
		return User{}, err
	}
	u.Role = Role(role)
	u.PasswordChangedAt = fromMillis(pwChanged)
	u.LockedUntil = fromMillis(locked)
	u.CreatedAt = fromMillis(created)
	u.UpdatedAt = fromMillis(updated)
	return u, nil
}

// CreateUser inserts u with its username lower-cased and sets u.ID, CreatedAt and
// UpdatedAt (from u.CreatedAt when set, else now). A taken username, in any case, is
// ErrConflict.
func (s *DB) CreateUser(ctx context.Context, u *User) error {
	name := strings.ToLower(u.Username)
	if name == "" {
		return fmt.Errorf("store: create user: empty username")
	}
	if !u.Role.Valid() {
		return fmt.Errorf("store: create user %q: unknown role %q", name, u.Role)
	}
	created := s.stamp(u.CreatedAt)
	pwChanged := fromMillis(toMillis(u.PasswordChangedAt))
	locked := fromMillis(toMillis(u.LockedUntil))
	var id int64
	err := s.queryRow(ctx, `INSERT INTO users (username, display_name, title, position, role, phone, email, disabled,
			password_hash, must_change_password, password_changed_at,
			totp_secret, totp_enabled, totp_last_step, failed_logins, locked_until,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		name, u.DisplayName, u.Title, u.Position, string(u.Role), u.Phone, u.Email, u.Disabled,
		u.PasswordHash, u.MustChangePassword, toMillis(pwChanged),
		u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, u.FailedLogins, toMillis(locked),
		toMillis(created), toMillis(created)).Scan(&id)
	if err != nil {
		return s.fail(err, "create user %q", name)
	}
	u.ID, u.Username = id, name
	u.CreatedAt, u.UpdatedAt = created, created
	u.PasswordChangedAt, u.LockedUntil = pwChanged, locked
	return nil
}

func (s *DB) GetUser(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, s.fail(err, "get user %d", id)
	}
	return u, nil
}

// GetUserByUsername looks the name up case-insensitively (names are stored lower-case).
func (s *DB) GetUserByUsername(ctx context.Context, username string) (User, error) {
	name := strings.ToLower(username)
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, name))
	if err != nil {
		return User{}, s.fail(err, "get user %q", name)
	}
	return u, nil
}

// ListUsers returns users matching f in id order. Query matches a substring of the
// username or display name; it is compared case-insensitively for ASCII and
// literally otherwise, so 王建 finds 王建国.
func (s *DB) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	var where []string
	var args []any
	if f.Query != "" {
		pat := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		where = append(where, `(username LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if f.Role != "" {
		where = append(where, `role = ?`)
		args = append(args, string(f.Role))
	}
	if f.DepartmentID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM user_departments ud WHERE ud.user_id = users.id AND ud.department_id = ?)`)
		args = append(args, f.DepartmentID)
	}
	q := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	// LIMIT is always given because SQLite accepts OFFSET only after a LIMIT.
	limit := int64(math.MaxInt64)
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	q += ` ORDER BY id LIMIT ? OFFSET ?`
	args = append(args, limit, int64(max(f.Offset, 0)))

	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.fail(err, "list users")
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.fail(err, "list users")
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list users")
	}
	return us, nil
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (s *DB) UpdateUser(ctx context.Context, u User) error {
	if !u.Role.Valid() {
		return fmt.Errorf("store: update user %d: unknown role %q", u.ID, u.Role)
	}
	err := s.execOne(ctx, `UPDATE users SET display_name = ?, title = ?, position = ?, role = ?, phone = ?, email = ?,
			disabled = ?, updated_at = ?
		WHERE id = ?`,
		u.DisplayName, u.Title, u.Position, string(u.Role), u.Phone, u.Email, u.Disabled, toMillis(s.stamp(time.Time{})), u.ID)
	if err != nil {
		return s.fail(err, "update user %d", u.ID)
	}
	return nil
}

func (s *DB) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, at time.Time) error {
	ms := toMillis(s.stamp(at))
	err := s.execOne(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, updated_at = ?
		WHERE id = ?`, hash, mustChange, ms, ms, userID)
	if err != nil {
		return s.fail(err, "set password of user %d", userID)
	}
	return nil
}

// SetKeyLocked marks the user's key pair as wrapped under a password they no longer
// have (an administrator's reset), or clears the mark (a wrap made since was stored).
func (s *DB) SetKeyLocked(ctx context.Context, userID int64, locked bool) error {
	if err := s.execOne(ctx, `UPDATE users SET key_locked = ? WHERE id = ?`, locked, userID); err != nil {
		return s.fail(err, "set key lock of user %d", userID)
	}
	return nil
}

// SetTOTP keeps totp_last_step: a step once used stays used even across re-enrolment.

func (s *DB) SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error {
	err := s.execOne(ctx, `UPDATE users SET totp_secret = ?, totp_enabled = ?, updated_at = ? WHERE id = ?`,
		secret, enabled, toMillis(s.stamp(time.Time{})), userID)
	if err != nil {
		return s.fail(err, "set totp of user %d", userID)
	}
	return nil
}

// AcceptTOTPStep is one conditional UPDATE, so of two nodes racing with the same
// code exactly one sees a row change.
func (s *DB) AcceptTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	res, err := s.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, s.fail(err, "accept totp step for user %d", userID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail(err, "accept totp step for user %d", userID)
	}
	if n == 1 {
		return true, nil
	}
	// Refused: a replay, or no such user.
	var one int
	if err := s.queryRow(ctx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one); err != nil {
		return false, s.fail(err, "accept totp step for user %d", userID)
	}
	return false, nil
}

// RecordLoginFailure is a single UPDATE … RETURNING: the right-hand sides read the
// row's old values, so concurrent failures on several nodes each count once and
// exactly one of them trips the lock. maxFailures <= 0 counts without ever locking.
func (s *DB) RecordLoginFailure(ctx context.Context, userID int64, now time.Time, maxFailures int, lockFor time.Duration) (time.Time, error) {
	trip := `(? > 0 AND failed_logins + 1 >= ?)`
	var locked int64
	err := s.queryRow(ctx, `UPDATE users SET
			failed_logins = CASE WHEN `+trip+` THEN 0 ELSE failed_logins + 1 END,
			locked_until  = CASE WHEN `+trip+` THEN ? ELSE locked_until END
		WHERE id = ?
		RETURNING locked_until`,
		maxFailures, maxFailures, maxFailures, maxFailures, toMillis(now.Add(lockFor)), userID).Scan(&locked)
	if err != nil {
		return time.Time{}, s.fail(err, "record login failure for user %d", userID)
	}
	until := fromMillis(locked)
	if !until.After(now) {
		return time.Time{}, nil // an old lock that has run out is no lock
	}
	return until, nil
}

// ResetLoginFailures clears the count and any lock, after a good login or by an
// administrator's unlock.
func (s *DB) ResetLoginFailures(ctx context.Context, userID int64) error {
	if err := s.execOne(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?`, userID); err != nil {
		return s.fail(err, "reset login failures of user %d", userID)
	}
	return nil
}
