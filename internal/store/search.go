package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search without a word segmenter. Text is folded (ASCII lower-cased, full-width
// forms made half-width, the ideographic space made a space) and split into runs:
//
//   - ASCII letters and digits form words, indexed whole (up to maxWordLen bytes);
//   - other letters, digits and symbols (Chinese, mostly) are indexed as every pair of
//     adjacent characters within the run, plus the run's last character alone;
//   - spaces and punctuation separate runs and are not indexed.
//
// Every character of a run thus starts at least one term: the pair it begins, or, for
// the last, itself. A query is cut up the same way. Its character pairs must be in a
// message exactly; a lone character (a one-character run) must start some term, a
// range scan of the same index. So Chinese matches any substring, and a message costs
// about one posting per character rather than two.
//
// ASCII words of the query must be whole words of the message, except the word that
// ends the query, which matches as a word prefix ("bud" finds "budget"); words
// therefore match from their start ("get" does not find "budget").
//
// The terms select candidates by intersecting postings; each candidate is then
// confirmed by checking that the folded query is a substring of the folded text, so
// a query matches as a phrase.

const (
	maxWordLen = 32 // longer ASCII words are indexed (and looked up) by this prefix
	// maxQueryTerms bounds the postings a search intersects; the substring check
	// makes more unnecessary for correctness.
	maxQueryTerms  = 8
	searchDefault  = 50
	searchMaxLimit = 100
	// termChunk bounds the rows of one multi-row term insert (3 parameters each).
	termChunk = 1000
)

// fold maps r to its searchable form.
func fold(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII forms (ＡＢＣ１２３！)
		return fold(r - 0xFEE0)
	case r == 0x3000: // ideographic space
		return ' '
	}
	return r
}

func foldString(s string) string { return strings.Map(fold, s) }

type runeClass int

const (
	classSep  runeClass = iota // not indexed; ends a run
	classWord                  // ASCII letter or digit
	classGram                  // any other letter, digit or symbol
)

// classify takes a folded rune.
func classify(r rune) runeClass {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return classWord
	case r < utf8.RuneSelf, r == utf8.RuneError, unicode.IsSpace(r), unicode.IsPunct(r), unicode.IsControl(r):
		return classSep
	}
	return classGram
}

// run is a maximal stretch of one class in folded text.
type run struct {
	class runeClass
	text  string // folded
	atEnd bool   // nothing follows it in the text
}

func runs(text string) []run {
	folded := foldString(text)
	var out []run
	start, cur := 0, classSep
	for i, r := range folded {
		c := classify(r)
		if c == cur {
			continue
		}
		if cur != classSep {
			out = append(out, run{class: cur, text: folded[start:i]})
		}
		start, cur = i, c
	}
	if cur != classSep {
		out = append(out, run{class: cur, text: folded[start:], atEnd: true})
	}
	return out
}

func clipWord(w string) string {
	if len(w) > maxWordLen {
		return w[:maxWordLen] // ASCII only, so any byte is a rune boundary
	}
	return w
}

// grams calls pair with every pair of adjacent characters of s, and last with its
// last character.
func grams(s string, pair, last func(string)) {
	prev := -1
	for i, r := range s {
		end := i + utf8.RuneLen(r) // s is folded, hence valid UTF-8
		if prev >= 0 {
			pair(s[prev:end])
		}
		if end == len(s) {
			last(s[i:end])
		}
		prev = i
	}
}

// indexTerms returns the distinct terms under which text is indexed, sorted.
func indexTerms(text string) []string {
	seen := map[string]bool{}
	add := func(t string) { seen[t] = true }
	for _, r := range runs(text) {
		if r.class == classWord {
			add(clipWord(r.text))
			continue
		}
		grams(r.text, add, add)
	}
	terms := make([]string, 0, len(seen))
	for t := range seen {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	return terms
}

// queryTerms returns what a message must have in its index to contain query: every
// exact term, and for every prefix some term that starts with it. Not every term of
// a long query is returned: the substring check makes the rest unnecessary.
func queryTerms(query string) (exact, prefixes []string) {
	seen := map[string]bool{}
	var chars []string // lone characters, each the prefix of the pair it starts
	var word string    // the word ending the query, a word prefix
	add := func(list *[]string) func(string) {
		return func(t string) {
			if !seen[t] {
				seen[t] = true
				*list = append(*list, t)
			}
		}
	}
	for _, r := range runs(query) {
		switch {
		case r.class == classWord && r.atEnd:
			word = clipWord(r.text)
		case r.class == classWord:
			add(&exact)(clipWord(r.text))
		case utf8.RuneCountInString(r.text) == 1:
			add(&chars)(r.text)
		default:
			grams(r.text, add(&exact), func(string) {})
		}
	}
	if word != "" {
		prefixes = []string{word}
	}
	if len(exact) > 0 {
		// Pairs and whole words are selective; a lone character's range is as long
		// as the character is common, so it is left to the substring check.
		return spread(exact, maxQueryTerms-len(prefixes)), prefixes
	}
	return nil, spread(append(prefixes, chars...), maxQueryTerms)
}

// spread picks n of ts spread over its whole length, first and last included, so a
// long query is not represented by its start alone.
func spread(ts []string, n int) []string {
	if len(ts) <= n {
		return ts
	}
	if n == 1 {
		return ts[:1]
	}
	picked := make([]string, 0, n)
	for i := range n {
		picked = append(picked, ts[i*(len(ts)-1)/(n-1)])
	}
	return picked
}

// prefixEnd returns the least string greater than every string starting with p (a
// non-empty folded term), for the range term >= p AND term < prefixEnd(p); "" when
// there is none. It is valid UTF-8, as PostgreSQL requires of text parameters, and
// bytewise order is code point order in UTF-8, as both dialects compare terms.
func prefixEnd(p string) string {
	r, n := utf8.DecodeLastRuneInString(p)
	switch next := r + 1; {
	case next == 0xD800: // skip the surrogates, which UTF-8 cannot encode
		return p[:len(p)-n] + string(rune(0xE000))
	case next > unicode.MaxRune:
		return ""
	default:
		return p[:len(p)-n] + string(next)
	}
}

// termRow is one posting.
type termRow struct {
	term      string
	channelID int64
	seq       int64
}

// appendTerms adds m's postings to rows.
func appendTerms(rows []termRow, m Message) []termRow {
	for _, t := range indexTerms(m.Text) {
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
	for chunk := range slices.Chunk(indexTerms(text), termChunk) {
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

// SearchMessages finds messages containing q.Text (see the top of this file for
// what matches) in the channels q.UserID is a member of, or in q.ChannelID only when
// set (and the user is a member), newest first. Recalled messages are never found.
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
	exact, prefixes := queryTerms(text)
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
		if end := prefixEnd(p); end != "" {
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
	order := ` ORDER BY m.created_at DESC, m.channel_id DESC, m.seq DESC LIMIT ?`

	want := foldString(text)
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
			if strings.Contains(foldString(m.Text), want) {
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
