package quiet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// YearFile is one year of the official calendar, as published by the State Council
// General Office (国务院办公厅关于某年部分节假日安排的通知). Its JSON form is the calendar
// file format (calendar/README.md):
//
//	{"year":2026,"source":"…","holidays":[{"name":"元旦","dates":["2026-01-01",…]}],
//	 "workdays":[{"name":"元旦调休","dates":["2026-01-04"]}]}
type YearFile struct {
	Year     int      `json:"year"`
	Source   string   `json:"source"`
	Holidays []Period `json:"holidays"`
	Workdays []Period `json:"workdays"`
}

// Period is a named set of dates: the days off (放假) of one holiday, or the make-up
// working days (调休上班) that go with it. Dates are "YYYY-MM-DD".
type Period struct {
	Name  string   `json:"name"`
	Dates []string `json:"dates"`
}

// DayKind is what the official calendar says about a date.
type DayKind int

const (
	Ordinary DayKind = iota // the weekly schedule applies
	Holiday                 // 放假: off, whatever the weekday
	Workday                 // 调休上班: a working day, whatever the weekday
)

// ParseYear reads and validates one calendar file strictly: unknown fields, trailing
// data and every rule of Validate are errors.
func ParseYear(data []byte) (YearFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var y YearFile
	if err := dec.Decode(&y); err != nil {
		return YearFile{}, &FieldError{Field: "body", Msg: "calendar file is not valid JSON of the calendar format: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return YearFile{}, &FieldError{Field: "body", Msg: "calendar file has data after its JSON object"}
	}
	return y, y.Validate()
}

// The years a calendar file may be for.
const (
	FirstYear = 1949
	LastYear  = 2200
)

// Validate checks a year file: a year between FirstYear and LastYear, a source, named
// periods with at least one date each, every date a real date in the year and listed
// once, no date both a holiday and a working day, and every make-up working day a
// Saturday or Sunday (a weekday is a working day already).
func (y YearFile) Validate() error {
	if y.Year < FirstYear || y.Year > LastYear {
		return &FieldError{Field: "year", Msg: fmt.Sprintf("year %d out of range", y.Year)}
	}
	if y.Source == "" {
		return &FieldError{Field: "source", Msg: "say where the dates come from (the notice and its date)"}
	}
	seen := map[Date]string{}
	check := func(kind string, periods []Period) error {
		for i, p := range periods {
			f := fmt.Sprintf("%s[%d]", kind, i)
			if p.Name == "" {
				return &FieldError{Field: f + ".name", Msg: "name is required"}
			}
			if len(p.Dates) == 0 {
				return &FieldError{Field: f + ".dates", Msg: "at least one date is required"}
			}
			for j, s := range p.Dates {
				fd := fmt.Sprintf("%s.dates[%d]", f, j)
				d, err := ParseDate(s)
				if err != nil {
					return &FieldError{Field: fd, Msg: err.Error()}
				}
				if d.Year != y.Year {
					return &FieldError{Field: fd, Msg: fmt.Sprintf("date %s is not in %d", d, y.Year)}
				}
				if prev, dup := seen[d]; dup {
					if prev != kind {
						return &FieldError{Field: fd, Msg: fmt.Sprintf("date %s is both a holiday and a working day", d)}
					}
					return &FieldError{Field: fd, Msg: fmt.Sprintf("date %s is listed twice", d)}
				}
				seen[d] = kind
				if kind == "workdays" {
					if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
						return &FieldError{Field: fd, Msg: fmt.Sprintf("make-up working day %s is a %s, not a weekend day", d, wd)}
					}
				}
			}
		}
		return nil
	}
	if err := check("holidays", y.Holidays); err != nil {
		return err
	}
	return check("workdays", y.Workdays)
}

// Calendar is the official calendar over the years it knows. The zero value and nil
// know no year: every date is Ordinary. A Calendar is immutable once built.
type Calendar struct {
	years map[int]YearFile
	days  map[Date]dayInfo
}

type dayInfo struct {
	kind DayKind
	name string
}

// NewCalendar builds a calendar from year files, validating each; a later file for a
// year replaces an earlier one.
func NewCalendar(files ...YearFile) (*Calendar, error) {
	return (*Calendar)(nil).With(files...)
}

// With is a copy of c in which the given years replace (or add to) c's.
func (c *Calendar) With(files ...YearFile) (*Calendar, error) {
	years := map[int]YearFile{}
	if c != nil {
		maps.Copy(years, c.years)
	}
	for _, f := range files {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("calendar year %d: %w", f.Year, err)
		}
		years[f.Year] = f
	}
	out := &Calendar{years: years, days: map[Date]dayInfo{}}
	for _, f := range years {
		for _, p := range f.Holidays {
			for _, s := range p.Dates {
				d, _ := ParseDate(s)
				out.days[d] = dayInfo{Holiday, p.Name}
			}
		}
		for _, p := range f.Workdays {
			for _, s := range p.Dates {
				d, _ := ParseDate(s)
				out.days[d] = dayInfo{Workday, p.Name}
			}
		}
	}
	return out, nil
}

// Day says what the calendar makes of d, with the holiday's or make-up day's name.
func (c *Calendar) Day(d Date) (DayKind, string) {
	if c == nil {
		return Ordinary, ""
	}
	info := c.days[d]
	return info.kind, info.name
}

// Year returns the file for year y, if the calendar has it.
func (c *Calendar) Year(y int) (YearFile, bool) {
	if c == nil {
		return YearFile{}, false
	}
	f, ok := c.years[y]
	return f, ok
}

// Years lists the years the calendar knows, in order.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.years))
}
