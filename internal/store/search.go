package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"govchat/internal/search"
)

// Search: how text is cut into terms and what matches is internal/search's; the store
// keeps the postings (message_terms), intersects those of a query's terms within the
// user's channels and confirms each candidate by the folded substring check.

const (
	searchDefault  = 50
	searchMaxLimit = 100
	// termChunk bounds the rows of one multi-row term insert (3 parameters each).
	termChunk = 1000
)

// termRow is one posting.
type termRow struct {
	term      string
	channelID int64
	seq       int64
}

// appendTerms adds m's postings to rows.
func appendTerms(rows []termRow, m Message) []termRow {
	for _, t := range search.IndexTerms(m.Text) {
		rows = append(rows, termRow{t, m.ChannelID, m.Seq})
	}
	return rows
}

// insertTerms writes postings: in one statement of arrays where the dialect has them,
// else with multi-row inserts of up to termChunk rows.
func (s *DB) insertTerms(ctx context.Context, rows []termRow) error {
	if len(rows) == 0 {
		return nil
	}
	if s.d.termsArraySQL != "" {
		terms := make([]string, len(rows))
		channels := make([]int64, len(rows))
		seqs := make([]int64, len(rows))
		for i, r := range rows {
			terms[i], channels[i], seqs[i] = r.term, r.channelID, r.seq
		}
		if _, err := s.exec(ctx, s.d.termsArraySQL, terms, channels, seqs); err != nil {
			return s.fail(err, "index messages for search")
		}
		return nil
	}
	for chunk := range slices.Chunk(rows, termChunk) {
		args := make([]any, 0, 3*len(chunk))
		for _, r := range chunk {
			args = append(args, r.term, r.channelID, r.seq)
		}
		q := `INSERT INTO message_terms (term, channel_id, seq) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", ")
		if _, err := s.exec(ctx, q, args...); err != nil {
			return s.fail(err, "index messages for search")
		}
	}
	return nil
}

// deleteTerms removes the postings of message channelID/seq, whose indexed text was
// text. They are found by recomputing its terms, so the index needs no second key on
// (channel_id, seq): every posting write and every search uses the one primary key.
// (A change to how text is cut into terms therefore needs a migration that rebuilds
// the index.)
func (s *DB) deleteTerms(ctx context.Context, channelID, seq int64, text string) error {
	for chunk := range slices.Chunk(search.IndexTerms(text), termChunk) {
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
	// Drive from the intersected postings: the join then reads only their messages.
	// INTERSECT yields each message once; a lone prefix range needs DISTINCT, as a
	// message can have several terms in it.
	hits := strings.Join(branches, ` INTERSECT `)
	if len(branches) == 1 {
		hits = strings.Replace(hits, `SELECT `, `SELECT DISTINCT `, 1)
	}
	base := `SELECT ` + messageCols("m", false) + `
		FROM (` + hits + `) hit
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
