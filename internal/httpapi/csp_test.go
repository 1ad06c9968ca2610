package httpapi

import (
	"strings"
	"testing"
)

// The policy is loosened in one place only: frames may show blob: URLs (the PDF preview
// of a file the browser decrypted). Scripts, plugins and being framed stay shut.
func TestContentSecurityPolicyDirectives(t *testing.T) {
	got := map[string]string{}
	for _, d := range strings.Split(contentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if _, dup := got[name]; dup {
			t.Fatalf("directive %s given twice", name)
		}
		got[name] = value
	}
	want := map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self'",
		"style-src":       "'self'",
		"frame-src":       "'self' blob:",
		"object-src":      "'none'",
		"frame-ancestors": "'none'",
		"base-uri":        "'none'",
	}
	for name, value := range want {
		if got[name] != value {
			t.Errorf("%s = %q, want %q", name, got[name], value)
		}
	}
}
