-- govchat collections, PostgreSQL dialect. Keep in step with ../sqlite/0020_collections.sql.
-- Collections (收集, 接龙, a unit's return): an author asks an audience, resolved to people
-- at publication as a notice's is, for a sign-up line each or a form's answers, once per
-- person or once per department. Times are milliseconds since the epoch, 0 for unset.
--
-- A unit is who answers: (unit_dept 0, unit_user = the person) when per person, or
-- (unit_dept = the department, unit_user 0) when per department — a recipient without
-- a department then answers for themself, as (0, their id).

CREATE TABLE collections (
    id             BIGSERIAL PRIMARY KEY,
    author_id      BIGINT  NOT NULL REFERENCES users (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('signup', 'form')),
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    fields         TEXT    NOT NULL DEFAULT '[]',  -- protocol.CollectionField list, JSON
    per            TEXT    NOT NULL CHECK (per IN ('person', 'department')),
    secrecy        INTEGER NOT NULL DEFAULT 0,
    audience       TEXT    NOT NULL DEFAULT '{}',  -- as the author gave it, for the record
    deadline       BIGINT  NOT NULL DEFAULT 0,
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at     BIGINT  NOT NULL,
    closed_at      BIGINT  NOT NULL DEFAULT 0,
    recipients     INTEGER NOT NULL DEFAULT 0,     -- people
    units          INTEGER NOT NULL DEFAULT 0,     -- answers expected
    next_number    INTEGER NOT NULL DEFAULT 0,     -- the last number a first answer took (接龙 order)
    reminded_at    BIGINT  NOT NULL DEFAULT 0,
    auto_reminders INTEGER NOT NULL DEFAULT 0,
    escalated_at   BIGINT  NOT NULL DEFAULT 0
);
-- The author's list.
CREATE INDEX collections_author ON collections (author_id, id);
-- The scheduler's work list: open, with a deadline, not escalated.
CREATE INDEX collections_due ON collections (deadline) WHERE status = 'open' AND deadline > 0 AND escalated_at = 0;

CREATE TABLE collection_recipients (
    collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL DEFAULT 0,  -- primary department at publication
    unit_dept     BIGINT NOT NULL,
    unit_user     BIGINT NOT NULL,
    delivered_at  BIGINT NOT NULL,
    PRIMARY KEY (collection_id, user_id)
);
-- "My open items" and my received list: a person's collections, then their unit's answer.
CREATE INDEX collection_recipients_user ON collection_recipients (user_id, collection_id);
-- A unit's recipients (who is told of a return, who may write a department's answer).
CREATE INDEX collection_recipients_unit ON collection_recipients (collection_id, unit_dept, unit_user);

-- One answer per unit, replaced in place; every write is also a row of collection_events.
CREATE TABLE collection_submissions (
    collection_id BIGINT  NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    unit_dept     BIGINT  NOT NULL,
    unit_user     BIGINT  NOT NULL,
    user_id       BIGINT  NOT NULL REFERENCES users (id),  -- the last writer
    department_id BIGINT  NOT NULL DEFAULT 0,
    answer        TEXT    NOT NULL,                         -- values, JSON
    state         TEXT    NOT NULL CHECK (state IN ('submitted', 'returned')),
    return_note   TEXT    NOT NULL DEFAULT '',
    line_no       INTEGER NOT NULL,                        -- order of first submission, from 1
    revision      INTEGER NOT NULL DEFAULT 1,
    submitted_at  BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    returned_at   BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (collection_id, unit_dept, unit_user)
);
-- The counts (submitted, returned) of the live status table and of the lists.
CREATE INDEX collection_submissions_state ON collection_submissions (collection_id, state);

-- The trace: every step, oldest first.
CREATE TABLE collection_events (
    id            BIGSERIAL PRIMARY KEY,
    collection_id BIGINT  NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    action        TEXT    NOT NULL,
    actor_id      BIGINT  NOT NULL DEFAULT 0,  -- 0: the server
    unit_dept     BIGINT  NOT NULL DEFAULT 0,
    unit_user     BIGINT  NOT NULL DEFAULT 0,
    user_id       BIGINT  NOT NULL DEFAULT 0,
    department_id BIGINT  NOT NULL DEFAULT 0,
    revision      INTEGER NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT '',
    people        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX collection_events_collection ON collection_events (collection_id, id);

-- A department head told at the deadline which of their people have not answered.
CREATE TABLE collection_escalations (
    collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    head_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_ids      TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (collection_id, head_id)
);
CREATE INDEX collection_escalations_head ON collection_escalations (head_id, collection_id);

-- The blobs an answer's file fields name. The read check (readableBlob) lets the
-- collection's author and the unit's recipients read them; the uploader always may.
CREATE TABLE collection_blob_refs (
    collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    unit_dept     BIGINT NOT NULL,
    unit_user     BIGINT NOT NULL,
    blob_id       TEXT   NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (collection_id, unit_dept, unit_user, blob_id)
);
CREATE INDEX collection_blob_refs_blob ON collection_blob_refs (blob_id);
