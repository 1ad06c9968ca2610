-- govchat login without the password and key recovery (issue 12), sqlite dialect. Keep in
-- step with ../postgres/0022_key_recovery.sql. See protocol/E2E.md §4.4–§4.6 and
-- PROTOCOL.md §4.23. The server keeps argon2id of an authentication hash (in
-- users.password_hash, prefixed $gcauth1$ with the PBKDF2 salt and iterations), public
-- keys, and private keys wrapped or sealed to keys it does not have.

-- key_locked: an administrator reset the password after the key pair was wrapped, so
-- the wrap is under a password the person no longer has (Me.key_state "locked").
ALTER TABLE users ADD COLUMN key_locked INTEGER NOT NULL DEFAULT 0;

-- The private key wrapped (HPKE) to the organisation's account-recovery key; '' none.
ALTER TABLE user_keys ADD COLUMN recovery_wrap TEXT NOT NULL DEFAULT '';
ALTER TABLE user_keys ADD COLUMN recovery_key_id TEXT NOT NULL DEFAULT '';

-- The organisation's account-recovery public key (security officer); the newest row is
-- current. Its private key never reaches the server.
CREATE TABLE recovery_keys (
    id               INTEGER PRIMARY KEY,
    key_id           TEXT   NOT NULL UNIQUE,
    public_key       TEXT   NOT NULL,
    set_by           BIGINT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL
);

-- A request to recover a key pair after a reset. sealed: the private key sealed to the
-- request's one-time key (ephemeral_public), '' until answered and again once done or
-- expired. Times are unix milliseconds; 0 is unset.
CREATE TABLE key_recoveries (
    id               INTEGER PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method           TEXT   NOT NULL CHECK (method IN ('device', 'officer')),
    state            TEXT   NOT NULL,
    key_id           TEXT   NOT NULL,
    ephemeral_public TEXT   NOT NULL,
    session_id       BIGINT NOT NULL,
    ip               TEXT   NOT NULL DEFAULT '',
    user_agent       TEXT   NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    sealed           TEXT   NOT NULL DEFAULT '',
    answered_by      BIGINT NOT NULL DEFAULT 0,
    answered_at      BIGINT NOT NULL DEFAULT 0,
    note             TEXT   NOT NULL DEFAULT '',
    updated_at       BIGINT NOT NULL
);
CREATE INDEX key_recoveries_by_user ON key_recoveries (user_id, state);
CREATE INDEX key_recoveries_by_state ON key_recoveries (method, state, id);
