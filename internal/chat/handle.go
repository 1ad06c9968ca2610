package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/internal/strictjson"
	"govchat/protocol"
)

// maxMentions bounds one message's mention list.
const maxMentions = 50

// Handle performs one client frame and returns the reply for the sender's connection.
func (s *Service) Handle(ctx context.Context, p auth.Principal, f protocol.Frame) []byte {
	var (
		reply any
		err   error
	)
	switch f.Type {
	case protocol.TypeSend:
		var d protocol.SendData
		if err = decodeData(f.Data, &d); err == nil {
			reply, err = s.send(ctx, p.User.ID, d)
		}
	case protocol.TypeEdit:
		var d protocol.EditData
		if err = decodeData(f.Data, &d); err == nil {
			reply, err = s.edit(ctx, p.User.ID, d)
		}
	case protocol.TypeRecall:
		var d protocol.RecallData
		if err = decodeData(f.Data, &d); err == nil {
			reply, err = s.recall(ctx, p.User.ID, d)
		}
	case protocol.TypeRead:
		var d protocol.ReadData
		if err = decodeData(f.Data, &d); err == nil {
			reply, err = s.read(ctx, p.User.ID, d)
		}
	case protocol.TypeReact:
		var d protocol.ReactData
		if err = decodeData(f.Data, &d); err == nil {
			reply, err = s.react(ctx, p.User.ID, d)
		}
	default:
		err = apperr.New(protocol.CodeUnknownType, "unknown frame type %q", f.Type)
	}
	if err != nil {
		return apperr.Frame(ctx, s.log, f.Ref, err)
	}
	ack, err := protocol.EncodeFrame(protocol.TypeAck, f.Ref, reply)
	if err != nil {
		// Our own types always encode: a bug, answered (and logged) as one.
		return apperr.Frame(ctx, s.log, f.Ref, err)
	}
	return ack
}

// decodeData reads a frame's body through the one strict decoder (strictjson): a
// misspelt field is an error, not silently ignored, and a refusal names its field.
func decodeData(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return apperr.New(protocol.CodeBadRequest, "the frame has no data")
	}
	return strictjson.Decode(raw, v)
}

func notMember(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(protocol.CodeNotMember, "you are not a member of this channel")
	}
	return err
}

// checkText validates message text: present, bounded, valid UTF-8, no control
// characters but tab and line breaks. Everything else — markup, links, direction
// marks — is kept as typed; clients show it as text, never as HTML.
func checkText(text string) error {
	if strings.TrimSpace(text) == "" {
		return apperr.BadField("text", "the message is empty")
	}
	if !utf8.ValidString(text) {
		return apperr.BadField("text", "the message is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > protocol.MaxTextRunes {
		return apperr.BadField("text", "the message has %d characters; at most %d", n, protocol.MaxTextRunes)
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return apperr.BadField("text", "the message contains control characters")
		}
	}
	return nil
}

func checkClientID(id string) error {
	if id == "" || len(id) > protocol.MaxClientIDLen {
		return apperr.BadField("client_id", "client_id must be 1 to %d characters", protocol.MaxClientIDLen)
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r == ':' || r == '.' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return apperr.BadField("client_id", "client_id may hold ASCII letters, digits and - _ : . only")
		}
	}
	return nil
}

// member loads the channel and the user's membership in it, refusing non-members the
// same way whether the channel exists or not.
func (s *Service) member(ctx context.Context, channelID, userID int64) (store.Channel, store.ChannelMember, error) {
	// One query, not two: on PostgreSQL every send pays it (issue 17).
	ch, m, err := s.store.GetMembership(ctx, channelID, userID)
	if err != nil {
		return store.Channel{}, store.ChannelMember{}, notMember(err)
	}
	return ch, m, nil
}

