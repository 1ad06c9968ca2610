package todo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/todo"
	"govchat/protocol"
)

func TestGiveAuthorisation(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		fx := newFixture(t, s)
		ctx := context.Background()
		seq := fx.post(fx.ch, "gz", "请把基数表发我")
		recalled := fx.post(fx.ch, "gz", "发错了")
		_, err := s.RecallMessage(ctx, fx.ch, recalled, fx.u["gz"].ID, fx.clock.now())
		fx.must(err)
		elsewhere := fx.post(fx.other, "treas1", "项目群的事")
		now := fx.clock.now()

		cases := []struct {
			name     string
			by       string
			req      protocol.CreateTodoRequest
			code     protocol.Code
			field    string
			assignee string
		}{
			{"the assigner is outside the channel", "treas1", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["treas1"].ID}, protocol.CodeNotMember, "channel_id", ""},
			{"a channel the assigner cannot read", "gz", protocol.CreateTodoRequest{ChannelID: fx.other, Seq: elsewhere, AssigneeID: fx.u["gz"].ID}, protocol.CodeNotMember, "channel_id", ""},
			{"the assignee is outside the channel", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["treas1"].ID}, protocol.CodeNotMember, "assignee_id", ""},
			{"the assignee is disabled", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["gone"].ID}, protocol.CodeNotMember, "assignee_id", ""},
			{"the assignee does not exist", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: 1 << 40}, protocol.CodeNotMember, "assignee_id", ""},
			{"a due time in the past", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Due: ptr(now.Add(-time.Minute))}, protocol.CodeBadRequest, "due", ""},
			{"a due time now", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Due: ptr(now)}, protocol.CodeBadRequest, "due", ""},
			{"a due time over a year ahead", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Due: ptr(now.Add(400 * 24 * time.Hour))}, protocol.CodeBadRequest, "due", ""},
			{"a note too long", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Note: strings.Repeat("注", 201)}, protocol.CodeBadRequest, "note", ""},
			{"a note with a control character", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Note: "a\x00b"}, protocol.CodeBadRequest, "note", ""},
			{"no such message", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: 999, AssigneeID: fx.u["plan1"].ID}, protocol.CodeNotFound, "seq", ""},
			{"a recalled message", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: recalled, AssigneeID: fx.u["plan1"].ID}, protocol.CodeMessageRecalled, "seq", ""},
			{"no assignee", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq}, protocol.CodeBadRequest, "assignee_id", ""},
			{"a colleague in the channel", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID, Due: ptr(now.Add(48 * time.Hour)), Note: strings.Repeat("注", 200)}, "", "", "plan1"},
			{"oneself", "plan1", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["plan1"].ID}, protocol.CodeConflict, "assignee_id", ""}, // plan1 has it open already
			{"oneself, another message", "gz", protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u["gz"].ID}, "", "", "gz"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := fx.svc.Create(ctx, fx.p(c.by), c.req)
				code, field := codeOf(t, err)
				if code != c.code || field != c.field {
					t.Fatalf("got %q on %q (%v), want %q on %q", code, field, err, c.code, c.field)
				}
				if c.code != "" {
					return
				}
				if got.Assignee == nil || got.Assignee.ID != fx.u[c.assignee].ID || got.Assigner.ID != fx.u[c.by].ID ||
					got.State != protocol.TodoStateOpen || got.Title != "请把基数表发我" || got.Link != "/c/"+itoa(fx.ch)+"?seq="+itoa(seq) {
					t.Fatalf("to-do = %+v", got)
				}
				if len(got.History) != 1 || got.History[0].Event != protocol.TodoEventAssigned || got.History[0].Actor.ID != fx.u[c.by].ID {
					t.Errorf("history = %+v", got.History)
				}
			})
		}
		// Refusals leave no trace; each to-do given is one audit entry.
		evs, err := s.ListAudit(ctx, store.AuditFilter{Action: "todo."})
		fx.must(err)
		if len(evs) != 2 || evs[0].Action != "todo.assign" || strings.Contains(evs[1].Detail, "注") {
			t.Errorf("audit = %+v", evs)
		}
		// A push for the colleague, none for a to-do one gives oneself (the dispatcher
		// drops those; the service hands both over).
		if got := fx.alerts.list(); len(got) != 2 || got[0].AssigneeID != fx.u["plan1"].ID {
			t.Errorf("alerts = %+v", got)
		}
	})
}

