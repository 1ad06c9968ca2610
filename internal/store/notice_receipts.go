package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"govchat/internal/atrest"
)

// recipientFields are the notice_recipients columns in recipientDest order, with
// what a LEFT JOIN that found nothing reads as instead of NULL.
var recipientFields = [...]struct{ col, zero string }{
	{"notice_id", "0"}, {"user_id", "0"}, {"department_id", "0"}, {"delivered_at", "0"}, {"seen_at", "0"},
	{"seen_revision", "0"}, {"confirmed_at", "0"}, {"confirmed_revision", "0"}, {"reply", "''"}, {"push", "''"},
	{"reply_key", "NULL"},
}

// recipientCols lists the recipient columns qualified by alias (none when "");
// nullable wraps each in coalesce, for the side of a LEFT JOIN.
func recipientCols(alias string, nullable bool) string {
	cols := make([]string, len(recipientFields))
	for i, f := range recipientFields {
		c := f.col
		if alias != "" {
			c = alias + "." + c
		}
		if nullable {
			c = "coalesce(" + c + ", " + f.zero + ")"
		}
		cols[i] = c
	}
	return strings.Join(cols, ", ")
}

// recipientDest holds the columns of a receipt that need converting after the scan.
// Reply is scanned as stored, sealed under replyKey; replyOpens opens it.
type recipientDest struct {
	delivered, seen, confirmed int64
	replyKey                   sql.NullInt64
}

func (d *recipientDest) targets(r *NoticeRecipient) []any {
	return []any{&r.NoticeID, &r.UserID, &r.DepartmentID, &d.delivered, &d.seen, &r.SeenRevision,
		&d.confirmed, &r.ConfirmedRevision, &r.Reply, &r.Push, &d.replyKey}
}

func (d *recipientDest) finish(r *NoticeRecipient) {
	r.DeliveredAt, r.SeenAt, r.ConfirmedAt = fromMillis(d.delivered), fromMillis(d.seen), fromMillis(d.confirmed)
}

// scanRecipient scans one row (a *sql.Row, closed once scanned) and opens its reply.
func (s *DB) scanRecipient(ctx context.Context, row *sql.Row, extra ...any) (NoticeRecipient, error) {
	var r NoticeRecipient
	var d recipientDest
	if err := row.Scan(append(d.targets(&r), extra...)...); err != nil {
		return NoticeRecipient{}, err
	}
	d.finish(&r)
	if err := s.openPending(ctx, replyOpens(nil, &r, d.replyKey)); err != nil {
		return NoticeRecipient{}, err
	}
	return r, nil
}

// GetNoticeReceipt returns userID's receipt of a notice; ErrNotFound when the user
// is not a recipient.
func (s *DB) GetNoticeReceipt(ctx context.Context, noticeID, userID int64) (NoticeRecipient, error) {
	r, err := s.scanRecipient(ctx, s.queryRow(ctx, `SELECT `+recipientCols("", false)+` FROM notice_recipients
		WHERE notice_id = ? AND user_id = ?`, noticeID, userID))
	if err != nil {
		return NoticeRecipient{}, s.fail(err, "get receipt of notice %d for user %d", noticeID, userID)
	}
	return r, nil
}

