package alert

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Notice alerts people to a notice event (published, revised, reminder, escalation)
// sent to users. It returns at once.
func (a *Dispatcher) Notice(n store.Notice, event string, users []int64) {
	kind, ok := noticeKinds[event]
	if !ok || len(users) == 0 {
		return
	}
	users = append([]int64(nil), users...)
	a.enqueue("notice", func(ctx context.Context) { a.notice(ctx, n, event, kind, users) })
}

var noticeKinds = map[string]protocol.PushKind{
	protocol.NoticeEventPublished:  protocol.PushNotice,
	protocol.NoticeEventRevised:    protocol.PushNotice,
	protocol.NoticeEventReminder:   protocol.PushReminder,
	protocol.NoticeEventEscalation: protocol.PushEscalation,
}

var noticeBodies = map[string]string{
	protocol.NoticeEventPublished:  "新通知，请查看并确认收到",
	protocol.NoticeEventRevised:    "通知已修改，请重新确认",
	protocol.NoticeEventReminder:   "提醒：请确认收到此通知",
	protocol.NoticeEventEscalation: "您部门有人未在截止时间前确认此通知",
}

func (a *Dispatcher) notice(ctx context.Context, n store.Notice, event string, kind protocol.PushKind, users []int64) {
	publish := event == protocol.NoticeEventPublished
	urgent := n.Priority == protocol.NoticeUrgent
	// Whether an urgent notice breaks through is decided for all its recipients off
	// duty, with a device or not, connected or not: the app open off duty sounds for it
	// too (PROTOCOL.md §4.13), and the notice says so (Notice.breakthrough).
	bt := btNone
	if urgent && publish {
		_, offDuty := a.split(ctx, users)
		bt = a.breakThrough(ctx, n, users, offDuty)
	}
	off, err := a.reachable(ctx, n.ID, users, publish)
	if err != nil {
		a.d.Log.Warn("alert: subscribed recipients unknown", "notice_id", n.ID, "err", err)
		return
	}
	if len(off) == 0 {
		return
	}
	p := protocol.PushPayload{Kind: kind, URL: fmt.Sprintf("/notices/%d", n.ID), Tag: fmt.Sprintf("notice%d", n.ID), Urgent: urgent}
	p.Title = "通知"
	if urgent {
		p.Title = "紧急通知"
	}
	p.Body = noticeBodies[event]
	if text, _ := a.pushText(ctx, n.Secrecy); a.opt.Preview == PreviewText && text {
		p.Title += "：" + clip(n.Title, 60)
	}
	push := Push{Payload: p, Urgent: urgent, Topic: fmt.Sprintf("notice%d", n.ID), TTL: pushTTL}

	now, later := a.split(ctx, off)
	if bt == btYes {
		err := a.push(ctx, off, push)
		if publish {
			a.record(ctx, n.ID, now, outcome(err, store.PushPushed))
			a.record(ctx, n.ID, later, outcome(err, store.PushBreakthrough))
		}
		return
	}
	err = a.push(ctx, now, push)
	a.defer_(ctx, later, store.AlertNotice)
	if publish {
		a.record(ctx, n.ID, now, outcome(err, store.PushPushed))
		held := store.PushHeld
		if bt == btCapped {
			held = store.PushHeldCap
		}
		a.record(ctx, n.ID, later, held)
	}
}

// reachable keeps those of users a push could reach: not connected (or idle and asking
// to be pushed) and with a device subscribed. For a publication, whose outcomes are
// recorded, presence is asked first, so that the app open reads as connected whether or
// not a device is subscribed; otherwise the subscriptions are asked first, the cheaper
// way for the reminders of a big audience.
func (a *Dispatcher) reachable(ctx context.Context, noticeID int64, users []int64, publish bool) ([]int64, error) {
	if !publish {
		subscribed, err := a.d.Store.ListSubscribed(ctx, users)
		if err != nil {
			return nil, err
		}
		return a.offline(ctx, subscribed), nil
	}
	off := a.offline(ctx, users)
	a.record(ctx, noticeID, minus(users, off), store.PushConnected)
	subscribed, err := a.d.Store.ListSubscribed(ctx, off)
	if err != nil {
		return nil, err
	}
	a.record(ctx, noticeID, minus(off, subscribed), store.PushNoDevice)
	return subscribed, nil
}

