package quiet

import (
	"testing"
	"time"
)

// cst is the organisation's zone in these tests.
func cst(t *testing.T) *time.Location {
	t.Helper()
	loc, err := LoadLocation("")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a wall-clock instant in Asia/Shanghai: at(t, "2026-03-06 22:00").
func at(t *testing.T, s string) time.Time {
	t.Helper()
	if len(s) == len("2006-01-02 15:04") {
		s += ":00"
	}
	v, err := time.ParseInLocation(time.DateTime, s, cst(t))
	if err != nil {
		t.Fatalf("at(%q): %v", s, err)
	}
	return v
}

func embedded(t *testing.T) *Calendar {
	t.Helper()
	cal, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

const (
	staff    = 1 // the organisation's schedule
	partTime = 2 // Monday, Wednesday, Friday mornings
	onLeave  = 3 // leave 2026-03-09 … 2026-03-13
	duty     = 4 // on duty Saturday 2026-03-07 09:00–17:00 and overnight Friday 2026-03-13
	nobody   = 5 // a schedule without working time
)

func testPolicy(t *testing.T) Policy {
	t.Helper()
	p := NewPolicy(embedded(t))
	morning := []Span{{At(8, 30), At(12, 0)}}
	var pt Schedule
	pt.Days[time.Monday], pt.Days[time.Wednesday], pt.Days[time.Friday] = morning, morning, morning
	p.Personal = map[int64]Personal{
		partTime: {Schedule: &pt},
		onLeave:  {Leave: []Leave{{From: Date{2026, 3, 9}, To: Date{2026, 3, 13}, Note: "年休假"}}},
		nobody:   {Schedule: &Schedule{}},
	}
	p.Duty = []DutySlot{
		{ID: 1, UserID: duty, Start: at(t, "2026-03-07 09:00"), End: at(t, "2026-03-07 17:00")},
		{ID: 2, UserID: duty, Start: at(t, "2026-03-13 18:00"), End: at(t, "2026-03-14 08:00")},
		{ID: 3, UserID: onLeave, Start: at(t, "2026-03-11 20:00"), End: at(t, "2026-03-11 22:00")},
	}
	return p
}

func TestPolicy(t *testing.T) {
	p := testPolicy(t)
	cases := []struct {
		name   string
		user   int64
		at     string
		reason string
		next   string // "" means the zero time; "=" means the instant itself
	}{
		{"friday 22:00 is off, next Monday 08:30", staff, "2026-03-06 22:00", ReasonOffHours, "2026-03-09 08:30"},
		{"saturday is weekend", staff, "2026-03-07 10:00", ReasonWeekend, "2026-03-09 08:30"},
		{"monday 08:30 is working", staff, "2026-03-09 08:30", ReasonWorking, "="},
		{"a second before 08:30 is not", staff, "2026-03-09 08:29:59", ReasonOffHours, "2026-03-09 08:30"},
		{"11:59:59 is working", staff, "2026-03-09 11:59:59", ReasonWorking, "="},
		{"lunch break from 12:00", staff, "2026-03-09 12:00", ReasonOffHours, "2026-03-09 14:30"},
		{"lunch break to 14:30", staff, "2026-03-09 14:29", ReasonOffHours, "2026-03-09 14:30"},
		{"afternoon", staff, "2026-03-09 14:30", ReasonWorking, "="},
		{"18:00 ends the day", staff, "2026-03-09 18:00", ReasonOffHours, "2026-03-10 08:30"},
		{"early morning", staff, "2026-03-10 03:00", ReasonOffHours, "2026-03-10 08:30"},

		{"holiday monday (清明) skips to tuesday", staff, "2026-04-03 22:00", ReasonOffHours, "2026-04-07 08:30"},
		{"on the holiday monday", staff, "2026-04-06 10:00", ReasonHoliday, "2026-04-07 08:30"},
		{"make-up saturday 2026-02-14 is a working day", staff, "2026-02-14 10:00", ReasonWorking, "="},
		{"friday before the make-up saturday", staff, "2026-02-13 22:00", ReasonOffHours, "2026-02-14 08:30"},
		{"after the make-up saturday the festival", staff, "2026-02-14 18:30", ReasonOffHours, "2026-02-24 08:30"},
		{"monday 2026-02-23 is off", staff, "2026-02-23 09:00", ReasonHoliday, "2026-02-24 08:30"},
		{"make-up saturday 2026-02-28", staff, "2026-02-28 15:00", ReasonWorking, "="},
		{"make-up sunday 2026-01-04", staff, "2026-01-04 09:00", ReasonWorking, "="},
		{"new year 2026 runs into a make-up sunday", staff, "2025-12-31 19:00", ReasonOffHours, "2026-01-04 08:30"},
		{"2025-01-01 is off, no make-up day", staff, "2025-01-01 09:00", ReasonHoliday, "2025-01-02 08:30"},
		{"national day 2026", staff, "2026-09-30 18:00", ReasonOffHours, "2026-10-08 08:30"},

		{"on duty saturday", duty, "2026-03-07 10:00", ReasonOnDuty, "="},
		{"before duty, next is the slot", duty, "2026-03-06 22:00", ReasonOffHours, "2026-03-07 09:00"},
		{"after the slot, monday", duty, "2026-03-07 17:00", ReasonWeekend, "2026-03-09 08:30"},
		{"overnight duty", duty, "2026-03-13 23:00", ReasonOnDuty, "="},
		{"duty ends at its end", duty, "2026-03-14 08:00", ReasonWeekend, "2026-03-16 08:30"},
		{"another person is not on duty", staff, "2026-03-07 10:00", ReasonWeekend, "2026-03-09 08:30"},

		{"part-time monday morning", partTime, "2026-03-09 09:00", ReasonWorking, "="},
		{"part-time monday afternoon", partTime, "2026-03-09 15:00", ReasonOffHours, "2026-03-11 08:30"},
		{"part-time tuesday", partTime, "2026-03-10 09:00", ReasonDayOff, "2026-03-11 08:30"},
		{"part-time make-up saturday takes monday's spans", partTime, "2026-02-14 09:00", ReasonWorking, "="},
		{"part-time make-up saturday afternoon", partTime, "2026-02-14 15:00", ReasonOffHours, "2026-02-25 08:30"},

		{"leave from monday", onLeave, "2026-03-06 22:00", ReasonOffHours, "2026-03-11 20:00"},
		{"on leave", onLeave, "2026-03-10 10:00", ReasonLeave, "2026-03-11 20:00"},
		{"duty during leave", onLeave, "2026-03-11 21:00", ReasonOnDuty, "="},
		{"after the duty, leave goes on", onLeave, "2026-03-11 22:00", ReasonLeave, "2026-03-16 08:30"},
		{"on leave friday", onLeave, "2026-03-13 10:00", ReasonLeave, "2026-03-16 08:30"},

		{"no working time at all", nobody, "2026-03-09 10:00", ReasonDayOff, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			when := at(t, c.at)
			if got := p.Explain(c.user, when); got != c.reason {
				t.Errorf("Explain = %q, want %q", got, c.reason)
			}
			reach := c.reason == ReasonWorking || c.reason == ReasonOnDuty
			if got := p.Reachable(c.user, when); got != reach {
				t.Errorf("Reachable = %v, want %v", got, reach)
			}
			var want time.Time
			switch c.next {
			case "":
			case "=":
				want = when
			default:
				want = at(t, c.next)
			}
			if got := p.NextReachable(c.user, when); !got.Equal(want) {
				t.Errorf("NextReachable = %v, want %v", got, want)
			}
			st := p.StatusAt(c.user, when)
			if st.Reason != c.reason || st.Reachable != reach || !st.Next.Equal(want) {
				t.Errorf("StatusAt = %+v", st)
			}
		})
	}
}

func TestPolicyZone(t *testing.T) {
	p := testPolicy(t)
	t.Run("an instant in another zone is judged on the organisation's clock", func(t *testing.T) {
		// 00:30 UTC is 08:30 in Beijing.
		when := time.Date(2026, 3, 9, 0, 30, 0, 0, time.UTC)
		if !p.Reachable(staff, when) {
			t.Errorf("00:30 UTC Monday should be 08:30 Beijing, working")
		}
		// 23:00 UTC Sunday is 07:00 Monday in Beijing.
		next := p.NextReachable(staff, time.Date(2026, 3, 8, 23, 0, 0, 0, time.UTC))
		if want := time.Date(2026, 3, 9, 0, 30, 0, 0, time.UTC); !next.Equal(want) {
			t.Errorf("next = %v, want %v", next, want)
		}
	})
	t.Run("nil location means Asia/Shanghai", func(t *testing.T) {
		q := p
		q.Location = nil
		if !q.Reachable(staff, time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)) {
			t.Error("09:00 Beijing Monday not working")
		}
	})
	t.Run("fixed UTC+8 fallback agrees with the zone database", func(t *testing.T) {
		q := p
		q.Location = time.FixedZone("CST", 8*3600)
		for _, s := range []string{"2026-03-06 22:00", "2026-02-14 10:00", "2026-04-06 10:00"} {
			w := at(t, s)
			if a, b := p.NextReachable(staff, w), q.NextReachable(staff, w); !a.Equal(b) {
				t.Errorf("%s: %v vs %v", s, a, b)
			}
		}
	})
	t.Run("a zone with daylight saving time keeps wall-clock spans", func(t *testing.T) {
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Skip("no zone database:", err)
		}
		q := Policy{Org: DefaultSchedule(), Location: berlin}
		// Clocks go forward on Sunday 2026-03-29; 08:30 is 07:30 UTC before, 06:30 UTC after.
		fri := time.Date(2026, 3, 27, 22, 0, 0, 0, berlin)
		if got, want := q.NextReachable(staff, fri), time.Date(2026, 3, 30, 6, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("next = %v, want %v", got.UTC(), want)
		}
		if !q.Reachable(staff, time.Date(2026, 3, 27, 7, 30, 0, 0, time.UTC)) {
			t.Error("Friday 08:30 CET not working")
		}
	})
}

func TestZeroPolicy(t *testing.T) {
	var p Policy
	when := at(t, "2026-03-09 10:00")
	if p.Reachable(staff, when) || !p.NextReachable(staff, when).IsZero() {
		t.Error("the zero policy has no working time")
	}
	if got := p.Explain(staff, when); got != ReasonDayOff {
		t.Errorf("Explain = %q", got)
	}
}

func TestHorizon(t *testing.T) {
	p := NewPolicy(nil)
	p.Personal = map[int64]Personal{staff: {Leave: []Leave{{From: Date{2026, 3, 9}, To: Date{2026, 6, 30}}}}}
	if got := p.NextReachable(staff, at(t, "2026-03-09 10:00")); !got.IsZero() {
		t.Errorf("beyond the horizon: %v", got)
	}
	p.Personal[staff] = Personal{Leave: []Leave{{From: Date{2026, 3, 9}, To: Date{2026, 4, 30}}}}
	if got, want := p.NextReachable(staff, at(t, "2026-03-09 10:00")), at(t, "2026-05-01 08:30"); !got.Equal(want) {
		t.Errorf("within the horizon: %v, want %v", got, want)
	}
}
