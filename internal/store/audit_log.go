package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The transparency log over the trail (internal/audit, docs/audit.md): the stored
// hashes of the tree, which entry each leaf is, the signed checkpoints, and the one
// state row with the checkpointer's lease and the purge's progress. The store keeps
// what the audit package computes; it never hashes or signs.

// AuditLogState is where the log stands.
type AuditLogState struct {
	Leaves       int64 // entries hashed into the tree
	LastEventID  int64 // the id of the last entry hashed (0: none)
	PurgedLeaves int64 // the oldest leaves whose entries retention purged
}

// AuditStoredHash is one of the tree's stored hashes, at tlog's storage index.
type AuditStoredHash struct {
	Index int64
	Hash  []byte
}

// AuditCheckpoint is a signed checkpoint: the signed note's text, its tree size and
// when it was made.
type AuditCheckpoint struct {
	Size int64
	At   time.Time
	Body string
}

// AuditStatus says how far the trail reaches.
type AuditStatus struct {
	Events   int64
	OldestID int64
	OldestAt time.Time
	NewestID int64
	NewestAt time.Time
}

// AuditLogMaxBatch is the most leaves AppendAuditLeaves takes at once.
const AuditLogMaxBatch = 5000

// AuditLog is what the checkpointer, the verifier, the exports and the audit
// retention job ask of the store. Nothing here edits or removes an entry except
// PurgeAudit, which the database's trigger lets through only for old entries.
type AuditLog interface {
	// ClaimAuditLogLease makes owner the one checkpointer until now+ttl, if nobody else
	// holds the lease at now (owner renewing its own succeeds).
	ClaimAuditLogLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseAuditLogLease gives the lease up if owner holds it.
	ReleaseAuditLogLease(ctx context.Context, owner string) error
	AuditLogState(ctx context.Context) (AuditLogState, error)
	// AuditEventsAfter returns up to limit entries with id > afterID, oldest first.
	AuditEventsAfter(ctx context.Context, afterID int64, limit int) ([]AuditEvent, error)
	// ReadAuditHashes returns the stored hashes at indexes, in their order; ErrNotFound
	// when one is not stored.
	ReadAuditHashes(ctx context.Context, indexes []int64) ([][]byte, error)
	// AppendAuditLeaves records, in one transaction, that the entries eventIDs are the
	// leaves from.Leaves on, with the stored hashes the tree gained; ErrConflict when
	// the log is no longer at from (another node appended meanwhile).
	AppendAuditLeaves(ctx context.Context, from AuditLogState, eventIDs []int64, hashes []AuditStoredHash) error
	AddAuditCheckpoint(ctx context.Context, c AuditCheckpoint) error
	// ListAuditCheckpoints returns up to limit checkpoints, largest first.
	ListAuditCheckpoints(ctx context.Context, limit int) ([]AuditCheckpoint, error)
	// AuditCheckpointAt returns the checkpoint of one tree size; ErrNotFound when none.
	AuditCheckpointAt(ctx context.Context, size int64) (AuditCheckpoint, error)
	// AuditLeafOf returns the leaf index of an entry; ErrNotFound when it is not hashed.
	AuditLeafOf(ctx context.Context, eventID int64) (int64, error)
	// AuditEventOfLeaf returns the entry id of a leaf; ErrNotFound when none.
	AuditEventOfLeaf(ctx context.Context, leaf int64) (int64, error)
	// AuditIDRange returns the first and last entry ids with since ≤ occurred_at < until
	// (zero times: unbounded) and id ≤ maxID; zeros when none.
	AuditIDRange(ctx context.Context, since, until time.Time, maxID int64) (first, last int64, err error)
	AuditStatus(ctx context.Context) (AuditStatus, error)
	// PurgeAudit deletes, in one transaction, the oldest hashed entries in id order that
	// occurred before cut, at most limit, stopping at the first that did not: the purged
	// entries are always a prefix of the leaves. It returns how many went and the last
	// id purged.
	PurgeAudit(ctx context.Context, cut time.Time, limit int) (int, int64, error)
}