// MarkNoticeSeen records that userID opened revision of a notice at at (now when
// zero). The first time for a revision is kept: a later call for the same revision
// changes nothing. The revision is checked in the same statement as the write. It
// may be recorded for a withdrawn notice too: reading one still happened.
// ErrStaleRevision when revision is not the current one, ErrNotFound when the user
// is not a recipient.
func (s *DB) MarkNoticeSeen(ctx context.Context, noticeID, userID int64, revision int, at time.Time) (NoticeRecipient, error) {
	at = s.stamp(at)
	r, err := s.scanRecipient(ctx, s.queryRow(ctx, `UPDATE notice_recipients SET seen_at = ?, seen_revision = ?
		WHERE notice_id = ? AND user_id = ? AND seen_revision <> ?
			AND EXISTS (SELECT 1 FROM notices WHERE id = ? AND revision = ?)
		RETURNING `+recipientCols("", false),
		toMillis(at), revision, noticeID, userID, revision, noticeID, revision))
	if err == nil {
		return r, nil
	}
	what := fmt.Sprintf("mark notice %d revision %d seen by user %d", noticeID, revision, userID)
	if !isNoRows(err) {
		return NoticeRecipient{}, s.fail(err, "%s", what)
	}
	r, current, _, err := s.receiptState(ctx, noticeID, userID)
	switch {
	case err != nil:
		return NoticeRecipient{}, s.fail(err, "%s", what)
	case current != revision:
		return NoticeRecipient{}, fmt.Errorf("store: %s: current is %d: %w", what, current, ErrStaleRevision)
	case r.SeenRevision == revision:
		return r, nil // seen before: the first time stands
	}
	return NoticeRecipient{}, fmt.Errorf("store: %s: %w", what, errNoticeState)
}

// ConfirmNotice confirms revision of a notice for userID at at (now when zero) with
// an optional reply, and marks that revision seen unless it already was. The
// revision and status are checked in the same statement as the write: a revision
// committed before it makes the call ErrStaleRevision, and a revision committed
// after it leaves this confirmation of the earlier one behind, pending again. A
// repeat for the same revision keeps the first time and reply. ErrWithdrawn when
// withdrawn, ErrNotFound when the user is not a recipient.
func (s *DB) ConfirmNotice(ctx context.Context, noticeID, userID int64, revision int, reply string, at time.Time) (NoticeRecipient, error) {
	what := fmt.Sprintf("confirm notice %d revision %d for user %d", noticeID, revision, userID)
	if err := checkText(reply); err != nil {
		return NoticeRecipient{}, fmt.Errorf("store: %s: reply: %w", what, err)
	}
	ms := toMillis(s.stamp(at))
	k, err := s.noticeBucketKey(ctx, noticeID)
	if err != nil {
		return NoticeRecipient{}, fmt.Errorf("store: %s: %w", what, err)
	}
	sealedReply, err := k.key.Seal(reply, atrest.ReplyAAD(noticeID, userID))
	if err != nil {
		return NoticeRecipient{}, fmt.Errorf("store: %s: %w", what, err)
	}
	r, err := s.scanRecipient(ctx, s.queryRow(ctx, `UPDATE notice_recipients
		SET confirmed_at = ?, confirmed_revision = ?, reply = ?, reply_key = ?,
			seen_at = CASE WHEN seen_revision = ? THEN seen_at ELSE ? END, seen_revision = ?
		WHERE notice_id = ? AND user_id = ? AND confirmed_revision <> ?
			AND EXISTS (SELECT 1 FROM notices WHERE id = ? AND revision = ? AND status = 'active')
		RETURNING `+recipientCols("", false),
		ms, revision, sealedReply, k.id, revision, ms, revision, noticeID, userID, revision, noticeID, revision))
	if err == nil {
		return r, nil
	}
	if !isNoRows(err) {
		return NoticeRecipient{}, s.fail(err, "%s", what)
	}
	r, current, status, err := s.receiptState(ctx, noticeID, userID)
	switch {
	case err != nil:
		return NoticeRecipient{}, s.fail(err, "%s", what)
	case status == NoticeWithdrawn:
		return NoticeRecipient{}, fmt.Errorf("store: %s: %w", what, ErrWithdrawn)
	case current != revision:
		return NoticeRecipient{}, fmt.Errorf("store: %s: current is %d: %w", what, current, ErrStaleRevision)
	case r.ConfirmedRevision == revision:
		return r, nil // a repeat: the first confirmation stands
	}
	return NoticeRecipient{}, fmt.Errorf("store: %s: %w", what, errNoticeState)
}

