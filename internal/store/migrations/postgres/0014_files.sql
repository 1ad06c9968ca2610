-- govchat files, PostgreSQL dialect. Keep in step with ../sqlite/0014_files.sql.
-- The server holds ciphertext only (protocol/E2E.md): a blob is an upload of encrypted
-- bytes in 4 MiB parts, known by a random id. Names, types and real sizes are inside the
-- ciphertext; these tables know who uploaded how many bytes, and where a blob was sent.
CREATE TABLE blobs (
    id           TEXT    PRIMARY KEY CHECK (length(id) = 32),
    uploader_id  BIGINT  NOT NULL REFERENCES users (id),
    size         BIGINT  NOT NULL CHECK (size > 0),
    parts        INTEGER NOT NULL CHECK (parts > 0),
    sha256       TEXT    NOT NULL DEFAULT '',  -- of the whole ciphertext, set on completion
    created_at   BIGINT  NOT NULL,
    completed_at BIGINT  NOT NULL DEFAULT 0,
    attached_at  BIGINT  NOT NULL DEFAULT 0,   -- first sent in a message or notice; 0: never
    expires_at   BIGINT  NOT NULL              -- removed then when still unattached
);
CREATE INDEX blobs_by_uploader ON blobs (uploader_id);
CREATE INDEX blobs_unattached ON blobs (expires_at) WHERE attached_at = 0;

-- The parts the server holds, each checked against the SHA-256 its uploader sent.
CREATE TABLE blob_parts (
    blob_id TEXT    NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    part    INTEGER NOT NULL CHECK (part >= 0),
    size    BIGINT  NOT NULL,
    sha256  TEXT    NOT NULL,
    PRIMARY KEY (blob_id, part)
);

-- Where a blob was sent: a message (channel_id, seq) or a notice. A reader may fetch a
-- blob while a reference names a channel they are in or a notice they received.
-- Recalling a message deletes its references.
CREATE TABLE blob_refs (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    blob_id    TEXT    NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    channel_id BIGINT  NOT NULL DEFAULT 0,
    seq        BIGINT  NOT NULL DEFAULT 0,
    notice_id  BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    CHECK ((channel_id > 0 AND seq > 0 AND notice_id = 0) OR (channel_id = 0 AND seq = 0 AND notice_id > 0))
);
CREATE INDEX blob_refs_by_blob ON blob_refs (blob_id);
CREATE INDEX blob_refs_by_message ON blob_refs (channel_id, seq) WHERE channel_id > 0;
CREATE INDEX blob_refs_by_notice ON blob_refs (notice_id) WHERE notice_id > 0;
