-- govchat reactions, SQLite dialect. Keep in step with ../postgres/0008_reactions.sql.
-- Who reacted with what (收到, 👍 …) to which message. id orders the reactions of a
-- message as they were given; the unique key makes adding one twice a no-op and is the
-- index a page of history reads through (channel_id, seq). The server checks reactions
-- against its configured set; the table keeps any short text, so a reaction taken out
-- of the set later is kept (and not shown) rather than lost.
CREATE TABLE message_reactions (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reaction   TEXT    NOT NULL CHECK (reaction <> '' AND length(reaction) <= 32),
    created_at INTEGER NOT NULL,
    FOREIGN KEY (channel_id, seq) REFERENCES messages (channel_id, seq) ON DELETE CASCADE,
    UNIQUE (channel_id, seq, user_id, reaction)
);

-- rev counts the changes of a message's reactions, so clients can tell a late frame
-- from a newer one.
CREATE TABLE message_reaction_revs (
    channel_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    rev        INTEGER NOT NULL,
    PRIMARY KEY (channel_id, seq),
    FOREIGN KEY (channel_id, seq) REFERENCES messages (channel_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
