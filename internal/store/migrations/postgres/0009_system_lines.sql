-- govchat system lines and group names, PostgreSQL dialect. Keep in step with
-- ../sqlite/0009_system_lines.sql.

-- A system line is a message the server writes into a group's sequence (created,
-- renamed, people invited, left, removed): kind 'system', sender_id 0, text '', and
-- system holding what happened as JSON ({"event", "actor_id", "user_ids", "name"})
-- for clients to word. kind '' is a person's message.
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'system'));
ALTER TABLE messages ADD COLUMN system TEXT NOT NULL DEFAULT '';

-- auto_name: the group was created without a typed name and is named from its members
-- (张静、李华、王建国…); the server renames it as people join and leave until an
-- administrator gives it a name.
ALTER TABLE channels ADD COLUMN auto_name BOOLEAN NOT NULL DEFAULT FALSE;
