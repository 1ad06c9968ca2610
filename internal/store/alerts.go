package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Alert kinds counted for a digest.
const (
	AlertNotice  = "notice"
	AlertMention = "mention"
	AlertMessage = "message"
	AlertTodo    = "todo" // a to-do given or due (internal/todo)
)

// Alerts keeps what quiet hours held back, and the break-throughs of quiet hours.
type Alerts interface {
	// AddDeferredAlerts counts one more alert of kind for each user, remembering when
	// the first one came.
	AddDeferredAlerts(ctx context.Context, userIDs []int64, kind string, at time.Time) error
	// ListDeferredUsers lists who has alerts waiting.
	ListDeferredUsers(ctx context.Context) ([]int64, error)
	// TakeDeferredAlerts removes and returns a user's waiting alerts by kind: a digest
	// goes out once even when several nodes run the scheduler.
	TakeDeferredAlerts(ctx context.Context, userID int64) (map[string]int, error)
	// AddBreakthrough records that sender pushed notice through quiet hours; false when
	// that notice already had (a revision or a reminder does not count twice).
	AddBreakthrough(ctx context.Context, senderID, noticeID int64, at time.Time) (bool, error)
	// BrokeThrough reports whether the sender's notice broke through quiet hours.
	BrokeThrough(ctx context.Context, senderID, noticeID int64) (bool, error)
	// CountBreakthroughs counts the sender's break-throughs since.
	CountBreakthroughs(ctx context.Context, senderID int64, since time.Time) (int, error)
	// SetNoticePush records outcome (PushPushed …) as what was done for each of users
	// when the notice was published; users who are not its recipients are ignored.
	SetNoticePush(ctx context.Context, noticeID int64, userIDs []int64, outcome string) error
	// ListSubscribedMembers lists the channel's members with a push subscription: the
	// only ones a push could reach, found in one query however big the channel.
	ListSubscribedMembers(ctx context.Context, channelID int64) ([]int64, error)
	// ListSubscribed keeps those of userIDs with a push subscription.
	ListSubscribed(ctx context.Context, userIDs []int64) ([]int64, error)
}

func (s *DB) AddDeferredAlerts(ctx context.Context, userIDs []int64, kind string, at time.Time) error {
	if len(userIDs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *DB) error {
		for _, uid := range userIDs {
			if _, err := tx.exec(ctx, `INSERT INTO deferred_alerts (user_id, kind, count, first_at) VALUES (?, ?, 1, ?)
				ON CONFLICT (user_id, kind) DO UPDATE SET count = deferred_alerts.count + 1`,
				uid, kind, toMillis(at)); err != nil {
				return tx.fail(err, "defer %s alert for user %d", kind, uid)
			}
		}
		return nil
	})
}

func (s *DB) ListDeferredUsers(ctx context.Context) ([]int64, error) {
	return s.ids(ctx, "list deferred alerts", `SELECT DISTINCT user_id FROM deferred_alerts ORDER BY user_id`)
}

func (s *DB) TakeDeferredAlerts(ctx context.Context, userID int64) (map[string]int, error) {
	rows, err := s.query(ctx, `DELETE FROM deferred_alerts WHERE user_id = ? RETURNING kind, count`, userID)
	if err != nil {
		return nil, s.fail(err, "take deferred alerts of user %d", userID)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, s.fail(err, "take deferred alerts of user %d", userID)
		}
		out[kind] += n
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "take deferred alerts of user %d", userID)
	}
	return out, nil
}

func (s *DB) AddBreakthrough(ctx context.Context, senderID, noticeID int64, at time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO breakthroughs (sender_id, notice_id, at) VALUES (?, ?, ?)
		ON CONFLICT (sender_id, notice_id) DO NOTHING`, senderID, noticeID, toMillis(at))
	if err != nil {
		return false, s.fail(err, "record break-through of notice %d", noticeID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail(err, "record break-through of notice %d", noticeID)
	}
	return n == 1, nil
}

func (s *DB) BrokeThrough(ctx context.Context, senderID, noticeID int64) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM breakthroughs WHERE sender_id = ? AND notice_id = ?`,
		senderID, noticeID).Scan(&n); err != nil {
		return false, s.fail(err, "break-through of notice %d", noticeID)
	}
	return n > 0, nil
}

func (s *DB) CountBreakthroughs(ctx context.Context, senderID int64, since time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM breakthroughs WHERE sender_id = ? AND at >= ?`,
		senderID, toMillis(since)).Scan(&n); err != nil {
		return 0, s.fail(err, "count break-throughs of user %d", senderID)
	}
	return n, nil
}

// Push outcomes of a notice for one recipient (notice_recipients.push).
const (
	PushPushed       = "pushed"       // pushed in their working time
	PushBreakthrough = "breakthrough" // pushed through quiet hours (urgent, by a leader, within the cap)
	PushHeld         = "held"         // off duty: held for the digest when their working time starts
	PushHeldCap      = "held_cap"     // off duty and the author's weekly break-throughs were used up: held
	PushConnected    = "connected"    // the app was open: shown live, not pushed
	PushNoDevice     = "no_device"    // no device subscribed: nothing to push to
	PushFailed       = "failed"       // the push could not be queued
)

func (s *DB) SetNoticePush(ctx context.Context, noticeID int64, userIDs []int64, outcome string) error {
	switch outcome {
	case PushPushed, PushBreakthrough, PushHeld, PushHeldCap, PushConnected, PushNoDevice, PushFailed:
	default:
		return fmt.Errorf("store: notice %d: unknown push outcome %q", noticeID, outcome)
	}
	return s.inTx(ctx, func(tx *DB) error {
		for part := range slices.Chunk(userIDs, 500) {
			in, args := inList(part)
			if _, err := tx.exec(ctx, `UPDATE notice_recipients SET push = ? WHERE notice_id = ? AND user_id IN (`+in+`)`,
				append([]any{outcome, noticeID}, args...)...); err != nil {
				return tx.fail(err, "record push outcome of notice %d", noticeID)
			}
		}
		return nil
	})
}

func (s *DB) ListSubscribedMembers(ctx context.Context, channelID int64) ([]int64, error) {
	return s.ids(ctx, "list subscribed members of channel "+fmt.Sprint(channelID),
		`SELECT DISTINCT m.user_id FROM channel_members m JOIN push_subscriptions p ON p.user_id = m.user_id
		WHERE m.channel_id = ? ORDER BY m.user_id`, channelID)
}

func (s *DB) ListSubscribed(ctx context.Context, userIDs []int64) ([]int64, error) {
	var out []int64
	// In slices, to stay within both databases' parameter limits.
	for start := 0; start < len(userIDs); start += 500 {
		part := userIDs[start:min(start+500, len(userIDs))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		got, err := s.ids(ctx, "list subscribed users",
			`SELECT DISTINCT user_id FROM push_subscriptions WHERE user_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`) ORDER BY user_id`,
			args...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// ids runs a query of one id column.
func (s *DB) ids(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail(err, "%s", what)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}
