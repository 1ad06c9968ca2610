package account

import (
	"regexp"
	"strings"
	"testing"

	"govchat/internal/passwd"
)

// One-time passwords are read off a screen and typed: groups of four from an alphabet
// without look-alikes, and always acceptable to the password policy.
func TestOneTimePassword(t *testing.T) {
	shape := regexp.MustCompile(`^[a-km-zA-HJ-NP-Z2-9]{4}-[a-km-zA-HJ-NP-Z2-9]{4}-[a-km-zA-HJ-NP-Z2-9]{4}$`)
	seen := map[string]bool{}
	policy := passwd.DefaultPolicy()
	for range 500 {
		pw, err := OneTimePassword()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(pw) || strings.ContainsAny(pw, "0O1lI") {
			t.Fatalf("%q has the wrong shape", pw)
		}
		if err := policy.Check(pw, "someone"); err != nil {
			t.Fatalf("%q breaks the policy: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("%q drawn twice", pw)
		}
		seen[pw] = true
	}
}
