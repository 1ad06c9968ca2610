package store

import (
	"context"
	"fmt"

	"govchat/internal/atrest"
)

const (
	// legacyMessageBatch and legacyNoticeBatch bound one transaction of
	// EncryptLegacy, so no lock is held for more than a few tens of milliseconds.
	legacyMessageBatch = 200
	legacyNoticeBatch  = 20
	legacyTermsBatch   = 1000
)

// EncryptLegacy seals what was written before encryption at rest (migration 0018):
// messages' text and forward, with their plaintext search terms replaced by tokens;
// notices' texts, revisions and replies; and finally it deletes whatever plaintext
// postings are left (those of messages deleted since, message_terms having no foreign
// key). It works in small transactions and returns how many rows it sealed.
//
// It is restartable: each batch commits the sealed rows together with their postings,
// and the next batch (or the next start) picks up the rows still unsealed (text_key
// IS NULL). Nodes may run it at once: a row another node sealed meanwhile is skipped.
func (s *DB) EncryptLegacy(ctx context.Context) (int, error) {
	total := 0
	for {
		n, more, err := s.encryptLegacyMessages(ctx)
		total += n
		if err != nil {
			return total, err
		}
		if !more {
			break
		}
	}
	for {
		n, err := s.encryptLegacyNotices(ctx)
		total += n
		if err != nil {
			return total, err
		}
		if n == 0 {
			break
		}
	}
	for {
		res, err := s.exec(ctx, `DELETE FROM message_terms WHERE (term, channel_id, seq) IN
			(SELECT term, channel_id, seq FROM message_terms LIMIT ?)`, legacyTermsBatch)
		if err != nil {
			return total, s.fail(err, "delete plaintext postings")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
	return total, nil
}

// encryptLegacyMessages seals one batch of messages; more is false when none was left.
func (s *DB) encryptLegacyMessages(ctx context.Context) (sealedRows int, more bool, err error) {
	err = s.inTx(ctx, func(tx *DB) error {
		type row struct {
			channelID, seq, retainFrom int64
			level                      int
			text, forward              string
		}
		rows, err := tx.query(ctx, `SELECT channel_id, seq, secrecy, retain_from, text, forward FROM messages
			WHERE text_key IS NULL ORDER BY channel_id, seq LIMIT ?`+tx.d.rowLock, legacyMessageBatch)
		if err != nil {
			return tx.fail(err, "seal legacy messages")
		}
		var batch []row
		var buckets []atrest.Bucket
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.channelID, &r.seq, &r.level, &r.retainFrom, &r.text, &r.forward); err != nil {
				rows.Close()
				return tx.fail(err, "seal legacy messages")
			}
			batch = append(batch, r)
			buckets = append(buckets, atrest.BucketOf(r.level, fromMillis(r.retainFrom)))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "seal legacy messages")
		}
		keys, err := tx.sealKeys(ctx, buckets)
		if err != nil {
			return err
		}
		var docs []searchDoc // SQLite's; PostgreSQL's tokens go into the row
		for i, r := range batch {
			k := keys[buckets[i]]
			text, err := k.key.Seal(r.text, atrest.MessageAAD(r.channelID, r.seq, "text"))
			if err != nil {
				return err
			}
			forward, err := k.key.Seal(r.forward, atrest.MessageAAD(r.channelID, r.seq, "forward"))
			if err != nil {
				return err
			}
			tokens := messageTokens(r.text, k.key)
			set, args := `text = ?, forward = ?, text_key = ?`, []any{text, forward, k.id}
			if tx.d.searchColumn {
				set += `, search_tokens = ?`
				args = append(args, searchTokensArg(tokens))
			}
			res, err := tx.exec(ctx, `UPDATE messages SET `+set+` WHERE channel_id = ? AND seq = ? AND text_key IS NULL`,
				append(args, r.channelID, r.seq)...)
			if err != nil {
				return tx.fail(err, "seal message %d/%d", r.channelID, r.seq)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // sealed meanwhile (an edit, a recall, another node)
			}
			if err := tx.deletePlainTerms(ctx, r.channelID, r.seq, r.text); err != nil {
				return err
			}
			if !tx.d.searchColumn && len(tokens) > 0 {
				docs = append(docs, searchDoc{r.channelID, r.seq, tokens})
			}
			sealedRows++
		}
		more = len(batch) > 0 // even if others sealed them all: look again
		return tx.insertSearchDocs(ctx, docs)
	})
	return sealedRows, more, err
}