func TestStepsAuthorisation(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		fx := newFixture(t, s)
		ctx := context.Background()
		td := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "整理台账"), 24*time.Hour, "")

		for _, c := range []struct {
			name string
			by   string
			step func(context.Context, authP, int64) (protocol.Todo, error)
			code protocol.Code
		}{
			{"someone else's to-do is not there for an outsider", "treas1", fx.svc.Done, protocol.CodeNotFound},
			{"…nor its record", "treas1", fx.svc.Get, protocol.CodeNotFound},
			{"the assigner cannot mark it done", "gz", fx.svc.Done, protocol.CodeForbidden},
			{"the assignee cannot withdraw it", "plan1", fx.svc.Cancel, protocol.CodeForbidden},
			{"an outsider cannot withdraw it", "treas1", fx.svc.Cancel, protocol.CodeNotFound},
			{"the assignee marks it done", "plan1", fx.svc.Done, ""},
			{"done twice is done once", "plan1", fx.svc.Done, ""},
			{"a done to-do cannot be withdrawn", "gz", fx.svc.Cancel, protocol.CodeConflict},
			{"the assigner reopens it", "gz", fx.svc.Reopen, ""},
			{"the assigner withdraws it", "gz", fx.svc.Cancel, ""},
			{"a withdrawn to-do is not done", "plan1", fx.svc.Done, protocol.CodeConflict},
		} {
			t.Run(c.name, func(t *testing.T) {
				fx.clock.advance(time.Minute)
				_, err := c.step(ctx, fx.p(c.by), td.ID)
				if code, _ := codeOf(t, err); code != c.code {
					t.Fatalf("got %q (%v), want %q", code, err, c.code)
				}
			})
		}
		got, err := fx.svc.Get(ctx, fx.p("plan1"), td.ID)
		fx.must(err)
		var steps []string
		for _, h := range got.History {
			steps = append(steps, h.Event+":"+h.Actor.Name)
		}
		if strings.Join(steps, ",") != "assigned:李股长,done:王科员,reopened:李股长,cancelled:李股长" || got.CancelledAt == nil {
			t.Errorf("history = %v, cancelled %v", steps, got.CancelledAt)
		}
		for _, who := range []string{"gz", "plan1"} {
			if ev := fx.frames.events(fx.u[who].ID, td.ID); strings.Join(ev, ",") != "assigned,done,reopened,cancelled" {
				t.Errorf("%s's frames = %v", who, ev)
			}
		}
		if ev := fx.frames.events(fx.u["treas1"].ID, td.ID); len(ev) != 0 {
			t.Errorf("an outsider got frames: %v", ev)
		}
		evs, err := s.ListAudit(ctx, store.AuditFilter{Action: "todo."})
		fx.must(err)
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		slices.Reverse(actions) // newest first
		if strings.Join(actions, ",") != "todo.assign,todo.done,todo.reopen,todo.cancel" {
			t.Errorf("audit = %v", actions)
		}
	})
}

// stubSource stands in for collections: a source handed in through Options.Sources.
type stubSource struct {
	items []protocol.TodoItem
	err   error
}

func (s stubSource) Kind() string { return protocol.TodoKindCollection }
func (s stubSource) Todos(context.Context, int64, int) ([]protocol.TodoItem, error) {
	return s.items, s.err
}

