-- govchat keys of end-to-end encrypted files, postgres dialect. Keep in step with
-- ../sqlite/0015_file_keys.sql. See protocol/E2E.md: the server stores public keys,
-- private keys wrapped by a key only the person's password yields, and file keys wrapped
-- to each recipient; it can unwrap none of them.

-- A person's key pair: the public key, and the private key wrapped (E2E.md §4).
CREATE TABLE user_keys (
    user_id         BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_id          TEXT    NOT NULL,
    public_key      TEXT    NOT NULL,
    wrapped_private TEXT    NOT NULL,
    kdf_salt        TEXT    NOT NULL,
    kdf_iterations  INTEGER NOT NULL CHECK (kdf_iterations >= 600000),
    created_at      BIGINT  NOT NULL,  -- when this public key was made
    updated_at      BIGINT  NOT NULL   -- when it was last re-wrapped
);

-- The organisation's escrow public key (security officer); the newest row is current.
CREATE TABLE escrow_keys (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id     TEXT   NOT NULL UNIQUE,
    public_key TEXT   NOT NULL,
    set_by     BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- A file key wrapped to one recipient (user_id; 0 for the escrow key) for one context
-- (channel:<id> or notice). Deleting these rows is what makes a blob unreadable for good.
CREATE TABLE file_keys (
    blob_id    TEXT   NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    context    TEXT   NOT NULL,
    user_id    BIGINT NOT NULL,
    key_id     TEXT   NOT NULL,
    wrapped    TEXT   NOT NULL,
    wrapped_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blob_id, context, user_id)
);
CREATE INDEX file_keys_by_user ON file_keys (user_id, blob_id);

-- The attachment a message carries (JSON of protocol.Attachment; '' for none), and a
-- notice's attachments (a JSON array; '' for none).
ALTER TABLE messages ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