// encryptLegacyNotices seals one batch of notices with their revisions and replies.
func (s *DB) encryptLegacyNotices(ctx context.Context) (int, error) {
	sealedRows := 0
	err := s.inTx(ctx, func(tx *DB) error {
		type row struct {
			id, created       int64
			revision, level   int
			title, body, note string
		}
		rows, err := tx.query(ctx, `SELECT id, revision, secrecy, created_at, title, body, change_note FROM notices
			WHERE text_key IS NULL ORDER BY id LIMIT ?`+tx.d.rowLock, legacyNoticeBatch)
		if err != nil {
			return tx.fail(err, "seal legacy notices")
		}
		var batch []row
		var buckets []atrest.Bucket
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.revision, &r.level, &r.created, &r.title, &r.body, &r.note); err != nil {
				rows.Close()
				return tx.fail(err, "seal legacy notices")
			}
			batch = append(batch, r)
			buckets = append(buckets, atrest.BucketOf(r.level, fromMillis(r.created)))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "seal legacy notices")
		}
		keys, err := tx.sealKeys(ctx, buckets)
		if err != nil {
			return err
		}
		for i, r := range batch {
			k := keys[buckets[i]]
			t, b, n, err := sealNoticeText(k.key, func(f string) string { return atrest.NoticeAAD(r.id, r.revision, f) }, r.title, r.body, r.note)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE notices SET title = ?, body = ?, change_note = ?, text_key = ? WHERE id = ? AND text_key IS NULL`,
				t, b, n, k.id, r.id); err != nil {
				return tx.fail(err, "seal notice %d", r.id)
			}
			if err := tx.sealLegacyRevisions(ctx, r.id, k); err != nil {
				return err
			}
			if err := tx.sealLegacyReplies(ctx, r.id, k); err != nil {
				return err
			}
			sealedRows++
		}
		return nil
	})
	return sealedRows, err
}

func (s *DB) sealLegacyRevisions(ctx context.Context, noticeID int64, k *keyEntry) error {
	type rev struct {
		revision          int
		title, body, note string
	}
	rows, err := s.query(ctx, `SELECT revision, title, body, change_note FROM notice_revisions
		WHERE notice_id = ? AND text_key IS NULL`, noticeID)
	if err != nil {
		return s.fail(err, "seal revisions of notice %d", noticeID)
	}
	var revs []rev
	for rows.Next() {
		var r rev
		if err := rows.Scan(&r.revision, &r.title, &r.body, &r.note); err != nil {
			rows.Close()
			return s.fail(err, "seal revisions of notice %d", noticeID)
		}
		revs = append(revs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.fail(err, "seal revisions of notice %d", noticeID)
	}
	for _, r := range revs {
		t, b, n, err := sealNoticeText(k.key, func(f string) string { return atrest.RevisionAAD(noticeID, r.revision, f) }, r.title, r.body, r.note)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE notice_revisions SET title = ?, body = ?, change_note = ?, text_key = ?
			WHERE notice_id = ? AND revision = ? AND text_key IS NULL`, t, b, n, k.id, noticeID, r.revision); err != nil {
			return s.fail(err, "seal revision %d of notice %d", r.revision, noticeID)
		}
	}
	return nil
}

func (s *DB) sealLegacyReplies(ctx context.Context, noticeID int64, k *keyEntry) error {
	rows, err := s.query(ctx, `SELECT user_id, reply FROM notice_recipients
		WHERE notice_id = ? AND reply_key IS NULL AND reply <> ''`, noticeID)
	if err != nil {
		return s.fail(err, "seal replies to notice %d", noticeID)
	}
	type reply struct {
		user int64
		text string
	}
	var rs []reply
	for rows.Next() {
		var r reply
		if err := rows.Scan(&r.user, &r.text); err != nil {
			rows.Close()
			return s.fail(err, "seal replies to notice %d", noticeID)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.fail(err, "seal replies to notice %d", noticeID)
	}
	for _, r := range rs {
		v, err := k.key.Seal(r.text, atrest.ReplyAAD(noticeID, r.user))
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE notice_recipients SET reply = ?, reply_key = ?
			WHERE notice_id = ? AND user_id = ? AND reply_key IS NULL`, v, k.id, noticeID, r.user); err != nil {
			return s.fail(err, "seal reply of user %d to notice %d", r.user, noticeID)
		}
	}
	return nil
}

// CheckMasterKey makes sure the store's master key opens the database's data keys
// (it tries one), so a wrong key file stops the server at start rather than at the
// first read. A database without data keys is given this month's public-level key at
// once, so from its first start a database proves which master key it belongs to
// (and a lost key file is noticed rather than silently replaced: HasDataKeys).
func (s *DB) CheckMasterKey(ctx context.Context) error {
	var id int64
	var b atrest.Bucket
	var wrapped []byte
	err := s.queryRow(ctx, `SELECT id, level, period, wrapped FROM data_keys ORDER BY id LIMIT 1`).Scan(&id, &b.Level, &b.Period, &wrapped)
	if isNoRows(err) {
		_, err := s.sealKeys(ctx, []atrest.Bucket{atrest.BucketOf(0, s.now())})
		return err
	}
	if err != nil {
		return s.fail(err, "check the master key")
	}
	if _, err := s.unwrap(id, b, wrapped); err != nil {
		return fmt.Errorf("store: the master key does not open this database's data keys (another key file?): %w", err)
	}
	return nil
}

// HasDataKeys reports whether any data key exists: a database that has some must
// never be given a newly generated master key.
func (s *DB) HasDataKeys(ctx context.Context) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM data_keys LIMIT 1) k`).Scan(&n); err != nil {
		return false, s.fail(err, "look for data keys")
	}
	return n > 0, nil
}
