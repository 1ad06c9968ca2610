package notice_test

import (
	"context"
	"strconv"
	"testing"

	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestWhoSeesANoticeAndItsTally(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		// gz (预算股 leader) writes to 预算编制组: juzhang (局) is a leader above it;
		// bgszr (办公室) leads elsewhere.
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: fx.dept["预算编制组"]}}}})
		cases := []struct {
			who            string
			get, tally     protocol.Code
			canTally, mine bool
			receipt        bool
		}{
			{"gz", "", "", true, true, false},                                            // the author
			{"plan1", "", protocol.CodeForbidden, false, false, true},                    // a recipient
			{"juzhang", "", "", true, false, false},                                      // a leader above
			{"baomi", "", "", true, false, false},                                        // the security officer
			{"bgszr", protocol.CodeNotFound, protocol.CodeNotFound, false, false, false}, // a leader elsewhere
			{"exec1", protocol.CodeNotFound, protocol.CodeNotFound, false, false, false}, // a colleague not in the audience
			{"sysadmin", protocol.CodeNotFound, protocol.CodeNotFound, false, false, false},
			{"gone", protocol.CodeNotFound, protocol.CodeNotFound, false, false, false}, // disabled, so never a recipient
		}
		for _, c := range cases {
			t.Run(c.who, func(t *testing.T) {
				got, err := fx.svc.Get(ctx, fx.p(c.who), n.ID)
				wantCode(t, err, c.get)
				if err == nil {
					if got.CanTally != c.canTally || got.CanManage != c.mine || (got.Receipt != nil) != c.receipt || got.Pending != c.receipt {
						t.Errorf("can_tally %v can_manage %v receipt %v pending %v", got.CanTally, got.CanManage, got.Receipt != nil, got.Pending)
					}
				}
				_, err = fx.svc.Tally(ctx, fx.p(c.who), n.ID, notice.TallyFilter{})
				wantCode(t, err, c.tally)
				_, err = fx.svc.TallyCSV(ctx, fx.p(c.who), n.ID, notice.TallyFilter{})
				wantCode(t, err, c.tally)
				_, err = fx.svc.Revisions(ctx, fx.p(c.who), n.ID)
				wantCode(t, err, c.get)
				if c.get == protocol.CodeNotFound {
					_, err = fx.svc.Seen(ctx, fx.p(c.who), n.ID, protocol.NoticeReadRequest{Revision: 1})
					wantCode(t, err, protocol.CodeNotFound)
					_, err = fx.svc.Revise(ctx, fx.p(c.who), n.ID, protocol.ReviseNoticeRequest{Title: "t", Body: "b", ChangeNote: "c"})
					wantCode(t, err, protocol.CodeNotFound)
				}
			})
		}
		t.Run("a notice that does not exist is not_found to everyone", func(t *testing.T) {
			_, err := fx.svc.Get(ctx, fx.p("baomi"), n.ID+1000)
			wantCode(t, err, protocol.CodeNotFound)
			_, err = fx.svc.Tally(ctx, fx.p("gz"), n.ID+1000, notice.TallyFilter{})
			wantCode(t, err, protocol.CodeNotFound)
		})
		t.Run("only the author manages", func(t *testing.T) {
			for _, who := range []string{"plan1", "juzhang", "baomi"} {
				_, err := fx.svc.Remind(ctx, fx.p(who), n.ID)
				wantCode(t, err, protocol.CodeForbidden)
				_, err = fx.svc.Withdraw(ctx, fx.p(who), n.ID, protocol.WithdrawNoticeRequest{Reason: "r"})
				wantCode(t, err, protocol.CodeForbidden)
			}
		})
		t.Run("lists show can_tally for a leader above", func(t *testing.T) {
			l, err := fx.svc.List(ctx, fx.p("plan1"), notice.ListQuery{Box: "pending"})
			if err != nil || len(l.Notices) != 1 || l.Notices[0].ID != n.ID || !l.Notices[0].Pending || l.Notices[0].CanTally {
				t.Fatalf("plan1 pending: %+v %v", l, err)
			}
			l, err = fx.svc.List(ctx, fx.p("exec1"), notice.ListQuery{})
			if err != nil || len(l.Notices) != 0 {
				t.Fatalf("exec1 received: %+v %v", l, err)
			}
			l, err = fx.svc.List(ctx, fx.p("gz"), notice.ListQuery{Box: "sent"})
			if err != nil || len(l.Notices) != 1 || !l.Notices[0].CanManage || !l.Notices[0].CanTally {
				t.Fatalf("gz sent: %+v %v", l, err)
			}
			_, err = fx.svc.List(ctx, fx.p("gz"), notice.ListQuery{Box: "everything"})
			wantCode(t, err, protocol.CodeBadRequest)
		})
	})
}
