package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"govchat/internal/atrest"
	"govchat/internal/search"
)

// Search: how text is cut into terms and what matches is internal/search's; the store
// keeps each message's tokens in its dialect's search index (below; message_terms only
// for rows from before encryption at rest), finds the messages holding every query
// term within the user's channels and confirms each candidate by the folded substring
// check.

const (
	searchDefault  = 50
	searchMaxLimit = 100
	// docChunk bounds the rows of one multi-row insert into SQLite's search index
	// (2 parameters each), a power of two (see insertSearchDocs).
	docChunk = 256
	// unindexChunk bounds the terms of one plaintext posting delete (one parameter
	// each).
	unindexChunk = 1024
)

// The search index keeps, per message, the set of its tokens (keyed hashes of its
// lookup keys, see atrest.go's token), each dialect in the structure its database
// builds inverted indexes with, so a message costs one index entry per token written
// in bulk, not one B-tree row per token (BENCHMARKS.md, issue 17):
//
//   - SQLite: a contentless FTS5 table, message_search, whose document is the
//     message's tokens as hexadecimal words and whose rowid is docID(channel, seq).
//     FTS5 gathers a transaction's postings in memory and writes them as one sorted
//     segment at commit, merging segments in the background of later writes; a
//     delete by rowid (contentless_delete) needs no tokens.
//   - PostgreSQL: messages.search_tokens, a bigint[] under a GIN index whose pending
//     list takes an append's entries in one write and merges them in bulk later;
//     deleting or updating the row is all an unindex needs.
//
// Either way the index only selects candidates: every candidate is confirmed by the
// folded substring check on its opened text.

// messageTokens returns the distinct search tokens of text under its bucket's key k:
// one per lookup key (search.IndexKeys); two keys whose truncated hashes collide give
// one token. Nil for a text with nothing searchable.
func messageTokens(text string, k *atrest.DataKey) []int64 {
	var tokens []int64
	search.EachIndexKey(text, func(key string) { tokens = append(tokens, token(k, key)) })
	slices.Sort(tokens)
	return slices.Compact(tokens)
}

// docID is a message's rowid in SQLite's message_search: its channel in the high 31
// bits and its sequence in the low 32, so the index needs no mapping table and a
// channel's messages are one rowid range. Channel ids and sequences beyond that (two
// billion channels, four billion messages in one) are refused rather than wrapped.
func docID(channelID, seq int64) (int64, error) {
	if channelID <= 0 || channelID >= 1<<31 || seq <= 0 || seq >= 1<<32 {
		return 0, fmt.Errorf("store: message %d/%d is outside the search index's range", channelID, seq)
	}
	return channelID<<32 | seq, nil
}

// docRange is the rowid range of channel channelID's messages in message_search.
func docRange(channelID int64) (first, last int64) {
	return channelID << 32, channelID<<32 | (1<<32 - 1)
}

// tokenWords is tokens as message_search's document: hexadecimal words (the ascii
// tokenizer's alphanumerics), each the token's 64 bits unsigned, as SQLite's
// printf('%x') writes them (migration 0026 converts the old postings with it).
func tokenWords(tokens []int64) string {
	buf := make([]byte, 0, 17*len(tokens))
	for i, t := range tokens {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendUint(buf, uint64(t), 16)
	}
	return string(buf)
}

// searchTokensArg is tokens as messages.search_tokens: NULL rather than an empty
// array for a message with nothing searchable, so the GIN index holds nothing for it.
func searchTokensArg(tokens []int64) any {
	if len(tokens) == 0 {
		return nil
	}
	return tokens
}

// searchDoc is one message's entry in SQLite's search index.
type searchDoc struct {
	channelID, seq int64
	tokens         []int64
}

