package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"govchat/internal/search"
)

// ExecRaw lets the external conformance tests tamper with the database beneath the
// Store (to prove the audit chain catches it, or to fake a newer schema). The query
// uses ? placeholders, rebound for the dialect. It exists only in test builds.
func ExecRaw(ctx context.Context, s Store, query string, args ...any) error {
	_, err := s.(*DB).exec(ctx, query, args...)
	return err
}

// SetClock replaces the store's clock, for tests of defaults taken from "now".
func SetClock(s Store, now func() time.Time) { s.(*DB).now = now }

// QueryRowRaw reads beneath the Store, for tests that check what it leaves behind
// (search terms of a recalled message). ? placeholders, rebound for the dialect.
func QueryRowRaw(ctx context.Context, s Store, query string, args ...any) *sql.Row {
	return s.(*DB).queryRow(ctx, query, args...)
}

// MigrationVersions lists the versions of the store's dialect's embedded migrations, in
// order, so tests need not be edited for each new migration.
func MigrationVersions(s Store) []int {
	ms, err := loadMigrations(s.(*DB).d.migrations)
	if err != nil {
		panic(err)
	}
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.version
	}
	return out
}

// QueryRaw reads rows beneath the Store. ? placeholders, rebound for the dialect.
func QueryRaw(ctx context.Context, s Store, query string, args ...any) (*sql.Rows, error) {
	return s.(*DB).query(ctx, query, args...)
}

// InsertPlainTerms writes the plaintext postings (message_terms) of the messages of a
// channel as a store before migration 0018 did, for tests of EncryptLegacy.
func InsertPlainTerms(ctx context.Context, s Store, channelID int64, seqs []int64) error {
	for _, seq := range seqs {
		m, err := s.GetMessage(ctx, channelID, seq)
		if err != nil {
			return err
		}
		for _, term := range search.IndexTerms(m.Text) {
			if _, err := s.(*DB).exec(ctx, `INSERT INTO message_terms (term, channel_id, seq) VALUES (?, ?, ?)`, term, channelID, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// Unindex removes a message from the search index (tokens), as a store before
// migration 0018 had none, for tests of EncryptLegacy.
func Unindex(ctx context.Context, s Store, channelID, seq int64) error {
	return s.(*DB).reindex(ctx, channelID, seq, nil)
}

// IndexedTokens counts the search tokens the index holds for message channelID/seq:
// its search_tokens on PostgreSQL; on SQLite its postings in message_search, read
// through an fts5vocab table on one connection (a temp table is per connection).
func IndexedTokens(ctx context.Context, s Store, channelID, seq int64) (int, error) {
	db := s.(*DB)
	var n int
	if db.d.searchColumn {
		err := db.queryRow(ctx, `SELECT coalesce((SELECT cardinality(search_tokens) FROM messages WHERE channel_id = ? AND seq = ?), 0)`,
			channelID, seq).Scan(&n)
		return n, err
	}
	id, err := docID(channelID, seq)
	if err != nil {
		return 0, err
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, message_search, instance)`); err != nil {
		return 0, err
	}
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM temp.search_vocab WHERE doc = ?`, id).Scan(&n)
	return n, err
}

// Unguard drops the audit trail's append-only guard, as an insider with the
// database's owner rights can, so tests can tamper with the trail beneath it.
func Unguard(ctx context.Context, s Store) error {
	db := s.(*DB)
	if db.d.name == "postgres" {
		_, err := db.exec(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
		if err == nil {
			_, err = db.exec(ctx, `ALTER TABLE audit_tlog DISABLE TRIGGER USER`)
		}
		return err
	}
	for _, t := range []string{"audit_events_no_update", "audit_events_no_delete", "audit_tlog_no_update", "audit_tlog_no_delete"} {
		if _, err := db.exec(ctx, `DROP TRIGGER `+t); err != nil {
			return err
		}
	}
	return nil
}

// PurgeAuditUnchecked runs the purge's deletion of everything up to id, cut at now, so
// a test can show the trigger's own 180-day floor refusing it.
func PurgeAuditUnchecked(ctx context.Context, s Store, id int64) (int, error) {
	n := 0
	err := s.(*DB).inTx(ctx, func(tx *DB) error {
		cut := toMillis(time.Now())
		if tx.d.name == "postgres" {
			if _, err := tx.exec(ctx, `SELECT set_config('govchat.audit_purge', 'on', true), set_config('govchat.audit_purge_before', ?, true)`,
				fmt.Sprint(cut)); err != nil {
				return err
			}
		} else if _, err := tx.exec(ctx, `UPDATE audit_log_state SET purge_before = ? WHERE id = 1`, cut); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM audit_events WHERE id <= ?`, id)
		if err != nil {
			return err
		}
		got, _ := res.RowsAffected()
		n = int(got)
		return nil
	})
	return n, err
}

// AppendAuditBatch chains and inserts es in one transaction, in multi-row INSERTs: the
// benchmarks' way to a million entries without a million commits. It is AppendAudit's
// chaining, batched; production appends one at a time.
func AppendAuditBatch(ctx context.Context, s Store, es []AuditEvent, hash AuditHash) error {
	return s.(*DB).inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockAudit); err != nil {
			return err
		}
		var prev []byte
		err := tx.queryRow(ctx, `SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&prev)
		if err != nil && !isNoRows(err) {
			return err
		}
		var next int64
		if err := tx.queryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM audit_events`).Scan(&next); err != nil {
			return err
		}
		const chunk = 500
		for lo := 0; lo < len(es); lo += chunk {
			part := es[lo:min(lo+chunk, len(es))]
			args := make([]any, 0, 13*len(part))
			for i := range part {
				e := &part[i]
				e.At = tx.stamp(e.At)
				if len(prev) == 0 {
					prev = nil
				}
				e.ID, e.PrevHash = next, prev
				e.Hash = hash(*e, prev)
				prev, next = e.Hash, next+1
				args = append(args, e.ID, toMillis(e.At), e.ActorID, e.ActorName, e.Action, e.TargetType, e.TargetID,
					e.Outcome, e.IP, e.RequestID, e.Detail, e.PrevHash, e.Hash)
			}
			q := `INSERT INTO audit_events (id, occurred_at, actor_id, actor_name, action, target_type, target_id, outcome, ip, request_id, detail, prev_hash, hash) `
			if tx.d.name == "postgres" {
				q += `OVERRIDING SYSTEM VALUE `
			}
			q += `VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ")
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		if tx.d.name == "postgres" {
			if _, err := tx.exec(ctx, `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), ?)`, next-1); err != nil {
				return err
			}
		}
		return nil
	})
}
