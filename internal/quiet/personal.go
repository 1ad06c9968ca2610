package quiet

import (
	"fmt"
	"unicode/utf8"
)

// Personal is one person's adjustments to the organisation's working time.
type Personal struct {
	// Schedule, when set, replaces the organisation's weekly schedule for this person
	// (part-time work). Holidays and make-up days still apply.
	Schedule *Schedule `json:"schedule,omitempty"`
	// Leave lists whole days off (请假).
	Leave []Leave `json:"leave,omitempty"`
}

// Leave is a range of whole days off, From to To inclusive, in the organisation's zone.
type Leave struct {
	From Date   `json:"from"`
	To   Date   `json:"to"`
	Note string `json:"note,omitempty"`
}

// MaxNote bounds the note of a leave range, in characters.
const MaxNote = 200

// MaxLeaveRanges bounds how many leave ranges one person keeps.
const MaxLeaveRanges = 100

// Covers reports whether d falls within the range.
func (l Leave) Covers(d Date) bool { return !d.Before(l.From) && !l.To.Before(d) }

// Validate checks the personal schedule and each leave range (from ≤ to, at most 366
// days, a note of at most MaxNote characters), naming the field at fault.
func (p Personal) Validate() error {
	if p.Schedule != nil {
		if err := p.Schedule.Validate(); err != nil {
			if fe, ok := err.(*FieldError); ok {
				return &FieldError{Field: "schedule." + fe.Field, Msg: fe.Msg}
			}
			return err
		}
	}
	if len(p.Leave) > MaxLeaveRanges {
		return &FieldError{Field: "leave", Msg: fmt.Sprintf("at most %d leave ranges", MaxLeaveRanges)}
	}
	for i, l := range p.Leave {
		f := fmt.Sprintf("leave[%d]", i)
		if l.From.IsZero() {
			return &FieldError{Field: f + ".from", Msg: "from is required"}
		}
		if l.To.IsZero() {
			return &FieldError{Field: f + ".to", Msg: "to is required"}
		}
		if l.To.Before(l.From) {
			return &FieldError{Field: f + ".to", Msg: "to is before from"}
		}
		if l.From.AddDays(366).Before(l.To) {
			return &FieldError{Field: f + ".to", Msg: "a leave range is at most 366 days"}
		}
		if utf8.RuneCountInString(l.Note) > MaxNote {
			return &FieldError{Field: f + ".note", Msg: fmt.Sprintf("note is at most %d characters", MaxNote)}
		}
	}
	return nil
}

// OnLeave reports whether d falls within any leave range.
func (p Personal) OnLeave(d Date) bool {
	for _, l := range p.Leave {
		if l.Covers(d) {
			return true
		}
	}
	return false
}
