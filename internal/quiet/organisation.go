package quiet

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/internal/strictjson"
	"govchat/protocol"
)

// The organisation's working time: its weekly schedule and the official calendar by
// year, for anyone to read and org.manage to change.

// OrgSchedule is the organisation's schedule and the calendar of year; 0 is the current
// year in the organisation's zone.
func (s *Service) OrgSchedule(ctx context.Context, year int) (protocol.WorkScheduleResponse, error) {
	org, err := s.orgSettings(ctx)
	if err != nil {
		return protocol.WorkScheduleResponse{}, err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return protocol.WorkScheduleResponse{}, err
	}
	if year == 0 {
		year = s.now().In(pol.Location).Year()
	}
	if year < FirstYear || year > LastYear {
		return protocol.WorkScheduleResponse{}, apperr.BadField("year", "year must be a whole number from %d to %d", FirstYear, LastYear)
	}
	out := protocol.WorkScheduleResponse{OrgWorkSchedule: toOrgWorkSchedule(org), Year: year, Years: pol.Calendar.Years()}
	if out.Years == nil {
		out.Years = []int{}
	}
	if y, ok := pol.Calendar.Year(year); ok {
		c := toCalendarYear(y)
		out.Calendar = &c
		out.CalendarOrigin = "embedded"
		uploaded, err := s.store.ListCalendarYears(ctx)
		if err != nil {
			return protocol.WorkScheduleResponse{}, fmt.Errorf("quiet: list calendar years: %w", err)
		}
		for _, u := range uploaded {
			if u.Year == year {
				out.CalendarOrigin = "uploaded"
			}
		}
	}
	return out, nil
}

// SetOrgSchedule stores the organisation's zone and weekly schedule; org.manage only.
func (s *Service) SetOrgSchedule(ctx context.Context, p auth.Principal, req protocol.OrgWorkSchedule) (protocol.OrgWorkSchedule, error) {
	if err := mayManage(p); err != nil {
		return protocol.OrgWorkSchedule{}, err
	}
	settings := OrgSettings{TimeZone: req.TimeZone}
	if settings.TimeZone == "" {
		settings.TimeZone = DefaultZone
	}
	if _, err := LoadLocation(settings.TimeZone); err != nil {
		return protocol.OrgWorkSchedule{}, apperr.BadField("time_zone", "unknown time zone %q", settings.TimeZone)
	}
	var err error
	if settings.Week, err = fromWeek("week", req.Week); err != nil {
		return protocol.OrgWorkSchedule{}, err
	}
	if !settings.Week.WorkingDays() {
		return protocol.OrgWorkSchedule{}, apperr.BadField("week", "the week needs working time on at least one day")
	}
	body, err := json.Marshal(settings)
	if err != nil {
		return protocol.OrgWorkSchedule{}, fmt.Errorf("quiet: encode organisation schedule: %w", err)
	}
	err = s.change(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.SetOrgSchedule(ctx, string(body)); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietOrgSchedule, "org", "work_schedule",
			map[string]any{"time_zone": settings.TimeZone, "working_days": workingDays(settings.Week)}))
	})
	if err != nil {
		return protocol.OrgWorkSchedule{}, fmt.Errorf("quiet: set organisation schedule: %w", err)
	}
	return toOrgWorkSchedule(settings), nil
}

// PutCalendarYear stores an official calendar year from its file (the CalendarYear JSON
// the client sent), replacing the embedded or an earlier upload; org.manage only. year
// is the one the path names.
func (s *Service) PutCalendarYear(ctx context.Context, p auth.Principal, year int, file []byte) (protocol.CalendarYear, error) {
	if err := mayManage(p); err != nil {
		return protocol.CalendarYear{}, err
	}
	if year < FirstYear || year > LastYear {
		return protocol.CalendarYear{}, apperr.BadField("year", "the year in the path must be from %d to %d", FirstYear, LastYear)
	}
	if err := strictjson.Text(file); err != nil {
		return protocol.CalendarYear{}, err // encoding/json would store it altered
	}
	y, err := ParseYear(file)
	if err != nil {
		return protocol.CalendarYear{}, badField(err, "", "")
	}
	if y.Year != year {
		return protocol.CalendarYear{}, apperr.BadField("year", "the file is for %d, the path says %d", y.Year, year)
	}
	body, err := json.Marshal(y)
	if err != nil {
		return protocol.CalendarYear{}, fmt.Errorf("quiet: encode calendar year: %w", err)
	}
	err = s.change(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.PutCalendarYear(ctx, &store.CalendarYear{Year: year, Body: string(body), UpdatedBy: p.User.ID, UpdatedAt: s.now()}); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietCalendarYear, "calendar_year", strconv.Itoa(year),
			map[string]any{"holidays": countDates(y.Holidays), "workdays": countDates(y.Workdays), "source": truncate(y.Source, 200)}))
	})
	if err != nil {
		return protocol.CalendarYear{}, fmt.Errorf("quiet: put calendar year %d: %w", year, err)
	}
	return toCalendarYear(y), nil
}
