-- govchat to-dos (待办), PostgreSQL dialect. Keep in step with ../sqlite/0021_todos.sql.
-- A message someone made a to-do for themselves or a colleague (设为待办): who gave it,
-- who must do it, by when, a short note, and when and by whom it was done. Times are
-- unix milliseconds; 0 is unset (no due time, not done, not cancelled). The message's
-- text is never copied here: the list reads it through the message, so a to-do shows no
-- more than its assignee may read, and goes with the message when retention removes it.
CREATE TABLE todos (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id   BIGINT  NOT NULL,
    seq          BIGINT  NOT NULL,
    assigner_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assignee_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    due_at       BIGINT  NOT NULL DEFAULT 0,
    note         TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_at   BIGINT  NOT NULL,
    done_at      BIGINT  NOT NULL DEFAULT 0,
    done_by      BIGINT  NOT NULL DEFAULT 0,
    cancelled_at BIGINT  NOT NULL DEFAULT 0,
    -- remind_at: when the one reminder is due (before the due time, or at it); 0: none.
    -- reminded_at: when it went out (within the assignee's working time).
    remind_at    BIGINT  NOT NULL DEFAULT 0,
    reminded_at  BIGINT  NOT NULL DEFAULT 0,
    FOREIGN KEY (channel_id, seq) REFERENCES messages (channel_id, seq) ON DELETE CASCADE
);
-- My open to-dos by due: the 待办 list reads only this index's rows.
CREATE INDEX todos_assignee_open ON todos (assignee_id, due_at) WHERE done_at = 0 AND cancelled_at = 0;
-- What I assigned, newest first.
CREATE INDEX todos_assigner ON todos (assigner_id, created_at) WHERE cancelled_at = 0;
-- One open to-do per message and person: a second 设为待办 is a conflict, not a copy.
CREATE UNIQUE INDEX todos_open_once ON todos (channel_id, seq, assignee_id) WHERE done_at = 0 AND cancelled_at = 0;
-- The scheduler's work list: reminders due and not yet sent.
CREATE INDEX todos_remind ON todos (remind_at) WHERE remind_at > 0 AND reminded_at = 0 AND done_at = 0 AND cancelled_at = 0;

-- Every step of a to-do, oldest first: its own record beside the audit trail. actor_id
-- 0 is the server (a reminder).
CREATE TABLE todo_events (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    todo_id  BIGINT  NOT NULL REFERENCES todos (id) ON DELETE CASCADE,
    at       BIGINT  NOT NULL,
    actor_id BIGINT  NOT NULL DEFAULT 0,
    event    TEXT    NOT NULL CHECK (event IN ('assigned', 'done', 'reopened', 'cancelled', 'reminder'))
);
CREATE INDEX todo_events_todo ON todo_events (todo_id, id);

-- Quiet hours hold to-do alerts for the digest too: a new kind of deferred alert.
ALTER TABLE deferred_alerts DROP CONSTRAINT deferred_alerts_kind_check;
ALTER TABLE deferred_alerts ADD CONSTRAINT deferred_alerts_kind_check CHECK (kind IN ('notice', 'mention', 'message', 'todo'));
