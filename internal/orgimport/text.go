package orgimport

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxValueRunes bounds ImportRowError.Value and Column, so one huge cell cannot
// blow up the error response.
const maxValueRunes = 64

// trim removes white space around a field. unicode.IsSpace covers the full-width
// space U+3000 that Chinese input methods type, and the no-break space Excel
// sometimes keeps from pasted web pages.
func trim(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// blank reports whether every field of a record is empty once trimmed: Excel writes
// ",,,,," for a row that merely had formatting, and such a row is not a person.
func blank(rec []string) bool {
	for _, f := range rec {
		if trim(f) != "" {
			return false
		}
	}
	return true
}

// forbidden reports runes refused in every field. Control characters break lines and
// logs; the bidirectional controls (the embeddings and overrides U+202A–U+202E and
// isolates U+2066–U+2069 the brief names, plus the marks U+200E, U+200F and U+061C
// that do the same job more quietly) and the zero-width spaces let "王建国" and a
// different account display identically. Zero-width joiners stay allowed: some
// scripts need them.
func forbidden(r rune) bool {
	switch {
	case unicode.IsControl(r): // C0, DEL and C1
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	case r == 0x200B, r == 0x2060, r == 0xFEFF: // zero-width space, word joiner, BOM
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// firstForbidden returns the first forbidden rune and its 1-based character position,
// or ok=false when there is none.
func firstForbidden(s string) (r rune, pos int, ok bool) {
	pos = 0
	for _, c := range s {
		pos++
		if forbidden(c) {
			return c, pos, true
		}
	}
	return 0, 0, false
}

// display prepares a value for ImportRowError.Value or Column: cut to 64 characters,
// with forbidden runes shown as U+FFFD, so that an error about a spoofing character
// does not carry the spoof into the administrator's screen.
func display(s string) string {
	if utf8.RuneCountInString(s) > maxValueRunes {
		n := 0
		for i := range s {
			if n == maxValueRunes {
				s = s[:i]
				break
			}
			n++
		}
	}
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// describeRune names a code point for a message: "U+202E".
func describeRune(r rune) string { return fmt.Sprintf("U+%04X", r) }

// asciiLower lowers A–Z only. strings.ToLower would also fold the Kelvin sign "K"
// (U+212A) into "k", letting a look-alike username through as a real one.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// runes counts characters, which is what "at most 32" means to the person filling in
// the sheet.
func runes(s string) int { return utf8.RuneCountInString(s) }
