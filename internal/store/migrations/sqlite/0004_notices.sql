-- govchat notices, SQLite dialect. Keep in step with ../postgres/0004_notices.sql.
-- Notices (通知): one row per notice with its current revision, every revision's text,
-- the channels it is pinned in, and one row per recipient with their receipt. Times
-- are milliseconds since the epoch, 0 for unset, like the rest of the schema.

CREATE TABLE notices (
    id               INTEGER PRIMARY KEY,
    author_id        BIGINT  NOT NULL REFERENCES users (id),
    revision         INTEGER NOT NULL DEFAULT 1,
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    change_note      TEXT    NOT NULL DEFAULT '',
    priority         TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent')),
    secrecy          INTEGER NOT NULL DEFAULT 0,
    deadline         BIGINT  NOT NULL DEFAULT 0,
    needs_confirm    INTEGER NOT NULL DEFAULT 1,
    status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    withdrawn_at     BIGINT  NOT NULL DEFAULT 0,
    withdraw_reason  TEXT    NOT NULL DEFAULT '',
    audience         TEXT    NOT NULL DEFAULT '{}',
    recipients       INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    revised_at       BIGINT  NOT NULL DEFAULT 0,
    reminded_at      BIGINT  NOT NULL DEFAULT 0,
    auto_reminders   INTEGER NOT NULL DEFAULT 0,
    escalated_at     BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX notices_author ON notices (author_id, id);
-- The scheduler's work list: active, to be confirmed, with a deadline, not escalated.
CREATE INDEX notices_due ON notices (deadline) WHERE status = 'active' AND needs_confirm AND deadline > 0 AND escalated_at = 0;

CREATE TABLE notice_revisions (
    notice_id   BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    change_note TEXT    NOT NULL DEFAULT '',
    author_id   BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (notice_id, revision)
);

CREATE TABLE notice_channels (
    notice_id  BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    PRIMARY KEY (notice_id, channel_id)
);
CREATE INDEX notice_channels_channel ON notice_channels (channel_id, notice_id);

CREATE TABLE notice_recipients (
    notice_id          BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    user_id            BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    department_id      BIGINT  NOT NULL DEFAULT 0,
    delivered_at       BIGINT  NOT NULL,
    seen_at            BIGINT  NOT NULL DEFAULT 0,
    seen_revision      INTEGER NOT NULL DEFAULT 0,
    confirmed_at       BIGINT  NOT NULL DEFAULT 0,
    confirmed_revision INTEGER NOT NULL DEFAULT 0,
    reply              TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (notice_id, user_id)
);
CREATE INDEX notice_recipients_user ON notice_recipients (user_id, notice_id);

CREATE TABLE notice_escalations (
    notice_id  BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    head_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_ids   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (notice_id, head_id)
);
CREATE INDEX notice_escalations_head ON notice_escalations (head_id, notice_id);
