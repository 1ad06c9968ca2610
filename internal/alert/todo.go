package alert

import (
	"context"
	"fmt"

	"govchat/internal/store"
	"govchat/protocol"
)

// TodoAlert is a message to-do event that may warrant a push to its assignee.
type TodoAlert struct {
	TodoID     int64
	Event      string // protocol.TodoEventAssigned or protocol.TodoEventReminder
	AssignerID int64
	AssigneeID int64
	// Overdue: a reminder at (or after) the due time, not before it.
	Overdue bool
}

// Todo alerts a to-do's assignee that it was given to them or is due, like any other
// alert: only when they are not connected, within their working time, and otherwise
// counted for the digest. A to-do one gave oneself is not pushed when given. It returns
// at once.
func (a *Dispatcher) Todo(t TodoAlert) {
	if t.Event == protocol.TodoEventAssigned && t.AssignerID == t.AssigneeID {
		return
	}
	if t.Event != protocol.TodoEventAssigned && t.Event != protocol.TodoEventReminder {
		return
	}
	a.enqueue("todo", func(ctx context.Context) { a.todo(ctx, t) })
}

func (a *Dispatcher) todo(ctx context.Context, t TodoAlert) {
	users, err := a.d.Store.ListSubscribed(ctx, []int64{t.AssigneeID})
	if err != nil {
		a.d.Log.Warn("alert: subscription unknown", "todo_id", t.TodoID, "err", err)
		return
	}
	p := protocol.PushPayload{Kind: protocol.PushTodo, Title: "待办", URL: "/todos", Tag: fmt.Sprintf("todo%d", t.TodoID)}
	switch {
	case t.Event == protocol.TodoEventAssigned:
		// The assigner's name is no more than a channel's name tells; never the message.
		p.Body = "有人交办给您一项待办"
		if a.opt.Preview != PreviewNone {
			if name := a.name(ctx, t.AssignerID); name != "" {
				p.Body = name + " 交办给您一项待办"
			}
		}
	case t.Overdue:
		p.Body = "一项待办已到期，请尽快办理"
	default:
		p.Body = "一项待办即将到期"
	}
	a.deliver(ctx, users, store.AlertTodo, Push{Payload: p, Topic: p.Tag, TTL: pushTTL})
}
