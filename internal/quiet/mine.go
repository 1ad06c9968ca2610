package quiet

import (
	"context"
	"errors"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// A person's own choices: their schedule, leave and push_when_idle, and their
// notification level in each of their channels.

// Mine is the caller's own settings, the organisation's schedule and their state now.
func (s *Service) Mine(ctx context.Context, p auth.Principal) (protocol.MyQuietResponse, error) {
	uid := p.User.ID
	sp, err := s.store.GetQuietPersonal(ctx, uid)
	if err != nil {
		return protocol.MyQuietResponse{}, fmt.Errorf("quiet: read settings of user %d: %w", uid, err)
	}
	pers, err := ParsePersonal(sp.Schedule, sp.Leave)
	if err != nil {
		return protocol.MyQuietResponse{}, fmt.Errorf("quiet: stored settings of user %d: %w", uid, err)
	}
	org, err := s.orgSettings(ctx)
	if err != nil {
		return protocol.MyQuietResponse{}, err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return protocol.MyQuietResponse{}, err
	}
	out := protocol.MyQuietResponse{
		MyQuietSettings: protocol.MyQuietSettings{Leave: []protocol.LeaveRange{}, PushWhenIdle: sp.PushWhenIdle},
		Org:             toOrgWorkSchedule(org),
		Status:          toReachability(pol, uid, s.now()),
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

// SetMine replaces the caller's own settings and answers as Mine does.
func (s *Service) SetMine(ctx context.Context, p auth.Principal, req protocol.MyQuietSettings) (protocol.MyQuietResponse, error) {
	var pers Personal
	if req.OwnSchedule != nil {
		sched, err := fromWeek("own_schedule", *req.OwnSchedule)
		if err != nil {
			return protocol.MyQuietResponse{}, err
		}
		if !sched.WorkingDays() {
			return protocol.MyQuietResponse{}, apperr.BadField("own_schedule", "an own schedule needs working time on at least one day; send null to follow the organisation's")
		}
		pers.Schedule = &sched
	}
	if len(req.Leave) > protocol.MaxLeaveRanges {
		return protocol.MyQuietResponse{}, apperr.BadField("leave", "at most %d leave ranges", protocol.MaxLeaveRanges)
	}
	for i, l := range req.Leave {
		from, err := ParseDate(l.From)
		if err != nil {
			return protocol.MyQuietResponse{}, apperr.BadField(fmt.Sprintf("leave[%d].from", i), "%s", err)
		}
		to, err := ParseDate(l.To)
		if err != nil {
			return protocol.MyQuietResponse{}, apperr.BadField(fmt.Sprintf("leave[%d].to", i), "%s", err)
		}
		pers.Leave = append(pers.Leave, Leave{From: from, To: to, Note: l.Note})
	}
	if err := pers.Validate(); err != nil {
		return protocol.MyQuietResponse{}, badField(err, "schedule.days.", "own_schedule.")
	}
	uid := p.User.ID
	err := s.change(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.SetQuietPersonal(ctx, &store.QuietPersonal{
			UserID: uid, Schedule: EncodeSchedule(pers.Schedule), Leave: EncodeLeave(pers.Leave), PushWhenIdle: req.PushWhenIdle,
		}); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietPersonal, "user", idString(uid),
			map[string]any{"own_schedule": pers.Schedule != nil, "leave_ranges": len(pers.Leave), "push_when_idle": req.PushWhenIdle}))
	})
	if err != nil {
		return protocol.MyQuietResponse{}, fmt.Errorf("quiet: set settings of user %d: %w", uid, err)
	}
	return s.Mine(ctx, p)
}

// ChannelNotify is the caller's notification level in a channel they are a member of.
func (s *Service) ChannelNotify(ctx context.Context, p auth.Principal, channelID int64) (protocol.ChannelNotify, error) {
	if err := s.member(ctx, p, channelID); err != nil {
		return protocol.ChannelNotify{}, err
	}
	level, err := s.store.GetChannelNotify(ctx, channelID, p.User.ID)
	if err != nil {
		return protocol.ChannelNotify{}, fmt.Errorf("quiet: read notification level: %w", err)
	}
	return protocol.ChannelNotify{ChannelID: channelID, Level: level}, nil
}

// SetChannelNotify sets the caller's notification level in a channel they are a member
// of. The Policy does not hold levels (the push dispatcher reads them per message), so
// the cached Policy stays.
func (s *Service) SetChannelNotify(ctx context.Context, p auth.Principal, channelID int64, req protocol.ChannelNotifyRequest) (protocol.ChannelNotify, error) {
	if err := s.member(ctx, p, channelID); err != nil {
		return protocol.ChannelNotify{}, err
	}
	if !store.ValidNotifyLevel(req.Level) {
		return protocol.ChannelNotify{}, apperr.BadField("level", "level is all, mentions or none")
	}
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.SetChannelNotify(ctx, channelID, p.User.ID, req.Level); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietChannelNotify, "channel", idString(channelID), map[string]any{"level": req.Level}))
	})
	if err != nil {
		return protocol.ChannelNotify{}, fmt.Errorf("quiet: set notification level: %w", err)
	}
	return protocol.ChannelNotify{ChannelID: channelID, Level: req.Level}, nil
}

// member refuses a caller who is not a member of the channel, or a channel that does
// not exist (id ≤ 0 included), alike.
func (s *Service) member(ctx context.Context, p auth.Principal, channelID int64) error {
	notMember := apperr.New(protocol.CodeNotMember, "no such channel, or you are not a member")
	if channelID <= 0 {
		return notMember
	}
	if _, err := s.store.GetMember(ctx, channelID, p.User.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notMember
		}
		return fmt.Errorf("quiet: check membership: %w", err)
	}
	return nil
}
