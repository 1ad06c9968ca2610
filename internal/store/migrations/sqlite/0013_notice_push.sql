-- govchat notice push outcomes, SQLite dialect. Keep in step with ../postgres/0013_notice_push.sql.
-- What the alert dispatcher did for each recipient when a notice was published:
-- '' (not decided yet), pushed, breakthrough, held, held_cap, connected, no_device or
-- failed (PROTOCOL.md §4.13). The author's tally shows it per person.

ALTER TABLE notice_recipients ADD COLUMN push TEXT NOT NULL DEFAULT '';

-- The author's list counts confirmations of the current revision per notice ("3/5 已确认")
-- from this index alone.
CREATE INDEX notice_recipients_confirmed ON notice_recipients (notice_id, confirmed_revision);
