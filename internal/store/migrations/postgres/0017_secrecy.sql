-- govchat secrecy levels, postgres dialect. Keep in step with ../sqlite/0017_secrecy.sql.
-- The ladder's four rungs (公开 / 内部 / 敏感 / 秘密) as the security officer set them:
-- a name, a colour and the rules each level decides. No row: the built-in default for
-- that level (protocol.DefaultSecrecyLevels); an officer's change writes all four.
CREATE TABLE secrecy_levels (
    level          INTEGER PRIMARY KEY CHECK (level BETWEEN 0 AND 3),
    name           TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    color          TEXT    NOT NULL,
    retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    push_text      BOOLEAN NOT NULL,
    allow_forward  BOOLEAN NOT NULL,
    allow_download BOOLEAN NOT NULL,
    allow_copy     BOOLEAN NOT NULL,
    watermark      BOOLEAN NOT NULL,
    allow_store    BOOLEAN NOT NULL,
    updated_at     BIGINT  NOT NULL,
    updated_by     BIGINT  NOT NULL
);
-- A channel's usual level (the composer's default), at most its ceiling max_secrecy;
-- both are the security officer's to set.
ALTER TABLE channels ADD COLUMN default_secrecy INTEGER NOT NULL DEFAULT 0;
