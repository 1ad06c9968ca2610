package passwd

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons a password is refused, stable so clients can show a localised message.
const (
	ReasonTooShort       = "too_short"
	ReasonTooLong        = "too_long"
	ReasonSameAsUsername = "same_as_username"
	ReasonTooSimple      = "too_simple"
)

// PolicyError says why Policy.Check refused a password. Reason is one of the Reason
// constants.
type PolicyError struct {
	Reason string
}

func (e *PolicyError) Error() string { return "passwd: password refused: " + e.Reason }

// Policy is what a new password must satisfy. Lengths count characters (runes), so a
// Chinese passphrase is measured the way its owner sees it.
type Policy struct {
	MinLen int
	MaxLen int // 0 means no limit other than MaxPasswordBytes
}

// DefaultPolicy returns the policy for govchat accounts: 10 to 128 characters.
func DefaultPolicy() Policy {
	return Policy{MinLen: 10, MaxLen: 128}
}

// Check returns nil if password may be set for username, or a *PolicyError. Checks
// run cheapest and most fundamental first, so the reason reported is the one to fix
// first.
func (p Policy) Check(password, username string) error {
	n := utf8.RuneCountInString(password)
	// The byte bound keeps the argon2 input bounded (and equal to what the Hasher
	// accepts) even for 128 four-byte characters.
	if len(password) > MaxPasswordBytes || (p.MaxLen > 0 && n > p.MaxLen) {
		return &PolicyError{Reason: ReasonTooLong}
	}
	if n < p.MinLen {
		return &PolicyError{Reason: ReasonTooShort}
	}
	if username != "" && strings.EqualFold(password, username) {
		return &PolicyError{Reason: ReasonSameAsUsername}
	}
	if characterClasses(password) < 3 && hanCount(password) < passphraseHan {
		return &PolicyError{Reason: ReasonTooSimple}
	}
	return nil
}

// passphraseHan is how many Chinese characters make a passphrase strong without other
// character classes: drawn from the few thousand characters in daily use, ten of them
// carry over 100 bits, far more than the mixed-class minimum. People remember a
// sentence in their own language better than "Tr0ub4dor&3".
const passphraseHan = 10

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// characterClasses counts which of ASCII lower, ASCII upper, ASCII digit and
// everything else appear in s. Non-ASCII letters (Chinese characters included) count
// as "other": they are allowed, and they widen the search space like symbols do.
func characterClasses(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			lower = 1
		case 'A' <= r && r <= 'Z':
			upper = 1
		case '0' <= r && r <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}
