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
	var keys []string
	EachIndexKey(text, func(k string) { keys = append(keys, k) })
	slices.Sort(keys)
	return slices.Compact(keys)
}

// EachIndexKey calls fn with every lookup key of text (IndexKeys), in text order and
// not deduplicated (a repeated character or word gives its keys again), without
// building the sorted set: the cheap form for a caller that hashes the keys and
// deduplicates the hashes anyway.
func EachIndexKey(text string, fn func(string)) {
	for _, r := range runs(text) {
		if r.class == classWord {
			w := clipWord(r.text)
			for n := 1; n <= min(len(w), MaxKeyLen); n++ {
				fn(w[:n])
			}
			continue
		}
		// A pair's keys are its first character and itself; the last character's,
		// itself.
		grams(r.text, func(pair string) {
			_, n := utf8.DecodeRuneInString(pair)
			fn(pair[:n])
			fn(pair)
		}, fn)
	}
}

// LookupKey is the key a query term (exact or prefix, from QueryTerms) is looked up
// under: the term itself, a word clipped to MaxKeyLen bytes.
func LookupKey(term string) string {
	if r, _ := utf8.DecodeRuneInString(term); r < utf8.RuneSelf && len(term) > MaxKeyLen {
		return term[:MaxKeyLen]
	}
	return term
}
