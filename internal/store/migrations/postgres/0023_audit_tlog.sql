-- govchat tamper-evident trail, PostgreSQL dialect. Keep in step with ../sqlite/0023_audit_tlog.sql.
-- A transparency log (golang.org/x/mod/sumdb/tlog) over audit_events: leaf i is the i-th
-- entry in id order (docs/audit.md: the leaf encoding). The checkpointer (internal/audit)
-- hashes new entries in batches, outside the appends, and signs checkpoints.

-- Every stored hash of the tree, by tlog's storage index (tlog.StoredHashIndex).
CREATE TABLE audit_tlog (
    sidx BIGINT PRIMARY KEY,
    hash BYTEA  NOT NULL
);
-- Which entry each leaf is. The rows of purged leaves stay, as do their hashes, so every
-- checkpoint stays verifiable after the retention job removed the oldest entries.
CREATE TABLE audit_leaves (
    leaf     BIGINT PRIMARY KEY,
    event_id BIGINT NOT NULL UNIQUE
);
-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    body       TEXT   NOT NULL
);
-- The log's one row: how many leaves are hashed and the last entry hashed; how many of
-- the oldest leaves' entries retention purged; the purge's cut while a purge runs (0
-- otherwise; SQLite's trigger reads it); the checkpointer's lease, so one node of a
-- cluster hashes and signs.
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

-- The trail is append-only: UPDATE, DELETE and TRUNCATE are refused, except the
-- retention job's DELETE of entries older than its cut, which must be at least 180
-- days old by the database's own clock (the Cybersecurity Law's six months), and only in
-- a transaction that said SET LOCAL govchat.audit_purge = 'on' and set its cut in
-- govchat.audit_purge_before (unix ms).
CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        AND current_setting('govchat.audit_purge', true) = 'on'
        AND OLD.occurred_at < coalesce(nullif(current_setting('govchat.audit_purge_before', true), '')::bigint, 0)
        AND OLD.occurred_at < (extract(epoch FROM now()) * 1000)::bigint - 180::bigint * 86400000
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'govchat: % on % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();

-- The log's hashes, leaves and checkpoints are never changed or removed.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'govchat: % on % refused: the audit log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_tlog_append_only BEFORE UPDATE OR DELETE ON audit_tlog
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_leaves_append_only BEFORE UPDATE OR DELETE ON audit_leaves
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_tlog
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_leaves_no_truncate BEFORE TRUNCATE ON audit_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
