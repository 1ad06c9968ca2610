package search

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestIndexKeys(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"", []string{}},
		{"预算", []string{"算", "预", "预算"}},
		{"2026年", []string{"2", "20", "202", "2026", "年"}},
		{"Budgetary", []string{"b", "bu", "bud", "budg", "budge", "budget", "budgeta", "budgetar"}},
	}
	for _, c := range cases {
		if got := IndexKeys(c.text); !slices.Equal(got, c.want) {
			t.Errorf("IndexKeys(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := LookupKey("budgetary"); got != "budgetar" {
		t.Errorf("LookupKey = %q", got)
	}
	if got := LookupKey("预算"); got != "预算" {
		t.Errorf("LookupKey = %q", got)
	}
}

// Every query term of every substring of a text is found among its keys: hashed
// exact-match postings lose nothing the range scans found.
func TestQueryKeysAreIndexed(t *testing.T) {
	texts := []string{"关于2026年预算编制工作的通知（第3号）", "请于Friday前提交budget_v2.xlsx", "会议纪要：党支部 组织生活会 。的", "Budgetary Supplementary"}
	for _, text := range texts {
		keys := IndexKeys(text)
		runes := []rune(text)
		for i := range runes {
			for j := i + 1; j <= len(runes); j++ {
				if i > 0 && classify(fold(runes[i-1])) == classWord && classify(fold(runes[i])) == classWord {
					continue // starts inside a word: words match from their start
				}
				exact, prefixes := QueryTerms(string(runes[i:j]))
				for _, q := range append(exact, prefixes...) {
					if _, ok := slices.BinarySearch(keys, LookupKey(q)); !ok {
						t.Fatalf("text %q, query %q: key %q of term %q not indexed", text, string(runes[i:j]), LookupKey(q), q)
					}
				}
			}
		}
	}
}

// The keys are exactly the prefixes of the index terms, as the postings promise
// (IndexKeys is built from EachIndexKey, which does not go through IndexTerms).
func TestIndexKeysArePrefixesOfTerms(t *testing.T) {
	texts := []string{"关于2026年预算编制工作的通知（第3号）", "请于Friday前提交budget_v2.xlsx", "会会会议议", "ＡＢＣ全角 abcdefghijklmnopqrstuvwxyz0123456789abcdefghij", "𠀀𠀁 emoji😀😀", ""}
	for _, text := range texts {
		var want []string
		for _, term := range IndexTerms(text) {
			limit := len(term)
			if r, _ := utf8.DecodeRuneInString(term); r < utf8.RuneSelf {
				limit = min(limit, MaxKeyLen)
			}
			for n := 1; n <= limit; n++ {
				if n == len(term) || utf8.RuneStart(term[n]) { // whole characters only
					want = append(want, term[:n])
				}
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if got := IndexKeys(text); !slices.Equal(got, want) {
			t.Errorf("IndexKeys(%q) = %q, want %q", text, got, want)
		}
	}
}
