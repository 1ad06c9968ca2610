package notice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestReceiptsAndRevisions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "plan2", "exec1")}})
		read := func(rev int, reply string) protocol.NoticeReadRequest {
			return protocol.NoticeReadRequest{Revision: rev, Reply: reply}
		}

		t.Run("seen and confirmed tell the recipient's devices and the author", func(t *testing.T) {
			if _, err := fx.svc.Seen(ctx, fx.p("plan1"), n.ID, read(1, "")); err != nil {
				t.Fatal(err)
			}
			if _, err := fx.svc.Seen(ctx, fx.p("plan1"), n.ID, read(1, "")); err != nil { // a repeat: no news
				t.Fatal(err)
			}
			fx.clock.advance(time.Minute)
			r, err := fx.svc.Confirm(ctx, fx.p("plan1"), n.ID, read(1, "收到，按时报送"))
			if err != nil {
				t.Fatal(err)
			}
			if r.ConfirmedRevision != 1 || r.Reply != "收到，按时报送" || r.SeenAt == nil || r.ConfirmedAt == nil || !r.ConfirmedAt.Equal(start.Add(time.Minute)) {
				t.Fatalf("receipt %+v", r)
			}
			if _, err := fx.svc.Confirm(ctx, fx.p("plan1"), n.ID, read(1, "again")); err != nil {
				t.Fatal(err)
			}
			if got := fx.who(n.ID, protocol.NoticeEventReceipt); keys(got) != list("gz", "plan1") || got["gz"] != 2 || got["plan1"] != 2 {
				t.Fatalf("receipt events %v", got)
			}
			evs, _ := fx.s.ListAudit(ctx, store.AuditFilter{Action: "notice.confirm"})
			if len(evs) != 1 || strings.Contains(evs[0].Detail, "收到") {
				t.Fatalf("confirm audited %d times: %+v", len(evs), evs)
			}
		})

		t.Run("a non-recipient cannot confirm", func(t *testing.T) {
			_, err := fx.svc.Confirm(ctx, fx.p("gz"), n.ID, read(1, ""))
			wantCode(t, err, protocol.CodeNotFound)
		})
		t.Run("bad requests", func(t *testing.T) {
			_, err := fx.svc.Confirm(ctx, fx.p("plan2"), n.ID, read(0, ""))
			wantCode(t, err, protocol.CodeBadRequest)
			_, err = fx.svc.Confirm(ctx, fx.p("plan2"), n.ID, read(1, strings.Repeat("好", protocol.MaxNoticeReply+1)))
			wantCode(t, err, protocol.CodeBadRequest)
			_, err = fx.svc.Revise(ctx, fx.p("gz"), n.ID, protocol.ReviseNoticeRequest{Title: "t", Body: "b"})
			wantCode(t, err, protocol.CodeBadRequest)
		})

		t.Run("a revision makes everyone confirm again; the stale revision is refused", func(t *testing.T) {
			got, err := fx.svc.Revise(ctx, fx.p("gz"), n.ID, protocol.ReviseNoticeRequest{Title: "关于报送预算草案的通知（更正）", Body: "截止时间改为11月26日。", ChangeNote: "截止时间顺延一天"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Revision != 2 || got.ChangeNote != "截止时间顺延一天" {
				t.Fatalf("revised %+v", got)
			}
			if told := fx.who(n.ID, protocol.NoticeEventRevised); keys(told) != list("plan1", "plan2", "exec1") {
				t.Fatalf("revised told %v", told)
			}
			_, err = fx.svc.Confirm(ctx, fx.p("plan2"), n.ID, read(1, ""))
			wantCode(t, err, protocol.CodeStaleRevision)
			_, err = fx.svc.Seen(ctx, fx.p("plan2"), n.ID, read(1, ""))
			wantCode(t, err, protocol.CodeStaleRevision)

			mine, err := fx.svc.Get(ctx, fx.p("plan1"), n.ID)
			if err != nil || !mine.Pending || mine.Receipt.ConfirmedRevision != 1 {
				t.Fatalf("plan1 after the revision: %+v %v", mine, err)
			}
			tally, err := fx.svc.Tally(ctx, fx.p("gz"), n.ID, notice.TallyFilter{})
			if err != nil || tally.Confirmed != 0 || tally.Seen != 1 || tally.Unseen != 2 || tally.Revision != 2 {
				t.Fatalf("tally after the revision: %+v %v", tally, err)
			}
			if _, err := fx.svc.Confirm(ctx, fx.p("plan2"), n.ID, read(2, "")); err != nil {
				t.Fatal(err)
			}
			revs, err := fx.svc.Revisions(ctx, fx.p("plan2"), n.ID)
			if err != nil || len(revs.Revisions) != 2 || revs.Revisions[1].ChangeNote != "截止时间顺延一天" {
				t.Fatalf("revisions %+v %v", revs, err)
			}
		})

		t.Run("a withdrawn notice takes no confirmation, revision or reminder", func(t *testing.T) {
			_, err := fx.svc.Withdraw(ctx, fx.p("gz"), n.ID, protocol.WithdrawNoticeRequest{Reason: " "})
			wantCode(t, err, protocol.CodeBadRequest)
			w, err := fx.svc.Withdraw(ctx, fx.p("gz"), n.ID, protocol.WithdrawNoticeRequest{Reason: "另行通知"})
			if err != nil || w.Status != protocol.NoticeWithdrawn || w.WithdrawReason != "另行通知" {
				t.Fatalf("withdraw %+v %v", w, err)
			}
			if told := fx.who(n.ID, protocol.NoticeEventWithdrawn); keys(told) != list("plan1", "plan2", "exec1") {
				t.Fatalf("withdrawn told %v", told)
			}
			_, err = fx.svc.Confirm(ctx, fx.p("exec1"), n.ID, read(2, ""))
			wantCode(t, err, protocol.CodeNoticeWithdrawn)
			_, err = fx.svc.Revise(ctx, fx.p("gz"), n.ID, protocol.ReviseNoticeRequest{Title: "t", Body: "b", ChangeNote: "c"})
			wantCode(t, err, protocol.CodeNoticeWithdrawn)
			_, err = fx.svc.Remind(ctx, fx.p("gz"), n.ID)
			wantCode(t, err, protocol.CodeNoticeWithdrawn)
			_, err = fx.svc.Withdraw(ctx, fx.p("gz"), n.ID, protocol.WithdrawNoticeRequest{Reason: "again"})
			wantCode(t, err, protocol.CodeNoticeWithdrawn)
			mine, err := fx.svc.Get(ctx, fx.p("exec1"), n.ID)
			if err != nil || mine.Pending {
				t.Fatalf("a withdrawn notice is still pending: %+v %v", mine, err)
			}
		})

		t.Run("a notice without confirmation is only read", func(t *testing.T) {
			no := false
			m := fx.publish("gz", protocol.PublishNoticeRequest{NeedsConfirm: &no, Audience: protocol.Audience{Users: fx.ids("plan1")}})
			_, err := fx.svc.Confirm(ctx, fx.p("plan1"), m.ID, read(1, ""))
			wantCode(t, err, protocol.CodeConflict)
			_, err = fx.svc.Remind(ctx, fx.p("gz"), m.ID)
			wantCode(t, err, protocol.CodeConflict)
		})

		evs, err := fx.s.ListAudit(ctx, store.AuditFilter{Action: "notice."})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range evs {
			seen[e.Action]++
		}
		if seen["notice.publish"] != 2 || seen["notice.revise"] != 1 || seen["notice.withdraw"] != 1 || seen["notice.confirm"] != 2 {
			t.Fatalf("audited %v", seen)
		}
	})
}
