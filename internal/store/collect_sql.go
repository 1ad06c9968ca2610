package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

const (
	collectionListDefault = 50
	collectionListMax     = 1000
	// collectionRecipientChunk bounds one multi-row recipient insert (6 parameters each).
	collectionRecipientChunk = 500
)

// collectionCols are the collections columns in scanCollection's order, qualified by
// alias c, with the answers counted (the state index answers both counts).
const collectionCols = `c.id, c.author_id, c.kind, c.title, c.description, c.fields, c.per, c.secrecy, c.audience,
	c.deadline, c.status, c.created_at, c.closed_at, c.recipients, c.units, c.reminded_at, c.auto_reminders, c.escalated_at,
	(SELECT count(*) FROM collection_submissions cs WHERE cs.collection_id = c.id AND cs.state = 'submitted'),
	(SELECT count(*) FROM collection_submissions cs WHERE cs.collection_id = c.id AND cs.state = 'returned')`

func scanCollection(row scanner, extra ...any) (Collection, error) {
	var c Collection
	var deadline, created, closed, reminded, escalated int64
	dest := []any{&c.ID, &c.AuthorID, &c.Kind, &c.Title, &c.Description, &c.FieldsJSON, &c.Per, &c.Secrecy, &c.AudienceJSON,
		&deadline, &c.Status, &created, &closed, &c.Recipients, &c.Units, &reminded, &c.AutoReminders, &escalated,
		&c.Submitted, &c.Returned}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return Collection{}, err
	}
	c.Deadline, c.CreatedAt, c.ClosedAt = fromMillis(deadline), fromMillis(created), fromMillis(closed)
	c.RemindedAt, c.EscalatedAt = fromMillis(reminded), fromMillis(escalated)
	return c, nil
}