func (s *Service) checkMentions(ctx context.Context, channelID int64, mentions []int64) ([]int64, error) {
	if len(mentions) > maxMentions {
		return nil, apperr.BadField("mentions", "at most %d mentions", maxMentions)
	}
	seen := map[int64]bool{}
	out := make([]int64, 0, len(mentions))
	for _, id := range mentions {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := s.store.GetMember(ctx, channelID, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, apperr.BadField("mentions", "user %d is not in this channel", id)
			}
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func (s *Service) send(ctx context.Context, userID int64, d protocol.SendData) (protocol.AckData, error) {
	if err := checkClientID(d.ClientID); err != nil {
		return protocol.AckData{}, err
	}
	if s.opt.SendLimit != nil {
		ok, wait, err := s.opt.SendLimit.Allow(ctx, "send:"+strconv.FormatInt(userID, 10))
		if err != nil {
			s.log.Warn("send rate limiter unavailable", "err", err) // fail open, as for logins
		} else if !ok {
			e := apperr.New(protocol.CodeRateLimited, "you are sending too fast; wait a moment")
			e.RetryAfter = wait
			return protocol.AckData{}, e
		}
	}
	// A file's caption may be left out; a message without a file needs its text.
	if d.Attachment == nil || d.Text != "" {
		if err := checkText(d.Text); err != nil {
			return protocol.AckData{}, err
		}
	}
	ch, m, err := s.member(ctx, d.ChannelID, userID)
	if err != nil {
		return protocol.AckData{}, err
	}
	switch {
	case ch.Archived:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "the channel is archived")
	case ch.PostPolicy == store.PolicyAdmins && m.Role != store.MemberAdmin:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "only the channel's administrators may post here (仅管理员发言)")
	case d.MentionAll && ch.MentionAll == store.PolicyAdmins && m.Role != store.MemberAdmin:
		return protocol.AckData{}, apperr.BadField("mention_all", "only the channel's administrators may mention everyone")
	case d.Secrecy < 0 || d.Secrecy >= protocol.NumSecrecyLevels:
		return protocol.AckData{}, apperr.BadField("secrecy", "there is no secrecy level %d; levels are 0 to %d", d.Secrecy, protocol.NumSecrecyLevels-1)
	case d.Secrecy > ch.MaxSecrecy:
		// Govchat's clients offer no level above the ceiling: a modified client, or the
		// security officer lowered it while this was typed. Either is for the trail.
		s.recordOutcome(ctx, userID, audit.SecrecyRefused, audit.Denied, ch.ID, map[string]any{
			"op": "send", "secrecy": d.Secrecy, "max_secrecy": ch.MaxSecrecy})
		e := apperr.New(protocol.CodeSecrecyAboveCeiling, "secrecy %d is above this channel's ceiling %d", d.Secrecy, ch.MaxSecrecy)
		e.Field = "secrecy"
		return protocol.AckData{}, e
	}
	mentions, err := s.checkMentions(ctx, ch.ID, d.Mentions)
	if err != nil {
		return protocol.AckData{}, err
	}
	if d.ReplyTo != 0 {
		if d.ReplyTo < 0 || d.ReplyTo > ch.LastSeq {
			return protocol.AckData{}, apperr.BadField("reply_to", "no message %d in this channel", d.ReplyTo)
		}
		if err := s.notSystemLine(ctx, ch.ID, d.ReplyTo); err != nil {
			return protocol.AckData{}, err
		}
	}
	// Data-loss prevention last, after every other refusal: a blocked text is recorded,
	// and a send refused for another reason should not leave a hit in the trail.
	finding, err := s.checkDLP(ctx, userID, ch.ID, d.Text, d.Secrecy, d.DLPAck)
	if err != nil {
		return protocol.AckData{}, err
	}
	var att *store.Attachment
	if d.Attachment != nil {
		if s.opt.Files == nil {
			return protocol.AckData{}, apperr.BadField("attachment", "this server takes no files")
		}
		a, err := s.opt.Files.Attach(ctx, userID, ch.ID, *d.Attachment)
		if err != nil {
			return protocol.AckData{}, err
		}
		att = &a
	}
	res, err := s.commits.submit(ctx, store.NewMessage{
		ChannelID: ch.ID, SenderID: userID, ClientID: d.ClientID, Text: d.Text, ReplyTo: d.ReplyTo,
		Mentions: mentions, MentionAll: d.MentionAll, Secrecy: d.Secrecy, CreatedAt: s.now(), Attachment: att,
	})
	if err == nil {
		err = res.Err
	}
	if errors.Is(err, store.ErrBlobGone) {
		return protocol.AckData{}, &apperr.Error{Code: protocol.CodeNotFound, Field: "attachment",
			Message: "the file was removed before the message was stored; upload it again", Err: err}
	}
	if err != nil {
		return protocol.AckData{}, fmt.Errorf("chat: send to channel %d: %w", ch.ID, err)
	}
	msg := res.Message
	if res.Duplicate && msg.ChannelID != ch.ID {
		// The same client id was used for another channel: a client bug, and answering
		// with the other channel's ack would mislead it.
		return protocol.AckData{}, apperr.BadField("client_id", "client_id was already used for another message")
	}
	if !res.Duplicate && msg.Secrecy >= audit.SendRecordLevel {
		// Levelled sends only (audit.SendRecordLevel says why); ids and level, never text.
		detail := map[string]any{"seq": msg.Seq, "secrecy": msg.Secrecy, "file": msg.Attachment != nil}
		if msg.Attachment != nil {
			detail["blob_id"] = msg.Attachment.BlobID
		}
		s.record(ctx, userID, audit.ChatSend, ch.ID, detail)
	}
	if !res.Duplicate {
		s.sentDLP(ctx, finding, "send", msg.Seq)
	}
	// The committer has published a new message already, in sequence order.
	return protocol.AckData{ChannelID: msg.ChannelID, Seq: msg.Seq, ClientID: msg.ClientID, CreatedAt: msg.CreatedAt, Duplicate: res.Duplicate}, nil
}

