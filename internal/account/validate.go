package account

import (
	"regexp"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/internal/textcheck"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// ValidateProfile checks the fields an administrator or an import sets.
func ValidateProfile(u store.User) error {
	if !usernamePattern.MatchString(u.Username) {
		return apperr.BadField("username", "username must be 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if u.DisplayName == "" {
		return apperr.BadField("display_name", "display name is required")
	}
	if !u.Role.Valid() {
		return apperr.BadField("role", "unknown role %q", u.Role)
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"display_name", u.DisplayName, 32},
		{"title", u.Title, 64},
		{"position", u.Position, 64},
		{"phone", u.Phone, 32},
		{"email", u.Email, 254},
	} {
		if err := CheckText(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	return nil
}

// CheckText bounds a short text field and refuses control characters and bidirectional
// overrides, which can make a name display as something it is not.
func CheckText(field, v string, maxRunes int) error {
	if !utf8.ValidString(v) {
		return apperr.BadField(field, "%s is not valid UTF-8", field)
	}
	if utf8.RuneCountInString(v) > maxRunes {
		return apperr.BadField(field, "%s is longer than %d characters", field, maxRunes)
	}
	for _, r := range v {
		if textcheck.Forbidden(r) {
			return apperr.BadField(field, "%s contains control or direction-override characters", field)
		}
	}
	return nil
}
