-- govchat forwards (转发), PostgreSQL dialect. Keep in step with ../sqlite/0010_forward.sql.
-- A forwarded message or merged record (合并转发) carries where it came from: the
-- original channel, and each original message's sender, seq, text, secrecy and time,
-- as one JSON document ('' for a message that is not a forward). Recalling the
-- forward clears it with the text.
ALTER TABLE messages ADD COLUMN forward TEXT NOT NULL DEFAULT '';
