package notice_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestRemindTheUnconfirmed(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: fx.dept["预算股"], Sub: true}}}})
		// plan1 confirms; exec1 only reads; budget1, plan2 do nothing. gz wrote it.
		if _, err := fx.svc.Confirm(ctx, fx.p("plan1"), n.ID, protocol.NoticeReadRequest{Revision: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Seen(ctx, fx.p("exec1"), n.ID, protocol.NoticeReadRequest{Revision: 1}); err != nil {
			t.Fatal(err)
		}

		res, err := fx.svc.Remind(ctx, fx.p("gz"), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Reminded != 3 || !res.NextRemindAt.Equal(start.Add(30*time.Minute)) {
			t.Fatalf("remind %+v", res)
		}
		if got := fx.who(n.ID, protocol.NoticeEventReminder); keys(got) != list("budget1", "plan2", "exec1") {
			t.Fatalf("reminded %v, want exactly the unconfirmed", got)
		}

		fx.clock.advance(10 * time.Minute)
		_, err = fx.svc.Remind(ctx, fx.p("gz"), n.ID)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != protocol.CodeRateLimited || e.RetryAfter != 20*time.Minute {
			t.Fatalf("second reminder within the interval: %v", err)
		}
		tally, err := fx.svc.Tally(ctx, fx.p("gz"), n.ID, notice.TallyFilter{})
		if err != nil || tally.RemindedAt == nil || !tally.RemindedAt.Equal(start) || tally.NextRemindAt == nil || !tally.NextRemindAt.Equal(start.Add(30*time.Minute)) {
			t.Fatalf("tally reminder times %+v %v", tally, err)
		}

		if _, err := fx.svc.Confirm(ctx, fx.p("exec1"), n.ID, protocol.NoticeReadRequest{Revision: 1}); err != nil {
			t.Fatal(err)
		}
		fx.clock.advance(20 * time.Minute)
		res, err = fx.svc.Remind(ctx, fx.p("gz"), n.ID)
		if err != nil || res.Reminded != 2 {
			t.Fatalf("after the interval: %+v %v", res, err)
		}
		if got := fx.who(n.ID, protocol.NoticeEventReminder); got["budget1"] != 2 || got["plan2"] != 2 || got["exec1"] != 1 || got["plan1"] != 0 || got["gz"] != 0 {
			t.Fatalf("reminders %v", got)
		}
		evs, _ := fx.s.ListAudit(ctx, store.AuditFilter{Action: "notice.remind"})
		if len(evs) != 2 {
			t.Fatalf("%d reminders audited", len(evs))
		}
	})
}
