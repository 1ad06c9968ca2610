package dlp

import (
	"regexp"
	"testing"
)

// markPattern is the browser's definition of a marking (client-web/src/dlp/scan.ts).
var markPattern = regexp.MustCompile(`(?:绝密|机密|秘密)[ \t]{0,3}★`)

// FuzzSecretMarks: the hand-written search counts what the browser's pattern does.
func FuzzSecretMarks(f *testing.F) {
	for _, s := range []string{"秘密★1年", "机密 ★", "绝密\t\t\t★", "秘密    ★", "★秘密★★", "秘密★秘密★", "密★", "x秘密 ★ 机密★"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := secretMarks(s), len(markPattern.FindAllStringIndex(s, -1)); got != want {
			t.Fatalf("secretMarks(%q) = %d, the pattern finds %d", s, got, want)
		}
	})
}
