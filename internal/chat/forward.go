package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/protocol"
)

// Forward forwards messages of one channel (转发): each chosen message on its own
// (逐条), or all of them as one merged record (合并转发), to every target, followed
// there by the comment as the forwarder's own message. Everything is checked before
// anything is written: the forwarder reads every chosen message (a member of its
// channel, the message not recalled), may post in every target, and no target's
// secrecy ceiling is below the forward's level (the highest of its items). The
// messages go through the group commit like any send, so they take the channels'
// next sequence numbers, reach every client on the bus, and a retry of the request
// (the same client_id) writes nothing twice.
func (s *Service) Forward(ctx context.Context, userID int64, req protocol.ForwardRequest) (protocol.ForwardResult, error) {
	if err := checkForwardRequest(req); err != nil {
		return protocol.ForwardResult{}, err
	}
	if err := s.allowSend(ctx, userID); err != nil {
		return protocol.ForwardResult{}, err
	}
	src, _, err := s.member(ctx, req.ChannelID, userID)
	if err != nil {
		return protocol.ForwardResult{}, fieldOf(err, "channel_id")
	}
	seqs := slices.Clone(req.Seqs)
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	ladder, err := s.levels(ctx)
	if err != nil {
		return protocol.ForwardResult{}, err
	}
	msgs := make([]store.Message, 0, len(seqs))
	runes := 0
	for _, seq := range seqs {
		field := fmt.Sprintf("seqs[%d]", slices.Index(req.Seqs, seq))
		if seq <= 0 || seq > src.LastSeq {
			return protocol.ForwardResult{}, apperr.BadField(field, "no message %d in this channel", seq)
		}
		m, err := s.store.GetMessage(ctx, src.ID, seq)
		if errors.Is(err, store.ErrNotFound) {
			return protocol.ForwardResult{}, apperr.BadField(field, "no message %d in this channel", seq)
		}
		if err != nil {
			return protocol.ForwardResult{}, fmt.Errorf("chat: forward from channel %d: %w", src.ID, err)
		}
		if m.Kind == store.MessageKindSystem {
			return protocol.ForwardResult{}, apperr.BadField(field, "message %d is a system line, not a message to forward", seq)
		}
		if !m.RecalledAt.IsZero() {
			e := apperr.New(protocol.CodeMessageRecalled, "message %d was recalled and cannot be forwarded", seq)
			e.Field = field
			return protocol.ForwardResult{}, e
		}
		if rule := secrecy.Rule(ladder, m.Secrecy); !rule.Forward {
			// A merged record's level is its highest item's, so this covers what it holds.
			s.refusedForward(ctx, userID, src.ID, req, protocol.CodeForwardNotAllowed, m.Secrecy)
			e := apperr.New(protocol.CodeForwardNotAllowed, "message %d is %s (level %d), which may not be forwarded", seq, rule.NameEn, m.Secrecy)
			e.Field = field
			return protocol.ForwardResult{}, e
		}
		runes += utf8.RuneCountInString(m.Text)
		msgs = append(msgs, m)
	}
	if runes > protocol.MaxForwardRunes {
		return protocol.ForwardResult{}, apperr.BadField("seqs", "the chosen messages hold %d characters; at most %d at once", runes, protocol.MaxForwardRunes)
	}
	if !req.Merged && len(msgs)*len(req.Targets) > protocol.MaxForwardMessages {
		return protocol.ForwardResult{}, apperr.BadField("targets", "one by one, that is %d messages; at most %d at once (forward them merged)",
			len(msgs)*len(req.Targets), protocol.MaxForwardMessages)
	}

	names := s.nameCache()
	fromName := s.channelName(ctx, src, userID, names)
	var forwards []store.Forward // what each target gets, in order
	var levels []int
	var atts []*store.Attachment // the file each of forwards carries itself (one by one only)
	if req.Merged {
		f := store.Forward{Merged: true, FromChannelID: src.ID, FromChannelName: fromName}
		level := 0
		for _, m := range msgs {
			f.Items = append(f.Items, s.itemsOf(ctx, m, names)...)
			level = max(level, m.Secrecy)
		}
		forwards, levels, atts = []store.Forward{f}, []int{level}, []*store.Attachment{nil}
	} else {
		for _, m := range msgs {
			if m.Forward != nil {
				forwards = append(forwards, *m.Forward) // its original sender, channel and time travel on
			} else {
				forwards = append(forwards, store.Forward{FromChannelID: src.ID, FromChannelName: fromName, Items: s.itemsOf(ctx, m, names)})
			}
			levels = append(levels, m.Secrecy)
			atts = append(atts, m.Attachment)
		}
	}
	level := slices.Max(levels)

	targets, err := s.forwardTargets(ctx, userID, req.Targets, level)
	if err != nil {
		if e := (*apperr.Error)(nil); errors.As(err, &e) && e.Code == protocol.CodeSecrecyAboveCeiling {
			s.refusedForward(ctx, userID, src.ID, req, protocol.CodeSecrecyAboveCeiling, level)
		}
		return protocol.ForwardResult{}, err
	}
	files := forwardFiles(forwards)
	if err := s.checkRewrapped(ctx, userID, targets, files); err != nil {
		return protocol.ForwardResult{}, err
	}
	// Every check passed: open the direct channels still missing, then write.
	for i := range targets {
		if targets[i].ch.ID == 0 {
			c, err := s.OpenDirect(ctx, userID, targets[i].peerID)
			if err != nil {
				return protocol.ForwardResult{}, fieldOf(err, targets[i].field)
			}
			targets[i].ch.ID = c.ID
		}
	}
	now := s.now()
	var batch []store.NewMessage
	for _, tg := range targets {
		ch := strconv.FormatInt(tg.ch.ID, 10)
		for k, f := range forwards {
			f := f
			batch = append(batch, store.NewMessage{ChannelID: tg.ch.ID, SenderID: userID,
				ClientID: req.ClientID + "/f" + ch + "/" + strconv.Itoa(k), Text: forwardText(f),
				Secrecy: levels[k], CreatedAt: now, Forward: &f, Attachment: atts[k]})
		}
		if req.Comment != "" {
			batch = append(batch, store.NewMessage{ChannelID: tg.ch.ID, SenderID: userID,
				ClientID: req.ClientID + "/c" + ch, Text: req.Comment, CreatedAt: now})
		}
	}
	results, err := s.commits.submitAll(ctx, batch)
	if err != nil {
		return protocol.ForwardResult{}, fmt.Errorf("chat: forward from channel %d: %w", src.ID, err)
	}
	for _, r := range results {
		if errors.Is(r.Err, store.ErrBlobGone) {
			// Only an upload never sent can go; a forwarded file was sent: a bug, or a
			// blob deleted under the server's feet. Said as what it is.
			return protocol.ForwardResult{}, &apperr.Error{Code: protocol.CodeNotFound, Field: "seqs",
				Message: "a forwarded file no longer exists", Err: r.Err}
		}
	}
	out := protocol.ForwardResult{Results: make([]protocol.ForwardDelivery, 0, len(targets))}
	i := 0
	for _, tg := range targets {
		d := protocol.ForwardDelivery{ChannelID: tg.ch.ID, Seqs: []int64{}}
		n := len(forwards)
		if req.Comment != "" {
			n++
		}
		for k := 0; k < n; k, i = k+1, i+1 {
			r := results[i]
			if r.Err != nil {
				return protocol.ForwardResult{}, fmt.Errorf("chat: forward to channel %d: %w", tg.ch.ID, r.Err)
			}
			if r.Message.ChannelID != tg.ch.ID {
				return protocol.ForwardResult{}, apperr.BadField("client_id", "client_id was already used for another forward")
			}
			d.Duplicate = r.Duplicate
			d.CreatedAt = r.Message.CreatedAt
			if k < len(forwards) {
				d.Seqs = append(d.Seqs, r.Message.Seq)
			} else {
				d.CommentSeq = r.Message.Seq
			}
		}
		out.Results = append(out.Results, d)
	}
	if !out.Results[0].Duplicate {
		to := make([]int64, len(targets))
		for i, tg := range targets {
			to[i] = tg.ch.ID
		}
		s.record(ctx, userID, audit.ChatForward, src.ID, map[string]any{"seqs": seqs, "merged": req.Merged,
			"to_channel_ids": to, "secrecy": level, "comment": req.Comment != "", "files": len(files)})
	}
	return out, nil
}