// ClaimAuditLogLease implements AuditLog.
func (s *DB) ClaimAuditLogLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, error) {
	var one int
	err := s.writing(ctx, func() error {
		return s.queryRow(ctx, `UPDATE audit_log_state SET lease_owner = ?, lease_until = ?
			WHERE id = 1 AND (lease_until <= ? OR lease_owner = ?) RETURNING 1`,
			owner, toMillis(now.Add(ttl)), toMillis(now), owner).Scan(&one)
	})
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, s.fail(err, "claim the audit log lease")
	}
	return true, nil
}

// ReleaseAuditLogLease implements AuditLog.
func (s *DB) ReleaseAuditLogLease(ctx context.Context, owner string) error {
	if _, err := s.exec(ctx, `UPDATE audit_log_state SET lease_owner = '', lease_until = 0 WHERE id = 1 AND lease_owner = ?`,
		owner); err != nil {
		return s.fail(err, "release the audit log lease")
	}
	return nil
}

// AuditLogState implements AuditLog.
func (s *DB) AuditLogState(ctx context.Context) (AuditLogState, error) {
	var st AuditLogState
	err := s.queryRow(ctx, `SELECT leaves, last_event_id, purged_leaves FROM audit_log_state WHERE id = 1`).
		Scan(&st.Leaves, &st.LastEventID, &st.PurgedLeaves)
	if err != nil {
		return AuditLogState{}, s.fail(err, "read the audit log state")
	}
	return st, nil
}

// AuditEventsAfter implements AuditLog.
func (s *DB) AuditEventsAfter(ctx context.Context, afterID int64, limit int) ([]AuditEvent, error) {
	return s.listAudit(ctx, "audit events after",
		`SELECT `+auditColumns+` FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
}

// ReadAuditHashes implements AuditLog.
func (s *DB) ReadAuditHashes(ctx context.Context, indexes []int64) ([][]byte, error) {
	out := make([][]byte, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	pos := make(map[int64][]int, len(indexes))
	for i, x := range indexes {
		pos[x] = append(pos[x], i)
	}
	const chunk = 500
	for lo := 0; lo < len(indexes); lo += chunk {
		part := indexes[lo:min(lo+chunk, len(indexes))]
		args := make([]any, len(part))
		for i, x := range part {
			args[i] = x
		}
		rows, err := s.query(ctx, `SELECT sidx, hash FROM audit_tlog WHERE sidx IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, s.fail(err, "read audit log hashes")
		}
		for rows.Next() {
			var x int64
			var h []byte
			if err := rows.Scan(&x, &h); err != nil {
				rows.Close()
				return nil, s.fail(err, "read audit log hashes")
			}
			for _, i := range pos[x] {
				out[i] = h
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.fail(err, "read audit log hashes")
		}
	}
	for i, h := range out {
		if h == nil {
			return nil, fmt.Errorf("store: audit log hash %d: %w", indexes[i], ErrNotFound)
		}
	}
	return out, nil
}

