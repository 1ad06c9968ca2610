package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Retention (PROTOCOL.md §4.20): messages and notice bodies of each secrecy level are
// deleted once their level's retention has passed, unless a legal hold covers them.
//
// With cutoff = now − the level's retention, a message of that level is expired when
// retain_from ≤ cutoff, and a hold covers it while the hold is active or its release
// is pending, or, once released, while released_at > cutoff (it follows its normal
// retention counted from the release: nothing is purged at once). A channel hold covers
// the channel's messages created within [from, to]; a user hold the messages the person
// sent and the notices they wrote within it; a notice hold that notice.
//
// Every deletion runs in small transactions (a batch of at most RetentionMaxBatch rows),
// so neither backend holds a lock for long, and each reads its batch through an index
// (messages_retention, notices_retention) from a cursor, so held rows are passed over
// once per sweep rather than once per batch.

// RetentionMaxBatch is the most rows one retention transaction deletes.
const RetentionMaxBatch = 500

// Retention is what the retention sweeper (internal/retention) asks of the store.
type Retention interface {
	// ClaimRetentionLease makes owner the one sweeper until now+ttl, if nobody else
	// holds the lease at now (owner renewing its own lease succeeds), and returns the
	// latest time any sweep ran at (zero: never).
	ClaimRetentionLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, time.Time, error)
	// RaiseRetentionHighWater records that a sweep ran at `at` (the high-water mark
	// only ever rises).
	RaiseRetentionHighWater(ctx context.Context, at time.Time) error
	// ReleaseRetentionLease gives the lease up if owner holds it.
	ReleaseRetentionLease(ctx context.Context, owner string) error
	// SweepExpiredMessages deletes, in one transaction, up to limit (≤ RetentionMaxBatch)
	// expired messages of level that no hold covers, after the cursor in (retain_from,
	// channel, seq) order: each with its search postings, reactions and blob references
	// (a blob nothing refers to any more expires at `at`, for the files sweeper to
	// delete with its wrapped keys). With budget > 0 it stops taking messages once the
	// transaction has worked that long (at least one is always taken), so the lock it
	// holds is short in time whatever a row costs. It returns what it deleted,
	// ascending, and the cursor to continue from; none means the level is done.
	SweepExpiredMessages(ctx context.Context, level int, cutoff, at time.Time, after RetentionCursor, limit int, budget time.Duration) ([]MessageKey, RetentionCursor, error)
	// PurgeExpiredNotices clears, in one transaction, the texts of up to limit
	// (≤ RetentionMaxBatch) expired notices of level that no hold covers, after the
	// cursor: title, body and change note of the notice and every revision, the
	// recipients' replies and the attachments (their blob references dropped, as
	// above), and marks them purged at `at`. The ledger — who was delivered, saw and
	// confirmed which revision when — stays. It returns the notices purged.
	PurgeExpiredNotices(ctx context.Context, level int, cutoff, at time.Time, after RetentionCursor, limit int) ([]int64, RetentionCursor, error)
}

// RetentionCursor is where a sweep of one level got to: the last row it took, in
// (time, id…) order. The zero cursor starts at the beginning.
type RetentionCursor struct {
	At        int64 // unix ms: retain_from of a message, created_at of a notice
	ChannelID int64 // a message's channel; a notice's id
	Seq       int64 // a message's seq; 0 for a notice
}

// ClaimRetentionLease implements Retention: one conditional UPDATE, atomic on both
// backends.
func (s *DB) ClaimRetentionLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, time.Time, error) {
	var hw int64
	// Renewed between batches: queued for the write lock on SQLite, so it never
	// leaves a send sleeping in SQLite's busy handler.
	err := s.writing(ctx, func() error {
		return s.queryRow(ctx, `UPDATE retention_state SET lease_owner = ?, lease_until = ?
			WHERE id = 1 AND (lease_until <= ? OR lease_owner = ?) RETURNING high_water`,
			owner, toMillis(now.Add(ttl)), toMillis(now), owner).Scan(&hw)
	})
	if isNoRows(err) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, s.fail(err, "claim the retention lease")
	}
	return true, fromMillis(hw), nil
}

// RaiseRetentionHighWater implements Retention.
func (s *DB) RaiseRetentionHighWater(ctx context.Context, at time.Time) error {
	if _, err := s.exec(ctx, `UPDATE retention_state SET high_water = ? WHERE id = 1 AND high_water < ?`,
		toMillis(at), toMillis(at)); err != nil {
		return s.fail(err, "raise the retention high-water mark")
	}
	return nil
}

// ReleaseRetentionLease implements Retention.
func (s *DB) ReleaseRetentionLease(ctx context.Context, owner string) error {
	if _, err := s.exec(ctx, `UPDATE retention_state SET lease_owner = '', lease_until = 0 WHERE id = 1 AND lease_owner = ?`,
		owner); err != nil {
		return s.fail(err, "release the retention lease")
	}
	return nil
}

