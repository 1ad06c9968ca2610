package orgimport

import (
	"fmt"
	"strings"
)

// Path limits. Five department levels is deeper than any 局 → 科/股 → 组 needs; the
// party tree has exactly two kinds, branch and group.
const (
	maxDepartmentDepth = 5
	maxPartyDepth      = 2
	maxSegmentRunes    = 64
)

// splitPath reads "预算股 / 预算编制组" into its levels. An empty string is no path.
// The full-width "／" is accepted because a Chinese input method types it by default.
func splitPath(s string, maxDepth int) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(strings.ReplaceAll(s, "／", "/"), "/")
	if len(parts) > maxDepth {
		return nil, fmt.Errorf("has %d levels; at most %d are allowed", len(parts), maxDepth)
	}
	for i, p := range parts {
		p = trim(p)
		switch {
		case p == "":
			return nil, fmt.Errorf("level %d is empty; write levels separated by a single \"/\"", i+1)
		case runes(p) > maxSegmentRunes:
			return nil, fmt.Errorf("level %d is longer than %d characters", i+1, maxSegmentRunes)
		}
		parts[i] = p
	}
	return parts, nil
}

// pathSet gathers the distinct paths a file names, each preceded by its ancestors, in
// the order the file first names them: the applier can create them front to back, and
// the file's order becomes the display order.
type pathSet struct {
	seen  map[string]bool
	paths [][]string
}

func (s *pathSet) add(path []string) {
	if s.seen == nil {
		s.seen = make(map[string]bool)
	}
	for i := 1; i <= len(path); i++ {
		// Levels cannot contain control characters, so NUL cannot collide with them.
		key := strings.Join(path[:i], "\x00")
		if s.seen[key] {
			continue
		}
		s.seen[key] = true
		s.paths = append(s.paths, append([]string(nil), path[:i]...))
	}
}
