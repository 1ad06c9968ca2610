-- govchat legal holds and the retention sweeper's state, PostgreSQL dialect. Keep in step
-- with ../sqlite/0019_holds.sql. PROTOCOL.md §4.19 (holds) and §4.20 (retention).

-- A legal hold (法律保全): while it covers an item, retention does not delete it.
-- scope/target_id: a channel, a person (the messages they sent and the notices they
-- wrote) or one notice. from_at/to_at bound created_at (unix ms; 0: open). A hold covers
-- while active or release_requested, and once released until released_at plus the
-- item's retention (never purges at once). created_by and the other actors carry no
-- foreign key, like audit_events.actor_id: the record outlives accounts.
CREATE TABLE legal_holds (
    id                   BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope                TEXT    NOT NULL CHECK (scope IN ('channel', 'user', 'notice')),
    target_id            BIGINT  NOT NULL CHECK (target_id > 0),
    target_name          TEXT    NOT NULL DEFAULT '',
    from_at              BIGINT  NOT NULL DEFAULT 0,
    to_at                BIGINT  NOT NULL DEFAULT 0,
    reason               TEXT    NOT NULL,
    case_no              TEXT    NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'release_requested', 'released')),
    created_by           BIGINT  NOT NULL,
    created_at           BIGINT  NOT NULL,
    release_requested_by BIGINT  NOT NULL DEFAULT 0,
    release_requested_at BIGINT  NOT NULL DEFAULT 0,
    release_note         TEXT    NOT NULL DEFAULT '',
    released_by          BIGINT  NOT NULL DEFAULT 0,
    released_at          BIGINT  NOT NULL DEFAULT 0,
    countersign_note     TEXT    NOT NULL DEFAULT '',
    CHECK (to_at = 0 OR from_at <= to_at)
);
-- The sweeper's hold check probes by (scope, target_id) for each candidate row; a
-- released hold keeps covering until released_at + retention, so released ones are
-- indexed too.
CREATE INDEX legal_holds_target ON legal_holds (scope, target_id, released_at);
CREATE INDEX legal_holds_status ON legal_holds (status, id);

-- The retention sweeper's one row: which node sweeps (a lease, so two nodes never sweep
-- together) and the latest time a sweep ran at (high_water, unix ms), so a clock that
-- went backwards is noticed and the sweep refused.
CREATE TABLE retention_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0,
    high_water  BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO retention_state (id) VALUES (1);

-- When retention purged a notice's texts (title, body, change note, replies, revisions;
-- its ledger of who saw and confirmed what stays); 0: not purged.
ALTER TABLE notices ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
