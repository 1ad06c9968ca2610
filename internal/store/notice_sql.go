package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"govchat/internal/atrest"
)

const (
	// recipientChunk bounds the rows of one multi-row recipient insert (4 parameters
	// each): 2,000 parameters, far below SQLite's 32,766 and PostgreSQL's 65,535.
	recipientChunk    = 500
	noticeListDefault = 50
	noticeListMax     = 200
)

// noticeCols are the notices columns in noticeDest order, qualified by alias n.
const noticeCols = `n.id, n.author_id, n.title, n.body, n.change_note, n.revision, n.priority, n.secrecy,
	n.deadline, n.needs_confirm, n.status, n.withdrawn_at, n.withdraw_reason, n.audience, n.recipients,
	n.created_at, n.revised_at, n.reminded_at, n.auto_reminders, n.escalated_at, n.attachments, n.text_key`

// noticeDest holds the columns of a notice that need converting after the scan.
// Title, body and change note are scanned as stored, sealed under textKey;
// noticeOpens opens them.
type noticeDest struct {
	priority, status, attachments                              string
	deadline, withdrawn, created, revised, reminded, escalated int64
	textKey                                                    sql.NullInt64
}

func (d *noticeDest) targets(n *Notice) []any {
	return []any{&n.ID, &n.AuthorID, &n.Title, &n.Body, &n.ChangeNote, &n.Revision, &d.priority, &n.Secrecy,
		&d.deadline, &n.NeedsConfirm, &d.status, &d.withdrawn, &n.WithdrawReason, &n.AudienceJSON, &n.Recipients,
		&d.created, &d.revised, &d.reminded, &n.AutoReminders, &d.escalated, &d.attachments, &d.textKey}
}

func (d *noticeDest) finish(n *Notice) error {
	n.Priority, n.Status = d.priority, NoticeStatus(d.status)
	n.Deadline, n.WithdrawnAt = fromMillis(d.deadline), fromMillis(d.withdrawn)
	n.CreatedAt, n.RevisedAt = fromMillis(d.created), fromMillis(d.revised)
	n.RemindedAt, n.EscalatedAt = fromMillis(d.reminded), fromMillis(d.escalated)
	var err error
	n.Attachments, err = decodeAttachments(d.attachments)
	return err
}

// scanNotice scans a notice whose texts are still sealed under the returned key.
func scanNotice(row scanner) (Notice, sql.NullInt64, error) {
	var n Notice
	var d noticeDest
	if err := row.Scan(d.targets(&n)...); err != nil {
		return Notice{}, d.textKey, err
	}
	if err := d.finish(&n); err != nil {
		return Notice{}, d.textKey, err
	}
	return n, d.textKey, nil
}

// asStored is t as a read returns it: UTC, millisecond precision, zero kept zero.
func asStored(t time.Time) time.Time { return fromMillis(toMillis(t)) }

// noticePriority defaults an unset priority to normal and refuses unknown ones.
func noticePriority(p string) (string, error) {
	switch p {
	case "":
		return "normal", nil
	case "normal", "urgent":
		return p, nil
	}
	return "", fmt.Errorf("unknown priority %q", p)
}

// checkTexts is checkText over several named fields.
func checkTexts(fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if err := checkText(fields[i+1]); err != nil {
			return fmt.Errorf("%s: %w", fields[i], err)
		}
	}
	return nil
}

