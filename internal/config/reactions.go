package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"govchat/protocol"
)

// defaultReactions are the replies an office gives an instruction without typing (the
// chat service's default too).
func defaultReactions() []string {
	return []string{"收到", "👍", "OK", "辛苦了", "好的", "谢谢"}
}

// reactionsValue is the allowed set of reactions: separated by commas (, ， or 、),
// in display order; "none" turns reactions off.
type reactionsValue []string

func (v *reactionsValue) Set(s string) error {
	out := []string{}
	if t := strings.TrimSpace(s); t != "" && t != "none" {
		for _, part := range strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			out = append(out, strings.TrimSpace(part))
		}
	}
	*v = out
	return nil
}

func (v *reactionsValue) String() string {
	if len(*v) == 0 {
		return "none"
	}
	return strings.Join(*v, ",")
}

// validateReactions checks the allowed set: at most protocol.MaxReactions, each 1 to
// protocol.MaxReactionRunes characters of visible text, none twice.
func (c Config) validateReactions(bad func(setting, format string, args ...any)) {
	if len(c.Reactions) > protocol.MaxReactions {
		bad("reactions", "at most %d reactions, got %d", protocol.MaxReactions, len(c.Reactions))
		return
	}
	seen := map[string]bool{}
	for _, r := range c.Reactions {
		if err := checkReaction(r); err != "" {
			bad("reactions", "%q %s", r, err)
			return
		}
		if seen[r] {
			bad("reactions", "%q is listed twice", r)
			return
		}
		seen[r] = true
	}
}

func checkReaction(r string) string {
	switch n := utf8.RuneCountInString(r); {
	case r == "":
		return "is empty"
	case !utf8.ValidString(r):
		return "is not valid UTF-8"
	case n > protocol.MaxReactionRunes:
		return fmt.Sprintf("has %d characters; at most %d", n, protocol.MaxReactionRunes)
	}
	for _, ch := range r {
		// Control characters, and direction overrides that would turn the text
		// around them; joiners and variation selectors (emoji) are fine.
		if unicode.IsControl(ch) || (ch >= 0x202A && ch <= 0x202E) || (ch >= 0x2066 && ch <= 0x2069) {
			return "contains control characters"
		}
		if unicode.IsSpace(ch) {
			return "contains spaces"
		}
	}
	return ""
}
