package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/protocol"
)

// The organisation's working time (PROTOCOL.md §4.11): its weekly schedule, the
// official calendar by year, and the duty roster — all for org.manage to change.

// ---- the organisation's schedule and the calendar

func (a *API) getWorkSchedule(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	ctx := r.Context()
	org, err := a.orgSettings(r)
	if err != nil {
		return 0, nil, err
	}
	pol, err := a.quiet.Policy(ctx)
	if err != nil {
		return 0, nil, err
	}
	thisYear := a.now().In(pol.Location).Year()
	year, err := queryInt(r, "year", thisYear, 1949, 2200)
	if err != nil {
		return 0, nil, err
	}
	out := protocol.WorkScheduleResponse{OrgWorkSchedule: toOrgWorkSchedule(org), Year: year, Years: pol.Calendar.Years()}
	if out.Years == nil {
		out.Years = []int{}
	}
	if y, ok := pol.Calendar.Year(year); ok {
		c := toCalendarYear(y)
		out.Calendar = &c
		out.CalendarOrigin = "embedded"
		uploaded, err := a.store.ListCalendarYears(ctx)
		if err != nil {
			return 0, nil, err
		}
		for _, u := range uploaded {
			if u.Year == year {
				out.CalendarOrigin = "uploaded"
			}
		}
	}
	return http.StatusOK, out, nil
}

func (a *API) putWorkSchedule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.OrgWorkSchedule](w, r)
	if err != nil {
		return 0, nil, err
	}
	settings := quiet.OrgSettings{TimeZone: req.TimeZone}
	if settings.TimeZone == "" {
		settings.TimeZone = quiet.DefaultZone
	}
	if _, err := quiet.LoadLocation(settings.TimeZone); err != nil {
		return 0, nil, apperr.BadField("time_zone", "unknown time zone %q", settings.TimeZone)
	}
	if settings.Week, err = toSchedule("week", req.Week); err != nil {
		return 0, nil, err
	}
	if !settings.Week.WorkingDays() {
		return 0, nil, apperr.BadField("week", "the week needs working time on at least one day")
	}
	body, err := json.Marshal(settings)
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		if err := tx.SetOrgSchedule(r.Context(), string(body)); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietOrgSchedule,
			TargetType: "org", TargetID: "work_schedule", Detail: map[string]any{"time_zone": settings.TimeZone, "working_days": workingDays(settings.Week)}})
	})
	if err != nil {
		return 0, nil, err
	}
	a.quiet.Invalidate()
	return http.StatusOK, toOrgWorkSchedule(settings), nil
}

func (a *API) putCalendarYear(w http.ResponseWriter, r *http.Request) (int, any, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1949 || year > 2200 {
		return 0, nil, apperr.BadField("year", "the year in the path must be from 1949 to 2200")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return 0, nil, apperr.New(protocol.CodeUnsupportedMedia, "send the calendar file as application/json")
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return 0, nil, apperr.New(protocol.CodeTooLarge, "request body is larger than %d bytes", maxJSONBody)
		}
		return 0, nil, err
	}
	y, err := quiet.ParseYear(raw)
	if err != nil {
		return 0, nil, fieldErr(err, "", "")
	}
	if y.Year != year {
		return 0, nil, apperr.BadField("year", "the file is for %d, the path says %d", y.Year, year)
	}
	body, err := json.Marshal(y)
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		if err := tx.PutCalendarYear(r.Context(), &store.CalendarYear{Year: year, Body: string(body), UpdatedBy: p.User.ID, UpdatedAt: a.now()}); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietCalendarYear,
			TargetType: "calendar_year", TargetID: strconv.Itoa(year),
			Detail: map[string]any{"holidays": countDates(y.Holidays), "workdays": countDates(y.Workdays), "source": truncate(y.Source, 200)}})
	})
	if err != nil {
		return 0, nil, err
	}
	a.quiet.Invalidate()
	return http.StatusOK, toCalendarYear(y), nil
}

