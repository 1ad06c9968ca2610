-- govchat retention basis, sqlite dialect. Keep in step with ../postgres/0016_retention_basis.sql.
-- retain_from is the moment a message's retention counts from (unix ms): when it was
-- sent, or for a forward when the oldest message it copies was first sent — so a copy
-- never outlives its original. Retention sweeps and the at-rest key buckets (level,
-- month of retain_from) both read it. Rows from before this migration count from
-- created_at.
ALTER TABLE messages ADD COLUMN retain_from BIGINT NOT NULL DEFAULT 0;
UPDATE messages SET retain_from = created_at;
CREATE INDEX messages_retention ON messages (secrecy, retain_from);
CREATE INDEX notices_retention ON notices (secrecy, created_at);