// CreateCollection: see Collections.
func (s *DB) CreateCollection(ctx context.Context, c *Collection, recipients []CollectionRecipient) error {
	co := *c
	if err := checkTexts("title", co.Title, "description", co.Description, "fields", co.FieldsJSON, "audience", co.AudienceJSON); err != nil {
		return fmt.Errorf("store: create collection %q: %w", co.Title, err)
	}
	if co.FieldsJSON == "" {
		co.FieldsJSON = "[]"
	}
	if co.AudienceJSON == "" {
		co.AudienceJSON = "{}"
	}
	co.Status, co.ClosedAt, co.RemindedAt, co.AutoReminders, co.EscalatedAt = CollectionOpen, time.Time{}, time.Time{}, 0, time.Time{}
	co.Submitted, co.Returned = 0, 0
	co.CreatedAt = s.stamp(co.CreatedAt)
	co.Deadline = asStored(co.Deadline)
	co.Recipients = len(recipients)
	units := map[Unit]bool{}
	rs := make([]CollectionRecipient, len(recipients))
	for i, r := range recipients {
		d := r.DeliveredAt
		if d.IsZero() {
			d = co.CreatedAt
		}
		rs[i] = CollectionRecipient{UserID: r.UserID, DepartmentID: r.DepartmentID, Unit: r.Unit, DeliveredAt: asStored(d)}
		units[r.Unit] = true
	}
	co.Units = len(units)
	err := s.inTx(ctx, func(tx *DB) error {
		err := tx.queryRow(ctx, `INSERT INTO collections (author_id, kind, title, description, fields, per, secrecy, audience,
				deadline, status, created_at, recipients, units)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`,
			co.AuthorID, co.Kind, co.Title, co.Description, co.FieldsJSON, co.Per, co.Secrecy, co.AudienceJSON,
			toMillis(co.Deadline), toMillis(co.CreatedAt), co.Recipients, co.Units).Scan(&co.ID)
		if err != nil {
			return tx.fail(err, "create collection %q", co.Title)
		}
		var full string
		args := make([]any, 0, 6*min(len(rs), collectionRecipientChunk))
		for chunk := range slices.Chunk(rs, collectionRecipientChunk) {
			args = args[:0]
			for _, r := range chunk {
				args = append(args, co.ID, r.UserID, r.DepartmentID, r.Unit.Dept, r.Unit.User, toMillis(r.DeliveredAt))
			}
			q := full
			if len(chunk) != collectionRecipientChunk || q == "" {
				q = `INSERT INTO collection_recipients (collection_id, user_id, department_id, unit_dept, unit_user, delivered_at) VALUES ` +
					rowsOf(len(chunk), 6)
				if len(chunk) == collectionRecipientChunk {
					full = q
				}
			}
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return tx.fail(err, "create collection %d: recipients", co.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range rs {
		rs[i].CollectionID = co.ID
	}
	copy(recipients, rs)
	*c = co
	return nil
}

// GetCollection: see Collections.
func (s *DB) GetCollection(ctx context.Context, id int64) (Collection, error) {
	c, err := scanCollection(s.queryRow(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.id = ?`, id))
	if err != nil {
		return Collection{}, s.fail(err, "get collection %d", id)
	}
	return c, nil
}

// LockCollection: see Collections.
func (s *DB) LockCollection(ctx context.Context, id int64) (Collection, error) {
	var got int64
	if err := s.queryRow(ctx, `SELECT id FROM collections WHERE id = ?`+s.d.rowLock, id).Scan(&got); err != nil {
		return Collection{}, s.fail(err, "lock collection %d", id)
	}
	return s.GetCollection(ctx, id)
}

// ListCollections: see Collections. Every box reads the user's recipient row and
// unit's answer with two primary-key lookups per collection.
func (s *DB) ListCollections(ctx context.Context, q CollectionQuery) ([]UserCollection, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = collectionListDefault
	}
	limit = min(limit, collectionListMax)
	before := q.BeforeID
	if before <= 0 {
		before = math.MaxInt64
	}
	var from, where string
	args := []any{q.UserID, q.UserID} // the recipient join's and the where's
	switch q.Box {
	case CollectionsReceived, CollectionsTodo:
		from = `collection_recipients r JOIN collections c ON c.id = r.collection_id`
		where = `r.user_id = ?`
		args = args[:1]
		if q.Box == CollectionsTodo {
			where += ` AND c.status = 'open' AND (sub.state IS NULL OR sub.state = 'returned')`
		}
	case CollectionsSent:
		from = `collections c LEFT JOIN collection_recipients r ON r.collection_id = c.id AND r.user_id = ?`
		where = `c.author_id = ?`
	case CollectionsEscalated:
		from = `collection_escalations e JOIN collections c ON c.id = e.collection_id
			LEFT JOIN collection_recipients r ON r.collection_id = c.id AND r.user_id = ?`
		where = `e.head_id = ? AND c.status = 'open'`
	case CollectionsAll, "":
		from = `collections c LEFT JOIN collection_recipients r ON r.collection_id = c.id AND r.user_id = ?`
		where = `(c.author_id = ? OR c.id IN (SELECT collection_id FROM collection_recipients WHERE user_id = ?))`
		args = append(args, q.UserID)
	default:
		return nil, fmt.Errorf("store: list collections: unknown box %q", q.Box)
	}
	query := `SELECT ` + collectionCols + `, r.user_id, sub.state FROM ` + from + `
		LEFT JOIN collection_submissions sub ON sub.collection_id = r.collection_id AND sub.unit_dept = r.unit_dept AND sub.unit_user = r.unit_user
		WHERE ` + where + ` AND c.id < ? ORDER BY c.id DESC LIMIT ?`
	args = append(args, before, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "list collections of user %d", q.UserID)
	}
	defer rows.Close()
	var out []UserCollection
	for rows.Next() {
		var rid sql.NullInt64
		var state sql.NullString
		c, err := scanCollection(rows, &rid, &state)
		if err != nil {
			return nil, s.fail(err, "list collections of user %d", q.UserID)
		}
		out = append(out, UserCollection{Collection: c, Recipient: rid.Valid, State: state.String})
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list collections of user %d", q.UserID)
	}
	return out, nil
}

// CloseCollection: see Collections.
func (s *DB) CloseCollection(ctx context.Context, id int64, at time.Time) (Collection, error) {
	var out Collection
	err := s.inTx(ctx, func(tx *DB) error {
		ok, err := tx.claim(ctx, fmt.Sprintf("close collection %d", id),
			`UPDATE collections SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`, toMillis(tx.stamp(at)), id)
		if err != nil {
			return err
		}
		if out, err = tx.GetCollection(ctx, id); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: close collection %d: %w", id, ErrCollectionClosed)
		}
		return nil
	})
	return out, err
}

const collectionRecipientCols = `collection_id, user_id, department_id, unit_dept, unit_user, delivered_at`

func (s *DB) listCollectionRecipients(ctx context.Context, what, query string, args ...any) ([]CollectionRecipient, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var out []CollectionRecipient
	for rows.Next() {
		var r CollectionRecipient
		var delivered int64
		if err := rows.Scan(&r.CollectionID, &r.UserID, &r.DepartmentID, &r.Unit.Dept, &r.Unit.User, &delivered); err != nil {
			return nil, s.fail(err, "%s", what)
		}
		r.DeliveredAt = fromMillis(delivered)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}

// GetCollectionRecipient: see Collections.
func (s *DB) GetCollectionRecipient(ctx context.Context, collectionID, userID int64) (CollectionRecipient, error) {
	rs, err := s.listCollectionRecipients(ctx, "get recipient of collection", `SELECT `+collectionRecipientCols+`
		FROM collection_recipients WHERE collection_id = ? AND user_id = ?`, collectionID, userID)
	if err != nil {
		return CollectionRecipient{}, err
	}
	if len(rs) == 0 {
		return CollectionRecipient{}, fmt.Errorf("store: user %d in collection %d: %w", userID, collectionID, ErrNotFound)
	}
	return rs[0], nil
}

// ListCollectionRecipients: see Collections.
func (s *DB) ListCollectionRecipients(ctx context.Context, collectionID int64) ([]CollectionRecipient, error) {
	return s.listCollectionRecipients(ctx, fmt.Sprintf("list recipients of collection %d", collectionID),
		`SELECT `+collectionRecipientCols+` FROM collection_recipients WHERE collection_id = ? ORDER BY user_id`, collectionID)
}

// PendingCollectionRecipients: see Collections.
func (s *DB) PendingCollectionRecipients(ctx context.Context, collectionID int64) ([]CollectionRecipient, error) {
	return s.listCollectionRecipients(ctx, fmt.Sprintf("list pending recipients of collection %d", collectionID),
		`SELECT `+qualified("r", collectionRecipientCols)+` FROM collection_recipients r
		LEFT JOIN collection_submissions sub ON sub.collection_id = r.collection_id AND sub.unit_dept = r.unit_dept AND sub.unit_user = r.unit_user
		WHERE r.collection_id = ? AND (sub.state IS NULL OR sub.state = 'returned') ORDER BY r.user_id`, collectionID)
}

const submissionCols = `collection_id, unit_dept, unit_user, user_id, department_id, answer, state, return_note, line_no,
	revision, submitted_at, updated_at, returned_at`

func scanSubmission(row scanner) (Submission, error) {
	var sub Submission
	var submitted, updated, returned int64
	if err := row.Scan(&sub.CollectionID, &sub.Unit.Dept, &sub.Unit.User, &sub.UserID, &sub.DepartmentID, &sub.AnswerJSON,
		&sub.State, &sub.ReturnNote, &sub.LineNo, &sub.Revision, &submitted, &updated, &returned); err != nil {
		return Submission{}, err
	}
	sub.SubmittedAt, sub.UpdatedAt, sub.ReturnedAt = fromMillis(submitted), fromMillis(updated), fromMillis(returned)
	return sub, nil
}

// GetSubmission: see Collections.
func (s *DB) GetSubmission(ctx context.Context, collectionID int64, u Unit) (Submission, error) {
	sub, err := scanSubmission(s.queryRow(ctx, `SELECT `+submissionCols+` FROM collection_submissions
		WHERE collection_id = ? AND unit_dept = ? AND unit_user = ?`, collectionID, u.Dept, u.User))
	if err != nil {
		return Submission{}, s.fail(err, "get answer of %v to collection %d", u, collectionID)
	}
	return sub, nil
}

// ListSubmissions: see Collections.
func (s *DB) ListSubmissions(ctx context.Context, collectionID int64) ([]Submission, error) {
	rows, err := s.query(ctx, `SELECT `+submissionCols+` FROM collection_submissions WHERE collection_id = ? ORDER BY line_no`, collectionID)
	if err != nil {
		return nil, s.fail(err, "list answers to collection %d", collectionID)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, s.fail(err, "list answers to collection %d", collectionID)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list answers to collection %d", collectionID)
	}
	return out, nil
}

// SaveSubmission: see Collections.
func (s *DB) SaveSubmission(ctx context.Context, sub *Submission, blobs []string) (bool, error) {
	in := *sub
	if err := checkTexts("answer", in.AnswerJSON); err != nil {
		return false, fmt.Errorf("store: save answer to collection %d: %w", in.CollectionID, err)
	}
	blobs = slices.Compact(slices.Sorted(slices.Values(blobs)))
	at := s.stamp(in.UpdatedAt)
	first := false
	var out Submission
	err := s.inTx(ctx, func(tx *DB) error {
		if len(blobs) > 0 {
			exists, err := tx.lockBlobs(ctx, blobs)
			if err != nil {
				return err
			}
			for _, id := range blobs {
				if !exists[id] {
					return fmt.Errorf("store: save answer to collection %d: %s: %w", in.CollectionID, id, ErrBlobGone)
				}
			}
		}
		old, err := tx.GetSubmission(ctx, in.CollectionID, in.Unit)
		switch {
		case errors.Is(err, ErrNotFound):
			first = true
			var line int
			if err := tx.queryRow(ctx, `UPDATE collections SET next_number = next_number + 1 WHERE id = ? RETURNING next_number`,
				in.CollectionID).Scan(&line); err != nil {
				return tx.fail(err, "number the answer to collection %d", in.CollectionID)
			}
			out = Submission{CollectionID: in.CollectionID, Unit: in.Unit, UserID: in.UserID, DepartmentID: in.DepartmentID,
				AnswerJSON: in.AnswerJSON, State: SubmissionSubmitted, LineNo: line, Revision: 1, SubmittedAt: at, UpdatedAt: at}
			if _, err := tx.exec(ctx, `INSERT INTO collection_submissions (collection_id, unit_dept, unit_user, user_id, department_id,
					answer, state, line_no, revision, submitted_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, 1, ?, ?)`,
				out.CollectionID, out.Unit.Dept, out.Unit.User, out.UserID, out.DepartmentID, out.AnswerJSON, out.LineNo,
				toMillis(at), toMillis(at)); err != nil {
				return tx.fail(err, "save answer to collection %d", in.CollectionID)
			}
		case err != nil:
			return err
		default:
			out = old
			out.UserID, out.DepartmentID, out.AnswerJSON = in.UserID, in.DepartmentID, in.AnswerJSON
			out.State, out.Revision, out.UpdatedAt = SubmissionSubmitted, old.Revision+1, at
			if _, err := tx.exec(ctx, `UPDATE collection_submissions SET user_id = ?, department_id = ?, answer = ?,
					state = 'submitted', revision = ?, updated_at = ?
				WHERE collection_id = ? AND unit_dept = ? AND unit_user = ?`,
				out.UserID, out.DepartmentID, out.AnswerJSON, out.Revision, toMillis(at),
				out.CollectionID, out.Unit.Dept, out.Unit.User); err != nil {
				return tx.fail(err, "replace answer to collection %d", in.CollectionID)
			}
		}
		return tx.replaceCollectionBlobs(ctx, in.CollectionID, in.Unit, blobs, at)
	})
	if err != nil {
		return false, err
	}
	*sub = out
	return first, nil
}

// replaceCollectionBlobs makes blobs the references of a unit's answer: the earlier
// ones go, the new ones are marked attached, and a blob the answer no longer names and
// nothing else does is released as releaseMessageBlobs releases a recalled file.
func (s *DB) replaceCollectionBlobs(ctx context.Context, collectionID int64, u Unit, blobs []string, at time.Time) error {
	what := fmt.Sprintf("files of an answer to collection %d", collectionID)
	rows, err := s.query(ctx, `SELECT blob_id FROM collection_blob_refs WHERE collection_id = ? AND unit_dept = ? AND unit_user = ?`,
		collectionID, u.Dept, u.User)
	if err != nil {
		return s.fail(err, "%s", what)
	}
	var old []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return s.fail(err, "%s", what)
		}
		old = append(old, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.fail(err, "%s", what)
	}
	if len(old) == 0 && len(blobs) == 0 {
		return nil
	}
	if _, err := s.exec(ctx, `DELETE FROM collection_blob_refs WHERE collection_id = ? AND unit_dept = ? AND unit_user = ?`,
		collectionID, u.Dept, u.User); err != nil {
		return s.fail(err, "%s", what)
	}
	ms := toMillis(at)
	for chunk := range slices.Chunk(blobs, blobRefChunk) {
		args := make([]any, 0, 5*len(chunk))
		for _, id := range chunk {
			args = append(args, collectionID, u.Dept, u.User, id, ms)
		}
		if _, err := s.exec(ctx, `INSERT INTO collection_blob_refs (collection_id, unit_dept, unit_user, blob_id, created_at) VALUES `+
			rowsOf(len(chunk), 5), args...); err != nil {
			return s.fail(err, "%s", what)
		}
		if _, err := s.exec(ctx, `UPDATE blobs SET attached_at = ? WHERE attached_at = 0 AND id IN (`+placeholders(len(chunk))+`)`,
			append([]any{ms}, stringArgs(chunk)...)...); err != nil {
			return s.fail(err, "%s", what)
		}
	}
	var gone []string
	for _, id := range old {
		if _, kept := slices.BinarySearch(blobs, id); !kept {
			gone = append(gone, id)
		}
	}
	return s.releaseBlobs(ctx, gone, ms)
}

// ReturnSubmission: see Collections.
func (s *DB) ReturnSubmission(ctx context.Context, collectionID int64, u Unit, note string, at time.Time) (Submission, error) {
	if err := checkTexts("note", note); err != nil {
		return Submission{}, fmt.Errorf("store: return answer to collection %d: %w", collectionID, err)
	}
	var out Submission
	err := s.inTx(ctx, func(tx *DB) error {
		ok, err := tx.claim(ctx, fmt.Sprintf("return answer to collection %d", collectionID),
			`UPDATE collection_submissions SET state = 'returned', return_note = ?, returned_at = ?
			WHERE collection_id = ? AND unit_dept = ? AND unit_user = ? AND state = 'submitted'`,
			note, toMillis(tx.stamp(at)), collectionID, u.Dept, u.User)
		if err != nil {
			return err
		}
		if out, err = tx.GetSubmission(ctx, collectionID, u); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: return answer to collection %d: already returned: %w", collectionID, ErrConflict)
		}
		return nil
	})
	return out, err
}

// AddCollectionEvents: see Collections.
func (s *DB) AddCollectionEvents(ctx context.Context, es []CollectionEvent) error {
	for chunk := range slices.Chunk(es, 200) {
		args := make([]any, 0, 11*len(chunk))
		for _, e := range chunk {
			if err := checkTexts("action", e.Action, "note", e.Note); err != nil {
				return fmt.Errorf("store: collection %d trace: %w", e.CollectionID, err)
			}
			args = append(args, e.CollectionID, toMillis(s.stamp(e.At)), e.Action, e.ActorID, e.Unit.Dept, e.Unit.User,
				e.UserID, e.DepartmentID, e.Revision, e.Note, e.People)
		}
		if _, err := s.exec(ctx, `INSERT INTO collection_events (collection_id, created_at, action, actor_id, unit_dept, unit_user,
				user_id, department_id, revision, note, people) VALUES `+rowsOf(len(chunk), 11), args...); err != nil {
			return s.fail(err, "record %d steps of a collection", len(chunk))
		}
	}
	return nil
}

// ListCollectionEvents: see Collections.
func (s *DB) ListCollectionEvents(ctx context.Context, collectionID int64) ([]CollectionEvent, error) {
	rows, err := s.query(ctx, `SELECT id, collection_id, created_at, action, actor_id, unit_dept, unit_user, user_id, department_id,
		revision, note, people FROM collection_events WHERE collection_id = ? ORDER BY id`, collectionID)
	if err != nil {
		return nil, s.fail(err, "trace of collection %d", collectionID)
	}
	defer rows.Close()
	var out []CollectionEvent
	for rows.Next() {
		var e CollectionEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.CollectionID, &at, &e.Action, &e.ActorID, &e.Unit.Dept, &e.Unit.User, &e.UserID,
			&e.DepartmentID, &e.Revision, &e.Note, &e.People); err != nil {
			return nil, s.fail(err, "trace of collection %d", collectionID)
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "trace of collection %d", collectionID)
	}
	return out, nil
}

// ClaimCollectionReminder: see Collections.
func (s *DB) ClaimCollectionReminder(ctx context.Context, collectionID int64, notBefore, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim reminder of collection %d", collectionID),
		`UPDATE collections SET reminded_at = ? WHERE id = ? AND status = 'open' AND (reminded_at = 0 OR reminded_at < ?)`,
		toMillis(s.stamp(at)), collectionID, toMillis(notBefore))
}

// ClaimCollectionAutoReminder: see Collections.
func (s *DB) ClaimCollectionAutoReminder(ctx context.Context, collectionID int64, index int, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim automatic reminder %d of collection %d", index, collectionID),
		`UPDATE collections SET auto_reminders = ?, reminded_at = ? WHERE id = ? AND status = 'open' AND auto_reminders = ?`,
		index+1, toMillis(s.stamp(at)), collectionID, index)
}

// ClaimCollectionEscalation: see Collections.
func (s *DB) ClaimCollectionEscalation(ctx context.Context, collectionID int64, at time.Time) (bool, error) {
	return s.claim(ctx, fmt.Sprintf("claim escalation of collection %d", collectionID),
		`UPDATE collections SET escalated_at = ? WHERE id = ? AND status = 'open' AND escalated_at = 0`,
		toMillis(s.stamp(at)), collectionID)
}

// DueCollections: see Collections.
func (s *DB) DueCollections(ctx context.Context, horizon time.Time) ([]Collection, error) {
	rows, err := s.query(ctx, `SELECT `+collectionCols+` FROM collections c
		WHERE c.status = 'open' AND c.deadline > 0 AND c.escalated_at = 0 AND c.deadline < ? ORDER BY c.deadline, c.id`, toMillis(horizon))
	if err != nil {
		return nil, s.fail(err, "due collections")
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, s.fail(err, "due collections")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "due collections")
	}
	return out, nil
}

// AddCollectionEscalations: see Collections. A second escalation of one collection to
// one head is ErrConflict.
func (s *DB) AddCollectionEscalations(ctx context.Context, es []CollectionEscalation) error {
	for chunk := range slices.Chunk(es, 500) {
		args := make([]any, 0, 4*len(chunk))
		for _, e := range chunk {
			ids := e.UserIDs
			if ids == nil {
				ids = []int64{}
			}
			b, err := json.Marshal(ids)
			if err != nil {
				return fmt.Errorf("store: escalation of collection %d: %w", e.CollectionID, err)
			}
			args = append(args, e.CollectionID, e.HeadID, string(b), toMillis(s.stamp(e.CreatedAt)))
		}
		if _, err := s.exec(ctx, `INSERT INTO collection_escalations (collection_id, head_id, user_ids, created_at) VALUES `+
			rowsOf(len(chunk), 4), args...); err != nil {
			return s.fail(err, "record %d escalations of a collection", len(chunk))
		}
	}
	return nil
}

// ListSubmissionStates: see Collections.
func (s *DB) ListSubmissionStates(ctx context.Context, collectionID int64) ([]Submission, error) {
	rows, err := s.query(ctx, `SELECT collection_id, unit_dept, unit_user, user_id, department_id, '', state, '', line_no,
		revision, submitted_at, updated_at, returned_at FROM collection_submissions WHERE collection_id = ? ORDER BY line_no`, collectionID)
	if err != nil {
		return nil, s.fail(err, "list answer states of collection %d", collectionID)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, s.fail(err, "list answer states of collection %d", collectionID)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list answer states of collection %d", collectionID)
	}
	return out, nil
}
