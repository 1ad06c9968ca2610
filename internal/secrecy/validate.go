package secrecy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// Bounds of a level's fields (PROTOCOL.md §4.18).
const (
	maxNameRunes   = 8
	maxNameEnRunes = 24
	minRetention   = 1
	maxRetention   = 36500 // a hundred years: longer is "forever", which retention is not
)

// checkLevels validates a PUT of the ladder and returns it normalised (names trimmed,
// colours lower-case). Every refusal is bad_request naming the field, e.g.
// levels[3].retention_days.
//
// Besides each field's bounds it checks that the ladder tightens as the level rises: a
// rule a level withholds (push text, forwarding, download, copy, browser storage) no
// higher level may grant, and a watermark a level draws every higher level draws too —
// otherwise raising a message's level could loosen what happens to it. Retention is
// not held to an order: an officer may keep 秘密 longer than 内部 for the archive.
func checkLevels(in []protocol.SecrecyLevel) ([]protocol.SecrecyLevel, error) {
	if len(in) != protocol.NumSecrecyLevels {
		return nil, apperr.BadField("levels", "the ladder has exactly %d levels, in order; got %d", protocol.NumSecrecyLevels, len(in))
	}
	out := make([]protocol.SecrecyLevel, len(in))
	names, namesEn := map[string]int{}, map[string]int{}
	for i, l := range in {
		f := func(name string) string { return fmt.Sprintf("levels[%d].%s", i, name) }
		if l.Level != i {
			return nil, apperr.BadField(f("level"), "level %d is at position %d; send the levels 0 to %d in order", l.Level, i, protocol.NumSecrecyLevels-1)
		}
		var err error
		if l.Name, err = checkName(f("name"), l.Name, maxNameRunes); err != nil {
			return nil, err
		}
		if l.NameEn, err = checkName(f("name_en"), l.NameEn, maxNameEnRunes); err != nil {
			return nil, err
		}
		if j, ok := names[l.Name]; ok {
			return nil, apperr.BadField(f("name"), "level %d is already called %s", j, l.Name)
		}
		if j, ok := namesEn[strings.ToLower(l.NameEn)]; ok {
			return nil, apperr.BadField(f("name_en"), "level %d is already called %s", j, l.NameEn)
		}
		names[l.Name], namesEn[strings.ToLower(l.NameEn)] = i, i
		if !isColor(l.Color) {
			return nil, apperr.BadField(f("color"), "a colour is written #rrggbb")
		}
		l.Color = strings.ToLower(l.Color)
		if l.RetentionDays < minRetention || l.RetentionDays > maxRetention {
			return nil, apperr.BadField(f("retention_days"), "retention is %d to %d days; got %d", minRetention, maxRetention, l.RetentionDays)
		}
		out[i] = l
	}
	for i := 1; i < len(out); i++ {
		lo, hi := out[i-1], out[i]
		for _, r := range []struct {
			field      string
			lower, got bool
		}{
			{"push_text", lo.PushText, hi.PushText},
			{"forward", lo.Forward, hi.Forward},
			{"download", lo.Download, hi.Download},
			{"copy", lo.Copy, hi.Copy},
			{"store", lo.Store, hi.Store},
			{"watermark", !lo.Watermark, !hi.Watermark}, // drawn below: drawn above
		} {
			if !r.lower && r.got {
				return nil, apperr.BadField(fmt.Sprintf("levels[%d].%s", i, r.field),
					"level %d (%s) may not be looser than level %d (%s) below it on %s", i, hi.Name, i-1, lo.Name, r.field)
			}
		}
	}
	return out, nil
}

// checkName trims a name and holds it to 1…max characters without control characters.
func checkName(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return "", apperr.BadField(field, "the name is not valid UTF-8")
	case n == 0:
		return "", apperr.BadField(field, "a level needs a name")
	case n > max:
		return "", apperr.BadField(field, "at most %d characters; got %d", max, n)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", apperr.BadField(field, "the name holds a control character")
	}
	return s, nil
}

// isColor reports whether s is #rrggbb.
func isColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// checkChannel validates a channel's ceiling and usual level.
func checkChannel(req protocol.PutChannelSecrecyRequest) error {
	top := protocol.NumSecrecyLevels - 1
	switch {
	case req.MaxSecrecy < 0 || req.MaxSecrecy > top:
		return apperr.BadField("max_secrecy", "the ceiling is a level from 0 to %d", top)
	case req.DefaultSecrecy < 0 || req.DefaultSecrecy > top:
		return apperr.BadField("default_secrecy", "the usual level is a level from 0 to %d", top)
	case req.DefaultSecrecy > req.MaxSecrecy:
		return apperr.BadField("default_secrecy", "the usual level %d is above the ceiling %d", req.DefaultSecrecy, req.MaxSecrecy)
	}
	return nil
}
