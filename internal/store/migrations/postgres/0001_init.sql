-- govchat schema, PostgreSQL dialect. Times are BIGINT unix milliseconds UTC (0 = unset)
-- so both dialects compare and hash them the same way. Keep in step with
-- ../sqlite/0001_init.sql.

CREATE TABLE users (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE CHECK (username = lower(username)),
    display_name         TEXT    NOT NULL DEFAULT '',
    title                TEXT    NOT NULL DEFAULT '',
    position             TEXT    NOT NULL DEFAULT '',
    role                 TEXT    NOT NULL CHECK (role IN ('staff', 'leader', 'security', 'auditor', 'admin')),
    phone                TEXT    NOT NULL DEFAULT '',
    email                TEXT    NOT NULL DEFAULT '',
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash        TEXT    NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at  BIGINT  NOT NULL DEFAULT 0,
    totp_secret          TEXT    NOT NULL DEFAULT '',
    totp_enabled         BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step       BIGINT  NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         BIGINT  NOT NULL DEFAULT 0,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);

CREATE TABLE sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   BYTEA   NOT NULL UNIQUE,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    ip           TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT '',
    totp_pending BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- parent_id is NULL at the top so the foreign key holds; the unique index folds NULL
-- to 0 because NULLs are distinct in a plain UNIQUE and two top-level departments
-- with one name would otherwise both be accepted.
CREATE TABLE departments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  BIGINT  REFERENCES departments (id) ON DELETE RESTRICT,
    name       TEXT    NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX departments_sibling_name ON departments ((coalesce(parent_id, 0)), name);
CREATE INDEX departments_parent_id ON departments (parent_id);

CREATE TABLE party_orgs (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  BIGINT  REFERENCES party_orgs (id) ON DELETE RESTRICT,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('branch', 'group')),
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX party_orgs_sibling_name ON party_orgs ((coalesce(parent_id, 0)), name);
CREATE INDEX party_orgs_parent_id ON party_orgs (parent_id);

CREATE TABLE user_departments (
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    department_id BIGINT  NOT NULL REFERENCES departments (id) ON DELETE RESTRICT,
    is_primary    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX user_departments_department_id ON user_departments (department_id);
-- At most one primary department per user, enforced by the database as well.
CREATE UNIQUE INDEX user_departments_one_primary ON user_departments (user_id) WHERE is_primary;

CREATE TABLE party_members (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    party_org_id BIGINT NOT NULL REFERENCES party_orgs (id) ON DELETE RESTRICT,
    party_role   TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX party_members_party_org_id ON party_members (party_org_id);

-- actor_id carries no foreign key: the trail must outlive the accounts it names.
CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    actor_id    BIGINT NOT NULL DEFAULT 0,
    actor_name  TEXT   NOT NULL DEFAULT '',
    action      TEXT   NOT NULL,
    target_type TEXT   NOT NULL DEFAULT '',
    target_id   TEXT   NOT NULL DEFAULT '',
    outcome     TEXT   NOT NULL DEFAULT '',
    ip          TEXT   NOT NULL DEFAULT '',
    request_id  TEXT   NOT NULL DEFAULT '',
    detail      TEXT   NOT NULL DEFAULT '',
    prev_hash   BYTEA,
    hash        BYTEA  NOT NULL
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
