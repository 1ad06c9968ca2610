package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/quiet"
	"govchat/protocol"
)

// Quiet hours: PROTOCOL.md §4.11. internal/quiet validates, authorises, stores each
// change with its audit entry and drops its cached policy; these handlers only read
// requests and write answers.

// ---- the organisation's schedule and the calendar

func (a *API) getOrgSchedule(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	year, err := queryInt(r, "year", 0, quiet.FirstYear, quiet.LastYear)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.OrgSchedule(r.Context(), year)
	return http.StatusOK, out, err
}

func (a *API) putOrgSchedule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.OrgWorkSchedule](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.SetOrgSchedule(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}

// putCalendarYear hands the calendar file over as it was sent: its strict reading,
// field by field, is internal/quiet's.
func (a *API) putCalendarYear(w http.ResponseWriter, r *http.Request) (int, any, error) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		year = 0 // not a year: the service refuses it as out of range
	}
	raw, err := readJSON(w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.PutCalendarYear(r.Context(), principalFrom(r.Context()), year, raw)
	return http.StatusOK, out, err
}

// ---- the duty roster

func (a *API) listDuty(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	var from, until time.Time // zero: now, and no bound
	for name, dst := range map[string]*time.Time{"from": &from, "to": &until} {
		if v := r.URL.Query().Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return 0, nil, apperr.BadField(name, "%s must be an RFC 3339 time", name)
			}
			*dst = t
		}
	}
	out, err := a.quiet.Duty(r.Context(), principalFrom(r.Context()), from, until)
	return http.StatusOK, out, err
}

func (a *API) createDuty(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.DutySlotRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.AddDuty(r.Context(), principalFrom(r.Context()), req)
	return http.StatusCreated, out, err
}

func (a *API) deleteDuty(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.quiet.DeleteDuty(r.Context(), principalFrom(r.Context()), id)
}

// ---- the person's own settings and channel notification levels

func (a *API) getMyQuiet(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.quiet.Mine(r.Context(), principalFrom(r.Context()))
	return http.StatusOK, out, err
}

func (a *API) putMyQuiet(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.MyQuietSettings](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.SetMine(r.Context(), principalFrom(r.Context()), req)
	return http.StatusOK, out, err
}

// channelOf reads the channel id of the path; one that is not a number is 0, which the
// service refuses as no channel the caller is a member of.
func channelOf(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func (a *API) getChannelNotify(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.quiet.ChannelNotify(r.Context(), principalFrom(r.Context()), channelOf(r))
	return http.StatusOK, out, err
}

func (a *API) putChannelNotify(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.ChannelNotifyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	p := principalFrom(r.Context())
	out, err := a.quiet.SetChannelNotify(r.Context(), p, channelOf(r), req)
	if err == nil && a.chat != nil {
		a.chat.NotifyChanged(r.Context(), p.User.ID, out.ChannelID) // the user's other devices show it at once
	}
	return http.StatusOK, out, err
}

// ---- who is off duty now, for senders

func (a *API) reachability(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.ReachabilityRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.quiet.Reachability(r.Context(), req)
	return http.StatusOK, out, err
}
