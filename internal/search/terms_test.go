package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIndexTerms(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"", []string{}},
		{"预", []string{"预"}},
		{"预算", []string{"算", "预算"}},
		{"2026年预算", []string{"2026", "年预", "算", "预算"}},
		{"Budget-Report.PDF", []string{"budget", "pdf", "report"}},
		{"ＰＤＦ　文件", []string{"pdf", "件", "文件"}},     // full-width folded, ideographic space separates
		{"你好，世界！", []string{"世界", "你好", "好", "界"}}, // punctuation separates runs
		{"a👍b", []string{"a", "b", "👍"}},
		{strings.Repeat("x", 40), []string{strings.Repeat("x", MaxWordLen)}},
	}
	for _, c := range cases {
		got := IndexTerms(c.text)
		if !slices.Equal(got, c.want) {
			t.Errorf("IndexTerms(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestQueryTerms(t *testing.T) {
	cases := []struct {
		query           string
		exact, prefixes []string
	}{
		{"预算", []string{"预算"}, nil},
		{"预", nil, []string{"预"}},
		{"预 算", nil, []string{"预", "算"}},
		{"编制通知", []string{"编制", "制通", "通知"}, nil},
		{"2026年预算", []string{"2026", "年预", "预算"}, nil},
		{"预算 2026", []string{"预算"}, []string{"2026"}},
		{"预算 的", []string{"预算"}, nil}, // a lone character is left to the substring check
		{"BUD", nil, []string{"bud"}},
		{"budget report", []string{"budget"}, []string{"report"}},
		{"，。！", nil, nil},
		// A long query keeps a bounded number of terms, spread over it.
		{"一二三四五六七八九十", []string{"一二", "二三", "三四", "四五", "五六", "六七", "七八", "九十"}, nil},
		{"一二三四五六七八九十 x", []string{"一二", "二三", "三四", "五六", "六七", "七八", "九十"}, []string{"x"}},
	}
	for _, c := range cases {
		exact, prefixes := QueryTerms(c.query)
		if !slices.Equal(exact, c.exact) || !slices.Equal(prefixes, c.prefixes) {
			t.Errorf("QueryTerms(%q) = %q, %q; want %q, %q", c.query, exact, prefixes, c.exact, c.prefixes)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{"bud": "bue", "z": "{", "预": "颅", "a\uD7FF": "a\uE000", "\U0010FFFF": ""}
	for p, want := range cases {
		if got := PrefixEnd(p); got != want {
			t.Errorf("PrefixEnd(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestQueryTermsAreIndexed checks the property search relies on: whenever a query
// is a substring of a text (and its words start where the text's do), every exact
// term of the query is an index term of the text and every prefix starts one.
func TestQueryTermsAreIndexed(t *testing.T) {
	texts := []string{"关于2026年预算编制工作的通知（第3号）", "请于Friday前提交budget_v2.xlsx", "会议纪要：党支部 组织生活会 。的"}
	for _, text := range texts {
		idx := IndexTerms(text)
		runes := []rune(text)
		for i := range runes {
			for j := i + 1; j <= len(runes); j++ {
				q := string(runes[i:j])
				if i > 0 && classify(fold(runes[i-1])) == classWord && classify(fold(runes[i])) == classWord {
					continue // starts inside a word: words match from their start
				}
				exact, prefixes := QueryTerms(q)
				for _, e := range exact {
					if _, ok := slices.BinarySearch(idx, e); !ok {
						t.Errorf("text %q, query %q: term %q not indexed", text, q, e)
					}
				}
				for _, p := range prefixes {
					end := PrefixEnd(p)
					if !slices.ContainsFunc(idx, func(s string) bool { return s >= p && (end == "" || s < end) }) {
						t.Errorf("text %q, query %q: no indexed term in [%q, %q)", text, q, p, end)
					}
				}
			}
		}
	}
}

// FuzzTerms checks, on any text a person might send (invalid UTF-8 included), what the
// store relies on: terms are valid UTF-8 (PostgreSQL refuses anything else), sorted and
// distinct, words are clipped, and a query cut from the text at a word start finds it
// (TestQueryTermsAreIndexed's property).
func FuzzTerms(f *testing.F) {
	f.Add("关于2026年预算编制工作的通知（第3号）", uint(2), uint(5))
	f.Add("请于Friday前提交budget_v2.xlsx", uint(4), uint(9))
	f.Add("ＰＤＦ　文件 a👍b", uint(0), uint(4))
	f.Add("\xff预\xfe算", uint(1), uint(2))
	f.Fuzz(func(t *testing.T, text string, from, n uint) {
		idx := IndexTerms(text)
		for i, term := range idx {
			if term == "" || !utf8.ValidString(term) {
				t.Fatalf("IndexTerms(%q): bad term %q", text, term)
			}
			if i > 0 && idx[i-1] >= term {
				t.Fatalf("IndexTerms(%q) not sorted and distinct: %q", text, idx)
			}
			if classify(rune(term[0])) == classWord && len(term) > MaxWordLen {
				t.Fatalf("IndexTerms(%q): word %q longer than %d", text, term, MaxWordLen)
			}
		}
		runes := []rune(text) // invalid bytes become U+FFFD, a separator, as Fold makes them
		if len(runes) == 0 {
			return
		}
		i := int(from % uint(len(runes)))
		j := i + 1 + int(n%uint(len(runes)-i))
		if i > 0 && classify(fold(runes[i-1])) == classWord && classify(fold(runes[i])) == classWord {
			return // starts inside a word: words match from their start
		}
		q := string(runes[i:j])
		exact, prefixes := QueryTerms(q)
		if len(exact)+len(prefixes) > maxQueryTerms {
			t.Fatalf("QueryTerms(%q): %d terms, over %d", q, len(exact)+len(prefixes), maxQueryTerms)
		}
		for _, e := range exact {
			if _, ok := slices.BinarySearch(idx, e); !ok {
				t.Fatalf("text %q, query %q: term %q not indexed", text, q, e)
			}
		}
		for _, p := range prefixes {
			end := PrefixEnd(p)
			if end != "" && (!utf8.ValidString(end) || end <= p) {
				t.Fatalf("PrefixEnd(%q) = %q", p, end)
			}
			if !slices.ContainsFunc(idx, func(s string) bool { return s >= p && (end == "" || s < end) }) {
				t.Fatalf("text %q, query %q: no indexed term in [%q, %q)", text, q, p, end)
			}
		}
		if !strings.Contains(Fold(string(runes)), Fold(q)) {
			t.Fatalf("text %q does not contain its own substring %q once folded", text, q)
		}
	})
}
