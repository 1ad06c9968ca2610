package store

import (
	"context"
	"database/sql"
)

const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
	auditScanBatch    = 500
)

const auditColumns = `id, occurred_at, actor_id, actor_name, action, target_type, target_id, outcome, ip, request_id, detail, prev_hash, hash,
	actor_role, actor_dept, subject_id, level`

func scanAudit(row scanner) (AuditEvent, error) {
	var e AuditEvent
	var at int64
	var level sql.NullInt64
	err := row.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &e.Outcome,
		&e.IP, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash, &e.ActorRole, &e.ActorDept, &e.SubjectID, &level)
	if err != nil {
		return AuditEvent{}, err
	}
	e.At = fromMillis(at)
	if level.Valid {
		l := int(level.Int64)
		e.Level = &l
	}
	return e, nil
}

// AppendAudit chains e to the latest entry and inserts it. Reading the head and
// inserting happen in one transaction under the audit lock (a transaction-scoped
// advisory lock on PostgreSQL, the write lock SQLite's BEGIN IMMEDIATE takes), so
// appends from any number of processes form a single chain. It sets e.ID, e.At
// (when zero, to now; always normalised to UTC milliseconds, as hashed),
// e.PrevHash and e.Hash, which hash computes (the chain is internal/audit's).
func (s *DB) AppendAudit(ctx context.Context, e *AuditEvent, hash AuditHash) error {
	ev := *e
	ev.At = s.stamp(e.At)
	err := s.inTx(ctx, func(tx *DB) error {
		if err := tx.deriveAudit(ctx, &ev); err != nil {
			return err
		}
		if err := tx.lock(ctx, lockAudit); err != nil {
			return err
		}
		var prev []byte
		err := tx.queryRow(ctx, `SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&prev)
		if err != nil && !isNoRows(err) {
			return tx.fail(err, "append audit %s: read chain head", ev.Action)
		}
		if len(prev) == 0 {
			prev = nil // the first entry links to nothing
		}
		ev.PrevHash = prev
		ev.Hash = hash(ev, prev)
		err = tx.queryRow(ctx, `INSERT INTO audit_events (occurred_at, actor_id, actor_name, action, target_type, target_id,
				outcome, ip, request_id, detail, prev_hash, hash, actor_role, actor_dept, subject_id, level)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			toMillis(ev.At), ev.ActorID, ev.ActorName, ev.Action, ev.TargetType, ev.TargetID,
			ev.Outcome, ev.IP, ev.RequestID, ev.Detail, ev.PrevHash, ev.Hash,
			ev.ActorRole, ev.ActorDept, ev.SubjectID, levelArg(ev.Level)).Scan(&ev.ID)
		if err != nil {
			return tx.fail(err, "append audit %s", ev.Action)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*e = ev
	return nil
}

// ListAudit returns entries matching f, newest first (audit_query.go builds the
// filter).
func (s *DB) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = auditDefaultLimit
	}
	limit = min(limit, auditMaxLimit)
	q, args := auditListQuery(f, limit)
	return s.listAudit(ctx, "list audit", q, args...)
}

// HasAudit reports whether an entry matches m. The actor's entries are few next to the
// whole trail, and audit_events_actor_id serves the lookup.
func (s *DB) HasAudit(ctx context.Context, m AuditMatch) (bool, error) {
	var one int
	err := s.queryRow(ctx, `SELECT 1 FROM audit_events
		WHERE actor_id = ? AND action = ? AND target_type = ? AND target_id = ? AND outcome = ? AND occurred_at >= ?
		LIMIT 1`, m.ActorID, m.Action, m.TargetType, m.TargetID, m.Outcome, toMillis(m.Since)).Scan(&one)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, s.fail(err, "has audit %s", m.Action)
	}
	return true, nil
}

// ScanAudit calls fn for every entry in ID order. It reads in batches rather than
// holding one cursor open, so a long export neither pins a connection for its whole
// run nor stops fn from using the store.
func (s *DB) ScanAudit(ctx context.Context, fn func(AuditEvent) error) error {
	var after int64
	for {
		batch, err := s.listAudit(ctx, "scan audit",
			`SELECT `+auditColumns+` FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`, after, auditScanBatch)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
			after = e.ID
		}
		if len(batch) < auditScanBatch {
			return nil
		}
	}
}

func (s *DB) listAudit(ctx context.Context, what, q string, args ...any) ([]AuditEvent, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var es []AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, s.fail(err, "%s", what)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return es, nil
}
