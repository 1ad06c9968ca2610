package quiet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Span is one stretch of working time within a day, [Start, End) on the wall clock.
type Span struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// Schedule is a weekly schedule: the working spans of each day of the week, indexed by
// time.Weekday (Sunday = 0). A day without spans is not a working day.
//
// Its JSON form names the days: {"mon":[{"start":"08:30","end":"12:00"}, …], "tue": …};
// a day left out, null or [] has no working time. Unknown keys are refused.
type Schedule struct {
	Days [7][]Span
}

// DefaultSchedule is Monday to Friday 08:30–12:00 and 14:30–18:00.
func DefaultSchedule() Schedule {
	var s Schedule
	for d := time.Monday; d <= time.Friday; d++ {
		s.Days[d] = []Span{{At(8, 30), At(12, 0)}, {At(14, 30), At(18, 0)}}
	}
	return s
}

var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// DayKey is the JSON key of a weekday ("mon" for Monday).
func DayKey(d time.Weekday) string { return dayKeys[d] }

// Validate checks each day: spans with 00:00 ≤ start < end ≤ 24:00, in order, not
// overlapping. The error names the day ("days.tue").
func (s Schedule) Validate() error {
	for d, spans := range s.Days {
		for i, sp := range spans {
			if sp.Start < 0 || sp.End > MinutesPerDay || sp.Start >= sp.End {
				return &FieldError{Field: "days." + dayKeys[d], Msg: fmt.Sprintf("span %s–%s: start must be before end, within 00:00–24:00", sp.Start, sp.End)}
			}
			if i > 0 && sp.Start < spans[i-1].End {
				return &FieldError{Field: "days." + dayKeys[d], Msg: fmt.Sprintf("span %s–%s overlaps or precedes the one before it", sp.Start, sp.End)}
			}
		}
	}
	return nil
}

// WorkingDays reports whether any day has working time.
func (s Schedule) WorkingDays() bool {
	for _, spans := range s.Days {
		if len(spans) > 0 {
			return true
		}
	}
	return false
}

// MakeupSpans are the spans a make-up working day (调休上班) follows: those of the first
// weekday, Monday to Friday, that has working time; none if no weekday has.
func (s Schedule) MakeupSpans() []Span {
	for d := time.Monday; d <= time.Friday; d++ {
		if len(s.Days[d]) > 0 {
			return s.Days[d]
		}
	}
	return nil
}

// Equal reports whether two schedules have the same spans.
func (s Schedule) Equal(o Schedule) bool {
	for d := range s.Days {
		if !slices.Equal(s.Days[d], o.Days[d]) {
			return false
		}
	}
	return true
}

// MarshalJSON writes every day, Monday first, [] for a day without working time.
func (s Schedule) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, d := range []time.Weekday{1, 2, 3, 4, 5, 6, 0} {
		if i > 0 {
			b.WriteByte(',')
		}
		spans := s.Days[d]
		if spans == nil {
			spans = []Span{}
		}
		v, err := json.Marshal(spans)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%q:%s", dayKeys[d], v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the day-keyed form, refusing unknown keys and bad times. It does
// not check the order of spans; call Validate.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	var m map[string][]Span
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	var out Schedule
	for k, spans := range m {
		i := slices.Index(dayKeys[:], k)
		if i < 0 {
			return &FieldError{Field: "days." + k, Msg: "unknown day; want mon, tue, wed, thu, fri, sat or sun"}
		}
		out.Days[i] = spans
	}
	*s = out
	return nil
}

// FieldError is a validation failure of one named field, for the API's bad_request.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
