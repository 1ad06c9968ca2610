// Package search cuts text into the terms a search index keeps and a query looks up,
// without a word segmenter, so Chinese is found by any substring. It owns what
// matches; internal/store owns where the postings live and how they are intersected.
//
// Text is folded (ASCII lower-cased, full-width forms made half-width, the
// ideographic space made a space) and split into runs:
//
//   - ASCII letters and digits form words, indexed whole (up to MaxWordLen bytes);
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
// The terms select candidates; each candidate is then confirmed by checking that the
// folded query is a substring of the folded text (Fold), so a query matches as a
// phrase. A change to how text is cut into terms needs a migration that rebuilds the
// store's index.
package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// MaxWordLen bounds an indexed ASCII word: longer words are indexed (and looked
	// up) by this prefix.
	MaxWordLen = 32
	// maxQueryTerms bounds the postings a search intersects; the substring check
	// makes more unnecessary for correctness.
	maxQueryTerms = 8
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

// Fold returns s in its searchable form. A message matches a query when the folded
// query is a substring of the folded text.
func Fold(s string) string { return strings.Map(fold, s) }

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
	folded := Fold(text)
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
	if len(w) > MaxWordLen {
		return w[:MaxWordLen] // ASCII only, so any byte is a rune boundary
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

// IndexTerms returns the distinct terms under which text is indexed, sorted.
func IndexTerms(text string) []string {
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

// QueryTerms returns what a message must have in its index to contain query: every
// exact term, and for every prefix some term that starts with it (the range
// [prefix, PrefixEnd(prefix))). Not every term of a long query is returned: the
// substring check makes the rest unnecessary. Both are empty when the query has
// nothing searchable in it (only spaces and punctuation).
func QueryTerms(query string) (exact, prefixes []string) {
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

// PrefixEnd returns the least string greater than every string starting with p (a
// non-empty folded term), for the range term >= p AND term < PrefixEnd(p); "" when
// there is none. It is valid UTF-8, as PostgreSQL requires of text parameters, and
// bytewise order is code point order in UTF-8, as both dialects compare terms.
func PrefixEnd(p string) string {
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