// receiptState reads a receipt with its notice's current revision and status, to
// explain a conditional update that touched nothing; sql.ErrNoRows when the user is
// not a recipient.
func (s *DB) receiptState(ctx context.Context, noticeID, userID int64) (NoticeRecipient, int, NoticeStatus, error) {
	var current int
	var status string
	r, err := s.scanRecipient(ctx, s.queryRow(ctx, `SELECT `+recipientCols("r", false)+`, n.revision, n.status
		FROM notice_recipients r JOIN notices n ON n.id = r.notice_id
		WHERE r.notice_id = ? AND r.user_id = ?`, noticeID, userID), &current, &status)
	return r, current, NoticeStatus(status), err
}

// ListNoticeRecipients lists every recipient of a notice with their names, by
// department then user ID; ErrNotFound when there is no such notice. It feeds the
// tally, so the rows are scanned into one reused set of destinations and the result
// is sized from the notice's recipient count up front.
func (s *DB) ListNoticeRecipients(ctx context.Context, noticeID int64) ([]NoticeRecipientRow, error) {
	var count int
	if err := s.queryRow(ctx, `SELECT recipients FROM notices WHERE id = ?`, noticeID).Scan(&count); err != nil {
		return nil, s.fail(err, "list recipients of notice %d", noticeID)
	}
	rows, err := s.query(ctx, `SELECT `+recipientCols("r", false)+`, u.username, u.display_name
		FROM notice_recipients r JOIN users u ON u.id = r.user_id
		WHERE r.notice_id = ?
		ORDER BY r.department_id, r.user_id`, noticeID)
	if err != nil {
		return nil, s.fail(err, "list recipients of notice %d", noticeID)
	}
	defer rows.Close()
	out := make([]NoticeRecipientRow, 0, count)
	var keys []sql.NullInt64
	var row NoticeRecipientRow
	var d recipientDest
	dest := append(d.targets(&row.NoticeRecipient), &row.Username, &row.DisplayName)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, s.fail(err, "list recipients of notice %d", noticeID)
		}
		d.finish(&row.NoticeRecipient)
		out = append(out, row)
		keys = append(keys, d.replyKey)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list recipients of notice %d", noticeID)
	}
	rows.Close()
	var ps []pendingOpen
	for i := range out {
		ps = replyOpens(ps, &out[i].NoticeRecipient, keys[i])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list recipients of notice %d", noticeID)
	}
	return out, nil
}

// ListNoticeReceipts lists every receipt of a notice by user ID, without names;
// ErrNotFound when there is no such notice. It feeds the tally, which is asked for
// often while confirmations stream in, so it reads notice_recipients alone — no join
// with users (the tally takes names from a cache filled by ListUserNames) and no sort
// (the primary key is already in this order) — and scans into one reused set of
// destinations, sized from the notice's recipient count up front.
func (s *DB) ListNoticeReceipts(ctx context.Context, noticeID int64) ([]NoticeRecipient, error) {
	var count int
	if err := s.queryRow(ctx, `SELECT recipients FROM notices WHERE id = ?`, noticeID).Scan(&count); err != nil {
		return nil, s.fail(err, "list receipts of notice %d", noticeID)
	}
	rows, err := s.query(ctx, `SELECT user_id, department_id, delivered_at, seen_at, seen_revision,
			confirmed_at, confirmed_revision, reply, push, reply_key
		FROM notice_recipients WHERE notice_id = ? ORDER BY user_id`, noticeID)
	if err != nil {
		return nil, s.fail(err, "list receipts of notice %d", noticeID)
	}
	defer rows.Close()
	out := make([]NoticeRecipient, 0, count)
	r := NoticeRecipient{NoticeID: noticeID}
	var d recipientDest
	dest := []any{&r.UserID, &r.DepartmentID, &d.delivered, &d.seen, &r.SeenRevision,
		&d.confirmed, &r.ConfirmedRevision, &r.Reply, &r.Push, &d.replyKey}
	var ps []pendingOpen
	var keys []sql.NullInt64 // of the receipts with a reply, by index
	var replied []int
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, s.fail(err, "list receipts of notice %d", noticeID)
		}
		d.finish(&r)
		if r.Reply != "" {
			replied, keys = append(replied, len(out)), append(keys, d.replyKey)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list receipts of notice %d", noticeID)
	}
	rows.Close()
	for j, i := range replied {
		ps = replyOpens(ps, &out[i], keys[j])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list receipts of notice %d", noticeID)
	}
	return out, nil
}