func TestListAndAssigned(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		var src stubSource
		fx := newFixture(t, s, func(o *todo.Options) { o.Sources = []todo.Source{&src} })
		ctx := context.Background()
		now := fx.clock.now()
		due := func(d time.Duration) *time.Time { return ptr(now.Add(d)) }
		src.items = []protocol.TodoItem{{Kind: protocol.TodoKindCollection, ID: 5, Title: "基数表", Due: due(30 * time.Hour),
			State: protocol.TodoStateReturned, From: protocol.TodoUser{ID: fx.u["gz"].ID}, Link: "/collect/5", CreatedAt: now}}
		notice := store.Notice{AuthorID: fx.u["gz"].ID, Title: "关于报送预算的通知", Body: "正文", NeedsConfirm: true, Deadline: now.Add(3 * time.Hour), CreatedAt: now}
		fx.must(s.CreateNotice(ctx, &notice, []store.NoticeRecipient{{UserID: fx.u["plan1"].ID}}))
		later := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "两天内"), 48*time.Hour, "周三前")
		soon := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "一小时内"), time.Hour, "")
		undated := fx.give("plan1", "plan1", fx.post(fx.ch, "gz", "有空看看"), 0, "")

		fx.clock.advance(2 * time.Hour) // soon is overdue now
		got, err := fx.svc.List(ctx, fx.p("plan1"))
		fx.must(err)
		var order []string
		for _, it := range got.Items {
			mark := ""
			if it.Overdue {
				mark = "!"
			}
			order = append(order, it.Kind+":"+itoa(it.ID)+mark)
		}
		want := []string{"message:" + itoa(soon.ID) + "!", "notice:" + itoa(notice.ID), "collection:5", "message:" + itoa(later.ID), "message:" + itoa(undated.ID)}
		if strings.Join(order, ",") != strings.Join(want, ",") {
			t.Fatalf("list = %v, want %v", order, want)
		}
		if it := got.Items[2]; it.From.Name != "李股长" || it.State != protocol.TodoStateReturned {
			t.Errorf("collection item = %+v (the list names who asks)", it)
		}
		if it := got.Items[1]; it.Link != "/notices/"+itoa(notice.ID) || it.Title != "关于报送预算的通知" || it.From.Name != "李股长" {
			t.Errorf("notice item = %+v", it)
		}
		if it := got.Items[3]; it.Note != "周三前" || it.Title != "两天内" {
			t.Errorf("message item = %+v", it)
		}

		t.Run("a source that fails is named and the rest stands", func(t *testing.T) {
			src.err = errors.New("collections down")
			got, err := fx.svc.List(ctx, fx.p("plan1"))
			fx.must(err)
			if len(got.Items) != 4 || !slices.Equal(got.Unavailable, []string{"collection"}) {
				t.Errorf("list = %d items, unavailable %v", len(got.Items), got.Unavailable)
			}
			src.err = nil
		})

		t.Run("done leaves the list and shows in the assigner's view with when", func(t *testing.T) {
			fx.clock.advance(time.Minute)
			_, err := fx.svc.Done(ctx, fx.p("plan1"), soon.ID)
			fx.must(err)
			got, err := fx.svc.List(ctx, fx.p("plan1"))
			fx.must(err)
			for _, it := range got.Items {
				if it.Kind == protocol.TodoKindMessage && it.ID == soon.ID {
					t.Fatal("a done to-do is still on the list")
				}
			}
			mine, err := fx.svc.Assigned(ctx, fx.p("gz"))
			fx.must(err)
			if len(mine.Items) != 2 || mine.Items[0].ID != later.ID || mine.Items[1].ID != soon.ID {
				t.Fatalf("assigned = %+v", mine.Items)
			}
			d := mine.Items[1]
			if d.State != protocol.TodoStateDone || d.DoneAt == nil || !d.DoneAt.Equal(fx.clock.now()) || d.DoneBy.Name != "王科员" || d.Overdue {
				t.Errorf("done item = %+v", d)
			}
			if mine.Items[0].Assignee.Name != "王科员" || mine.Items[0].State != protocol.TodoStateOpen {
				t.Errorf("open item = %+v", mine.Items[0])
			}
		})

		t.Run("the notice confirmed leaves the list", func(t *testing.T) {
			_, err := s.ConfirmNotice(ctx, notice.ID, fx.u["plan1"].ID, 1, "", fx.clock.now())
			fx.must(err)
			got, err := fx.svc.List(ctx, fx.p("plan1"))
			fx.must(err)
			for _, it := range got.Items {
				if it.Kind == protocol.TodoKindNotice {
					t.Fatalf("a confirmed notice is still on the list: %+v", it)
				}
			}
		})
	})
}

