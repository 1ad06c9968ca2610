package search

import (
	"slices"
	"unicode/utf8"
)

// MaxKeyLen is how many bytes of a word a lookup key keeps (see IndexKeys).
const MaxKeyLen = 8

// IndexKeys returns the distinct lookup keys of text, sorted: every prefix of every
// index term, words' prefixes up to MaxKeyLen bytes. It is the exact-match form of
// the index, for a store that keeps its postings as keyed hashes (internal/atrest),
// where a prefix cannot be a range scan: a query term, exact or prefix, then becomes
// one key (LookupKey) that is among the keys of every text it can match, because a
// query term is always a prefix of some index term of such a text.
//
// A pair gives two keys (its first character and itself) and a word up to
// MaxKeyLen, so a text has about twice as many keys as terms. The keys select
// candidates only; as with IndexTerms, every candidate is confirmed by the folded
// substring check, so a word longer than MaxKeyLen matching on its first bytes alone
// changes nothing but how many candidates are read.
func IndexKeys(text string) []string {
	terms := IndexTerms(text)
	seen := make(map[string]bool, 2*len(terms))
	for _, t := range terms {
		if r, _ := utf8.DecodeRuneInString(t); r < utf8.RuneSelf {
			for n := 1; n <= min(len(t), MaxKeyLen); n++ {
				seen[t[:n]] = true
			}
			continue
		}
		for i := range t {
			if i > 0 {
				seen[t[:i]] = true
			}
		}
		seen[t] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// LookupKey is the key a query term (exact or prefix, from QueryTerms) is looked up
// under: the term itself, a word clipped to MaxKeyLen bytes.
func LookupKey(term string) string {
	if r, _ := utf8.DecodeRuneInString(term); r < utf8.RuneSelf && len(term) > MaxKeyLen {
		return term[:MaxKeyLen]
	}
	return term
}
