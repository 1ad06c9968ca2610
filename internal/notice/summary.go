package notice

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/protocol"
)

// Summary counts the people an audience reaches now, before publishing: the same
// checks, authorisation and resolution as Publish (so the count is the recipients a
// publication would have), plus how many are off duty and whether an urgent notice
// would break through quiet hours for them (Options.Forecast). It changes nothing and
// records nothing. Each person may ask summariesPerMinute times a minute (the dialog
// asks as the audience changes), since each resolves the whole organisation.
func (s *Service) Summary(ctx context.Context, p auth.Principal, req protocol.NoticeAudienceRequest) (protocol.NoticeAudienceSummary, error) {
	res, err := s.resolveAsked(ctx, p, req)
	if err != nil {
		return protocol.NoticeAudienceSummary{}, err
	}
	out := protocol.NoticeAudienceSummary{People: len(res.recipients), Channels: len(res.channels), Breakthrough: protocol.BreakthroughNone}
	if s.opt.Forecast == nil {
		return out, nil
	}
	users := make([]int64, len(res.recipients))
	for i, r := range res.recipients {
		users[i] = r.UserID
	}
	f, err := s.opt.Forecast.Forecast(ctx, p.User.ID, req.Priority == protocol.NoticeUrgent, users)
	if err != nil {
		return protocol.NoticeAudienceSummary{}, fmt.Errorf("notice: forecast: %w", err)
	}
	out.OffDuty, out.Breakthrough, out.WeekUsed, out.WeekCap = f.OffDuty, f.Breakthrough, f.WeekUsed, f.WeekCap
	return out, nil
}

// AudienceRecipients answers who an audience reaches now (user ids, ascending), with
// the same checks, authorisation, resolution and rate as Summary: the author's browser
// wraps a notice attachment's keys to each of them before publishing (PROTOCOL.md
// §4.10, POST /notices/audience/keys).
func (s *Service) AudienceRecipients(ctx context.Context, p auth.Principal, req protocol.NoticeAudienceRequest) ([]int64, error) {
	res, err := s.resolveAsked(ctx, p, req)
	if err != nil {
		return nil, err
	}
	users := make([]int64, len(res.recipients))
	for i, r := range res.recipients {
		users[i] = r.UserID
	}
	slices.Sort(users)
	return users, nil
}

// resolveAsked checks and resolves an audience a person asks about before publishing.
func (s *Service) resolveAsked(ctx context.Context, p auth.Principal, req protocol.NoticeAudienceRequest) (resolved, error) {
	if ok, wait, _ := s.summaries.Allow(ctx, strconv.FormatInt(p.User.ID, 10)); !ok {
		e := apperr.New(protocol.CodeRateLimited, "too many audience counts; wait a moment")
		e.RetryAfter = wait
		return resolved{}, e
	}
	switch req.Priority {
	case "", protocol.NoticeNormal, protocol.NoticeUrgent:
	default:
		return resolved{}, apperr.BadField("priority", "priority must be normal or urgent")
	}
	if err := checkAudience(req.Audience); err != nil {
		return resolved{}, err
	}
	if err := mayPublish(ctx, s.store, s.opt.ChannelAdminsMayPublish, p, req.Audience); err != nil {
		return resolved{}, err
	}
	v, err := loadOrg(ctx, s.store)
	if err != nil {
		return resolved{}, err
	}
	return resolve(ctx, s.store, v, req.Audience, p.User.ID)
}

// summariesPerMinute, summariesBurst: the rate of audience counts per person.
const (
	summariesPerMinute = 60
	summariesBurst     = 20
)
