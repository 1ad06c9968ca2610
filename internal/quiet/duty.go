package quiet

import "time"

// DutySlot is a stretch of duty (值班): during [Start, End) the person is reachable
// whatever their schedule, the calendar or their leave say.
type DutySlot struct {
	ID     int64     `json:"id"`
	UserID int64     `json:"user_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Note   string    `json:"note,omitempty"`
}

// Covers reports whether at falls within the slot.
func (s DutySlot) Covers(at time.Time) bool { return !at.Before(s.Start) && at.Before(s.End) }