// notSystemLine refuses a reply to a system line: there is nobody to answer.
func (s *Service) notSystemLine(ctx context.Context, channelID, seq int64) error {
	m, err := s.store.GetMessage(ctx, channelID, seq)
	if err != nil {
		return err
	}
	if isSystem(m) {
		return apperr.BadField("reply_to", "message %d is a system line; it cannot be replied to", seq)
	}
	return nil
}

func (s *Service) edit(ctx context.Context, userID int64, d protocol.EditData) (protocol.AckData, error) {
	if err := checkText(d.Text); err != nil {
		return protocol.AckData{}, err
	}
	ch, _, err := s.member(ctx, d.ChannelID, userID)
	if err != nil {
		return protocol.AckData{}, err
	}
	msg, err := s.store.GetMessage(ctx, d.ChannelID, d.Seq)
	if err != nil {
		return protocol.AckData{}, err
	}
	now := s.now()
	switch {
	case ch.Archived:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "the channel is archived")
	case isSystem(msg):
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "a system line cannot be edited")
	case msg.SenderID != userID:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "only the sender may edit a message")
	case !msg.RecalledAt.IsZero():
		return protocol.AckData{}, apperr.New(protocol.CodeConflict, "the message was recalled")
	case msg.Forward != nil:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "a forwarded message keeps the original's words; it cannot be edited")
	case now.Sub(msg.CreatedAt) > s.opt.EditWindow:
		return protocol.AckData{}, apperr.New(protocol.CodeWindowExpired, "messages can be edited for %s after sending", s.opt.EditWindow)
	}
	mentions, err := s.checkMentions(ctx, d.ChannelID, d.Mentions)
	if err != nil {
		return protocol.AckData{}, err
	}
	finding, err := s.checkDLP(ctx, userID, d.ChannelID, d.Text, msg.Secrecy, d.DLPAck)
	if err != nil {
		return protocol.AckData{}, err
	}
	msg, err = s.store.EditMessage(ctx, d.ChannelID, d.Seq, d.Text, mentions, now)
	if err != nil {
		return protocol.AckData{}, err
	}
	s.record(ctx, userID, audit.ChatEdit, d.ChannelID, map[string]any{"seq": d.Seq, "secrecy": msg.Secrecy})
	s.sentDLP(ctx, finding, "edit", msg.Seq)
	// Sequence 0: an edit changes an old message; a client that has seen its sequence
	// must still get it. Through the publisher, so it follows the message itself. It
	// carries the reactions, which the client's copy is replaced with.
	edited := []protocol.Message{toWire(msg)}
	if err := s.withReactions(ctx, edited); err != nil {
		s.log.Warn("edited message published without its reactions", "err", err)
	}
	s.enqueue(outgoing{d.ChannelID, 0, edited[0]})
	return protocol.AckData{ChannelID: msg.ChannelID, Seq: msg.Seq, ClientID: msg.ClientID, CreatedAt: msg.CreatedAt}, nil
}

