package quiet

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	good := map[string]Clock{"00:00": 0, "08:30": 510, "23:59": 1439, "24:00": 1440}
	for s, want := range good {
		if got, err := ParseClock(s); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v", s, got, err)
		}
		if got := want.String(); got != s {
			t.Errorf("String = %q, want %q", got, s)
		}
	}
	for _, s := range []string{"", "8:30", "08:60", "24:01", "25:00", "-1:00", "08-30", "0830 ", "+8:30", "08:+3"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
}

func TestScheduleJSON(t *testing.T) {
	def := DefaultSchedule()
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"mon":[{"start":"08:30","end":"12:00"},{"start":"14:30","end":"18:00"}],"tue":[{"start":"08:30","end":"12:00"},{"start":"14:30","end":"18:00"}],"wed":[{"start":"08:30","end":"12:00"},{"start":"14:30","end":"18:00"}],"thu":[{"start":"08:30","end":"12:00"},{"start":"14:30","end":"18:00"}],"fri":[{"start":"08:30","end":"12:00"},{"start":"14:30","end":"18:00"}],"sat":[],"sun":[]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Schedule
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(def) {
		t.Errorf("round trip: %v %+v", err, back)
	}
	var part Schedule
	if err := json.Unmarshal([]byte(`{"wed":[{"start":"09:00","end":"12:00"}]}`), &part); err != nil {
		t.Fatal(err)
	}
	if len(part.Days[time.Wednesday]) != 1 || len(part.Days[time.Monday]) != 0 {
		t.Errorf("partial = %+v", part)
	}
	if err := json.Unmarshal([]byte(`{"monday":[]}`), &part); err == nil {
		t.Error("unknown day accepted")
	}
	if err := json.Unmarshal([]byte(`{"mon":[{"start":"8:30","end":"12:00"}]}`), &part); err == nil {
		t.Error("bad time accepted")
	}
}

func TestScheduleValidate(t *testing.T) {
	if err := DefaultSchedule().Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		spans []Span
	}{
		{"empty span", []Span{{At(9, 0), At(9, 0)}}},
		{"reversed", []Span{{At(12, 0), At(9, 0)}}},
		{"overlapping", []Span{{At(8, 0), At(12, 0)}, {At(11, 0), At(13, 0)}}},
		{"out of order", []Span{{At(14, 0), At(18, 0)}, {At(8, 0), At(12, 0)}}},
		{"past midnight", []Span{{At(20, 0), Clock(MinutesPerDay + 1)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Schedule
			s.Days[time.Tuesday] = c.spans
			var fe *FieldError
			if err := s.Validate(); !errors.As(err, &fe) || fe.Field != "days.tue" {
				t.Errorf("err = %v", err)
			}
		})
	}
	var touching Schedule
	touching.Days[time.Monday] = []Span{{At(8, 0), At(12, 0)}, {At(12, 0), At(24, 0)}}
	if err := touching.Validate(); err != nil {
		t.Errorf("touching spans: %v", err)
	}
}

func TestMakeupSpans(t *testing.T) {
	var s Schedule
	s.Days[time.Wednesday] = []Span{{At(9, 0), At(11, 0)}}
	s.Days[time.Friday] = []Span{{At(14, 0), At(16, 0)}}
	if got := s.MakeupSpans(); len(got) != 1 || got[0].Start != At(9, 0) {
		t.Errorf("MakeupSpans = %v, want Wednesday's", got)
	}
	if got := (Schedule{}).MakeupSpans(); got != nil {
		t.Errorf("empty schedule: %v", got)
	}
}

func TestPersonalValidate(t *testing.T) {
	bad := &Schedule{}
	bad.Days[time.Monday] = []Span{{At(12, 0), At(8, 0)}}
	cases := []struct {
		name  string
		p     Personal
		field string
	}{
		{"bad schedule", Personal{Schedule: bad}, "schedule.days.mon"},
		{"no from", Personal{Leave: []Leave{{To: Date{2026, 1, 1}}}}, "leave[0].from"},
		{"no to", Personal{Leave: []Leave{{From: Date{2026, 1, 1}}}}, "leave[0].to"},
		{"to before from", Personal{Leave: []Leave{{From: Date{2026, 3, 2}, To: Date{2026, 3, 1}}}}, "leave[0].to"},
		{"too long", Personal{Leave: []Leave{{From: Date{2026, 1, 1}, To: Date{2027, 6, 1}}}}, "leave[0].to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var fe *FieldError
			if err := c.p.Validate(); !errors.As(err, &fe) || fe.Field != c.field {
				t.Errorf("err = %v, want field %q", err, c.field)
			}
		})
	}
	ok := Personal{Leave: []Leave{{From: Date{2026, 3, 2}, To: Date{2026, 3, 2}}}}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
	if !ok.OnLeave(Date{2026, 3, 2}) || ok.OnLeave(Date{2026, 3, 3}) || ok.OnLeave(Date{2026, 3, 1}) {
		t.Error("a one-day leave covers exactly its day")
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1).String(); got != "2026-03-01" {
		t.Errorf("AddDays = %s", got)
	}
	if d.Weekday() != time.Saturday {
		t.Errorf("weekday = %v", d.Weekday())
	}
	var back Date
	if err := json.Unmarshal([]byte(`"2026-02-28"`), &back); err != nil || back != d {
		t.Errorf("json: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"2026-02-29"`), &back); err == nil {
		t.Error("2026-02-29 accepted")
	}
}