func TestReminders(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		fx := newFixture(t, s)
		ctx := context.Background()
		td := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "明早交"), 5*time.Hour, "")
		late := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "马上"), time.Hour, "") // reminded at its due time
		n := func() int { return len(fx.frames.events(fx.u["plan1"].ID, td.ID)) }

		fx.must(fx.svc.Tick(ctx))
		if n() != 1 {
			t.Fatalf("reminded before it was due: %v", fx.frames.events(fx.u["plan1"].ID, td.ID))
		}
		fx.clock.advance(3 * time.Hour) // 2h before td's due; late is overdue; plan1 off duty
		fx.must(fx.svc.Tick(ctx))
		if n() != 1 || len(fx.frames.events(fx.u["plan1"].ID, late.ID)) != 1 {
			t.Fatal("reminded outside working time")
		}
		fx.reach.atWork[fx.u["plan1"].ID] = true
		fx.must(fx.svc.Tick(ctx))
		fx.must(fx.svc.Tick(ctx))
		if ev := fx.frames.events(fx.u["plan1"].ID, td.ID); strings.Join(ev, ",") != "assigned,reminder" {
			t.Fatalf("frames = %v, want one reminder", ev)
		}
		if ev := fx.frames.events(fx.u["gz"].ID, td.ID); strings.Join(ev, ",") != "assigned" {
			t.Errorf("the assigner got %v; reminders are the assignee's", ev)
		}
		var reminders []bool
		for _, a := range fx.alerts.list() {
			if a.Event == protocol.TodoEventReminder {
				reminders = append(reminders, a.Overdue)
			}
		}
		if len(reminders) != 2 || !reminders[0] || reminders[1] {
			t.Errorf("reminder alerts (overdue?) = %v, want [true false]", reminders)
		}
		got, err := fx.svc.Get(ctx, fx.p("gz"), td.ID)
		fx.must(err)
		if h := got.History[len(got.History)-1]; h.Event != protocol.TodoEventReminder || h.Actor != nil {
			t.Errorf("record = %+v", got.History)
		}
		evs, err := s.ListAudit(ctx, store.AuditFilter{Action: "todo.remind"})
		fx.must(err)
		if len(evs) != 2 || evs[0].ActorName != "system" {
			t.Errorf("audit = %+v", evs)
		}
	})
}

// BenchmarkList: the 待办 list of a person with 1,000 open items, which must take under 50 ms
// on both backends (BENCHMARKS.md has the figures).
func BenchmarkList(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s := be.Open(b)
			fx := newFixture(b, s)
			ctx := context.Background()
			now := fx.clock.now()
			// 500 notices to confirm and 500 message to-dos, half with a due time, among
			// others' items: 1,000 open items.
			recips := []store.NoticeRecipient{{UserID: fx.u["plan1"].ID}, {UserID: fx.u["treas1"].ID}}
			for i := range 500 {
				n := store.Notice{AuthorID: fx.u["gz"].ID, Title: "通知" + itoa(int64(i)), Body: "正文", NeedsConfirm: true, CreatedAt: now}
				if i%2 == 0 {
					n.Deadline = now.Add(time.Duration(i) * time.Hour)
				}
				fx.must(s.CreateNotice(ctx, &n, recips))
			}
			for i := range 500 {
				seq := fx.post(fx.ch, "gz", "请办理第"+itoa(int64(i))+"项")
				t := store.Todo{ChannelID: fx.ch, Seq: seq, AssignerID: fx.u["gz"].ID, AssigneeID: fx.u["plan1"].ID, CreatedAt: now}
				if i%2 == 1 {
					t.Due = now.Add(time.Duration(i) * time.Hour)
				}
				fx.must(s.CreateTodo(ctx, &t))
				other := store.Todo{ChannelID: fx.ch, Seq: seq, AssignerID: fx.u["plan1"].ID, AssigneeID: fx.u["gz"].ID, CreatedAt: now}
				fx.must(s.CreateTodo(ctx, &other))
			}
			p := fx.p("plan1")
			b.ResetTimer()
			for b.Loop() {
				got, err := fx.svc.List(ctx, p)
				if err != nil {
					b.Fatal(err)
				}
				if len(got.Items) != 1000 {
					b.Fatalf("%d items, want 1000", len(got.Items))
				}
			}
		})
	}
}
