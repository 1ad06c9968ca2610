-- govchat encryption at rest, postgres dialect. Keep in step with ../sqlite/0018_atrest.sql.
-- docs/at-rest.md is the construction.
--
-- data_keys: one random data key per bucket (secrecy level, and the UTC period of a
-- message's retain_from or a notice's created_at: YYYYMMDD, a day, at levels 2 and up;
-- YYYYMM, a month, below — atrest.BucketOf), stored only wrapped by the master
-- key from the server's key file (60 bytes: nonce, key, tag; the bucket is in the
-- wrap's AAD). Deleting a row destroys the bucket: every ciphertext and search token
-- made under it, wherever a copy survives, is then meaningless.
CREATE TABLE data_keys (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level      INTEGER NOT NULL,
    period     INTEGER NOT NULL CHECK (period BETWEEN 190001 AND 99991231),
    wrapped    BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL,
    UNIQUE (level, period)
);

-- text_key / reply_key name the data key a row's text is sealed under; NULL marks a
-- row written before this migration, still plaintext until the startup job
-- (store.EncryptLegacy) seals it. No foreign key: a check per appended message and a
-- shared lock on one hot key row would cost the group commit, and keys are only ever
-- destroyed once no row of their bucket is left (store.ShredDataKeys).
ALTER TABLE messages ADD COLUMN text_key BIGINT;
ALTER TABLE notices ADD COLUMN text_key BIGINT;
ALTER TABLE notice_revisions ADD COLUMN text_key BIGINT;
ALTER TABLE notice_recipients ADD COLUMN reply_key BIGINT;

-- The search postings as keyed hashes: token is the first 8 bytes of
-- HMAC-SHA256(bucket's search subkey, lookup key), read as a big-endian signed
-- integer. message_terms keeps only the plaintext postings of rows not yet sealed by
-- the startup job, which empties it.
CREATE TABLE message_tokens (
    token      BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (token, channel_id, seq)
);

-- What the startup job has still to do is found by these (partial: they hold only
-- the rows not yet sealed, so they cost new rows nothing).
CREATE INDEX messages_plaintext ON messages (channel_id, seq) WHERE text_key IS NULL;
CREATE INDEX notices_plaintext ON notices (id) WHERE text_key IS NULL;
