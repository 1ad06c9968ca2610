package httpapi

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/protocol"
)

// Conversions between the wire types of §4.11 and internal/quiet's, and small helpers
// of the quiet-hours handlers.

// ---- conversions

var weekKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func weekDays(w *protocol.WeekSchedule) [7]*[]protocol.TimeSpan {
	return [7]*[]protocol.TimeSpan{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}
}

// toSchedule reads a wire schedule, naming a bad field as prefix.mon[0].start.
func toSchedule(prefix string, w protocol.WeekSchedule) (quiet.Schedule, error) {
	var s quiet.Schedule
	for d, spans := range weekDays(&w) {
		if len(*spans) > 12 {
			return s, apperr.BadField(prefix+"."+weekKeys[d], "at most 12 spans a day")
		}
		for i, sp := range *spans {
			f := fmt.Sprintf("%s.%s[%d]", prefix, weekKeys[d], i)
			start, err := quiet.ParseClock(sp.Start)
			if err != nil {
				return s, apperr.BadField(f+".start", "%s", err)
			}
			end, err := quiet.ParseClock(sp.End)
			if err != nil {
				return s, apperr.BadField(f+".end", "%s", err)
			}
			s.Days[d] = append(s.Days[d], quiet.Span{Start: start, End: end})
		}
	}
	if err := s.Validate(); err != nil {
		return s, fieldErr(err, "days.", prefix+".")
	}
	return s, nil
}

func toWeek(s quiet.Schedule) protocol.WeekSchedule {
	var w protocol.WeekSchedule
	for d, spans := range weekDays(&w) {
		*spans = []protocol.TimeSpan{}
		for _, sp := range s.Days[d] {
			*spans = append(*spans, protocol.TimeSpan{Start: sp.Start.String(), End: sp.End.String()})
		}
	}
	return w
}

func toOrgWorkSchedule(o quiet.OrgSettings) protocol.OrgWorkSchedule {
	return protocol.OrgWorkSchedule{TimeZone: o.TimeZone, Week: toWeek(o.Week)}
}

func toCalendarYear(y quiet.YearFile) protocol.CalendarYear {
	conv := func(ps []quiet.Period) []protocol.CalendarPeriod {
		out := make([]protocol.CalendarPeriod, 0, len(ps))
		for _, p := range ps {
			out = append(out, protocol.CalendarPeriod{Name: p.Name, Dates: p.Dates})
		}
		return out
	}
	return protocol.CalendarYear{Year: y.Year, Source: y.Source, Holidays: conv(y.Holidays), Workdays: conv(y.Workdays)}
}

func toDutySlot(s store.DutySlot, name string) protocol.DutySlot {
	return protocol.DutySlot{ID: s.ID, UserID: s.UserID, DisplayName: name, Start: s.Start, End: s.End, Note: s.Note, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt}
}

// fieldErr turns a quiet.FieldError into bad_request, its field renamed from the
// package's prefix to the wire's.
func fieldErr(err error, from, to string) error {
	var fe *quiet.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	field := fe.Field
	if from != "" {
		if rest, ok := strings.CutPrefix(field, from); ok {
			field = to + rest
		}
	}
	return apperr.BadField(field, "%s", fe.Msg)
}

func workingDays(s quiet.Schedule) []string {
	var out []string
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} {
		if len(s.Days[d]) > 0 {
			out = append(out, weekKeys[d])
		}
	}
	return out
}

func countDates(ps []quiet.Period) int {
	n := 0
	for _, p := range ps {
		n += len(p.Dates)
	}
	return n
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