// heldWhere is the condition that no hold covers the message m at a level whose cutoff
// (unix ms) is its two parameters. Each NOT EXISTS probes legal_holds_target.
const heldWhere = `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.scope = 'channel' AND h.target_id = m.channel_id
		AND (h.released_at = 0 OR h.released_at > ?) AND h.from_at <= m.created_at AND (h.to_at = 0 OR m.created_at <= h.to_at))
	AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.scope = 'user' AND h.target_id = m.sender_id
		AND (h.released_at = 0 OR h.released_at > ?) AND h.from_at <= m.created_at AND (h.to_at = 0 OR m.created_at <= h.to_at))`

// noticeHeldWhere is heldWhere for the notice n.
const noticeHeldWhere = `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.scope = 'notice' AND h.target_id = n.id
		AND (h.released_at = 0 OR h.released_at > ?))
	AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.scope = 'user' AND h.target_id = n.author_id
		AND (h.released_at = 0 OR h.released_at > ?) AND h.from_at <= n.created_at AND (h.to_at = 0 OR n.created_at <= h.to_at))`

// sweepLock is appended to a sweep's SELECT: on PostgreSQL it locks the batch's rows
// and skips any another transaction holds (an edit, a reaction in progress) — the next
// sweep takes them — so the sweep never waits on a person's action.
func (s *DB) sweepLock() string {
	if s.d.rowLock == "" {
		return ""
	}
	return " FOR UPDATE SKIP LOCKED"
}

func checkSweepLimit(limit int) error {
	if limit < 1 || limit > RetentionMaxBatch {
		return fmt.Errorf("store: retention batch of %d out of range 1..%d", limit, RetentionMaxBatch)
	}
	return nil
}

// SweepExpiredMessages implements Retention.
func (s *DB) SweepExpiredMessages(ctx context.Context, level int, cutoff, at time.Time, after RetentionCursor, limit int, budget time.Duration) ([]MessageKey, RetentionCursor, error) {
	if err := checkSweepLimit(limit); err != nil {
		return nil, after, err
	}
	cut, expiredAt := toMillis(cutoff), max(toMillis(s.stamp(at)), 1)
	var keys []MessageKey
	next := after
	err := s.inTx(ctx, func(tx *DB) error {
		// Real time, not the store's clock: the budget bounds how long the
		// transaction's locks are held.
		began := time.Now()
		rows, err := tx.query(ctx, `SELECT `+messageCols("m", false)+`, m.retain_from FROM messages m
			WHERE m.secrecy = ? AND m.retain_from <= ? AND (m.retain_from, m.channel_id, m.seq) > (?, ?, ?)
			AND `+heldWhere+`
			ORDER BY m.retain_from, m.channel_id, m.seq LIMIT ?`+tx.sweepLock(),
			level, cut, after.At, after.ChannelID, after.Seq, cut, cut, limit)
		if err != nil {
			return tx.fail(err, "find expired messages of level %d", level)
		}
		var ms []Message
		var ds []messageDest
		var retains []int64
		for rows.Next() {
			var m Message
			var d messageDest
			var retain int64
			if err := rows.Scan(append(d.targets(&m), &retain)...); err != nil {
				rows.Close()
				return tx.fail(err, "find expired messages of level %d", level)
			}
			if err := d.finish(&m); err != nil {
				rows.Close()
				return tx.fail(err, "find expired messages of level %d", level)
			}
			ms, ds, retains = append(ms, m), append(ds, d), append(retains, retain)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "find expired messages of level %d", level)
		}
		// Nothing is opened: the search index drops a message by its key
		// (deleteMessages), whatever its text was and even when its bucket's key is
		// gone. Only a row from before encryption at rest has plaintext postings,
		// found from its (plaintext) text.
		for i, m := range ms {
			if i > 0 && budget > 0 && time.Since(began) >= budget {
				break // the rest stay for the next batch (their row locks end with this one)
			}
			if !ds[i].textKey.Valid {
				if err := tx.deletePlainTerms(ctx, m.ChannelID, m.Seq, ds[i].text); err != nil {
					return err
				}
			}
			keys = append(keys, MessageKey{ChannelID: m.ChannelID, Seq: m.Seq})
			next = RetentionCursor{At: retains[i], ChannelID: m.ChannelID, Seq: m.Seq}
		}
		return tx.deleteMessages(ctx, keys, expiredAt)
	})
	if err != nil {
		return nil, after, err
	}
	slices.SortFunc(keys, func(a, b MessageKey) int {
		return cmp.Or(cmp.Compare(a.ChannelID, b.ChannelID), cmp.Compare(a.Seq, b.Seq))
	})
	return keys, next, nil
}

