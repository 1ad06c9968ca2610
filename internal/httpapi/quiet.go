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

// Working time and quiet hours: PROTOCOL.md §4.11. internal/quiet decides; these
// handlers validate, store with an audit entry in the same transaction, and invalidate
// the cached policy.

// ---- the person's own settings

func (a *API) getMyQuiet(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.myQuiet(r)
	return http.StatusOK, out, err
}

func (a *API) putMyQuiet(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.MyQuietSettings](w, r)
	if err != nil {
		return 0, nil, err
	}
	var pers quiet.Personal
	if req.OwnSchedule != nil {
		s, err := toSchedule("own_schedule", *req.OwnSchedule)
		if err != nil {
			return 0, nil, err
		}
		if !s.WorkingDays() {
			return 0, nil, apperr.BadField("own_schedule", "an own schedule needs working time on at least one day; send null to follow the organisation's")
		}
		pers.Schedule = &s
	}
	if len(req.Leave) > protocol.MaxLeaveRanges {
		return 0, nil, apperr.BadField("leave", "at most %d leave ranges", protocol.MaxLeaveRanges)
	}
	for i, l := range req.Leave {
		from, err := quiet.ParseDate(l.From)
		if err != nil {
			return 0, nil, apperr.BadField(fmt.Sprintf("leave[%d].from", i), "%s", err)
		}
		to, err := quiet.ParseDate(l.To)
		if err != nil {
			return 0, nil, apperr.BadField(fmt.Sprintf("leave[%d].to", i), "%s", err)
		}
		pers.Leave = append(pers.Leave, quiet.Leave{From: from, To: to, Note: l.Note})
	}
	if err := pers.Validate(); err != nil {
		return 0, nil, fieldErr(err, "schedule.days.", "own_schedule.")
	}
	p := principalFrom(r.Context())
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		if err := tx.SetQuietPersonal(r.Context(), &store.QuietPersonal{
			UserID: p.User.ID, Schedule: quiet.EncodeSchedule(pers.Schedule), Leave: quiet.EncodeLeave(pers.Leave), PushWhenIdle: req.PushWhenIdle,
		}); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietPersonal,
			TargetType: "user", TargetID: strconv.FormatInt(p.User.ID, 10),
			Detail: map[string]any{"own_schedule": pers.Schedule != nil, "leave_ranges": len(pers.Leave), "push_when_idle": req.PushWhenIdle}})
	})
	if err != nil {
		return 0, nil, err
	}
	a.quiet.Invalidate()
	out, err := a.myQuiet(r)
	return http.StatusOK, out, err
}

func (a *API) myQuiet(r *http.Request) (protocol.MyQuietResponse, error) {
	ctx := r.Context()
	uid := principalFrom(ctx).User.ID
	sp, err := a.store.GetQuietPersonal(ctx, uid)
	if err != nil {
		return protocol.MyQuietResponse{}, err
	}
	pers, err := quiet.ParsePersonal(sp.Schedule, sp.Leave)
	if err != nil {
		return protocol.MyQuietResponse{}, fmt.Errorf("stored quiet settings of user %d: %w", uid, err)
	}
	org, err := a.orgSettings(r)
	if err != nil {
		return protocol.MyQuietResponse{}, err
	}
	pol, err := a.quiet.Policy(ctx)
	if err != nil {
		return protocol.MyQuietResponse{}, err
	}
	out := protocol.MyQuietResponse{
		MyQuietSettings: protocol.MyQuietSettings{Leave: []protocol.LeaveRange{}, PushWhenIdle: sp.PushWhenIdle},
		Org:             toOrgWorkSchedule(org),
		Status:          reachability(pol, uid, a.now()),
	}
	if pers.Schedule != nil {
		w := toWeek(*pers.Schedule)
		out.OwnSchedule = &w
	}
	for _, l := range pers.Leave {
		out.Leave = append(out.Leave, protocol.LeaveRange{From: l.From.String(), To: l.To.String(), Note: l.Note})
	}
	return out, nil
}

