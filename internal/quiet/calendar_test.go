package quiet

import (
	"errors"
	"strings"
	"testing"
)

func TestEmbeddedCalendar(t *testing.T) {
	cal := embedded(t)
	years := cal.Years()
	if len(years) < 2 || years[0] != 2025 || years[1] != 2026 {
		t.Fatalf("years = %v, want 2025 and 2026 at least", years)
	}
	cases := []struct {
		date string
		kind DayKind
		name string
	}{
		{"2026-02-14", Workday, "春节调休"}, // Saturday
		{"2026-02-28", Workday, "春节调休"}, // Saturday
		{"2026-02-23", Holiday, "春节"},   // Monday
		{"2026-02-15", Holiday, "春节"},
		{"2026-01-04", Workday, "元旦调休"}, // Sunday
		{"2026-01-01", Holiday, "元旦"},
		{"2026-05-09", Workday, "劳动节调休"},
		{"2026-09-20", Workday, "国庆节调休"},
		{"2026-10-10", Workday, "国庆节调休"},
		{"2026-10-07", Holiday, "国庆节"},
		{"2026-10-08", Ordinary, ""},
		{"2026-06-19", Holiday, "端午节"},
		{"2026-09-25", Holiday, "中秋节"},
		{"2026-04-06", Holiday, "清明节"},
		{"2025-01-01", Holiday, "元旦"}, // Wednesday, no make-up day
		{"2025-01-26", Workday, "春节调休"},
		{"2025-10-08", Holiday, "国庆节、中秋节"},
		{"2025-10-11", Workday, "国庆节、中秋节调休"},
		{"2026-03-09", Ordinary, ""},
		{"2027-01-01", Ordinary, ""}, // not published: unknown, not invented
	}
	for _, c := range cases {
		d, err := ParseDate(c.date)
		if err != nil {
			t.Fatal(err)
		}
		if kind, name := cal.Day(d); kind != c.kind || name != c.name {
			t.Errorf("%s: %v %q, want %v %q", c.date, kind, name, c.kind, c.name)
		}
	}
	y, ok := cal.Year(2026)
	if !ok || !strings.Contains(y.Source, "2025年11月4日") {
		t.Errorf("2026 source = %q", y.Source)
	}
	if _, ok := cal.Year(2027); ok {
		t.Error("2027 has not been published")
	}
}

func TestParseYear(t *testing.T) {
	valid := `{"year":2026,"source":"通知","holidays":[{"name":"元旦","dates":["2026-01-01"]}],"workdays":[{"name":"元旦调休","dates":["2026-01-04"]}]}`
	if _, err := ParseYear([]byte(valid)); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	if _, err := ParseYear([]byte(`{"year":2026,"source":"s"}`)); err != nil {
		t.Errorf("a year without holidays is valid: %v", err)
	}
	cases := []struct {
		name, body, field string
	}{
		{"not JSON", `{"year":`, "body"},
		{"unknown field", `{"year":2026,"source":"s","extra":1}`, "body"},
		{"trailing data", `{"year":2026,"source":"s"} {}`, "body"},
		{"year out of range", `{"year":1800,"source":"s"}`, "year"},
		{"no source", `{"year":2026}`, "source"},
		{"no name", `{"year":2026,"source":"s","holidays":[{"dates":["2026-01-01"]}]}`, "holidays[0].name"},
		{"no dates", `{"year":2026,"source":"s","holidays":[{"name":"元旦","dates":[]}]}`, "holidays[0].dates"},
		{"bad date", `{"year":2026,"source":"s","holidays":[{"name":"x","dates":["2026-02-30"]}]}`, "holidays[0].dates[0]"},
		{"bad format", `{"year":2026,"source":"s","holidays":[{"name":"x","dates":["2026/1/1"]}]}`, "holidays[0].dates[0]"},
		{"date in another year", `{"year":2026,"source":"s","holidays":[{"name":"x","dates":["2026-01-01","2025-12-31"]}]}`, "holidays[0].dates[1]"},
		{"listed twice", `{"year":2026,"source":"s","holidays":[{"name":"x","dates":["2026-01-01"]},{"name":"y","dates":["2026-01-01"]}]}`, "holidays[1].dates[0]"},
		{"both holiday and workday", `{"year":2026,"source":"s","holidays":[{"name":"x","dates":["2026-01-04"]}],"workdays":[{"name":"y","dates":["2026-01-04"]}]}`, "workdays[0].dates[0]"},
		{"make-up day on a weekday", `{"year":2026,"source":"s","workdays":[{"name":"y","dates":["2026-01-05"]}]}`, "workdays[0].dates[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseYear([]byte(c.body))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FieldError", err)
			}
			if fe.Field != c.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, c.field, err)
			}
		})
	}
}

func TestCalendarWith(t *testing.T) {
	cal := embedded(t)
	corrected := YearFile{Year: 2026, Source: "更正", Holidays: []Period{{Name: "测试", Dates: []string{"2026-03-09"}}}}
	next, err := cal.With(corrected, YearFile{Year: 2027, Source: "上传"})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := next.Day(Date{2026, 3, 9}); k != Holiday {
		t.Error("the uploaded year does not apply")
	}
	if k, _ := next.Day(Date{2026, 2, 14}); k != Ordinary {
		t.Error("the uploaded year should replace the embedded one, not add to it")
	}
	if k, _ := cal.Day(Date{2026, 2, 14}); k != Workday {
		t.Error("With changed the original")
	}
	if got := next.Years(); len(got) != 3 {
		t.Errorf("years = %v", got)
	}
	if _, err := cal.With(YearFile{Year: 2026}); err == nil {
		t.Error("an invalid year was accepted")
	}
	var none *Calendar
	if k, _ := none.Day(Date{2026, 1, 1}); k != Ordinary || none.Years() != nil {
		t.Error("a nil calendar knows nothing")
	}
}
