-- govchat chat schema, SQLite dialect: channels, memberships with read positions,
-- messages and their search terms. Times are INTEGER unix milliseconds UTC (0 = unset),
-- booleans INTEGER 0/1. Keep in step with ../postgres/0002_chat.sql.

-- department_id, party_org_id and created_by carry no foreign key: a channel (and its
-- history) outlives the department, party organisation or account it came from; 0
-- means none. direct_key is NULL except for direct channels, where it is
-- "minUserID:maxUserID" and unique, so two people have one direct channel.
-- last_seq is the channel's sequence counter: appends take the next value with
-- UPDATE … RETURNING in the same transaction as the message insert, so it is gap-free.
CREATE TABLE channels (
    id                      INTEGER PRIMARY KEY,
    kind                    TEXT    NOT NULL CHECK (kind IN ('department', 'party', 'group', 'direct')),
    name                    TEXT    NOT NULL DEFAULT '',
    topic                   TEXT    NOT NULL DEFAULT '',
    department_id           INTEGER NOT NULL DEFAULT 0,
    include_sub_departments INTEGER NOT NULL DEFAULT 0,
    party_org_id            INTEGER NOT NULL DEFAULT 0,
    direct_key              TEXT    CHECK (direct_key <> ''),
    post_policy             TEXT    NOT NULL DEFAULT 'everyone' CHECK (post_policy IN ('everyone', 'admins')),
    mention_all             TEXT    NOT NULL DEFAULT 'everyone' CHECK (mention_all IN ('everyone', 'admins')),
    max_secrecy             INTEGER NOT NULL DEFAULT 0,
    created_by              INTEGER NOT NULL DEFAULT 0,
    created_at              INTEGER NOT NULL,
    archived                INTEGER NOT NULL DEFAULT 0,
    last_seq                INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    epoch                   INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);
CREATE UNIQUE INDEX channels_direct_key ON channels (direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX channels_kind ON channels (kind, id);

-- WITHOUT ROWID keeps rows in primary-key order: a channel's members, a channel's
-- messages by seq, a term's postings are each one contiguous range.
CREATE TABLE channel_members (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    joined_at  INTEGER NOT NULL,
    read_seq   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX channel_members_user_id ON channel_members (user_id);

-- sender_id and recalled_by carry no foreign key, like audit_events.actor_id: the
-- record must outlive accounts. client_id is NULL when the sender gave none (no
-- idempotency then); NULLs are distinct, so only real ids are unique per sender.
-- mentions is a JSON array of user ids. A recalled message keeps its row and seq,
-- with text '' and recalled_at/recalled_by set.
CREATE TABLE messages (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq > 0),
    sender_id   INTEGER NOT NULL,
    client_id   TEXT    CHECK (client_id <> ''),
    text        TEXT    NOT NULL DEFAULT '',
    reply_to    INTEGER NOT NULL DEFAULT 0,
    mentions    TEXT    NOT NULL DEFAULT '[]',
    mention_all INTEGER NOT NULL DEFAULT 0,
    secrecy     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER NOT NULL DEFAULT 0,
    recalled_at INTEGER NOT NULL DEFAULT 0,
    recalled_by INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, seq),
    UNIQUE (sender_id, client_id)
) WITHOUT ROWID;

-- The search index: each term (a lower-cased ASCII word, or one or two adjacent
-- characters of other scripts) of each live message. The primary key is the only
-- index, so each posting costs one B-tree insert and every search scans by term; the
-- store deletes a message's postings, when it edits or recalls it, by recomputing its
-- terms. No foreign key to messages, to keep appends cheap: every search joins
-- messages, so a stray posting could never surface.
CREATE TABLE message_terms (
    term       TEXT    NOT NULL,
    channel_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (term, channel_id, seq)
) WITHOUT ROWID;
