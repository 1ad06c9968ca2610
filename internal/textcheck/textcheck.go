// Package textcheck checks the short texts people type into govchat — titles, reasons,
// case numbers, notes: valid UTF-8, trimmed, bounded in characters, and free of control
// characters and of the bidirectional controls that can make a text display as
// something it is not. One rule for every service, so a field refused in one place is
// refused everywhere with the same words.
package textcheck

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"govchat/internal/apperr"
)

// Field trims v and checks it is valid UTF-8, 1..max characters (0..max when not
// required), and free of control characters — except line breaks and tabs when
// multiline — and of direction embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069). The error is a bad_request naming field.
func Field(field, v string, max int, required, multiline bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", apperr.BadField(field, "%s is not valid UTF-8", field)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return "", apperr.BadField(field, "%s is required", field)
		}
		return "", nil
	}
	if utf8.RuneCountInString(v) > max {
		return "", apperr.BadField(field, "%s is longer than %d characters", field, max)
	}
	for _, r := range v {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if Forbidden(r) {
			return "", apperr.BadField(field, "%s contains control or direction-override characters", field)
		}
	}
	return v, nil
}

// Forbidden reports whether r may not appear in a typed text: a control character or a
// bidirectional embedding, override or isolate.
func Forbidden(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
