package notice_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/notice"
	"govchat/internal/reqinfo"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// The group commit of confirmations. Each test fixes the batch size and an hour's
// wait for it, so a batch commits only once it is full: a test whose confirmations
// were not committed together would time out instead of passing.

// confirmAll confirms notice id for each user at once, each with its own request id
// ("req-" and the username), and returns each one's error by username.
func (fx *fixture) confirmAll(t *testing.T, id int64, rev int, users ...string) map[string]error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	errs := map[string]error{}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() {
			_, err := fx.svc.Confirm(reqinfo.With(ctx, reqinfo.Info{ID: "req-" + u}), fx.p(u), id, protocol.NoticeReadRequest{Revision: rev})
			mu.Lock()
			errs[u] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

// waitQueued waits until n confirmations wait for their batch.
func waitQueued(t *testing.T, svc *notice.Service, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); svc.ConfirmsQueued() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d confirmations queued, want %d", svc.ConfirmsQueued(), n)
		}
	}
}

// confirmedBy lists who confirmed revision rev of notice id, from the receipts, and
// checks the audit trail has exactly one notice.confirm entry for each, carrying that
// person's request id, and that the chain verifies.
func (fx *fixture) confirmedBy(t *testing.T, id int64, rev int, users ...string) string {
	t.Helper()
	ctx := context.Background()
	confirmed := map[string]bool{}
	for _, u := range users {
		r, err := fx.s.GetNoticeReceipt(ctx, id, fx.u[u].ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.ConfirmedRevision == rev {
			confirmed[u] = true
		}
	}
	evs, err := fx.s.ListAudit(ctx, store.AuditFilter{Action: "notice.confirm"})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]bool{}
	for _, e := range evs {
		if e.TargetID != strconv.FormatInt(id, 10) {
			continue
		}
		if audited[e.ActorName] || e.RequestID != "req-"+e.ActorName || e.ActorID != fx.u[e.ActorName].ID {
			t.Errorf("audit entry %+v", e)
		}
		audited[e.ActorName] = true
	}
	if keys(audited) != keys(confirmed) {
		t.Errorf("audited %s, confirmed %s", keys(audited), keys(confirmed))
	}
	if bad, err := audit.Verify(ctx, fx.s); err != nil {
		t.Fatalf("audit chain broken at %d: %v", bad, err)
	}
	return keys(confirmed)
}

func TestConfirmGroupCommit(t *testing.T) {
	for _, be := range storetest.Backends() { // each case gets a fresh store
		t.Run(be.Name, func(t *testing.T) { testConfirmGroupCommit(t, be.Open) })
	}
}