// outcome is what a push attempt comes to for its recipients.
func outcome(err error, ok string) string {
	if err != nil {
		return store.PushFailed
	}
	return ok
}

// record keeps what was done for users when a notice was published, for its author's
// tally. A failure costs the author that line of the tally, not the push.
func (a *Dispatcher) record(ctx context.Context, noticeID int64, users []int64, outcome string) {
	if len(users) == 0 {
		return
	}
	if err := a.d.Store.SetNoticePush(ctx, noticeID, users, outcome); err != nil {
		a.d.Log.Warn("alert: push outcome not recorded", "notice_id", noticeID, "outcome", outcome, "users", len(users), "err", err)
	}
}

// minus is all without those in some (both any order).
func minus(all, some []int64) []int64 {
	if len(some) == len(all) {
		return nil
	}
	in := make(map[int64]bool, len(some))
	for _, u := range some {
		in[u] = true
	}
	var out []int64
	for _, u := range all {
		if !in[u] {
			out = append(out, u)
		}
	}
	return out
}

// A break-through verdict.
type verdict int

const (
	btNone   verdict = iota // not urgent, not a leader, no cap, or nobody off duty
	btYes                   // pushed through quiet hours
	btCapped                // would have, but the author's weekly cap is used up
)

// breakThrough decides whether an urgent notice reaches people off duty: its author is
// a leader within the weekly cap. users are its recipients, later those of them off
// duty (every recipient off duty, pushed or not). Each break-through is recorded and
// audited once.
func (a *Dispatcher) breakThrough(ctx context.Context, n store.Notice, users, later []int64) verdict {
	if len(later) == 0 {
		return btNone // everyone is at work: nothing to break through
	}
	author, ok := a.breaker(ctx, n.AuthorID)
	if !ok {
		return btNone
	}
	now := a.d.Now()
	used, err := a.d.Store.CountBreakthroughs(ctx, author.ID, now.Add(-week))
	if err != nil {
		a.d.Log.Warn("break-through count unknown; keeping quiet hours", "notice_id", n.ID, "err", err)
		return btNone
	}
	if used >= a.opt.BreakthroughPerWeek {
		a.d.Log.Info("break-through cap reached; keeping quiet hours", "notice_id", n.ID, "author_id", author.ID, "used", used)
		return btCapped
	}
	first, err := a.d.Store.AddBreakthrough(ctx, author.ID, n.ID, now)
	if err != nil {
		a.d.Log.Warn("break-through not recorded; keeping quiet hours", "notice_id", n.ID, "err", err)
		return btNone
	}
	if first && a.d.Audit != nil {
		err := a.d.Audit.Record(ctx, audit.Event{
			ActorID: author.ID, ActorName: author.Username, Action: audit.NoticeBreakthrough,
			TargetType: "notice", TargetID: strconv.FormatInt(n.ID, 10),
			Detail: map[string]any{"title": n.Title, "off_duty": len(later), "recipients": len(users),
				"week_count": used + 1, "week_cap": a.opt.BreakthroughPerWeek},
		})
		if err != nil {
			a.d.Log.Warn("break-through not audited", "notice_id", n.ID, "err", err)
		}
	}
	return btYes
}

// week is the window of the break-through cap.
const week = 7 * 24 * time.Hour

// breaker returns the author if they may break through quiet hours at all: an enabled
// leader, with a cap above zero.
func (a *Dispatcher) breaker(ctx context.Context, authorID int64) (store.User, bool) {
	if a.opt.BreakthroughPerWeek <= 0 {
		return store.User{}, false
	}
	author, err := a.d.Store.GetUser(ctx, authorID)
	if err != nil || author.Role != store.RoleLeader || author.Disabled {
		return store.User{}, false
	}
	return author, true
}