// refusedForward puts a forward the secrecy rules refused on the trail (chat.forward,
// outcome denied): which messages, where to, at which level and why — never their text.
func (s *Service) refusedForward(ctx context.Context, userID, channelID int64, req protocol.ForwardRequest, code protocol.Code, level int) {
	to := make([]map[string]int64, len(req.Targets))
	for i, t := range req.Targets {
		to[i] = map[string]int64{"channel_id": t.ChannelID, "user_id": t.UserID}
	}
	s.recordOutcome(ctx, userID, audit.ChatForward, audit.Denied, channelID, map[string]any{"seqs": req.Seqs,
		"merged": req.Merged, "targets": to, "secrecy": level, "refused": string(code)})
}

// forwardFiles are the files the forwards carry, each blob once.
func forwardFiles(fs []store.Forward) []store.Attachment {
	var out []store.Attachment
	seen := map[string]bool{}
	for _, f := range fs {
		for _, it := range f.Items {
			if a := it.Attachment; a != nil && !seen[a.BlobID] {
				seen[a.BlobID] = true
				out = append(out, *a)
			}
		}
	}
	return out
}

// checkRewrapped refuses a forward of files to a target for which the forwarder has
// not posted the files' keys (re-wrapped for its members in the browser; the server
// cannot). A direct channel not opened yet has no keys: the client opens it first
// (POST /direct/{user}), posts the keys, then forwards.
func (s *Service) checkRewrapped(ctx context.Context, userID int64, targets []target, files []store.Attachment) error {
	if len(files) == 0 {
		return nil
	}
	if s.opt.Files == nil {
		return apperr.BadField("seqs", "this server takes no files")
	}
	for _, tg := range targets {
		if tg.ch.ID == 0 {
			e := apperr.New(protocol.CodeKeyMissing, "open the direct channel with user %d and post the files' keys for it first", tg.peerID)
			e.Field = tg.field
			return e
		}
		for _, a := range files {
			if err := s.opt.Files.Rewrapped(ctx, userID, tg.ch.ID, a, tg.field); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkForwardRequest checks what needs no lookup.
func checkForwardRequest(req protocol.ForwardRequest) error {
	if err := checkClientID(req.ClientID); err != nil {
		return err
	}
	switch {
	case req.ChannelID <= 0:
		return apperr.BadField("channel_id", "say which channel the messages are in")
	case len(req.Seqs) == 0:
		return apperr.BadField("seqs", "choose at least one message")
	case len(req.Seqs) > protocol.MaxForwardItems:
		return apperr.BadField("seqs", "at most %d messages at once", protocol.MaxForwardItems)
	case len(req.Targets) == 0:
		return apperr.BadField("targets", "choose at least one channel or person")
	case len(req.Targets) > protocol.MaxForwardTargets:
		return apperr.BadField("targets", "at most %d channels and people at once", protocol.MaxForwardTargets)
	}
	if req.Comment != "" {
		if err := checkText(req.Comment); err != nil {
			return fieldOf(err, "comment")
		}
	}
	return nil
}

// target is one resolved place to forward to; ch.ID is 0 for a direct channel not yet
// opened.
type target struct {
	ch     store.Channel
	peerID int64
	field  string
}

// forwardTargets resolves and checks the targets, dropping repeats (a person and their
// direct channel named both).
func (s *Service) forwardTargets(ctx context.Context, userID int64, in []protocol.ForwardTarget, level int) ([]target, error) {
	var out []target
	seenChannel, seenPeer := map[int64]bool{}, map[int64]bool{}
	for i, t := range in {
		field := fmt.Sprintf("targets[%d]", i)
		var tg target
		switch {
		case (t.ChannelID == 0) == (t.UserID == 0):
			return nil, apperr.BadField(field, "a target is a channel_id or a user_id")
		case t.ChannelID < 0 || t.UserID < 0:
			return nil, apperr.BadField(field, "ids are positive")
		case t.UserID != 0:
			if t.UserID == userID {
				return nil, apperr.BadField(field, "forward to yourself through a channel instead")
			}
			if _, err := s.activeUsers(ctx, field, []int64{t.UserID}, 0); err != nil {
				return nil, err
			}
			c, err := s.store.GetDirectChannel(ctx, directKey(userID, t.UserID))
			switch {
			case errors.Is(err, store.ErrNotFound):
				// Opened only once every check has passed, with a new channel's settings.
				c = store.Channel{Kind: store.ChannelDirect, PostPolicy: store.PolicyEveryone, MaxSecrecy: defaultMaxSecrecy}
			case err != nil:
				return nil, fmt.Errorf("chat: forward to user %d: %w", t.UserID, err)
			}
			tg = target{ch: c, peerID: t.UserID, field: field}
		default:
			ch, m, err := s.member(ctx, t.ChannelID, userID)
			if err != nil {
				return nil, fieldOf(err, field)
			}
			if ch.PostPolicy == store.PolicyAdmins && m.Role != store.MemberAdmin {
				e := apperr.New(protocol.CodeForbidden, "only the administrators of channel %d may post there (仅管理员发言)", ch.ID)
				e.Field = field
				return nil, e
			}
			tg = target{ch: ch, field: field}
		}
		if tg.ch.Archived {
			e := apperr.New(protocol.CodeForbidden, "channel %d is archived", tg.ch.ID)
			e.Field = field
			return nil, e
		}
		if level > tg.ch.MaxSecrecy {
			e := apperr.New(protocol.CodeSecrecyAboveCeiling, "the forward is secrecy %d; %s allows at most %d",
				level, targetName(tg), tg.ch.MaxSecrecy)
			e.Field = field
			return nil, e
		}
		if tg.ch.ID != 0 && seenChannel[tg.ch.ID] || tg.peerID != 0 && seenPeer[tg.peerID] {
			continue
		}
		seenChannel[tg.ch.ID], seenPeer[tg.peerID] = true, true
		if tg.ch.ID == 0 {
			delete(seenChannel, 0)
		}
		out = append(out, tg)
	}
	return out, nil
}

func targetName(t target) string {
	if t.peerID != 0 {
		return fmt.Sprintf("the direct channel with user %d", t.peerID)
	}
	return fmt.Sprintf("channel %d", t.ch.ID)
}

// fieldOf names the request field a refusal is about.
func fieldOf(err error, field string) error {
	var e *apperr.Error
	if errors.As(err, &e) {
		e.Field = field
	}
	return err
}

// allowSend applies the per-user send limit; a forward counts as one send.
func (s *Service) allowSend(ctx context.Context, userID int64) error {
	if s.opt.SendLimit == nil {
		return nil
	}
	ok, wait, err := s.opt.SendLimit.Allow(ctx, "send:"+strconv.FormatInt(userID, 10))
	if err != nil {
		s.log.Warn("send rate limiter unavailable", "err", err) // fail open, as for logins
		return nil
	}
	if !ok {
		e := apperr.New(protocol.CodeRateLimited, "you are sending too fast; wait a moment")
		e.RetryAfter = wait
		return e
	}
	return nil
}

// names caches display names for one request.
type names map[int64]string

func (s *Service) nameCache() names { return names{} }

func (s *Service) displayName(ctx context.Context, id int64, n names) string {
	if v, ok := n[id]; ok {
		return v
	}
	v := ""
	if u, err := s.store.GetUser(ctx, id); err == nil {
		v = u.DisplayName
	}
	n[id] = v
	return v
}

// channelName is the name a forward shows for where it came from: a direct channel's
// two people, "张静、李华".
func (s *Service) channelName(ctx context.Context, c store.Channel, userID int64, n names) string {
	if c.Kind != store.ChannelDirect {
		return c.Name
	}
	peer := peerOf(c.DirectKey, userID)
	return s.displayName(ctx, userID, n) + "、" + s.displayName(ctx, peer, n)
}

// itemsOf is what message m becomes inside a merged record: itself; the original of a
// forwarded message; a merged record's title, one level deep.
func (s *Service) itemsOf(ctx context.Context, m store.Message, n names) []store.ForwardItem {
	switch {
	case m.Forward == nil:
		return []store.ForwardItem{{SenderID: m.SenderID, SenderName: s.displayName(ctx, m.SenderID, n), Seq: m.Seq,
			Text: m.Text, Secrecy: m.Secrecy, CreatedAt: m.CreatedAt, Attachment: m.Attachment}}
	case !m.Forward.Merged:
		return slices.Clone(m.Forward.Items)
	default:
		return []store.ForwardItem{{SenderID: m.SenderID, SenderName: s.displayName(ctx, m.SenderID, n), Seq: m.Seq,
			Text: recordTitle(*m.Forward), Secrecy: m.Secrecy, CreatedAt: m.CreatedAt}}
	}
}

// recordTitle is a merged record's title, as WeChat words it: 预算股的聊天记录.
func recordTitle(f store.Forward) string {
	return f.FromChannelName + "的聊天记录"
}

// forwardText is a forward's message text: what search finds and the channel list
// previews. A single message's own text; a record's title and its lines.
func forwardText(f store.Forward) string {
	if !f.Merged {
		return f.Items[0].Text
	}
	var b strings.Builder
	b.WriteString(recordTitle(f))
	for _, it := range f.Items {
		b.WriteString("\n")
		b.WriteString(it.SenderName)
		b.WriteString("：")
		if it.Text == "" && it.Attachment != nil {
			b.WriteString("[文件]") // a file without a caption: its name is encrypted
		} else {
			b.WriteString(it.Text)
		}
	}
	text := b.String()
	if utf8.RuneCountInString(text) > protocol.MaxTextRunes {
		text = string([]rune(text)[:protocol.MaxTextRunes])
	}
	return text
}

// toWireForward is a forward as clients see it.
func toWireForward(f *store.Forward) *protocol.Forward {
	if f == nil {
		return nil
	}
	out := &protocol.Forward{Merged: f.Merged, FromChannelID: f.FromChannelID, FromChannelName: f.FromChannelName,
		Items: make([]protocol.ForwardItem, len(f.Items))}
	for i, it := range f.Items {
		out.Items[i] = protocol.ForwardItem{SenderID: it.SenderID, SenderName: it.SenderName, Seq: it.Seq, Text: it.Text,
			Secrecy: it.Secrecy, CreatedAt: it.CreatedAt, Attachment: toWireAttachment(it.Attachment)}
	}
	return out
}