// AppendAuditLeaves implements AuditLog. Rows go in multi-row INSERTs of a few hundred.
func (s *DB) AppendAuditLeaves(ctx context.Context, from AuditLogState, eventIDs []int64, hashes []AuditStoredHash) error {
	if len(eventIDs) == 0 {
		return nil
	}
	if len(eventIDs) > AuditLogMaxBatch {
		return fmt.Errorf("store: append audit leaves: %d leaves, at most %d at once", len(eventIDs), AuditLogMaxBatch)
	}
	return s.inTx(ctx, func(tx *DB) error {
		res, err := tx.exec(ctx, `UPDATE audit_log_state SET leaves = ?, last_event_id = ? WHERE id = 1 AND leaves = ?`,
			from.Leaves+int64(len(eventIDs)), eventIDs[len(eventIDs)-1], from.Leaves)
		if err != nil {
			return tx.fail(err, "append audit leaves")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("store: append audit leaves at %d: the log moved on: %w", from.Leaves, ErrConflict)
		}
		const chunk = 400
		for lo := 0; lo < len(eventIDs); lo += chunk {
			part := eventIDs[lo:min(lo+chunk, len(eventIDs))]
			args := make([]any, 0, 2*len(part))
			for i, id := range part {
				args = append(args, from.Leaves+int64(lo+i), id)
			}
			if _, err := tx.exec(ctx, `INSERT INTO audit_leaves (leaf, event_id) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", "), args...); err != nil {
				return tx.fail(err, "append audit leaves")
			}
		}
		for lo := 0; lo < len(hashes); lo += chunk {
			part := hashes[lo:min(lo+chunk, len(hashes))]
			args := make([]any, 0, 2*len(part))
			for _, h := range part {
				args = append(args, h.Index, h.Hash)
			}
			if _, err := tx.exec(ctx, `INSERT INTO audit_tlog (sidx, hash) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", "), args...); err != nil {
				return tx.fail(err, "append audit log hashes")
			}
		}
		return nil
	})
}

// AddAuditCheckpoint implements AuditLog. A second checkpoint of the same size is kept
// out quietly: the tree at one size has one root.
func (s *DB) AddAuditCheckpoint(ctx context.Context, c AuditCheckpoint) error {
	if _, err := s.exec(ctx, `INSERT INTO audit_checkpoints (size, created_at, body) VALUES (?, ?, ?)
		ON CONFLICT (size) DO NOTHING`, c.Size, toMillis(s.stamp(c.At)), c.Body); err != nil {
		return s.fail(err, "add audit checkpoint %d", c.Size)
	}
	return nil
}

