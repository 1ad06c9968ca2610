package alert

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"govchat/internal/store"
	"govchat/protocol"
)

// Message alerts the members of a channel to a newly committed message. It returns at
// once; the work happens on the dispatcher's goroutine.
func (a *Dispatcher) Message(m store.Message) {
	a.enqueue("message", func(ctx context.Context) { a.message(ctx, m) })
}

func (a *Dispatcher) message(ctx context.Context, m store.Message) {
	// Only members with a device subscribed can be pushed to (or given a digest): one
	// query however big the channel, and nothing more when nobody subscribed.
	members, err := a.d.Store.ListSubscribedMembers(ctx, m.ChannelID)
	if err != nil {
		a.d.Log.Warn("alert: subscribed members unknown", "channel_id", m.ChannelID, "err", err)
		return
	}
	members = slices.DeleteFunc(members, func(uid int64) bool { return uid == m.SenderID })
	if len(members) == 0 {
		return
	}
	ch, err := a.d.Store.GetChannel(ctx, m.ChannelID)
	if err != nil {
		a.d.Log.Warn("alert: channel unknown", "channel_id", m.ChannelID, "err", err)
		return
	}
	var levels map[int64]string
	if a.d.Levels != nil {
		if levels, err = a.d.Levels(ctx, m.ChannelID); err != nil {
			a.d.Log.Warn("alert: notification levels unknown; using all", "channel_id", m.ChannelID, "err", err)
		}
	}
	sender := a.name(ctx, m.SenderID)
	var direct, mentioned, plain []int64
	for _, uid := range members {
		level := levels[uid]
		switch {
		case level == "none":
		case ch.Kind == store.ChannelDirect:
			direct = append(direct, uid)
		case m.MentionAll || slices.Contains(m.Mentions, uid):
			mentioned = append(mentioned, uid)
		case level == "" || level == "all":
			plain = append(plain, uid)
		}
	}
	text, levelName := a.pushText(ctx, m.Secrecy)
	base := a.messagePayload(ch, m, sender, text, levelName)
	topic := fmt.Sprintf("c%d", ch.ID)
	if len(direct) > 0 {
		p := base
		p.Kind = protocol.PushDirect
		a.deliver(ctx, direct, store.AlertMessage, Push{Payload: p, Topic: topic, TTL: pushTTL})
	}
	if len(mentioned) > 0 {
		p := base
		p.Kind = protocol.PushMention
		if a.opt.Preview != PreviewText || !text {
			p.Body = "有人@了您" // says why without saying what
		}
		a.deliver(ctx, mentioned, store.AlertMention, Push{Payload: p, Topic: topic, TTL: pushTTL})
	}
	if len(plain) > 0 {
		p := base
		p.Kind = protocol.PushMessage
		a.deliver(ctx, plain, store.AlertMessage, Push{Payload: p, Topic: topic, TTL: pushTTL})
	}
}

// messagePayload is what a push may say about m: its text only where its level's
// push_text allows (text) and with the text preview; otherwise its level's name
// (levelName) and where it came from, or nothing at all.
func (a *Dispatcher) messagePayload(ch store.Channel, m store.Message, sender string, text bool, levelName string) protocol.PushPayload {
	p := protocol.PushPayload{URL: fmt.Sprintf("/c/%d", ch.ID), Tag: fmt.Sprintf("c%d", ch.ID)}
	where := ch.Name
	if ch.Kind == store.ChannelDirect {
		where = sender
	}
	switch a.opt.Preview {
	case PreviewNone:
		p.Title = "govchat"
		p.Body = "您有新消息"
	case PreviewChannel:
		p.Title = where
		p.Body = "有新消息"
	default:
		p.Title = where
		switch {
		case text:
			p.Body = clip(m.Text, 140)
			if ch.Kind != store.ChannelDirect {
				p.Body = sender + "：" + p.Body
			}
		case levelName != "":
			p.Body = "有一条" + levelName + "消息，请在应用中查看"
		default:
			p.Body = "有一条新消息，请在应用中查看"
		}
	}
	return p
}

// name is a user's display name, or empty when it cannot be read.
func (a *Dispatcher) name(ctx context.Context, id int64) string {
	u, err := a.d.Store.GetUser(ctx, id)
	if err != nil {
		return ""
	}
	return u.DisplayName
}

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
