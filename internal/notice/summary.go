package notice

import (
	"context"
	"fmt"
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
	if ok, wait, _ := s.summaries.Allow(ctx, strconv.FormatInt(p.User.ID, 10)); !ok {
		e := apperr.New(protocol.CodeRateLimited, "too many audience counts; wait a moment")
		e.RetryAfter = wait
		return protocol.NoticeAudienceSummary{}, e
	}
	switch req.Priority {
	case "", protocol.NoticeNormal, protocol.NoticeUrgent:
	default:
		return protocol.NoticeAudienceSummary{}, apperr.BadField("priority", "priority must be normal or urgent")
	}
	if err := checkAudience(req.Audience); err != nil {
		return protocol.NoticeAudienceSummary{}, err
	}
	if err := s.mayPublish(ctx, p, req.Audience); err != nil {
		return protocol.NoticeAudienceSummary{}, err
	}
	v, err := loadOrg(ctx, s.store)
	if err != nil {
		return protocol.NoticeAudienceSummary{}, err
	}
	res, err := s.resolve(ctx, v, req.Audience, p.User.ID)
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

// summariesPerMinute, summariesBurst: the rate of audience counts per person.
const (
	summariesPerMinute = 60
	summariesBurst     = 20
)
