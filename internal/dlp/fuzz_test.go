package dlp_test

import (
	"regexp"
	"testing"
	"unicode/utf8"

	"govchat/internal/dlp"
	"govchat/protocol"
)

// FuzzScan: any text scans without panic, every count is positive, and normalising
// twice changes nothing more than once.
func FuzzScan(f *testing.F) {
	c := loadCorpus(f)
	for _, tc := range c.Cases {
		f.Add(tc.Text)
	}
	m, err := dlp.Compile(c.Rules)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range m.Scan(s) {
			if h.Count <= 0 || h.Rule == "" {
				t.Fatalf("hit %+v", h)
			}
		}
		if n := dlp.Normalize(s); utf8.ValidString(s) && dlp.Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q", s)
		}
	})
}

// FuzzCheckPattern: the safety check never panics, and whatever it accepts compiles
// in Go, is bounded in size and does not match empty text.
func FuzzCheckPattern(f *testing.F) {
	for _, p := range []string{`HT-\d{4}`, `(a+)+`, `(a|aa)+`, `a(?=b)`, `(a)\1`, `[[:alpha:]]`, `(?:\d{4} ){3}`, `[]a]`, `a{1000}`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if dlp.CheckPattern(p) != nil {
			return
		}
		re, err := regexp.Compile(p)
		if err != nil {
			t.Fatalf("accepted %q, which does not compile: %v", p, err)
		}
		if len(p) > protocol.DLPMaxPatternBytes || re.MatchString("") {
			t.Fatalf("accepted %q", p)
		}
	})
}