// insertSearchDocs adds docs to SQLite's message_search in multi-row inserts of up
// to docChunk rows, whose statements (one per power-of-two size) are prepared once
// per connection (stmts.go). PostgreSQL keeps tokens in the message row itself.
func (s *DB) insertSearchDocs(ctx context.Context, docs []searchDoc) error {
	for len(docs) > 0 {
		n := docChunk
		for n > len(docs) {
			n /= 2
		}
		args := make([]any, 0, 2*n)
		for _, d := range docs[:n] {
			id, err := docID(d.channelID, d.seq)
			if err != nil {
				return err
			}
			args = append(args, id, tokenWords(d.tokens))
		}
		if _, err := s.execPrepared(ctx, `INSERT INTO message_search (rowid, tokens) VALUES `+rowsOf(n, 2), args...); err != nil {
			return s.fail(err, "index messages for search")
		}
		docs = docs[n:]
	}
	return nil
}

// reindex replaces the search tokens of message channelID/seq (nil: it is no longer
// found at all).
func (s *DB) reindex(ctx context.Context, channelID, seq int64, tokens []int64) error {
	if s.d.searchColumn {
		if _, err := s.exec(ctx, `UPDATE messages SET search_tokens = ? WHERE channel_id = ? AND seq = ?`,
			searchTokensArg(tokens), channelID, seq); err != nil {
			return s.fail(err, "index message %d/%d for search", channelID, seq)
		}
		return nil
	}
	id, err := docID(channelID, seq)
	if err != nil {
		return err
	}
	if _, err := s.execPrepared(ctx, `DELETE FROM message_search WHERE rowid = ?`, id); err != nil {
		return s.fail(err, "unindex message %d/%d", channelID, seq)
	}
	if len(tokens) == 0 {
		return nil
	}
	return s.insertSearchDocs(ctx, []searchDoc{{channelID, seq, tokens}})
}

// unindexDeleted removes channel channelID's messages seqs, about to be deleted, from
// SQLite's search index; on PostgreSQL their tokens go with their rows.
func (s *DB) unindexDeleted(ctx context.Context, channelID int64, seqs []int64) error {
	if s.d.searchColumn || len(seqs) == 0 {
		return nil
	}
	args := make([]any, 0, len(seqs))
	for _, seq := range seqs {
		id, err := docID(channelID, seq)
		if err != nil {
			return err
		}
		args = append(args, id)
	}
	if _, err := s.exec(ctx, `DELETE FROM message_search WHERE rowid IN (`+placeholders(len(args))+`)`, args...); err != nil {
		return s.fail(err, "unindex expired messages of channel %d", channelID)
	}
	return nil
}

// deletePlainTerms removes the plaintext postings (message_terms) of a message
// written before encryption at rest, whose text was text.
func (s *DB) deletePlainTerms(ctx context.Context, channelID, seq int64, text string) error {
	for chunk := range slices.Chunk(search.IndexTerms(text), unindexChunk) {
		args := make([]any, 0, len(chunk)+2)
		for _, t := range chunk {
			args = append(args, t)
		}
		args = append(args, channelID, seq)
		_, err := s.exec(ctx, `DELETE FROM message_terms WHERE term IN (`+placeholders(len(chunk))+`) AND channel_id = ? AND seq = ?`, args...)
		if err != nil {
			return s.fail(err, "unindex message %d/%d", channelID, seq)
		}
	}
	return nil
}