func (a *API) orgSettings(r *http.Request) (quiet.OrgSettings, error) {
	body, err := a.store.GetOrgSchedule(r.Context())
	if err != nil {
		return quiet.OrgSettings{}, err
	}
	org, err := quiet.ParseOrgSettings(body)
	if err != nil {
		return quiet.OrgSettings{}, fmt.Errorf("stored organisation schedule: %w", err)
	}
	if body == "" {
		org.TimeZone = a.quiet.DefaultZone()
	}
	return org, nil
}

// ---- the duty roster

func (a *API) listDuty(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	from, until := a.now(), time.Time{}
	for name, dst := range map[string]*time.Time{"from": &from, "to": &until} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return 0, nil, apperr.BadField(name, "%s must be an RFC 3339 time", name)
			}
			*dst = t
		}
	}
	slots, err := a.store.ListDutySlots(r.Context(), from, until)
	if err != nil {
		return 0, nil, err
	}
	names := map[int64]string{}
	out := protocol.DutyList{Slots: make([]protocol.DutySlot, 0, len(slots))}
	for _, s := range slots {
		name, ok := names[s.UserID]
		if !ok {
			if u, err := a.store.GetUser(r.Context(), s.UserID); err == nil {
				name = u.DisplayName
			} else if !errors.Is(err, store.ErrNotFound) {
				return 0, nil, err
			}
			names[s.UserID] = name
		}
		out.Slots = append(out.Slots, toDutySlot(s, name))
	}
	return http.StatusOK, out, nil
}

func (a *API) createDuty(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.DutySlotRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case req.UserID <= 0:
		return 0, nil, apperr.BadField("user_id", "user_id is required")
	case req.Start.IsZero():
		return 0, nil, apperr.BadField("start", "start is required")
	case req.End.IsZero():
		return 0, nil, apperr.BadField("end", "end is required")
	case !req.End.After(req.Start):
		return 0, nil, apperr.BadField("end", "end must be after start")
	case req.End.Sub(req.Start) > protocol.MaxDutySlot:
		return 0, nil, apperr.BadField("end", "a duty slot is at most %d days", int(protocol.MaxDutySlot/(24*time.Hour)))
	case !req.End.After(a.now()):
		return 0, nil, apperr.BadField("end", "the slot has already ended")
	case utf8.RuneCountInString(req.Note) > protocol.MaxQuietNote:
		return 0, nil, apperr.BadField("note", "note is at most %d characters", protocol.MaxQuietNote)
	}
	u, err := a.store.GetUser(r.Context(), req.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return 0, nil, apperr.BadField("user_id", "no such active user")
	}
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	slot := store.DutySlot{UserID: u.ID, Start: req.Start, End: req.End, Note: strings.TrimSpace(req.Note), CreatedBy: p.User.ID, CreatedAt: a.now()}
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		if err := tx.CreateDutySlot(r.Context(), &slot); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietDutyCreate,
			TargetType: "duty_slot", TargetID: strconv.FormatInt(slot.ID, 10),
			Detail: map[string]any{"user_id": u.ID, "start": slot.Start.UTC().Format(time.RFC3339), "end": slot.End.UTC().Format(time.RFC3339)}})
	})
	if err != nil {
		return 0, nil, err
	}
	a.quiet.Invalidate()
	return http.StatusCreated, toDutySlot(slot, u.DisplayName), nil
}

func (a *API) deleteDuty(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		slot, err := tx.GetDutySlot(r.Context(), id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDutySlot(r.Context(), id); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietDutyDelete,
			TargetType: "duty_slot", TargetID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"user_id": slot.UserID, "start": slot.Start.UTC().Format(time.RFC3339), "end": slot.End.UTC().Format(time.RFC3339)}})
	})
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil, apperr.New(protocol.CodeNotFound, "no such duty slot")
		}
		return 0, nil, err
	}
	a.quiet.Invalidate()
	return http.StatusNoContent, nil, nil
}
