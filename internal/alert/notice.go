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
	users, err := a.d.Store.ListSubscribed(ctx, users)
	if err != nil {
		a.d.Log.Warn("alert: subscribed recipients unknown", "notice_id", n.ID, "err", err)
		return
	}
	if len(users) == 0 {
		return
	}
	urgent := n.Priority == protocol.NoticeUrgent
	p := protocol.PushPayload{Kind: kind, URL: fmt.Sprintf("/notices/%d", n.ID), Tag: fmt.Sprintf("notice%d", n.ID), Urgent: urgent}
	p.Title = "通知"
	if urgent {
		p.Title = "紧急通知"
	}
	p.Body = noticeBodies[event]
	if a.opt.Preview == PreviewText && n.Secrecy == 0 {
		p.Title += "：" + clip(n.Title, 60)
	}
	push := Push{Payload: p, Urgent: urgent, Topic: fmt.Sprintf("notice%d", n.ID), TTL: pushTTL}

	users = a.offline(ctx, users)
	if urgent && event == protocol.NoticeEventPublished && a.breakThrough(ctx, n, users) {
		a.push(ctx, users, push)
		return
	}
	now, later := a.split(ctx, users)
	a.push(ctx, now, push)
	a.defer_(ctx, later, store.AlertNotice)
}

// breakThrough decides whether an urgent notice reaches people off duty: its author is
// a leader within the weekly cap. Each break-through is recorded and audited once.
func (a *Dispatcher) breakThrough(ctx context.Context, n store.Notice, users []int64) bool {
	if a.opt.BreakthroughPerWeek <= 0 || len(users) == 0 {
		return false
	}
	author, err := a.d.Store.GetUser(ctx, n.AuthorID)
	if err != nil || author.Role != store.RoleLeader || author.Disabled {
		return false
	}
	_, later := a.split(ctx, users)
	if len(later) == 0 {
		return false // everyone is at work: nothing to break through
	}
	now := a.d.Now()
	used, err := a.d.Store.CountBreakthroughs(ctx, author.ID, now.Add(-7*24*time.Hour))
	if err != nil {
		a.d.Log.Warn("break-through count unknown; keeping quiet hours", "notice_id", n.ID, "err", err)
		return false
	}
	if used >= a.opt.BreakthroughPerWeek {
		a.d.Log.Info("break-through cap reached; keeping quiet hours", "notice_id", n.ID, "author_id", author.ID, "used", used)
		return false
	}
	first, err := a.d.Store.AddBreakthrough(ctx, author.ID, n.ID, now)
	if err != nil {
		a.d.Log.Warn("break-through not recorded; keeping quiet hours", "notice_id", n.ID, "err", err)
		return false
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
	return true
}
