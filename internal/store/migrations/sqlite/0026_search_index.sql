-- govchat search index in bulk (issue 17), sqlite dialect. Keep in step with
-- ../postgres/0026_search_index.sql. store/search.go is the reading of it.
--
-- message_tokens kept one B-tree row per search token per message (about 55 a
-- message, each a random insert and a page to write at commit: most of an append's
-- time). FTS5, part of SQLite, keeps the same sets as an inverted index of its own: a
-- transaction's postings are gathered in memory and written at commit as one sorted,
-- delta-encoded segment, and segments are merged incrementally by later writes.
--
-- One document per message: its tokens (the first 8 bytes of HMAC-SHA256(bucket's
-- search subkey, lookup key), as before) written as unsigned hexadecimal words; its
-- rowid is channel_id << 32 | seq. content='': the table stores no document, only the
-- index, so nothing but the keyed tokens is on disk, as before. contentless_delete=1:
-- a message is removed by its rowid alone (a recall, an edit, the retention sweep),
-- without its tokens, so even a message whose bucket's key was destroyed leaves no
-- postings behind. detail=none: no positions, which search never used (it confirms
-- each candidate by a substring check on the opened text).
CREATE VIRTUAL TABLE message_search USING fts5 (
    tokens,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = 'ascii'
);

INSERT INTO message_search (rowid, tokens)
SELECT (channel_id << 32) | seq, group_concat(printf('%x', token), ' ')
FROM message_tokens
GROUP BY channel_id, seq;

DROP TABLE message_tokens;