// ListUserNames lists every account's ID, username and display name, by ID: three
// columns of users, much cheaper than ListUsers, for the tally's cache of names.
func (s *DB) ListUserNames(ctx context.Context) ([]UserName, error) {
	rows, err := s.query(ctx, `SELECT id, username, display_name FROM users ORDER BY id`)
	if err != nil {
		return nil, s.fail(err, "list user names")
	}
	defer rows.Close()
	var out []UserName
	var u UserName
	dest := []any{&u.ID, &u.Username, &u.DisplayName}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, s.fail(err, "list user names")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list user names")
	}
	return out, nil
}

// CountNoticesConfirmed counts, per notice, the recipients who confirmed its current
// revision, in one query: per notice, a count over the index on (notice_id,
// confirmed_revision). Notices nobody confirmed count 0; unknown ones are absent.
func (s *DB) CountNoticesConfirmed(ctx context.Context, noticeIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(noticeIDs))
	for part := range slices.Chunk(noticeIDs, 500) {
		in, args := inList(part)
		rows, err := s.query(ctx, `SELECT n.id, (SELECT count(*) FROM notice_recipients r
				WHERE r.notice_id = n.id AND r.confirmed_revision = n.revision)
			FROM notices n WHERE n.id IN (`+in+`)`, args...)
		if err != nil {
			return nil, s.fail(err, "count confirmations of %d notices", len(noticeIDs))
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, s.fail(err, "count confirmations of %d notices", len(noticeIDs))
			}
			out[id] = n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.fail(err, "count confirmations of %d notices", len(noticeIDs))
		}
	}
	return out, nil
}

// UnconfirmedRecipients lists the recipients who have not confirmed the current
// revision, by department then user ID; ErrNotFound when there is no such notice.
func (s *DB) UnconfirmedRecipients(ctx context.Context, noticeID int64) ([]NoticeRecipient, error) {
	rows, err := s.query(ctx, `SELECT `+recipientCols("r", false)+`
		FROM notice_recipients r JOIN notices n ON n.id = r.notice_id
		WHERE r.notice_id = ? AND r.confirmed_revision <> n.revision
		ORDER BY r.department_id, r.user_id`, noticeID)
	if err != nil {
		return nil, s.fail(err, "list unconfirmed recipients of notice %d", noticeID)
	}
	defer rows.Close()
	var out []NoticeRecipient
	var keys []sql.NullInt64
	for rows.Next() {
		var r NoticeRecipient
		var d recipientDest
		if err := rows.Scan(d.targets(&r)...); err != nil {
			return nil, s.fail(err, "list unconfirmed recipients of notice %d", noticeID)
		}
		d.finish(&r)
		out, keys = append(out, r), append(keys, d.replyKey)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list unconfirmed recipients of notice %d", noticeID)
	}
	rows.Close()
	var ps []pendingOpen
	for i := range out {
		ps = replyOpens(ps, &out[i], keys[i])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list unconfirmed recipients of notice %d", noticeID)
	}
	if len(out) == 0 {
		return nil, s.noticeExists(ctx, noticeID, "list unconfirmed recipients of notice %d", noticeID)
	}
	return out, nil
}

// noticeExists returns nil when the notice exists and an ErrNotFound otherwise.
func (s *DB) noticeExists(ctx context.Context, id int64, format string, args ...any) error {
	var one int
	if err := s.queryRow(ctx, `SELECT 1 FROM notices WHERE id = ?`, id).Scan(&one); err != nil {
		return s.fail(err, format, args...)
	}
	return nil
}

// claim runs a conditional UPDATE and reports whether it touched a row: whether
// this call, of all nodes', won.
func (s *DB) claim(ctx context.Context, what string, query string, args ...any) (bool, error) {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return false, s.fail(err, "%s", what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.fail(err, "%s", what)
	}
	return n > 0, nil
}

