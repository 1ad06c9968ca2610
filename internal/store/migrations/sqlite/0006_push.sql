-- govchat Web Push, SQLite dialect. Keep in step with ../postgres/0006_push.sql.
-- A person's push subscriptions (one per browser or installed app) and the queue of
-- pushes waiting to go to them. Times are milliseconds since the epoch, 0 for unset.

-- endpoint is unique: a browser that subscribes again, perhaps for another person
-- after a logout and login, keeps one row that moves to whoever subscribed last.
CREATE TABLE push_subscriptions (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint     TEXT    NOT NULL UNIQUE,
    p256dh       TEXT    NOT NULL,
    auth         TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- One row per push to one subscription. payload is the plaintext JSON the service
-- worker receives (already stripped of anything above the internal level); it is
-- encrypted for the subscription at send time and the row is deleted once the push
-- is delivered, dropped or its subscription gone. attempts counts tries started and
-- doubles as the claim's fencing token; next_at is when the job is next due, and
-- while a worker holds it, the end of that worker's lease.
CREATE TABLE push_jobs (
    id              INTEGER PRIMARY KEY,
    subscription_id BIGINT  NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    payload         TEXT    NOT NULL,
    ttl_seconds     INTEGER NOT NULL,
    urgency         TEXT    NOT NULL DEFAULT 'normal' CHECK (urgency IN ('very-low', 'low', 'normal', 'high')),
    topic           TEXT    NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX push_jobs_due ON push_jobs (next_at);
CREATE INDEX push_jobs_subscription ON push_jobs (subscription_id);
