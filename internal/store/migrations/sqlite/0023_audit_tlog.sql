-- govchat tamper-evident trail, SQLite dialect. Keep in step with ../postgres/0023_audit_tlog.sql.
-- A transparency log (golang.org/x/mod/sumdb/tlog) over audit_events: leaf i is the i-th
-- entry in id order (docs/audit.md: the leaf encoding). The checkpointer (internal/audit)
-- hashes new entries in batches, outside the appends, and signs checkpoints.

-- Every stored hash of the tree, by tlog's storage index (tlog.StoredHashIndex).
CREATE TABLE audit_tlog (
    sidx INTEGER PRIMARY KEY,
    hash BLOB    NOT NULL
);
-- Which entry each leaf is. The rows of purged leaves stay, as do their hashes.
CREATE TABLE audit_leaves (
    leaf     INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL UNIQUE
);
-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE audit_checkpoints (
    size       INTEGER PRIMARY KEY,
    created_at BIGINT  NOT NULL,
    body       TEXT    NOT NULL
);
-- The log's one row (see the PostgreSQL dialect). purge_before is the purge's cut while
-- a purge transaction runs, 0 otherwise: SQLite has no session settings, so the trigger
-- below reads it here.
CREATE TABLE audit_log_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    leaves        BIGINT  NOT NULL DEFAULT 0,
    last_event_id BIGINT  NOT NULL DEFAULT 0,
    purged_leaves BIGINT  NOT NULL DEFAULT 0,
    purge_before  BIGINT  NOT NULL DEFAULT 0,
    lease_owner   TEXT    NOT NULL DEFAULT '',
    lease_until   BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO audit_log_state (id) VALUES (1);

-- The trail is append-only: UPDATE is refused, and DELETE too except the retention
-- job's removal of entries older than its cut and older than 180 days by SQLite's clock.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'govchat: UPDATE on audit_events refused: the audit trail is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT (OLD.occurred_at < (SELECT purge_before FROM audit_log_state WHERE id = 1)
      AND OLD.occurred_at < (CAST(strftime('%s', 'now') AS INTEGER) - 180 * 86400) * 1000)
BEGIN
    SELECT RAISE(ABORT, 'govchat: DELETE on audit_events refused: the audit trail is append-only');
END;
CREATE TRIGGER audit_tlog_no_update BEFORE UPDATE ON audit_tlog
BEGIN SELECT RAISE(ABORT, 'govchat: UPDATE on audit_tlog refused: the audit log is append-only'); END;
CREATE TRIGGER audit_tlog_no_delete BEFORE DELETE ON audit_tlog
BEGIN SELECT RAISE(ABORT, 'govchat: DELETE on audit_tlog refused: the audit log is append-only'); END;
CREATE TRIGGER audit_leaves_no_update BEFORE UPDATE ON audit_leaves
BEGIN SELECT RAISE(ABORT, 'govchat: UPDATE on audit_leaves refused: the audit log is append-only'); END;
CREATE TRIGGER audit_leaves_no_delete BEFORE DELETE ON audit_leaves
BEGIN SELECT RAISE(ABORT, 'govchat: DELETE on audit_leaves refused: the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'govchat: UPDATE on audit_checkpoints refused: the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'govchat: DELETE on audit_checkpoints refused: the audit log is append-only'); END;
