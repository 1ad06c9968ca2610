package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"govchat/internal/atrest"
	"govchat/internal/search"
)

// Search: how text is cut into terms and what matches is internal/search's; the store
// keeps the postings (message_terms), intersects those of a query's terms within the
// user's channels and confirms each candidate by the folded substring check.

const (
	searchDefault  = 50
	searchMaxLimit = 100
	// termChunk bounds the rows of one multi-row posting insert (3 parameters each),
	// a power of two (see insertTerms).
	termChunk = 512
	// unindexChunk bounds the terms of one posting delete (one parameter each), a
	// power of two (see deleteTerms).
	unindexChunk = 1024
)

// termRow is one posting: a search token (a keyed hash of a lookup key, see
// atrest.go's token) of message channelID/seq.
type termRow struct {
	token     int64
	channelID int64
	seq       int64
}

// appendTerms adds m's postings under its bucket's key k to rows: one token per
// lookup key of its text (search.IndexKeys), distinct, so two keys whose truncated
// hashes collide give one posting.
func appendTerms(rows []termRow, m Message, k *atrest.DataKey) []termRow {
	keys := search.IndexKeys(m.Text)
	start := len(rows)
	for _, key := range keys {
		t := token(k, key)
		if !slices.ContainsFunc(rows[start:], func(r termRow) bool { return r.token == t }) {
			rows = append(rows, termRow{t, m.ChannelID, m.Seq})
		}
	}
	return rows
}

// insertTerms writes postings, sorted by the table's key (token, channel, seq) so
// the B-tree takes them leaf after leaf: in one statement of arrays where the dialect
// has them, else with multi-row inserts of up to termChunk rows. A posting is never
// there already (a message's tokens are distinct and its seq is new), so OR IGNORE
// changes no result; it tells SQLite that no row can make the statement abort half
// done, which spares it the statement journal (a copy of every page the insert
// touches: a seventh of an append's time; BENCHMARKS.md).
func (s *DB) insertTerms(ctx context.Context, rows []termRow) error {
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b termRow) int {
		return cmp.Or(cmp.Compare(a.token, b.token), cmp.Compare(a.channelID, b.channelID), cmp.Compare(a.seq, b.seq))
	})
	if s.d.termsArraySQL != "" {
		tokens := make([]int64, len(rows))
		channels := make([]int64, len(rows))
		seqs := make([]int64, len(rows))
		for i, r := range rows {
			tokens[i], channels[i], seqs[i] = r.token, r.channelID, r.seq
		}
		if _, err := s.exec(ctx, s.d.termsArraySQL, tokens, channels, seqs); err != nil {
			return s.fail(err, "index messages for search")
		}
		return nil
	}
	// Chunks of 512, 256, … 1 rows: each size's statement is prepared once per
	// connection (stmts.go), so no insert is parsed again.
	for len(rows) > 0 {
		n := termChunk
		for n > len(rows) {
			n /= 2
		}
		args := make([]any, 0, 3*n)
		for _, r := range rows[:n] {
			args = append(args, r.token, r.channelID, r.seq)
		}
		if _, err := s.execPrepared(ctx, insertTermsSQL(n), args...); err != nil {
			return s.fail(err, "index messages for search")
		}
		rows = rows[n:]
	}
	return nil
}

// insertTermsSQL inserts n postings (SQLite). OR IGNORE: see insertTerms.
func insertTermsSQL(n int) string {
	return `INSERT OR IGNORE INTO message_tokens (token, channel_id, seq) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
}

// deleteTerms removes the postings of message channelID/seq, whose indexed text was
// text, under its bucket's key k. They are found by recomputing its tokens, so the
// index needs no second key on (channel_id, seq): every posting write and every
// search uses the one primary key. (A change to how text is cut into terms therefore
// needs a migration that rebuilds the index.)
func (s *DB) deleteTerms(ctx context.Context, channelID, seq int64, text string, k *atrest.DataKey) error {
	rows := appendTerms(nil, Message{ChannelID: channelID, Seq: seq, Text: text}, k)
	for chunk := range slices.Chunk(rows, unindexChunk) {
		// The IN list padded to a power of two by repeating a token (which changes
		// nothing), so a handful of statements, each prepared once per connection,
		// serve every message: a retention sweep runs this once per message.
		n := 1
		for n < len(chunk) {
			n *= 2
		}
		args := make([]any, 0, n+2)
		for i := range n {
			args = append(args, chunk[min(i, len(chunk)-1)].token)
		}
		args = append(args, channelID, seq)
		_, err := s.execPrepared(ctx, `DELETE FROM message_tokens WHERE token IN (`+placeholders(n)+`) AND channel_id = ? AND seq = ?`, args...)
		if err != nil {
			return s.fail(err, "unindex message %d/%d", channelID, seq)
		}
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
		var branches []string
		for _, t := range append(slices.Clone(exact), prefixes...) {
			lookup := search.LookupKey(t)
			branches = append(branches, `SELECT channel_id, seq FROM message_tokens WHERE token IN (`+placeholders(len(keys))+`)`+scope)
			for _, k := range keys {
				args = append(args, token(k.key, lookup))
			}
			args = append(args, scopeArgs...)
		}
		hits = `SELECT channel_id, seq FROM (` + strings.Join(branches, ` INTERSECT `) + `) tokens`
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
	// Drive from the intersected postings: the join then reads only their messages.
	// INTERSECT and UNION yield each message once.
	base := `SELECT ` + messageCols("m", false) + `
		FROM (SELECT DISTINCT channel_id, seq FROM (` + hits + `) u) hit
		JOIN messages m ON m.channel_id = hit.channel_id AND m.seq = hit.seq
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