// deleteMessages deletes the rows of keys with their reactions, blob references and
// search index entries, one statement per table and channel.
func (s *DB) deleteMessages(ctx context.Context, keys []MessageKey, expiredAt int64) error {
	byChannel := map[int64][]int64{}
	var channels []int64
	for _, k := range keys {
		if _, ok := byChannel[k.ChannelID]; !ok {
			channels = append(channels, k.ChannelID)
		}
		byChannel[k.ChannelID] = append(byChannel[k.ChannelID], k.Seq)
	}
	slices.Sort(channels)
	for _, ch := range channels {
		for seqs := range slices.Chunk(byChannel[ch], idChunk) {
			in := `channel_id = ? AND seq IN (` + placeholders(len(seqs)) + `)`
			args := append([]any{ch}, int64Args(seqs)...)
			blobs, err := s.listStrings(ctx, `SELECT DISTINCT blob_id FROM blob_refs WHERE `+in, args...)
			if err != nil {
				return s.fail(err, "find the blobs of expired messages of channel %d", ch)
			}
			if err := s.unindexDeleted(ctx, ch, seqs); err != nil {
				return err
			}
			// Reactions would go with the rows by their foreign keys; deleting them first
			// says so without relying on it.
			for _, table := range []string{"message_reactions", "message_reaction_revs", "blob_refs", "messages"} {
				if _, err := s.exec(ctx, `DELETE FROM `+table+` WHERE `+in, args...); err != nil {
					return s.fail(err, "delete expired messages of channel %d from %s", ch, table)
				}
			}
			if err := s.expireUnreferenced(ctx, blobs, expiredAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// expireUnreferenced turns each of ids that no reference names any more into an upload
// that expired at expiredAt (ms): the files sweeper deletes its bytes and row, and with
// the row its wrapped keys (file_keys, ON DELETE CASCADE).
func (s *DB) expireUnreferenced(ctx context.Context, ids []string, expiredAt int64) error {
	for chunk := range slices.Chunk(ids, idChunk) {
		args := append([]any{expiredAt}, stringArgs(chunk)...)
		if _, err := s.exec(ctx, `UPDATE blobs SET attached_at = 0, expires_at = ?
			WHERE id IN (`+placeholders(len(chunk))+`) AND attached_at > 0
			AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)`, args...); err != nil {
			return s.fail(err, "expire %d blobs nothing refers to", len(chunk))
		}
	}
	return nil
}

func (s *DB) listStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PurgeExpiredNotices implements Retention.
func (s *DB) PurgeExpiredNotices(ctx context.Context, level int, cutoff, at time.Time, after RetentionCursor, limit int) ([]int64, RetentionCursor, error) {
	if err := checkSweepLimit(limit); err != nil {
		return nil, after, err
	}
	cut, purgedAt := toMillis(cutoff), max(toMillis(s.stamp(at)), 1)
	var ids []int64
	next := after
	err := s.inTx(ctx, func(tx *DB) error {
		rows, err := tx.query(ctx, `SELECT n.id, n.created_at FROM notices n
			WHERE n.secrecy = ? AND n.created_at <= ? AND n.purged_at = 0 AND (n.created_at, n.id) > (?, ?)
			AND `+noticeHeldWhere+`
			ORDER BY n.created_at, n.id LIMIT ?`+tx.sweepLock(),
			level, cut, after.At, after.ChannelID, cut, cut, limit)
		if err != nil {
			return tx.fail(err, "find expired notices of level %d", level)
		}
		for rows.Next() {
			var id, created int64
			if err := rows.Scan(&id, &created); err != nil {
				rows.Close()
				return tx.fail(err, "find expired notices of level %d", level)
			}
			ids = append(ids, id)
			next = RetentionCursor{At: created, ChannelID: id}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "find expired notices of level %d", level)
		}
		if len(ids) == 0 {
			return nil
		}
		in := `(` + placeholders(len(ids)) + `)`
		args := int64Args(ids)
		blobs, err := tx.listStrings(ctx, `SELECT DISTINCT blob_id FROM blob_refs WHERE notice_id IN `+in, args...)
		if err != nil {
			return tx.fail(err, "find the blobs of expired notices")
		}
		if _, err := tx.exec(ctx, `UPDATE notices SET title = '', body = '', change_note = '', attachments = '', purged_at = ?
			WHERE id IN `+in, append([]any{purgedAt}, args...)...); err != nil {
			return tx.fail(err, "purge expired notices")
		}
		for _, q := range []string{
			`UPDATE notice_revisions SET title = '', body = '', change_note = '' WHERE notice_id IN ` + in,
			`UPDATE notice_recipients SET reply = '' WHERE reply <> '' AND notice_id IN ` + in,
			`DELETE FROM blob_refs WHERE notice_id IN ` + in,
		} {
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return tx.fail(err, "purge expired notices")
			}
		}
		return tx.expireUnreferenced(ctx, blobs, purgedAt)
	})
	if err != nil {
		return nil, after, err
	}
	return ids, next, nil
}
