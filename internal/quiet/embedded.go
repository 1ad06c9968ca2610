package quiet

import (
	"embed"
	"fmt"
	"path"
	"strconv"
	"strings"
)

//go:embed calendar/*.json
var calendarFiles embed.FS

// EmbeddedYears returns the calendar years shipped in the binary, validated, in order.
// Each file is calendar/<year>.json and must say the same year inside.
func EmbeddedYears() ([]YearFile, error) {
	entries, err := calendarFiles.ReadDir("calendar")
	if err != nil {
		return nil, fmt.Errorf("quiet: embedded calendar: %w", err)
	}
	var out []YearFile
	for _, e := range entries {
		name := e.Name()
		data, err := calendarFiles.ReadFile(path.Join("calendar", name))
		if err != nil {
			return nil, fmt.Errorf("quiet: embedded calendar %s: %w", name, err)
		}
		y, err := ParseYear(data)
		if err != nil {
			return nil, fmt.Errorf("quiet: embedded calendar %s: %w", name, err)
		}
		if want, _ := strconv.Atoi(strings.TrimSuffix(name, ".json")); want != y.Year {
			return nil, fmt.Errorf("quiet: embedded calendar %s says year %d", name, y.Year)
		}
		out = append(out, y)
	}
	return out, nil
}

// Embedded is the calendar of the years shipped in the binary.
func Embedded() (*Calendar, error) {
	years, err := EmbeddedYears()
	if err != nil {
		return nil, err
	}
	return NewCalendar(years...)
}
