-- govchat alerts, SQLite dialect. Keep in step with ../postgres/0007_alerts.sql.
-- Alerts held back by quiet hours, for one digest when the person's working time
-- starts, and the urgent notices that broke through quiet hours (capped per sender per
-- week). Times are unix milliseconds.

CREATE TABLE deferred_alerts (
    user_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('notice', 'mention', 'message')),
    count    INTEGER NOT NULL,
    first_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE breakthroughs (
    sender_id BIGINT NOT NULL,
    notice_id BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (sender_id, notice_id)
);
CREATE INDEX breakthroughs_sender_at ON breakthroughs (sender_id, at);
