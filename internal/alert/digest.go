package alert

import (
	"context"
	"fmt"
	"strings"
	"time"

	"govchat/internal/store"
	"govchat/protocol"
)

// Tick sends one digest push to each person whose working time has begun and for whom
// alerts were held back. Several nodes may tick at once: the store hands each person's
// alerts to one of them.
func (a *Dispatcher) Tick(ctx context.Context) error {
	users, err := a.d.Store.ListDeferredUsers(ctx)
	if err != nil || len(users) == 0 {
		return err
	}
	now, _ := a.split(ctx, users)
	for _, uid := range now {
		counts, err := a.d.Store.TakeDeferredAlerts(ctx, uid)
		if err != nil {
			return err
		}
		c := protocol.PushCounts{Notices: counts[store.AlertNotice], Mentions: counts[store.AlertMention], Messages: counts[store.AlertMessage],
			Todos: counts[store.AlertTodo]}
		if c.Notices+c.Mentions+c.Messages+c.Todos == 0 {
			continue
		}
		_ = a.push(ctx, []int64{uid}, Push{Payload: digestPayload(c), Topic: "digest", TTL: 12 * time.Hour})
	}
	return nil
}

// digestPayload summarises what came while the person was off duty: counts only.
func digestPayload(c protocol.PushCounts) protocol.PushPayload {
	var parts []string
	if c.Notices > 0 {
		parts = append(parts, fmt.Sprintf("%d 条通知", c.Notices))
	}
	if c.Mentions > 0 {
		parts = append(parts, fmt.Sprintf("%d 次@我", c.Mentions))
	}
	if c.Messages > 0 {
		parts = append(parts, fmt.Sprintf("%d 条消息", c.Messages))
	}
	if c.Todos > 0 {
		parts = append(parts, fmt.Sprintf("%d 条待办", c.Todos))
	}
	url := "/"
	if c.Notices > 0 {
		url = "/notices"
	} else if c.Todos > 0 {
		url = "/todos"
	}
	return protocol.PushPayload{Kind: protocol.PushDigest, Title: "休息期间收到", Body: strings.Join(parts, "，"),
		URL: url, Tag: "digest", Counts: &c}
}

// Run ticks until ctx ends.
func (a *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.Tick(ctx); err != nil && ctx.Err() == nil {
			a.d.Log.Warn("digest tick failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
