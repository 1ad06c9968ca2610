package notice_test

import (
	"context"
	"testing"
	"time"

	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func (fx *fixture) tick() {
	fx.t.Helper()
	if err := fx.svc.Tick(context.Background()); err != nil {
		fx.t.Fatalf("tick: %v", err)
	}
}

func (fx *fixture) confirm(who string, id int64) {
	fx.t.Helper()
	if _, err := fx.svc.Confirm(context.Background(), fx.p(who), id, protocol.NoticeReadRequest{Revision: 1}); err != nil {
		fx.t.Fatalf("confirm by %s: %v", who, err)
	}
}

func TestSchedulerRemindsAndEscalates(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		deadline := start.Add(48 * time.Hour)
		n := fx.publish("bgszr", protocol.PublishNoticeRequest{Deadline: &deadline, Audience: protocol.Audience{
			Departments: []protocol.DepartmentTarget{{ID: fx.dept["预算股"], Sub: true}, {ID: fx.dept["国库股"]}},
			Users:       fx.ids("nodept")}})
		fx.confirm("plan1", n.ID)
		unconfirmed := list("gz", "budget1", "plan2", "exec1", "treas1", "nodept")

		fx.tick() // two days before: nothing yet
		if got := fx.who(n.ID, protocol.NoticeEventReminder); len(got) != 0 {
			t.Fatalf("reminded early: %v", got)
		}

		fx.clock.set(deadline.Add(-24 * time.Hour))
		fx.tick()
		fx.tick()
		if got := fx.who(n.ID, protocol.NoticeEventReminder); keys(got) != unconfirmed {
			t.Fatalf("24h reminder went to %v, want %s", got, unconfirmed)
		}

		fx.clock.set(deadline.Add(-2*time.Hour + time.Minute))
		fx.tick()
		fx.tick()
		got := fx.who(n.ID, protocol.NoticeEventReminder)
		for _, name := range []string{"gz", "budget1", "plan2", "exec1", "treas1", "nodept"} {
			if got[name] != 2 {
				t.Errorf("%s got %d reminders, want 2 (one each)", name, got[name])
			}
		}
		if got["plan1"] != 0 {
			t.Errorf("plan1 confirmed and was reminded")
		}

		// At the deadline, two nodes tick: each head is told once.
		fx.confirm("exec1", n.ID)
		fx.clock.set(deadline)
		other := notice.New(narrow(s), fx.bus, quiet(), fx.clock.now, notice.Options{RemindInterval: time.Minute, AutoReminders: []time.Duration{24 * time.Hour, 2 * time.Hour}})
		fx.tick()
		if err := other.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		fx.tick()
		// plan2 and budget1 → 预算股's gz (预算编制组 has no leader); treas1 → 局's juzhang
		// (国库股 has none); gz himself → juzhang (预算股's only leader is gz); nodept: nobody.
		if heads := fx.who(n.ID, protocol.NoticeEventEscalation); keys(heads) != list("gz", "juzhang") || heads["gz"] != 1 || heads["juzhang"] != 1 {
			t.Fatalf("escalation went to %v", heads)
		}
		people := func(who string) string {
			t.Helper()
			l, err := fx.svc.List(ctx, fx.p(who), notice.ListQuery{Box: "pending"})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range l.Escalations {
				if e.NoticeID != n.ID || !e.Deadline.Equal(deadline) {
					t.Fatalf("escalation %+v", e)
				}
				for _, p := range e.People {
					names = append(names, p.Username)
				}
			}
			return list(names...)
		}
		if got := people("gz"); got != list("budget1", "plan2") {
			t.Fatalf("gz's escalation lists %s", got)
		}
		if got := people("juzhang"); got != list("gz", "treas1") {
			t.Fatalf("juzhang's escalation lists %s", got)
		}
		fx.confirm("plan2", n.ID)
		if got := people("gz"); got != "budget1" {
			t.Fatalf("after plan2 confirmed, gz's escalation lists %s", got)
		}
		fx.confirm("budget1", n.ID)
		if l, _ := fx.svc.List(ctx, fx.p("gz"), notice.ListQuery{Box: "pending"}); len(l.Escalations) != 0 {
			t.Fatalf("everyone confirmed, still escalated: %+v", l.Escalations)
		}
		evs, _ := fx.s.ListAudit(ctx, store.AuditFilter{Action: "notice."})
		count := map[string]int{}
		for _, e := range evs {
			count[e.Action]++
		}
		if count["notice.remind"] != 2 || count["notice.escalate"] != 1 {
			t.Fatalf("audited %v", count)
		}
	})
}

func TestSchedulerSkipsRemindersAlreadyPast(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	aud := protocol.Audience{Users: fx.ids("plan1", "plan2")}

	t.Run("the scheduler was down: only the latest due reminder goes out", func(t *testing.T) {
		fx.clock.set(start)
		deadline := start.Add(48 * time.Hour)
		n := fx.publish("gz", protocol.PublishNoticeRequest{Deadline: &deadline, Audience: aud})
		fx.clock.set(deadline.Add(-time.Hour))
		fx.tick()
		fx.tick()
		if got := fx.who(n.ID, protocol.NoticeEventReminder); got["plan1"] != 1 || got["plan2"] != 1 {
			t.Fatalf("reminders %v, want one each", got)
		}
		if got, _ := fx.s.GetNotice(context.Background(), n.ID); got.AutoReminders != 2 {
			t.Fatalf("auto reminders %d, want both claimed", got.AutoReminders)
		}
	})

	t.Run("a reminder whose moment came before publication is skipped", func(t *testing.T) {
		fx.clock.set(start)
		deadline := start.Add(3 * time.Hour) // the 24h reminder was due before it existed
		n := fx.publish("gz", protocol.PublishNoticeRequest{Deadline: &deadline, Audience: aud})
		fx.tick()
		if got := fx.who(n.ID, protocol.NoticeEventReminder); len(got) != 0 {
			t.Fatalf("reminded right after publication: %v", got)
		}
		fx.clock.set(deadline.Add(-2 * time.Hour))
		fx.tick()
		fx.tick()
		if got := fx.who(n.ID, protocol.NoticeEventReminder); got["plan1"] != 1 || got["plan2"] != 1 {
			t.Fatalf("2h reminder %v, want one each", got)
		}
	})

	t.Run("a notice everyone confirmed escalates to nobody", func(t *testing.T) {
		fx.clock.set(start)
		deadline := start.Add(time.Hour)
		n := fx.publish("gz", protocol.PublishNoticeRequest{Deadline: &deadline, Audience: protocol.Audience{Users: fx.ids("plan1")}})
		fx.confirm("plan1", n.ID)
		fx.clock.set(deadline.Add(time.Minute))
		fx.tick()
		if got := fx.who(n.ID, protocol.NoticeEventEscalation); len(got) != 0 {
			t.Fatalf("escalated %v", got)
		}
	})
}

func TestRunSchedulerStopsWithItsContext(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	deadline := start.Add(time.Hour)
	n := fx.publish("gz", protocol.PublishNoticeRequest{Deadline: &deadline, Audience: protocol.Audience{Users: fx.ids("plan1")}})
	fx.clock.set(deadline)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { fx.svc.RunScheduler(ctx, 10*time.Millisecond); close(done) }()
	for i := 0; fx.frames.count(fx.u["gz"].ID, n.ID, protocol.NoticeEventEscalation) == 0; i++ {
		if i > 500 {
			t.Fatal("the scheduler did not escalate")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunScheduler did not return after its context ended")
	}
}
