package quiet

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// Conversions between the wire types of §4.11 (protocol/quiet.go) and this package's.

func weekDays(w *protocol.WeekSchedule) [7]*[]protocol.TimeSpan {
	return [7]*[]protocol.TimeSpan{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}
}

// fromWeek reads a wire schedule, naming a bad field as prefix.mon[0].start.
func fromWeek(prefix string, w protocol.WeekSchedule) (Schedule, error) {
	var s Schedule
	for d, spans := range weekDays(&w) {
		if len(*spans) > 12 {
			return s, apperr.BadField(prefix+"."+dayKeys[d], "at most 12 spans a day")
		}
		for i, sp := range *spans {
			f := fmt.Sprintf("%s.%s[%d]", prefix, dayKeys[d], i)
			start, err := ParseClock(sp.Start)
			if err != nil {
				return s, apperr.BadField(f+".start", "%s", err)
			}
			end, err := ParseClock(sp.End)
			if err != nil {
				return s, apperr.BadField(f+".end", "%s", err)
			}
			s.Days[d] = append(s.Days[d], Span{Start: start, End: end})
		}
	}
	if err := s.Validate(); err != nil {
		return s, badField(err, "days.", prefix+".")
	}
	return s, nil
}

func toWeek(s Schedule) protocol.WeekSchedule {
	var w protocol.WeekSchedule
	for d, spans := range weekDays(&w) {
		*spans = []protocol.TimeSpan{}
		for _, sp := range s.Days[d] {
			*spans = append(*spans, protocol.TimeSpan{Start: sp.Start.String(), End: sp.End.String()})
		}
	}
	return w
}

func toOrgWorkSchedule(o OrgSettings) protocol.OrgWorkSchedule {
	return protocol.OrgWorkSchedule{TimeZone: o.TimeZone, Week: toWeek(o.Week)}
}

func toCalendarYear(y YearFile) protocol.CalendarYear {
	conv := func(ps []Period) []protocol.CalendarPeriod {
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

// toReachability is a person's state at now on the wire.
func toReachability(pol Policy, uid int64, now time.Time) protocol.Reachability {
	st := pol.StatusAt(uid, now)
	out := protocol.Reachability{UserID: uid, Reachable: st.Reachable, Reason: st.Reason}
	if !st.Reachable && !st.Next.IsZero() {
		next := st.Next.UTC()
		out.Next = &next
	}
	return out
}

// badField turns a FieldError into bad_request, its field renamed from this package's
// prefix to the wire's; any other error passes through.
func badField(err error, from, to string) error {
	var fe *FieldError
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

// workingDays names the days with working time, Monday first, for the audit detail.
func workingDays(s Schedule) []string {
	var out []string
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} {
		if len(s.Days[d]) > 0 {
			out = append(out, dayKeys[d])
		}
	}
	return out
}

func countDates(ps []Period) int {
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