// ClaimNoticeReminder sets RemindedAt to at (now when zero) if the notice is active
// and was last reminded before notBefore, or never, and reports whether it did. A
// withdrawn or missing notice is never claimed.
func (s *DB) ClaimNoticeReminder(ctx context.Context, noticeID int64, notBefore, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim reminder of notice %d", noticeID),
		`UPDATE notices SET reminded_at = ?
		WHERE id = ? AND status = 'active' AND (reminded_at = 0 OR reminded_at < ?)`,
		toMillis(s.stamp(at)), noticeID, toMillis(notBefore))
}

// ClaimAutoReminder moves AutoReminders from index to index+1 and RemindedAt to at
// (now when zero) if the notice is active, and reports whether this call did it.
func (s *DB) ClaimAutoReminder(ctx context.Context, noticeID int64, index int, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim automatic reminder %d of notice %d", index, noticeID),
		`UPDATE notices SET auto_reminders = ?, reminded_at = ?
		WHERE id = ? AND status = 'active' AND auto_reminders = ?`,
		index+1, toMillis(s.stamp(at)), noticeID, index)
}

// ClaimEscalation sets EscalatedAt to at (now when zero) if unset and the notice is
// active, and reports whether this call did.
func (s *DB) ClaimEscalation(ctx context.Context, noticeID int64, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim escalation of notice %d", noticeID),
		`UPDATE notices SET escalated_at = ? WHERE id = ? AND status = 'active' AND escalated_at = 0`,
		toMillis(s.stamp(at)), noticeID)
}

// AddNoticeEscalations records es in one transaction; an unset CreatedAt is now. A
// second escalation of one notice to one head, or an unknown notice or head, is
// ErrConflict.
func (s *DB) AddNoticeEscalations(ctx context.Context, es []NoticeEscalation) error {
	if len(es) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *DB) error {
		for chunk := range slices.Chunk(es, recipientChunk) {
			args := make([]any, 0, 4*len(chunk))
			for _, e := range chunk {
				ids := e.UserIDs
				if ids == nil {
					ids = []int64{}
				}
				b, err := json.Marshal(ids)
				if err != nil {
					return fmt.Errorf("store: add notice escalations: %w", err)
				}
				args = append(args, e.NoticeID, e.HeadID, string(b), toMillis(tx.stamp(e.CreatedAt)))
			}
			if _, err := tx.exec(ctx, `INSERT INTO notice_escalations (notice_id, head_id, user_ids, created_at)
				VALUES `+rowsOf(len(chunk), 4), args...); err != nil {
				return tx.fail(err, "add notice escalations")
			}
		}
		return nil
	})
}

// ListNoticeEscalations lists headID's escalations of notices still active, newest
// first.
func (s *DB) ListNoticeEscalations(ctx context.Context, headID int64) ([]NoticeEscalation, error) {
	rows, err := s.query(ctx, `SELECT e.notice_id, e.head_id, e.user_ids, e.created_at
		FROM notice_escalations e JOIN notices n ON n.id = e.notice_id
		WHERE e.head_id = ? AND n.status = 'active'
		ORDER BY e.created_at DESC, e.notice_id DESC`, headID)
	if err != nil {
		return nil, s.fail(err, "list notice escalations of head %d", headID)
	}
	defer rows.Close()
	var out []NoticeEscalation
	for rows.Next() {
		var e NoticeEscalation
		var ids string
		var created int64
		if err := rows.Scan(&e.NoticeID, &e.HeadID, &ids, &created); err != nil {
			return nil, s.fail(err, "list notice escalations of head %d", headID)
		}
		if err := json.Unmarshal([]byte(ids), &e.UserIDs); err != nil {
			return nil, fmt.Errorf("store: list notice escalations of head %d: notice %d: %w", headID, e.NoticeID, err)
		}
		if len(e.UserIDs) == 0 {
			e.UserIDs = nil
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list notice escalations of head %d", headID)
	}
	return out, nil
}