// SearchMessages finds messages containing q.Text (see internal/search for what
// matches) in the channels q.UserID is a member of, or in q.ChannelID only when
// set (and the user is a member), newest first; when set, only those q.SenderID sent
// and those created in [q.Since, q.Until). Recalled messages are never found.
// Limit 0 means 50; it is capped at 100. An empty query is an error; one with nothing
// searchable in it (only spaces and punctuation) finds nothing.
//
// Candidates come from intersecting the terms' postings, each restricted to the
// user's channels, and are confirmed in pages, newest first, until Limit are found
// or the candidates run out.
func (s *DB) SearchMessages(ctx context.Context, q SearchQuery) ([]Message, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return nil, fmt.Errorf("store: search messages: empty query")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = searchDefault
	}
	limit = min(limit, searchMaxLimit)
	exact, prefixes := search.QueryTerms(text)
	if len(exact) == 0 && len(prefixes) == 0 {
		return nil, nil
	}

	scope := ` AND channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)`
	scopeArgs := []any{q.UserID}
	if q.ChannelID != 0 {
		scope += ` AND channel_id = ?`
		scopeArgs = append(scopeArgs, q.ChannelID)
	}
	// Each query term is hashed under every bucket's key that can hold a match: a
	// message's bucket period is that of its retain_from, never after its created_at,
	// so only Until bounds them (Since cannot: a forward made in range may count from
	// an older original).
	keys, err := s.liveKeys(ctx, q.Until)
	if err != nil {
		return nil, fmt.Errorf("store: search messages for user %d: %w", q.UserID, err)
	}
	var hits string
	var args []any
	if len(keys) > 0 {
		// Per query term, the tokens it has under each key; a match has one of each.
		var terms [][]int64
		for _, t := range append(slices.Clone(exact), prefixes...) {
			lookup := search.LookupKey(t)
			tokens := make([]int64, len(keys))
			for i, k := range keys {
				tokens[i] = token(k.key, lookup)
			}
			terms = append(terms, tokens)
		}
		hits, args = s.tokenHits(terms, q.ChannelID, scope, scopeArgs)
	}
	if legacy, err := s.legacyPostings(ctx); err != nil {
		return nil, fmt.Errorf("store: search messages for user %d: %w", q.UserID, err)
	} else if legacy {
		plain, plainArgs := plainHits(exact, prefixes, scope, scopeArgs)
		if hits != "" {
			hits += ` UNION `
		}
		hits += `SELECT channel_id, seq FROM (` + plain + `) terms`
		args = append(args, plainArgs...)
	}
	if hits == "" {
		return nil, nil
	}
	// Drive from the index's candidates, found once (MATERIALIZED): the join then reads
	// only their messages. Left to itself, SQLite would rather walk the messages of a
	// sender or a week and ask the full-text index about each one (ten times slower:
	// BENCHMARKS.md, issue 17). DISTINCT: a message once, whatever its postings.
	base := `WITH hit AS MATERIALIZED (SELECT DISTINCT channel_id, seq FROM (` + hits + `) u)
		SELECT ` + messageCols("m", false) + `
		FROM hit JOIN messages m ON m.channel_id = hit.channel_id AND m.seq = hit.seq
		WHERE m.recalled_at = 0`
	var filterArgs []any
	if q.SenderID != 0 {
		base += ` AND m.sender_id = ?`
		filterArgs = append(filterArgs, q.SenderID)
	}
	if !q.Since.IsZero() {
		base += ` AND m.created_at >= ?`
		filterArgs = append(filterArgs, toMillis(q.Since))
	}
	if !q.Until.IsZero() {
		base += ` AND m.created_at < ?`
		filterArgs = append(filterArgs, toMillis(q.Until))
	}
	args = append(args, filterArgs...)
	order := ` ORDER BY m.created_at DESC, m.channel_id DESC, m.seq DESC LIMIT ?`

	want := search.Fold(text)
	page := max(2*limit, 100)
	var found []Message
	var last *Message
	for {
		query, qargs := base, slices.Clone(args)
		if last != nil {
			query += ` AND (m.created_at, m.channel_id, m.seq) < (?, ?, ?)`
			qargs = append(qargs, toMillis(last.CreatedAt), last.ChannelID, last.Seq)
		}
		qargs = append(qargs, page)
		candidates, err := s.listMessages(ctx, fmt.Sprintf("search messages for user %d", q.UserID), query+order, qargs...)
		if err != nil {
			return nil, err
		}
		for _, m := range candidates {
			if strings.Contains(search.Fold(m.Text), want) {
				found = append(found, m)
				if len(found) == limit {
					return found, nil
				}
			}
		}
		if len(candidates) < page {
			return found, nil
		}
		last = &candidates[len(candidates)-1]
	}
}

