package protocol

import (
	"strings"
	"unicode/utf8"
)

// Group names made from members (PROTOCOL.md §4.9, "A group without a typed name").
const (
	// GroupNameMaxPeople is how many members' names an unnamed group's name lists.
	GroupNameMaxPeople = 3
	// GroupNameMaxRunes bounds the name, as a typed name is bounded.
	GroupNameMaxRunes = 64
	// GroupNameSep and GroupNameMore join the names and mark that members are left out.
	GroupNameSep  = "、"
	GroupNameMore = "…"
)

// GroupNameFromMembers is the name of a group nobody named: the display names of its
// first members in the order given (the server gives the creator first, then the
// others in the order they joined), at most GroupNameMaxPeople of them and
// GroupNameMaxRunes characters, joined by "、", with "…" when anyone is left out:
// 张静、李华、王建国…. Empty names are skipped; no names at all give "".
func GroupNameFromMembers(names []string) string {
	var b strings.Builder
	used, listed := 0, 0
	more := false
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if listed == GroupNameMaxPeople {
			more = true
			break
		}
		add := utf8.RuneCountInString(n)
		if listed == 0 && add > GroupNameMaxRunes {
			// One name longer than the bound: its start.
			return string([]rune(n)[:GroupNameMaxRunes-1]) + GroupNameMore
		}
		if listed > 0 {
			add += utf8.RuneCountInString(GroupNameSep)
		}
		// Keep room for the "…" that may follow (a first name of up to the bound fits).
		if listed > 0 && used+add > GroupNameMaxRunes-utf8.RuneCountInString(GroupNameMore) {
			more = true
			break
		}
		if listed > 0 {
			b.WriteString(GroupNameSep)
		}
		b.WriteString(n)
		used += add
		listed++
	}
	if more {
		b.WriteString(GroupNameMore)
	}
	return b.String()
}
