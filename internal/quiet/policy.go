package quiet

import (
	"time"
)

// Reasons Explain gives. Reachable is true exactly for ReasonWorking and ReasonOnDuty.
const (
	ReasonWorking  = "working"   // inside a working span
	ReasonOnDuty   = "on_duty"   // inside a duty slot (值班)
	ReasonOffHours = "off_hours" // a working day, outside its spans (night, lunch break)
	ReasonWeekend  = "weekend"   // Saturday or Sunday without working time
	ReasonDayOff   = "day_off"   // another day without working time in the person's schedule
	ReasonHoliday  = "holiday"   // an official holiday (放假)
	ReasonLeave    = "leave"     // on leave (请假)
)

// Horizon is how far NextReachable looks ahead.
const Horizon = 60 * 24 * time.Hour

// Policy is everything that decides when people are reachable. The zero value treats
// everyone as unreachable (no working time) in Asia/Shanghai; start from NewPolicy or
// fill Org with DefaultSchedule. A Policy is read-only once built and safe to share.
type Policy struct {
	Org      Schedule           // the organisation's weekly schedule
	Calendar *Calendar          // holidays and make-up days; nil: none
	Personal map[int64]Personal // by user id; absent: the organisation's schedule, no leave
	Duty     []DutySlot         // the duty roster, any order
	Location *time.Location     // the organisation's zone; nil: Asia/Shanghai
}

// NewPolicy is the default schedule with the given calendar in Asia/Shanghai.
func NewPolicy(cal *Calendar) Policy {
	loc, _ := LoadLocation(DefaultZone)
	return Policy{Org: DefaultSchedule(), Calendar: cal, Location: loc}
}

func (p Policy) loc() *time.Location {
	if p.Location != nil {
		return p.Location
	}
	loc, _ := LoadLocation(DefaultZone)
	return loc
}

// Reachable reports whether the person may be disturbed at the instant.
func (p Policy) Reachable(userID int64, at time.Time) bool {
	r := p.Explain(userID, at)
	return r == ReasonWorking || r == ReasonOnDuty
}

// Explain says why the person is or is not reachable at the instant: one of the
// Reason constants.
func (p Policy) Explain(userID int64, at time.Time) string {
	if p.onDuty(userID, at) {
		return ReasonOnDuty
	}
	local := at.In(p.loc())
	day := DateOf(local)
	spans, reason := p.daySpans(userID, day)
	if len(spans) == 0 {
		return reason
	}
	for _, sp := range spans {
		start, end := day.In(local.Location(), sp.Start), day.In(local.Location(), sp.End)
		if !at.Before(start) && at.Before(end) {
			return ReasonWorking
		}
	}
	return ReasonOffHours
}

// NextReachable is the start of the person's next working or duty time at or after
// `after`: `after` itself if they are reachable then, the zero time if nothing falls
// within Horizon.
func (p Policy) NextReachable(userID int64, after time.Time) time.Time {
	if p.Reachable(userID, after) {
		return after
	}
	limit := after.Add(Horizon)
	var best time.Time
	consider := func(t time.Time) {
		if !t.Before(after) && !t.After(limit) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	for _, s := range p.Duty {
		if s.UserID == userID && s.End.After(after) {
			if s.Start.Before(after) {
				consider(after)
			} else {
				consider(s.Start)
			}
		}
	}
	loc := p.loc()
	day := DateOf(after.In(loc))
	for i := 0; i <= int(Horizon/(24*time.Hour)); i++ {
		d := day.AddDays(i)
		if !best.IsZero() && best.Before(d.In(loc, 0)) {
			break
		}
		spans, _ := p.daySpans(userID, d)
		for _, sp := range spans {
			start, end := d.In(loc, sp.Start), d.In(loc, sp.End)
			if end.After(after) {
				if start.Before(after) {
					consider(after)
				} else {
					consider(start)
				}
				break
			}
		}
	}
	return best
}

// Status is a person's reachability at an instant, as the sender is shown it.
type Status struct {
	Reachable bool
	Reason    string
	Next      time.Time // NextReachable; equals the instant when Reachable
}

// StatusAt gathers Explain and NextReachable.
func (p Policy) StatusAt(userID int64, at time.Time) Status {
	r := p.Explain(userID, at)
	st := Status{Reason: r, Reachable: r == ReasonWorking || r == ReasonOnDuty}
	if st.Reachable {
		st.Next = at
	} else {
		st.Next = p.NextReachable(userID, at)
	}
	return st
}

func (p Policy) onDuty(userID int64, at time.Time) bool {
	for _, s := range p.Duty {
		if s.UserID == userID && s.Covers(at) {
			return true
		}
	}
	return false
}

// daySpans are the person's working spans on day d, or none and the reason why.
func (p Policy) daySpans(userID int64, d Date) ([]Span, string) {
	pers, hasPers := p.Personal[userID]
	if hasPers && pers.OnLeave(d) {
		return nil, ReasonLeave
	}
	sched := p.Org
	if hasPers && pers.Schedule != nil {
		sched = *pers.Schedule
	}
	kind, _ := p.Calendar.Day(d)
	wd := d.Weekday()
	var spans []Span
	switch kind {
	case Holiday:
		return nil, ReasonHoliday
	case Workday:
		spans = sched.MakeupSpans()
	default:
		spans = sched.Days[wd]
	}
	if len(spans) == 0 {
		if wd == time.Saturday || wd == time.Sunday {
			return nil, ReasonWeekend
		}
		return nil, ReasonDayOff
	}
	return spans, ""
}