// tokenHits is the candidates query over the search index: the messages within
// scope (a condition on channel_id, with its arguments) that hold, for every term,
// one of its tokens (terms[i] lists term i's token under each live key).
// channelID, when set, is the one channel scope allows.
func (s *DB) tokenHits(terms [][]int64, channelID int64, scope string, scopeArgs []any) (string, []any) {
	if s.d.searchColumn {
		// Each && is a lookup in the GIN index; PostgreSQL ANDs their bitmaps.
		var b strings.Builder
		b.WriteString(`SELECT channel_id, seq FROM messages WHERE search_tokens IS NOT NULL`)
		args := make([]any, 0, len(terms)+2)
		for _, tokens := range terms {
			b.WriteString(` AND search_tokens && ?`)
			args = append(args, tokens)
		}
		b.WriteString(scope)
		return b.String(), append(args, scopeArgs...)
	}
	// An FTS5 query: ("a1" OR "a2") AND ("b1" OR "b2") …, each word a token in
	// hexadecimal (quoted, so no word is ever read as an operator).
	var match strings.Builder
	for i, tokens := range terms {
		if i > 0 {
			match.WriteString(` AND `)
		}
		match.WriteByte('(')
		for j, t := range tokens {
			if j > 0 {
				match.WriteString(` OR `)
			}
			match.WriteByte('"')
			match.WriteString(strconv.FormatUint(uint64(t), 16))
			match.WriteByte('"')
		}
		match.WriteByte(')')
	}
	query := `SELECT channel_id, seq FROM (SELECT rowid >> 32 AS channel_id, rowid & 4294967295 AS seq
		FROM message_search WHERE message_search MATCH ?`
	args := []any{match.String()}
	if channelID != 0 {
		// One channel is one rowid range, which FTS5 seeks to.
		first, last := docRange(channelID)
		query += ` AND rowid BETWEEN ? AND ?`
		args = append(args, first, last)
	}
	query += `) docs WHERE ` + strings.TrimPrefix(scope, ` AND `)
	return query, append(args, scopeArgs...)
}

// plainHits is the candidates query over message_terms, the plaintext postings of
// rows written before encryption at rest that the startup job has not sealed yet.
func plainHits(exact, prefixes []string, scope string, scopeArgs []any) (string, []any) {
	var branches []string
	var args []any
	for _, t := range exact {
		branches = append(branches, `SELECT channel_id, seq FROM message_terms WHERE term = ?`+scope)
		args = append(args, t)
		args = append(args, scopeArgs...)
	}
	for _, p := range prefixes {
		branch := `SELECT channel_id, seq FROM message_terms WHERE term >= ?`
		args = append(args, p)
		if end := search.PrefixEnd(p); end != "" {
			branch += ` AND term < ?`
			args = append(args, end)
		}
		branches = append(branches, branch+scope)
		args = append(args, scopeArgs...)
	}
	return strings.Join(branches, ` INTERSECT `), args
}

// legacyPostings reports whether plaintext postings are left (message_terms is
// emptied by EncryptLegacy and never written again, so once empty it is not asked).
func (s *DB) legacyPostings(ctx context.Context) (bool, error) {
	s.ar.mu.Lock()
	done := s.ar.legacyDone
	s.ar.mu.Unlock()
	if done {
		return false, nil
	}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM message_terms LIMIT 1) t`).Scan(&n); err != nil {
		return false, s.fail(err, "look for plaintext postings")
	}
	if n == 0 && s.tx == nil {
		s.ar.mu.Lock()
		s.ar.legacyDone = true
		s.ar.mu.Unlock()
	}
	return n > 0, nil
}
