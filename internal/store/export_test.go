package store

import (
	"context"
	"database/sql"
	"fmt"
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