func (s *Service) recall(ctx context.Context, userID int64, d protocol.RecallData) (protocol.AckData, error) {
	ch, m, err := s.member(ctx, d.ChannelID, userID)
	if err != nil {
		return protocol.AckData{}, err
	}
	msg, err := s.store.GetMessage(ctx, d.ChannelID, d.Seq)
	if err != nil {
		return protocol.AckData{}, err
	}
	now := s.now()
	admin := m.Role == store.MemberAdmin
	switch {
	case ch.Archived:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "the channel is archived")
	case isSystem(msg):
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "a system line cannot be recalled")
	case !msg.RecalledAt.IsZero():
		return protocol.AckData{}, apperr.New(protocol.CodeConflict, "the message was already recalled")
	case msg.SenderID != userID && !admin:
		return protocol.AckData{}, apperr.New(protocol.CodeForbidden, "only the sender or a channel administrator may recall a message")
	case !admin && now.Sub(msg.CreatedAt) > s.opt.RecallWindow:
		return protocol.AckData{}, apperr.New(protocol.CodeWindowExpired, "messages can be recalled for %s after sending", s.opt.RecallWindow)
	}
	msg, err = s.store.RecallMessage(ctx, d.ChannelID, d.Seq, userID, now)
	if err != nil {
		return protocol.AckData{}, err
	}
	if msg.SenderID != userID {
		// An administrator removed someone else's words: that is for the trail.
		s.record(ctx, userID, audit.ChatRecallByAdmin, d.ChannelID, map[string]any{"seq": d.Seq, "sender_id": msg.SenderID, "secrecy": msg.Secrecy})
	} else {
		s.record(ctx, userID, audit.ChatRecall, d.ChannelID, map[string]any{"seq": d.Seq, "secrecy": msg.Secrecy})
	}
	s.enqueue(outgoing{d.ChannelID, 0, toWire(msg)})
	return protocol.AckData{ChannelID: msg.ChannelID, Seq: msg.Seq, ClientID: msg.ClientID, CreatedAt: msg.CreatedAt}, nil
}

func (s *Service) read(ctx context.Context, userID int64, d protocol.ReadData) (protocol.ReadData, error) {
	if d.Seq < 0 {
		return protocol.ReadData{}, apperr.BadField("seq", "seq must not be negative")
	}
	pos, moved, err := s.store.SetReadSeq(ctx, d.ChannelID, userID, d.Seq)
	if err != nil {
		return protocol.ReadData{}, notMember(err)
	}
	out := protocol.ReadData{ChannelID: d.ChannelID, Seq: pos}
	s.pub.ToUsers(ctx, []int64{userID}, protocol.TypeReadSync, out)
	if moved {
		// The channel's members see read positions (read status, PROTOCOL.md §4.14),
		// gathered into one reads frame per channel per interval.
		s.reads.moved(d.ChannelID, userID, pos)
	}
	return out, nil
}
