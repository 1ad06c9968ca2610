-- govchat audit console (issue 14), PostgreSQL dialect. Keep in step with ../sqlite/0025_audit_console.sql.
-- Facts the console filters the trail on, written beside each entry when it is appended
-- (store.AppendAudit) so that paging through a million entries by any of them is an
-- index range, never a scan of details:
--   actor_role  the actor's role then ('' for the system and the server console);
--   actor_dept  the actor's primary department then (0: none);
--   subject_id  the person the entry is about: a 'user' target, or the detail's user_id (0: none);
--   level       the secrecy level of the item it is about: the detail's "secrecy" (NULL: none).
-- level and subject_id are re-derived from hashed fields (target, detail); actor_role and
-- actor_dept are a snapshot of the account (PROTOCOL.md §6 says which the hash covers).
-- Entries appended before this migration have none: the trail is append-only (the
-- PostgreSQL trigger refuses UPDATE), so they are not back-filled.
ALTER TABLE audit_events ADD COLUMN actor_role TEXT    NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN actor_dept BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN subject_id BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN level      INTEGER;
-- One person's timeline is the union of audit_events_actor_id and this.
CREATE INDEX audit_events_subject ON audit_events (subject_id, id) WHERE subject_id > 0;
-- A file's (a notice's, a channel's …) history.
CREATE INDEX audit_events_target ON audit_events (target_type, target_id, id);
CREATE INDEX audit_events_dept ON audit_events (actor_dept, id) WHERE actor_dept > 0;
CREATE INDEX audit_events_level ON audit_events (level, id) WHERE level IS NOT NULL;
CREATE INDEX audit_events_outcome ON audit_events (outcome, id) WHERE outcome <> 'ok';
-- Failed logins from one address (the login_failures alert).
CREATE INDEX audit_events_failed_ip ON audit_events (ip, id) WHERE action = 'auth.login_failed';

-- Alerts the console raised from the trail (internal/secalert). event_ids is a JSON array
-- of the first few entries that raised it; last_event_id the newest one counted, so an
-- entry raises at most one alert of a kind.
CREATE TABLE security_alerts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT    NOT NULL,
    raised_at     BIGINT  NOT NULL,
    actor_id      BIGINT  NOT NULL DEFAULT 0,
    actor_name    TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    count         INTEGER NOT NULL CHECK (count > 0),
    window_secs   BIGINT  NOT NULL DEFAULT 0,
    level         INTEGER,
    event_ids     TEXT    NOT NULL DEFAULT '[]',
    last_event_id BIGINT  NOT NULL DEFAULT 0,
    acked_by      BIGINT  NOT NULL DEFAULT 0,
    acked_at      BIGINT  NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX security_alerts_open ON security_alerts (id) WHERE acked_at = 0;
CREATE INDEX security_alerts_acked ON security_alerts (id) WHERE acked_at > 0;
CREATE INDEX security_alerts_by_key ON security_alerts (kind, actor_id, ip, last_event_id);

-- The alert job's cursor (the last entry it read) and its lease: one node scans at a time.
CREATE TABLE security_alert_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cursor      BIGINT  NOT NULL DEFAULT 0,
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO security_alert_state (id, cursor) SELECT 1, COALESCE(MAX(id), 0) FROM audit_events;