func testConfirmGroupCommit(t *testing.T, open func(testing.TB) *store.DB) {
	everyone := []string{"budget1", "plan1", "plan2", "exec1", "treas1", "office1"}

	t.Run("concurrent confirmations land together, each with its audit entry", func(t *testing.T) {
		fx := newFixture(t, open(t))
		fx.svc.SetConfirmBatching(time.Hour, len(everyone))
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids(everyone...)}})
		for u, err := range fx.confirmAll(t, n.ID, 1, everyone...) {
			if err != nil {
				t.Errorf("%s: %v", u, err)
			}
		}
		if got := fx.confirmedBy(t, n.ID, 1, everyone...); got != list(everyone...) {
			t.Fatalf("confirmed by %s", got)
		}
		if got := fx.who(n.ID, protocol.NoticeEventReceipt); got["gz"] != len(everyone) {
			t.Fatalf("receipt events %v", got)
		}
		tally, err := fx.svc.Tally(context.Background(), fx.p("gz"), n.ID, notice.TallyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if tally.Confirmed != len(everyone) {
			t.Fatalf("tally %+v", tally)
		}
	})

	for _, c := range []struct {
		name   string
		change func(fx *fixture, id int64) error
		code   protocol.Code
	}{
		{"revised", func(fx *fixture, id int64) error {
			_, err := fx.svc.Revise(context.Background(), fx.p("gz"), id, protocol.ReviseNoticeRequest{Title: "更正", Body: "截止时间顺延。", ChangeNote: "顺延"})
			return err
		}, protocol.CodeStaleRevision},
		{"withdrawn", func(fx *fixture, id int64) error {
			_, err := fx.svc.Withdraw(context.Background(), fx.p("gz"), id, protocol.WithdrawNoticeRequest{Reason: "重复发布"})
			return err
		}, protocol.CodeNoticeWithdrawn},
	} {
		t.Run("a confirmation of a notice "+c.name+" while it waited fails alone", func(t *testing.T) {
			fx := newFixture(t, open(t))
			fx.svc.SetConfirmBatching(time.Hour, 3)
			audience := protocol.Audience{Users: fx.ids("plan1", "plan2", "exec1")}
			a := fx.publish("gz", protocol.PublishNoticeRequest{Audience: audience})
			b := fx.publish("gz", protocol.PublishNoticeRequest{Audience: audience})
			late := make(chan map[string]error)
			go func() { late <- fx.confirmAll(t, a.ID, 1, "plan1") }()
			waitQueued(t, fx.svc, 1) // read revision 1 of a, checked it, and queued
			if err := c.change(fx, a.ID); err != nil {
				t.Fatal(err)
			}
			for u, err := range fx.confirmAll(t, b.ID, 1, "plan2", "exec1") {
				if err != nil {
					t.Errorf("%s: %v", u, err)
				}
			}
			wantCode(t, (<-late)["plan1"], c.code)
			if got := fx.confirmedBy(t, a.ID, 1, "plan1", "plan2", "exec1"); got != "" {
				t.Fatalf("a confirmed by %s", got)
			}
			if got := fx.confirmedBy(t, b.ID, 1, "plan1", "plan2", "exec1"); got != list("plan2", "exec1") {
				t.Fatalf("b confirmed by %s", got)
			}
		})
	}

	t.Run("a batch that fails is committed one by one; only the broken one fails", func(t *testing.T) {
		broken := &brokenConfirms{Store: open(t)}
		fx := newFixture(t, broken)
		fx.svc.SetConfirmBatching(time.Hour, 3)
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "plan2", "exec1")}})
		broken.user.Store(fx.u["plan2"].ID)
		errs := fx.confirmAll(t, n.ID, 1, "plan1", "plan2", "exec1")
		if !errors.Is(errs["plan2"], errDiskFull) || errs["plan1"] != nil || errs["exec1"] != nil {
			t.Fatalf("errors %v", errs)
		}
		if got := fx.confirmedBy(t, n.ID, 1, "plan1", "plan2", "exec1"); got != list("plan1", "exec1") {
			t.Fatalf("confirmed by %s", got)
		}
	})

	t.Run("closing commits what waits and refuses what comes after", func(t *testing.T) {
		fx := newFixture(t, open(t))
		fx.svc.SetConfirmBatching(time.Hour, 10)
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "plan2")}})
		waiting := make(chan map[string]error)
		go func() { waiting <- fx.confirmAll(t, n.ID, 1, "plan1") }()
		waitQueued(t, fx.svc, 1)
		fx.svc.Close()
		if err := (<-waiting)["plan1"]; err != nil {
			t.Fatalf("the waiting confirmation: %v", err)
		}
		wantCode(t, fx.confirmAll(t, n.ID, 1, "plan2")["plan2"], protocol.CodeUnavailable)
		fx.svc.Close() // again: nothing happens
		if got := fx.confirmedBy(t, n.ID, 1, "plan1", "plan2"); got != "plan1" {
			t.Fatalf("confirmed by %s", got)
		}
	})
}

var errDiskFull = errors.New("disk full")

// brokenConfirms fails the confirmations of one user with an error of the database
// (not a refusal), inside transactions too.
type brokenConfirms struct {
	store.Store
	user atomic.Int64
}

func (b *brokenConfirms) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return b.Store.InTx(ctx, func(tx store.Store) error {
		inner := &brokenConfirms{Store: tx}
		inner.user.Store(b.user.Load())
		return fn(inner)
	})
}

func (b *brokenConfirms) ConfirmNotice(ctx context.Context, noticeID, userID int64, revision int, reply string, at time.Time) (store.NoticeRecipient, error) {
	if userID == b.user.Load() {
		return store.NoticeRecipient{}, errDiskFull
	}
	return b.Store.ConfirmNotice(ctx, noticeID, userID, revision, reply, at)
}