// ListAuditCheckpoints implements AuditLog.
func (s *DB) ListAuditCheckpoints(ctx context.Context, limit int) ([]AuditCheckpoint, error) {
	rows, err := s.query(ctx, `SELECT size, created_at, body FROM audit_checkpoints ORDER BY size DESC LIMIT ?`, limit)
	if err != nil {
		return nil, s.fail(err, "list audit checkpoints")
	}
	defer rows.Close()
	var out []AuditCheckpoint
	for rows.Next() {
		var c AuditCheckpoint
		var at int64
		if err := rows.Scan(&c.Size, &at, &c.Body); err != nil {
			return nil, s.fail(err, "list audit checkpoints")
		}
		c.At = fromMillis(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list audit checkpoints")
	}
	return out, nil
}

// AuditCheckpointAt implements AuditLog.
func (s *DB) AuditCheckpointAt(ctx context.Context, size int64) (AuditCheckpoint, error) {
	c := AuditCheckpoint{Size: size}
	var at int64
	if err := s.queryRow(ctx, `SELECT created_at, body FROM audit_checkpoints WHERE size = ?`, size).Scan(&at, &c.Body); err != nil {
		return AuditCheckpoint{}, s.fail(err, "audit checkpoint %d", size)
	}
	c.At = fromMillis(at)
	return c, nil
}

// AuditLeafOf implements AuditLog.
func (s *DB) AuditLeafOf(ctx context.Context, eventID int64) (int64, error) {
	var leaf int64
	if err := s.queryRow(ctx, `SELECT leaf FROM audit_leaves WHERE event_id = ?`, eventID).Scan(&leaf); err != nil {
		return 0, s.fail(err, "leaf of audit event %d", eventID)
	}
	return leaf, nil
}

// AuditEventOfLeaf implements AuditLog.
func (s *DB) AuditEventOfLeaf(ctx context.Context, leaf int64) (int64, error) {
	var id int64
	if err := s.queryRow(ctx, `SELECT event_id FROM audit_leaves WHERE leaf = ?`, leaf).Scan(&id); err != nil {
		return 0, s.fail(err, "audit event of leaf %d", leaf)
	}
	return id, nil
}

// AuditIDRange implements AuditLog.
func (s *DB) AuditIDRange(ctx context.Context, since, until time.Time, maxID int64) (int64, int64, error) {
	where := `id <= ?`
	args := []any{maxID}
	if !since.IsZero() {
		where += ` AND occurred_at >= ?`
		args = append(args, toMillis(since))
	}
	if !until.IsZero() {
		where += ` AND occurred_at < ?`
		args = append(args, toMillis(until))
	}
	var first, last *int64
	if err := s.queryRow(ctx, `SELECT min(id), max(id) FROM audit_events WHERE `+where, args...).Scan(&first, &last); err != nil {
		return 0, 0, s.fail(err, "audit id range")
	}
	if first == nil || last == nil {
		return 0, 0, nil
	}
	return *first, *last, nil
}

// AuditStatus implements AuditLog.
func (s *DB) AuditStatus(ctx context.Context) (AuditStatus, error) {
	var st AuditStatus
	var oldestAt, newestAt *int64
	err := s.queryRow(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM audit_events`).
		Scan(&st.Events, &st.OldestID, &st.NewestID)
	if err != nil {
		return AuditStatus{}, s.fail(err, "audit status")
	}
	if st.Events == 0 {
		return st, nil
	}
	if err := s.queryRow(ctx, `SELECT occurred_at FROM audit_events WHERE id = ?`, st.OldestID).Scan(&oldestAt); err != nil {
		return AuditStatus{}, s.fail(err, "audit status")
	}
	if err := s.queryRow(ctx, `SELECT occurred_at FROM audit_events WHERE id = ?`, st.NewestID).Scan(&newestAt); err != nil {
		return AuditStatus{}, s.fail(err, "audit status")
	}
	st.OldestAt, st.NewestAt = fromMillis(*oldestAt), fromMillis(*newestAt)
	return st, nil
}

// PurgeAudit implements AuditLog. The transaction tells the trigger it purges
// (docs/audit.md): SET LOCAL on PostgreSQL, the state row's purge_before on SQLite,
// reset before it commits.
func (s *DB) PurgeAudit(ctx context.Context, cut time.Time, limit int) (int, int64, error) {
	var n int
	var lastID int64
	err := s.inTx(ctx, func(tx *DB) error {
		st, err := tx.AuditLogState(ctx)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT id, occurred_at FROM audit_events WHERE id <= ? ORDER BY id LIMIT ?`, st.LastEventID, limit)
		if err != nil {
			return tx.fail(err, "purge audit: read")
		}
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				rows.Close()
				return tx.fail(err, "purge audit: read")
			}
			if at >= toMillis(cut) {
				break
			}
			n, lastID = n+1, id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return tx.fail(err, "purge audit: read")
		}
		if n == 0 {
			return nil
		}
		leaf, err := tx.AuditLeafOf(ctx, lastID)
		if err != nil {
			return err
		}
		if tx.d.name == "postgres" {
			if _, err := tx.exec(ctx, `SELECT set_config('govchat.audit_purge', 'on', true), set_config('govchat.audit_purge_before', ?, true)`,
				fmt.Sprint(toMillis(cut))); err != nil {
				return tx.fail(err, "purge audit: mark the transaction")
			}
		} else if _, err := tx.exec(ctx, `UPDATE audit_log_state SET purge_before = ? WHERE id = 1`, toMillis(cut)); err != nil {
			return tx.fail(err, "purge audit: mark the transaction")
		}
		res, err := tx.exec(ctx, `DELETE FROM audit_events WHERE id <= ?`, lastID)
		if err != nil {
			return tx.fail(err, "purge audit")
		}
		if got, err := res.RowsAffected(); err == nil {
			n = int(got)
		}
		if _, err := tx.exec(ctx, `UPDATE audit_log_state SET purge_before = 0, purged_leaves = ? WHERE id = 1`, leaf+1); err != nil {
			return tx.fail(err, "purge audit: record")
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return n, lastID, nil
}