// CreateNotice stores n as revision 1, active, with its channels (sorted, duplicates
// dropped) and recipients, in one transaction. It sets n.ID, n.Revision (1),
// n.Status (active), n.Recipients, n.CreatedAt (now when zero) and an unset priority
// to normal, and normalises n's times as a read returns them. Each recipient's
// NoticeID is set and an unset DeliveredAt becomes the notice's CreatedAt; a new
// recipient has not seen or confirmed anything, so those fields are cleared. A
// recipient listed twice, an unknown user or an unknown channel is ErrConflict. The
// blobs of n.Attachments are referenced from the notice and marked attached in the
// same transaction; one that no longer exists is ErrBlobGone.
func (s *DB) CreateNotice(ctx context.Context, n *Notice, recipients []NoticeRecipient) error {
	no := *n
	var err error
	if no.Priority, err = noticePriority(no.Priority); err != nil {
		return fmt.Errorf("store: create notice %q: %w", no.Title, err)
	}
	if err := checkTexts("title", no.Title, "body", no.Body, "change note", no.ChangeNote,
		"audience", no.AudienceJSON); err != nil {
		return fmt.Errorf("store: create notice %q: %w", no.Title, err)
	}
	no.Attachments = slices.Clone(no.Attachments)
	var blobs []string
	for i := range no.Attachments {
		if err := checkAttachment(&no.Attachments[i]); err != nil {
			return fmt.Errorf("store: create notice %q: attachment: %w", no.Title, err)
		}
		blobs = append(blobs, no.Attachments[i].blobs()...)
	}
	blobs = slices.Compact(slices.Sorted(slices.Values(blobs)))
	if len(no.Attachments) == 0 {
		no.Attachments = nil
	}
	if no.AudienceJSON == "" {
		no.AudienceJSON = "{}"
	}
	no.Revision, no.Status, no.Recipients = 1, NoticeActive, len(recipients)
	no.WithdrawnAt, no.WithdrawReason = time.Time{}, ""
	no.RevisedAt, no.RemindedAt, no.AutoReminders, no.EscalatedAt = time.Time{}, time.Time{}, 0, time.Time{}
	no.CreatedAt = s.stamp(no.CreatedAt)
	no.Deadline = asStored(no.Deadline)
	no.Channels = slices.Compact(slices.Sorted(slices.Values(no.Channels)))
	if len(no.Channels) == 0 {
		no.Channels = nil
	}

	rs := make([]NoticeRecipient, len(recipients))
	for i, r := range recipients {
		delivered := r.DeliveredAt
		if delivered.IsZero() {
			delivered = no.CreatedAt
		}
		rs[i] = NoticeRecipient{UserID: r.UserID, DepartmentID: r.DepartmentID, DeliveredAt: asStored(delivered)}
	}

	b := atrest.BucketOf(no.Secrecy, no.CreatedAt)
	keys, err := s.sealKeys(ctx, []atrest.Bucket{b})
	if err != nil {
		return fmt.Errorf("store: create notice: %w", err)
	}
	key := keys[b]
	err = s.inTx(ctx, func(tx *DB) error {
		// The attached blobs first (see lockBlobs): none may go while the notice is written.
		if len(blobs) > 0 {
			exists, err := tx.lockBlobs(ctx, blobs)
			if err != nil {
				return err
			}
			for _, id := range blobs {
				if !exists[id] {
					return fmt.Errorf("store: create notice %q: %s: %w", no.Title, id, ErrBlobGone)
				}
			}
		}
		// The texts are sealed bound to the notice's id, known once the row exists: it
		// is inserted without them, and they are written sealed at once. Plaintext
		// never reaches the table.
		err := tx.queryRow(ctx, `INSERT INTO notices (author_id, revision, title, body, change_note, priority,
				secrecy, deadline, needs_confirm, status, audience, recipients, created_at, attachments, text_key)
			VALUES (?, 1, '', '', '', ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)
			RETURNING id`,
			no.AuthorID, no.Priority, no.Secrecy, toMillis(no.Deadline),
			no.NeedsConfirm, no.AudienceJSON, no.Recipients, toMillis(no.CreatedAt), encodeAttachments(no.Attachments), key.id).Scan(&no.ID)
		if err != nil {
			return tx.fail(err, "create notice %q", no.Title)
		}
		title, body, note, err := sealNoticeText(key.key, func(f string) string { return atrest.NoticeAAD(no.ID, 1, f) },
			no.Title, no.Body, no.ChangeNote)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE notices SET title = ?, body = ?, change_note = ? WHERE id = ?`,
			title, body, note, no.ID); err != nil {
			return tx.fail(err, "create notice %d: its text", no.ID)
		}
		if title, body, note, err = sealNoticeText(key.key, func(f string) string { return atrest.RevisionAAD(no.ID, 1, f) },
			no.Title, no.Body, no.ChangeNote); err != nil {
			return err
		}
		refs := make([]BlobRef, len(blobs))
		for i, id := range blobs {
			refs[i] = BlobRef{BlobID: id, NoticeID: no.ID}
		}
		if err := tx.attachBlobs(ctx, refs, no.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO notice_revisions (notice_id, revision, title, body, change_note,
				author_id, created_at, text_key)
			VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			no.ID, title, body, note, no.AuthorID, toMillis(no.CreatedAt), key.id); err != nil {
			return tx.fail(err, "create notice %d: revision 1", no.ID)
		}
		if len(no.Channels) > 0 {
			args := make([]any, 0, 2*len(no.Channels))
			for _, c := range no.Channels {
				args = append(args, no.ID, c)
			}
			if _, err := tx.exec(ctx, `INSERT INTO notice_channels (notice_id, channel_id) VALUES `+
				rowsOf(len(no.Channels), 2), args...); err != nil {
				return tx.fail(err, "create notice %d: channels", no.ID)
			}
		}
		for i := range rs {
			rs[i].NoticeID = no.ID
		}
		return tx.insertRecipients(ctx, no.ID, rs)
	})
	if err != nil {
		return err
	}
	copy(recipients, rs)
	*n = no
	return nil
}

// rowsOf returns the VALUES list of a multi-row insert: rows tuples of cols "?"s.
func rowsOf(rows, cols int) string {
	tuple := "(" + placeholders(cols) + "), "
	return strings.TrimSuffix(strings.Repeat(tuple, rows), ", ")
}

// insertRecipients inserts rs with multi-row inserts of recipientChunk rows.
func (s *DB) insertRecipients(ctx context.Context, noticeID int64, rs []NoticeRecipient) error {
	var full string // the statement for a whole chunk, built once
	args := make([]any, 0, 4*min(len(rs), recipientChunk))
	for chunk := range slices.Chunk(rs, recipientChunk) {
		args = args[:0]
		for _, r := range chunk {
			args = append(args, noticeID, r.UserID, r.DepartmentID, toMillis(r.DeliveredAt))
		}
		var q string
		if len(chunk) == recipientChunk && full != "" {
			q = full
		} else {
			q = `INSERT INTO notice_recipients (notice_id, user_id, department_id, delivered_at) VALUES ` +
				rowsOf(len(chunk), 4)
			if len(chunk) == recipientChunk {
				full = q
			}
		}
		if _, err := s.exec(ctx, q, args...); err != nil {
			return s.fail(err, "create notice %d: recipients", noticeID)
		}
	}
	return nil
}

// GetNotice returns the notice with its channels.
func (s *DB) GetNotice(ctx context.Context, id int64) (Notice, error) {
	n, key, err := scanNotice(s.queryRow(ctx, `SELECT `+noticeCols+` FROM notices n WHERE n.id = ?`, id))
	if err != nil {
		return Notice{}, s.fail(err, "get notice %d", id)
	}
	if err := s.openPending(ctx, noticeOpens(nil, &n, key)); err != nil {
		return Notice{}, s.fail(err, "get notice %d", id)
	}
	if err := s.fillNoticeChannels(ctx, []*Notice{&n}); err != nil {
		return Notice{}, err
	}
	return n, nil
}

// fillNoticeChannels sets the Channels of ns with one query per 500 notices.
func (s *DB) fillNoticeChannels(ctx context.Context, ns []*Notice) error {
	for chunk := range slices.Chunk(ns, recipientChunk) {
		byID := make(map[int64]*Notice, len(chunk))
		args := make([]any, len(chunk))
		for i, n := range chunk {
			byID[n.ID] = n
			args[i] = n.ID
		}
		rows, err := s.query(ctx, `SELECT notice_id, channel_id FROM notice_channels
			WHERE notice_id IN (`+placeholders(len(chunk))+`) ORDER BY notice_id, channel_id`, args...)
		if err != nil {
			return s.fail(err, "list notice channels")
		}
		for rows.Next() {
			var nid, cid int64
			if err := rows.Scan(&nid, &cid); err != nil {
				rows.Close()
				return s.fail(err, "list notice channels")
			}
			if n := byID[nid]; n != nil {
				n.Channels = append(n.Channels, cid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.fail(err, "list notice channels")
		}
	}
	return nil
}

// ListNoticeRevisions lists every revision of a notice, oldest first; ErrNotFound
// when there is no such notice.
func (s *DB) ListNoticeRevisions(ctx context.Context, noticeID int64) ([]NoticeRevision, error) {
	rows, err := s.query(ctx, `SELECT notice_id, revision, title, body, change_note, author_id, created_at, text_key
		FROM notice_revisions WHERE notice_id = ? ORDER BY revision`, noticeID)
	if err != nil {
		return nil, s.fail(err, "list revisions of notice %d", noticeID)
	}
	defer rows.Close()
	var out []NoticeRevision
	var keys []sql.NullInt64
	for rows.Next() {
		var r NoticeRevision
		var created int64
		var key sql.NullInt64
		if err := rows.Scan(&r.NoticeID, &r.Revision, &r.Title, &r.Body, &r.ChangeNote, &r.AuthorID, &created, &key); err != nil {
			return nil, s.fail(err, "list revisions of notice %d", noticeID)
		}
		r.CreatedAt = fromMillis(created)
		out, keys = append(out, r), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list revisions of notice %d", noticeID)
	}
	rows.Close()
	var ps []pendingOpen
	for i := range out {
		ps = revisionOpens(ps, &out[i], keys[i])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list revisions of notice %d", noticeID)
	}
	if len(out) == 0 { // every notice has revision 1
		return nil, fmt.Errorf("store: list revisions of notice %d: %w", noticeID, ErrNotFound)
	}
	return out, nil
}

// ReviseNotice adds the next revision of rev.NoticeID with rev's title, body, change
// note and author, and sets the notice's text, priority (an empty priority keeps the
// current one), deadline (zero: none) and RevisedAt (rev.CreatedAt, now when zero). A
// changed deadline resets AutoReminders and EscalatedAt, so the new deadline gets its
// reminders and escalation.
// It sets rev.Revision and rev.CreatedAt. Recipients who confirmed an earlier
// revision are pending again because their ConfirmedRevision no longer matches.
// ErrWithdrawn when withdrawn, ErrNotFound when there is no such notice.
func (s *DB) ReviseNotice(ctx context.Context, rev *NoticeRevision, priority string, deadline time.Time) (Notice, error) {
	r := *rev
	if priority != "" {
		if _, err := noticePriority(priority); err != nil {
			return Notice{}, fmt.Errorf("store: revise notice %d: %w", r.NoticeID, err)
		}
	}
	if err := checkTexts("title", r.Title, "body", r.Body, "change note", r.ChangeNote); err != nil {
		return Notice{}, fmt.Errorf("store: revise notice %d: %w", r.NoticeID, err)
	}
	r.CreatedAt = s.stamp(r.CreatedAt)
	var n Notice
	err := s.inTx(ctx, func(tx *DB) error {
		// The row lock of this UPDATE orders concurrent revisions of one notice.
		// A new deadline starts its schedule afresh: the automatic reminders and the
		// escalation are for the deadline people now have (expressions on the right
		// read the row as it was before this UPDATE).
		dl := toMillis(deadline)
		// The next revision number is read under the row's lock first: the sealed
		// texts are bound to it.
		var current int
		err := tx.queryRow(ctx, `SELECT revision FROM notices WHERE id = ? AND status = 'active'`+tx.d.rowLock, r.NoticeID).Scan(&current)
		if isNoRows(err) {
			return tx.noticeGone(ctx, r.NoticeID, "revise notice %d", r.NoticeID)
		}
		if err != nil {
			return tx.fail(err, "revise notice %d", r.NoticeID)
		}
		key, err := tx.noticeBucketKey(ctx, r.NoticeID)
		if err != nil {
			return err
		}
		next := current + 1
		title, body, note, err := sealNoticeText(key.key, func(f string) string { return atrest.NoticeAAD(r.NoticeID, next, f) },
			r.Title, r.Body, r.ChangeNote)
		if err != nil {
			return err
		}
		err = tx.queryRow(ctx, `UPDATE notices SET revision = revision + 1, title = ?, body = ?, change_note = ?, text_key = ?,
				priority = coalesce(nullif(?, ''), priority),
				auto_reminders = CASE WHEN deadline = ? THEN auto_reminders ELSE 0 END,
				escalated_at = CASE WHEN deadline = ? THEN escalated_at ELSE 0 END,
				deadline = ?, revised_at = ?
			WHERE id = ? AND status = 'active' AND revision = ?
			RETURNING revision`,
			title, body, note, key.id, priority, dl, dl, dl, toMillis(r.CreatedAt), r.NoticeID, current).Scan(&r.Revision)
		if isNoRows(err) {
			return tx.noticeGone(ctx, r.NoticeID, "revise notice %d", r.NoticeID)
		}
		if err != nil {
			return tx.fail(err, "revise notice %d", r.NoticeID)
		}
		if title, body, note, err = sealNoticeText(key.key, func(f string) string { return atrest.RevisionAAD(r.NoticeID, next, f) },
			r.Title, r.Body, r.ChangeNote); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO notice_revisions (notice_id, revision, title, body, change_note,
				author_id, created_at, text_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.NoticeID, r.Revision, title, body, note, r.AuthorID, toMillis(r.CreatedAt), key.id); err != nil {
			return tx.fail(err, "revise notice %d: revision %d", r.NoticeID, r.Revision)
		}
		n, err = tx.GetNotice(ctx, r.NoticeID)
		return err
	})
	if err != nil {
		return Notice{}, err
	}
	*rev = r
	return n, nil
}

// noticeGone explains why a statement conditional on an active notice touched
// nothing: ErrWithdrawn when the notice is withdrawn, else ErrNotFound.
func (s *DB) noticeGone(ctx context.Context, id int64, format string, args ...any) error {
	var status string
	err := s.queryRow(ctx, `SELECT status FROM notices WHERE id = ?`, id).Scan(&status)
	if err != nil {
		return s.fail(err, format, args...)
	}
	if NoticeStatus(status) == NoticeWithdrawn {
		return fmt.Errorf("store: %s: %w", fmt.Sprintf(format, args...), ErrWithdrawn)
	}
	return fmt.Errorf("store: %s: notice is %s", fmt.Sprintf(format, args...), status)
}

// WithdrawNotice marks an active notice withdrawn with reason at at (now when zero)
// and returns it. ErrWithdrawn when already withdrawn, ErrNotFound when missing.
func (s *DB) WithdrawNotice(ctx context.Context, id int64, reason string, at time.Time) (Notice, error) {
	if err := checkText(reason); err != nil {
		return Notice{}, fmt.Errorf("store: withdraw notice %d: reason: %w", id, err)
	}
	at = s.stamp(at)
	var n Notice
	err := s.inTx(ctx, func(tx *DB) error {
		err := tx.execOne(ctx, `UPDATE notices SET status = 'withdrawn', withdrawn_at = ?, withdraw_reason = ?
			WHERE id = ? AND status = 'active'`, toMillis(at), reason, id)
		if isNoRows(err) {
			return tx.noticeGone(ctx, id, "withdraw notice %d", id)
		}
		if err != nil {
			return tx.fail(err, "withdraw notice %d", id)
		}
		n, err = tx.GetNotice(ctx, id)
		return err
	})
	if err != nil {
		return Notice{}, err
	}
	return n, nil
}

// ListNotices lists one page of q.Box for q.UserID, newest first, each notice with
// its channels and the user's receipt. The received and pending boxes walk the
// user's receipts (index on user_id, notice_id); the sent box walks the author's
// notices (index on author_id, id).
func (s *DB) ListNotices(ctx context.Context, q NoticeQuery) ([]UserNotice, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = noticeListDefault
	}
	limit = min(limit, noticeListMax)

	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + noticeCols + `, ` + recipientCols("r", true) + ` FROM `)
	switch q.Box {
	case BoxReceived, BoxPending:
		b.WriteString(`notice_recipients r JOIN notices n ON n.id = r.notice_id WHERE r.user_id = ?`)
		args = append(args, q.UserID)
		if q.Box == BoxPending {
			b.WriteString(` AND n.status = 'active' AND n.needs_confirm AND r.confirmed_revision <> n.revision`)
		}
		if q.BeforeID > 0 {
			b.WriteString(` AND r.notice_id < ?`)
			args = append(args, q.BeforeID)
		}
	case BoxSent:
		b.WriteString(`notices n LEFT JOIN notice_recipients r ON r.notice_id = n.id AND r.user_id = ?
			WHERE n.author_id = ?`)
		args = append(args, q.UserID, q.UserID)
		if q.BeforeID > 0 {
			b.WriteString(` AND n.id < ?`)
			args = append(args, q.BeforeID)
		}
	default:
		return nil, fmt.Errorf("store: list notices of user %d: unknown box %q", q.UserID, q.Box)
	}
	if q.ChannelID != 0 {
		b.WriteString(` AND EXISTS (SELECT 1 FROM notice_channels c WHERE c.notice_id = n.id AND c.channel_id = ?)`)
		args = append(args, q.ChannelID)
	}
	b.WriteString(` ORDER BY n.id DESC LIMIT ?`)
	args = append(args, limit)

	rows, err := s.query(ctx, b.String(), args...)
	if err != nil {
		return nil, s.fail(err, "list %s notices of user %d", q.Box, q.UserID)
	}
	defer rows.Close()
	out := []UserNotice{}
	var keys [][2]sql.NullInt64 // the notice's and the reply's
	for rows.Next() {
		var un UserNotice
		var nd noticeDest
		var rd recipientDest
		if err := rows.Scan(append(nd.targets(&un.Notice), rd.targets(&un.Receipt)...)...); err != nil {
			return nil, s.fail(err, "list %s notices of user %d", q.Box, q.UserID)
		}
		if err := nd.finish(&un.Notice); err != nil {
			return nil, s.fail(err, "list %s notices of user %d", q.Box, q.UserID)
		}
		rd.finish(&un.Receipt)
		un.HasReceipt = un.Receipt.UserID != 0
		out = append(out, un)
		keys = append(keys, [2]sql.NullInt64{nd.textKey, rd.replyKey})
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list %s notices of user %d", q.Box, q.UserID)
	}
	rows.Close()
	var ps []pendingOpen
	for i := range out {
		ps = noticeOpens(ps, &out[i].Notice, keys[i][0])
		ps = replyOpens(ps, &out[i].Receipt, keys[i][1])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list %s notices of user %d", q.Box, q.UserID)
	}
	ptrs := make([]*Notice, len(out))
	for i := range out {
		ptrs[i] = &out[i].Notice
	}
	if err := s.fillNoticeChannels(ctx, ptrs); err != nil {
		return nil, err
	}
	return out, nil
}

// DueNotices lists active notices that need confirmation, have a deadline before
// horizon and are not yet escalated, by deadline, with their channels.
func (s *DB) DueNotices(ctx context.Context, horizon time.Time) ([]Notice, error) {
	rows, err := s.query(ctx, `SELECT `+noticeCols+` FROM notices n
		WHERE n.status = 'active' AND n.needs_confirm AND n.deadline > 0 AND n.escalated_at = 0 AND n.deadline < ?
		ORDER BY n.deadline, n.id`, toMillis(horizon))
	if err != nil {
		return nil, s.fail(err, "list due notices")
	}
	defer rows.Close()
	var out []Notice
	var keys []sql.NullInt64
	for rows.Next() {
		n, key, err := scanNotice(rows)
		if err != nil {
			return nil, s.fail(err, "list due notices")
		}
		out, keys = append(out, n), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list due notices")
	}
	rows.Close()
	var ps []pendingOpen
	for i := range out {
		ps = noticeOpens(ps, &out[i], keys[i])
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, s.fail(err, "list due notices")
	}
	ptrs := make([]*Notice, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := s.fillNoticeChannels(ctx, ptrs); err != nil {
		return nil, err
	}
	return out, nil
}

// errNoticeState is a receipt update that touched nothing for no reason the
// current state explains; it cannot happen while revisions only grow.
var errNoticeState = errors.New("store: notice receipt not updated")
