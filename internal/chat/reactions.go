package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// DefaultReactions is the allowed set unless the operator sets another (--reactions):
// the replies an office gives an instruction without typing.
var DefaultReactions = []string{"收到", "👍", "OK", "辛苦了", "好的", "谢谢"}

// Reactions is the allowed set, in the order clients show it.
func (s *Service) Reactions() []string {
	return slices.Clone(s.opt.Reactions)
}

var errRecalled = apperr.New(protocol.CodeMessageRecalled, "the message was recalled")

// react adds or removes the person's reaction to a message and tells the channel.
func (s *Service) react(ctx context.Context, userID int64, d protocol.ReactData) (protocol.ReactionsData, error) {
	if !slices.Contains(s.opt.Reactions, d.Reaction) {
		return protocol.ReactionsData{}, &apperr.Error{Code: protocol.CodeReactionNotAllowed, Field: "reaction",
			Message: fmt.Sprintf("%q is not one of this server's reactions (GET /api/v1/info lists them)", d.Reaction)}
	}
	if d.Seq <= 0 {
		return protocol.ReactionsData{}, apperr.BadField("seq", "seq must be positive")
	}
	if s.opt.ReactLimit != nil {
		ok, wait, err := s.opt.ReactLimit.Allow(ctx, "react:"+strconv.FormatInt(userID, 10))
		if err != nil {
			s.log.Warn("reaction rate limiter unavailable", "err", err) // fail open, as for sends
		} else if !ok {
			e := apperr.New(protocol.CodeRateLimited, "you are reacting too fast; wait a moment")
			e.RetryAfter = wait
			return protocol.ReactionsData{}, e
		}
	}
	ch, _, err := s.member(ctx, d.ChannelID, userID)
	if err != nil {
		return protocol.ReactionsData{}, err
	}
	if ch.Archived {
		return protocol.ReactionsData{}, apperr.New(protocol.CodeForbidden, "the channel is archived")
	}
	// 仅管理员发言 does not stop reactions: a 收到 under an announcement is what the
	// announcement asks for.
	msg, err := s.store.GetMessage(ctx, ch.ID, d.Seq)
	if err != nil {
		return protocol.ReactionsData{}, err
	}
	switch {
	case !msg.RecalledAt.IsZero():
		return protocol.ReactionsData{}, errRecalled
	case toWire(msg).Kind == protocol.MessageKindSystem:
		return protocol.ReactionsData{}, apperr.New(protocol.CodeForbidden, "system lines take no reactions")
	}
	got, changed, err := s.store.SetReaction(ctx, store.ReactionChange{
		ChannelID: ch.ID, Seq: d.Seq, UserID: userID, Reaction: d.Reaction, On: d.On, At: s.now(),
	})
	if errors.Is(err, store.ErrConflict) {
		return protocol.ReactionsData{}, errRecalled // recalled in between
	}
	if err != nil {
		return protocol.ReactionsData{}, err
	}
	out := protocol.ReactionsData{ChannelID: ch.ID, Seq: d.Seq, Rev: got.Rev, Reactions: s.wireReactions(got.Reactions)}
	if out.Reactions == nil {
		out.Reactions = []protocol.Reaction{}
	}
	if changed {
		// Straight to the bus, not through the message outbox: the frame carries the
		// whole list and its revision, so one overtaken by a later one is ignored.
		s.pub.ToChannel(ctx, ch.ID, 0, protocol.TypeReactions, out)
	}
	return out, nil
}

// wireReactions orders reactions as the allowed set does, leaving out any the
// operator has since taken out of it.
func (s *Service) wireReactions(rs []store.Reaction) []protocol.Reaction {
	var out []protocol.Reaction
	for _, allowed := range s.opt.Reactions {
		for _, r := range rs {
			if r.Reaction == allowed && len(r.UserIDs) > 0 {
				out = append(out, protocol.Reaction{Reaction: r.Reaction, UserIDs: slices.Clone(r.UserIDs)})
			}
		}
	}
	return out
}

// withReactions fills in the reactions of messages (a page of history, search hits,
// a resume, an edited message) with one store query for all of them. Recalled
// messages and system lines have none.
func (s *Service) withReactions(ctx context.Context, msgs []protocol.Message) error {
	if len(s.opt.Reactions) == 0 {
		return nil
	}
	keys := make([]store.MessageKey, 0, len(msgs))
	for _, m := range msgs {
		if m.RecalledAt == nil && m.Kind != protocol.MessageKindSystem {
			keys = append(keys, store.MessageKey{ChannelID: m.ChannelID, Seq: m.Seq})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	got, err := s.store.ListReactions(ctx, keys)
	if err != nil {
		return fmt.Errorf("chat: reactions: %w", err)
	}
	for i := range msgs {
		if r, ok := got[store.MessageKey{ChannelID: msgs[i].ChannelID, Seq: msgs[i].Seq}]; ok && msgs[i].RecalledAt == nil {
			msgs[i].Reactions = s.wireReactions(r)
		}
	}
	return nil
}
