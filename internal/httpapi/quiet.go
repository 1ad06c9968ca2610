package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

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
