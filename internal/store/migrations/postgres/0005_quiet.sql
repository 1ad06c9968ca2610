-- govchat quiet hours, PostgreSQL dialect. Keep in step with ../sqlite/0005_quiet.sql.
-- The organisation's weekly schedule lives in meta (key quiet.org_schedule, JSON).
-- Times are unix milliseconds.

-- Calendar years uploaded by an administrator; each replaces the embedded file of its
-- year. body is the calendar file as validated (internal/quiet/calendar/README.md).
CREATE TABLE quiet_calendar_years (
    year       INTEGER NOT NULL PRIMARY KEY,
    body       TEXT    NOT NULL,
    updated_by BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- A person's own settings: schedule is '' for the organisation's, else the weekly
-- schedule as JSON; leave_ranges is a JSON array of {from, to, note}.
CREATE TABLE quiet_personal (
    user_id        BIGINT  NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    schedule       TEXT    NOT NULL DEFAULT '',
    leave_ranges   TEXT    NOT NULL DEFAULT '[]',
    push_when_idle BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     BIGINT  NOT NULL
);

-- The duty roster (值班): [start_at, end_at).
CREATE TABLE duty_slots (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_at   BIGINT  NOT NULL,
    end_at     BIGINT  NOT NULL CHECK (end_at > start_at),
    note       TEXT    NOT NULL DEFAULT '',
    created_by BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX duty_slots_end_at ON duty_slots (end_at);

-- A person's notification level in a channel; no row means 'all'.
CREATE TABLE channel_notify (
    channel_id BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level      TEXT    NOT NULL CHECK (level IN ('mentions', 'none')),
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_notify_user_id ON channel_notify (user_id);
