package chat

import (
	"context"
	"errors"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

const (
	maxSearch      = 100
	maxSearchRunes = 64
	maxAround      = 200 // messages in one answer around a seq, both sides together
)

// beijing is the zone the search dates are written in: China keeps UTC+8 all year.
var beijing = time.FixedZone("CST", 8*60*60)

// SearchRequest is a search as asked (GET /api/v1/search): the text and its filters.
type SearchRequest struct {
	Text      string
	ChannelID int64 // 0: all the user's channels
	SenderID  int64 // 0: anyone
	From, To  string
	Limit     int
}

// Search finds messages in the user's channels: in one channel, by one sender and
// between two Beijing dates (both included) when asked.
func (s *Service) Search(ctx context.Context, userID int64, req SearchRequest) (protocol.Messages, error) {
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		return protocol.Messages{}, apperr.BadField("q", "say what to search for")
	case len([]rune(text)) > maxSearchRunes:
		return protocol.Messages{}, apperr.BadField("q", "search text is longer than %d characters", maxSearchRunes)
	case req.Limit < 1 || req.Limit > maxSearch:
		return protocol.Messages{}, apperr.BadField("limit", "limit must be from 1 to %d", maxSearch)
	}
	q := store.SearchQuery{UserID: userID, ChannelID: req.ChannelID, SenderID: req.SenderID, Text: text, Limit: req.Limit}
	var err error
	if q.Since, err = searchDay("from", req.From); err != nil {
		return protocol.Messages{}, err
	}
	if q.Until, err = searchDay("to", req.To); err != nil {
		return protocol.Messages{}, err
	}
	if !q.Until.IsZero() {
		q.Until = q.Until.AddDate(0, 0, 1) // "to" names the last day searched
		if !q.Since.IsZero() && !q.Since.Before(q.Until) {
			return protocol.Messages{}, apperr.BadField("to", "to is before from")
		}
	}
	if req.ChannelID != 0 {
		if _, _, err := s.member(ctx, req.ChannelID, userID); err != nil {
			return protocol.Messages{}, err
		}
	}
	if req.SenderID != 0 {
		if _, err := s.store.GetUser(ctx, req.SenderID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return protocol.Messages{}, apperr.BadField("sender", "there is no user %d", req.SenderID)
			}
			return protocol.Messages{}, err
		}
	}
	msgs, err := s.store.SearchMessages(ctx, q)
	if err != nil {
		return protocol.Messages{}, err
	}
	out := protocol.Messages{Messages: make([]protocol.Message, 0, len(msgs))}
	for _, m := range msgs {
		out.Messages = append(out.Messages, toWire(m))
	}
	if err := s.withReactions(ctx, out.Messages); err != nil {
		return protocol.Messages{}, err
	}
	return out, nil
}

// searchDay reads a Beijing date (2026-11-24) as the instant its day starts; "" is
// the zero time (no bound).
func searchDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(protocol.SearchDateLayout, v, beijing)
	if err != nil || d.Year() < 2000 || d.Year() > 2999 {
		return time.Time{}, apperr.BadField(field, "%s must be a date written as 2026-11-24", field)
	}
	return d, nil
}

// Around returns a channel's messages on both sides of seq for one of its members:
// up to limit/2 older than seq, then seq and the newer ones up to limit in all.
func (s *Service) Around(ctx context.Context, userID, channelID, seq int64, limit int) (protocol.MessagesAround, error) {
	if limit < 1 || limit > maxAround {
		return protocol.MessagesAround{}, apperr.BadField("limit", "limit must be from 1 to %d", maxAround)
	}
	if seq < 1 {
		return protocol.MessagesAround{}, apperr.BadField("around", "around is a seq from 1")
	}
	// Membership first: a non-member learns nothing of the channel, not even its length.
	ch, _, err := s.member(ctx, channelID, userID)
	if err != nil {
		return protocol.MessagesAround{}, err
	}
	if seq > ch.LastSeq {
		return protocol.MessagesAround{}, apperr.BadField("around", "the channel has no message %d", seq)
	}
	older := limit / 2
	newer := limit - older
	// One more than wanted on each side tells whether there is more beyond.
	before, err := s.store.History(ctx, store.HistoryQuery{ChannelID: channelID, BeforeSeq: seq, Limit: older + 1})
	if err != nil {
		return protocol.MessagesAround{}, err
	}
	after, err := s.store.History(ctx, store.HistoryQuery{ChannelID: channelID, AfterSeq: seq - 1, Limit: newer + 1})
	if err != nil {
		return protocol.MessagesAround{}, err
	}
	out := protocol.MessagesAround{Messages: make([]protocol.Message, 0, limit)}
	if len(before) > older {
		out.HasMoreBefore = true
		before = before[len(before)-older:]
	}
	if len(after) > newer {
		out.HasMoreAfter = true
		after = after[:newer]
	}
	for _, m := range before {
		out.Messages = append(out.Messages, toWire(m))
	}
	for _, m := range after {
		out.Messages = append(out.Messages, toWire(m))
	}
	if err := s.withReactions(ctx, out.Messages); err != nil {
		return protocol.MessagesAround{}, err
	}
	return out, nil
}
