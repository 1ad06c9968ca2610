-- govchat search index in bulk (issue 17), PostgreSQL dialect. Keep in step with
-- ../sqlite/0026_search_index.sql. store/search.go is the reading of it.
--
-- message_tokens kept one heap row and one B-tree entry per search token per message
-- (about 55 a message: most of an append's time). Now a message's tokens (the first 8
-- bytes of HMAC-SHA256(bucket's search subkey, lookup key), as before) are an array in
-- its own row, under a GIN index: an append adds them with the row, and GIN's pending
-- list takes all of a row's entries in one write and merges them into the index in
-- bulk, sorted, when it fills (or when VACUUM runs). A deleted message's entries go
-- with its row; an edit or recall rewrites or clears the array. NULL: nothing
-- searchable (no array is indexed for it).
--
-- gin_pending_list_limit 8 MB (the default is 4): measured on this machine, a larger
-- pending list makes the merge cheaper per entry (BENCHMARKS.md, issue 17), while a
-- search still scans at most 8 MB of pending entries.
ALTER TABLE messages ADD COLUMN search_tokens BIGINT[];

UPDATE messages m SET search_tokens = t.tokens
FROM (SELECT channel_id, seq, array_agg(token ORDER BY token) AS tokens
      FROM message_tokens GROUP BY channel_id, seq) t
WHERE m.channel_id = t.channel_id AND m.seq = t.seq;

CREATE INDEX messages_search ON messages USING gin (search_tokens)
    WITH (fastupdate = on, gin_pending_list_limit = 8192);

DROP TABLE message_tokens;