// ---- channel notification levels

func (a *API) getChannelNotify(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	cid, err := a.memberChannel(r)
	if err != nil {
		return 0, nil, err
	}
	level, err := a.store.GetChannelNotify(r.Context(), cid, principalFrom(r.Context()).User.ID)
	return http.StatusOK, protocol.ChannelNotify{ChannelID: cid, Level: level}, err
}

func (a *API) putChannelNotify(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cid, err := a.memberChannel(r)
	if err != nil {
		return 0, nil, err
	}
	req, err := bodyOf[protocol.ChannelNotifyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if !store.ValidNotifyLevel(req.Level) {
		return 0, nil, apperr.BadField("level", "level is all, mentions or none")
	}
	p := principalFrom(r.Context())
	err = a.store.InTx(r.Context(), func(tx store.Store) error {
		if err := tx.SetChannelNotify(r.Context(), cid, p.User.ID, req.Level); err != nil {
			return err
		}
		return a.audit.In(tx).Record(r.Context(), audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.QuietChannelNotify,
			TargetType: "channel", TargetID: strconv.FormatInt(cid, 10), Detail: map[string]any{"level": req.Level}})
	})
	return http.StatusOK, protocol.ChannelNotify{ChannelID: cid, Level: req.Level}, err
}

// memberChannel reads {id} and checks the caller is a member of that channel.
func (a *API) memberChannel(r *http.Request) (int64, error) {
	notMember := apperr.New(protocol.CodeNotMember, "no such channel, or you are not a member")
	cid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || cid <= 0 {
		return 0, notMember
	}
	if _, err := a.store.GetMember(r.Context(), cid, principalFrom(r.Context()).User.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return 0, notMember
		}
		return 0, err
	}
	return cid, nil
}

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

// ---- reachability

// reachabilityLookupAll is the number of people above which the whole directory is read
// once rather than each person by id.
const reachabilityLookupAll = 50

func (a *API) reachability(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.ReachabilityRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	if len(req.UserIDs) == 0 || len(req.UserIDs) > protocol.MaxReachabilityUsers {
		return 0, nil, apperr.BadField("user_ids", "ask about 1 to %d people", protocol.MaxReachabilityUsers)
	}
	ctx := r.Context()
	users := map[int64]store.User{}
	if len(req.UserIDs) > reachabilityLookupAll {
		all, err := a.store.ListUsers(ctx, store.UserFilter{})
		if err != nil {
			return 0, nil, err
		}
		for _, u := range all {
			users[u.ID] = u
		}
	} else {
		for _, id := range req.UserIDs {
			u, err := a.store.GetUser(ctx, id)
			if err == nil {
				users[id] = u
			} else if !errors.Is(err, store.ErrNotFound) {
				return 0, nil, err
			}
		}
	}
	pol, err := a.quiet.Policy(ctx)
	if err != nil {
		return 0, nil, err
	}
	now := a.now()
	out := protocol.ReachabilityResponse{At: now.UTC(), TimeZone: pol.Location.String(), People: []protocol.Reachability{}}
	seen := map[int64]bool{}
	for _, id := range req.UserIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, ok := users[id]
		switch {
		case !ok:
			out.Unknown = append(out.Unknown, id)
		case u.Disabled:
			out.People = append(out.People, protocol.Reachability{UserID: id, Reason: protocol.ReasonDisabled})
		default:
			out.People = append(out.People, reachability(pol, id, now))
		}
	}
	return http.StatusOK, out, nil
}

func reachability(pol quiet.Policy, uid int64, now time.Time) protocol.Reachability {
	st := pol.StatusAt(uid, now)
	out := protocol.Reachability{UserID: uid, Reachable: st.Reachable, Reason: st.Reason}
	if !st.Reachable && !st.Next.IsZero() {
		next := st.Next.UTC()
		out.Next = &next
	}
	return out
}

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
