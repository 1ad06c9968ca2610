package alert

import (
	"context"
	"strings"
	"testing"
	"time"

	"govchat/protocol"
)

func TestTodoAlerts(t *testing.T) {
	given := TodoAlert{TodoID: 5, Event: protocol.TodoEventAssigned, AssigneeID: 0, AssignerID: 0}

	t.Run("a to-do given in working time is pushed to the assignee, naming the assigner", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 4, 27, 10, 0)
		g := given
		g.AssignerID, g.AssigneeID = w.leader.ID, w.b
		w.a.todo(context.Background(), g)
		got := w.rec.take()
		if len(got) != 1 || got[0].user != w.b {
			t.Fatalf("pushes = %+v", got)
		}
		p := got[0].p.Payload
		if p.Kind != protocol.PushTodo || p.URL != "/todos" || p.Tag != "todo5" || p.Body != "wangjianguo 交办给您一项待办" {
			t.Errorf("payload = %+v", p)
		}
	})

	t.Run("…not connected only, and never one given to oneself", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 4, 27, 10, 0)
		w.online[w.b] = true
		g := given
		g.AssignerID, g.AssigneeID = w.leader.ID, w.b
		w.a.todo(context.Background(), g)
		w.rec.to()(t)
		g.AssignerID, g.AssigneeID = w.c, w.c
		w.a.Todo(g) // dropped before it is queued…
		w.a.Todo(TodoAlert{TodoID: 6, Event: protocol.TodoEventReminder, AssignerID: w.leader.ID, AssigneeID: w.leader.ID})
		// …so the queue, first in first out, pushes the reminder and nothing before it.
		var got []sent
		for deadline := time.Now().Add(5 * time.Second); len(got) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			got = w.rec.take()
		}
		if len(got) != 1 || got[0].user != w.leader.ID {
			t.Fatalf("pushes = %+v, want the reminder to the leader only", got)
		}
	})

	t.Run("off duty it waits for the digest, counted as a to-do", func(t *testing.T) {
		w := newWorld(t, Options{Preview: PreviewNone})
		*w.clock = at(2026, 4, 24, 22, 0) // Friday night
		g := given
		g.AssignerID, g.AssigneeID = w.leader.ID, w.b
		w.a.todo(context.Background(), g)
		w.rec.to()(t)
		w.tickAt(t, at(2026, 4, 27, 8, 30))
		got := w.rec.take()
		if len(got) != 1 || got[0].user != w.b {
			t.Fatalf("digests = %+v", got)
		}
		p := got[0].p.Payload
		if *p.Counts != (protocol.PushCounts{Todos: 1}) || !strings.Contains(p.Body, "1 条待办") || p.URL != "/todos" {
			t.Errorf("digest = %+v (%+v)", p, *p.Counts)
		}
	})

	t.Run("a reminder says whether it is due or overdue; no name without previews", func(t *testing.T) {
		w := newWorld(t, Options{Preview: PreviewNone})
		*w.clock = at(2026, 4, 27, 10, 0)
		for _, overdue := range []bool{false, true} {
			w.a.todo(context.Background(), TodoAlert{TodoID: 6, Event: protocol.TodoEventReminder, AssignerID: w.leader.ID, AssigneeID: w.b, Overdue: overdue})
		}
		g := given
		g.AssignerID, g.AssigneeID = w.leader.ID, w.b
		w.a.todo(context.Background(), g)
		var bodies []string
		for _, s := range w.rec.take() {
			bodies = append(bodies, s.p.Payload.Body)
		}
		want := []string{"一项待办即将到期", "一项待办已到期，请尽快办理", "有人交办给您一项待办"}
		if strings.Join(bodies, "|") != strings.Join(want, "|") {
			t.Errorf("bodies = %v, want %v", bodies, want)
		}
	})
}
