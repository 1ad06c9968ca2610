package notice_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestTally(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		n := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: protocol.Audience{
			Departments: []protocol.DepartmentTarget{{ID: fx.dept["预算股"], Sub: true}}, Users: fx.ids("nodept", "treas1")}})
		fx.confirm("plan1", n.ID)
		if _, err := fx.svc.Seen(ctx, fx.p("plan2"), n.ID, protocol.NoticeReadRequest{Revision: 1}); err != nil {
			t.Fatal(err)
		}
		fx.confirm("treas1", n.ID)

		tally, err := fx.svc.Tally(ctx, fx.p("juzhang"), n.ID, notice.TallyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if tally.Total != 7 || tally.Confirmed != 2 || tally.Seen != 1 || tally.Unseen != 4 {
			t.Fatalf("counts %+v", tally)
		}
		var names []string
		for _, d := range tally.Departments {
			names = append(names, d.Name)
		}
		want := "局 / 预算股|局 / 预算股 / 预算编制组|局 / 预算股 / 预算执行组|局 / 国库股|未分配部门"
		if strings.Join(names, "|") != want {
			t.Fatalf("departments %q, want %q", strings.Join(names, "|"), want)
		}
		plan := tally.Departments[1]
		if plan.Confirmed != 1 || plan.Seen != 1 || plan.Unseen != 0 || len(plan.People) != 2 {
			t.Fatalf("预算编制组 %+v", plan)
		}

		t.Run("filters", func(t *testing.T) {
			cases := []struct {
				f      notice.TallyFilter
				people string
				total  int
			}{
				{notice.TallyFilter{State: "unseen"}, list("gz", "budget1", "exec1", "nodept"), 7},
				{notice.TallyFilter{State: "confirmed"}, list("plan1", "treas1"), 7},
				{notice.TallyFilter{State: "seen"}, "plan2", 7},
				{notice.TallyFilter{DepartmentID: fx.dept["预算编制组"]}, list("plan1", "plan2"), 2},
				{notice.TallyFilter{DepartmentID: fx.dept["预算编制组"], State: "seen"}, "plan2", 2},
			}
			for _, c := range cases {
				got, err := fx.svc.Tally(ctx, fx.p("juzhang"), n.ID, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var people []string
				for _, d := range got.Departments {
					for _, p := range d.People {
						people = append(people, p.Username)
					}
				}
				if list(people...) != c.people || got.Total != c.total {
					t.Errorf("%+v: people %s total %d, want %s %d", c.f, list(people...), got.Total, c.people, c.total)
				}
			}
			_, err := fx.svc.Tally(ctx, fx.p("juzhang"), n.ID, notice.TallyFilter{State: "maybe"})
			wantCode(t, err, protocol.CodeBadRequest)
		})
	})
}

func TestTallyCSV(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t), func(o *notice.Options) {
		o.Location = time.FixedZone("CST", 8*3600)
	})
	ctx := context.Background()
	n := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "plan2", "nodept")}})
	fx.clock.advance(5 * time.Minute)
	if _, err := fx.svc.Confirm(ctx, fx.p("plan1"), n.ID, protocol.NoticeReadRequest{Revision: 1, Reply: "=HYPERLINK(\"http://evil\")"}); err != nil {
		t.Fatal(err)
	}
	out, err := fx.svc.TallyCSV(ctx, fx.p("juzhang"), n.ID, notice.TallyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("\ufeff")) {
		t.Fatalf("no byte-order mark: %q", out[:min(len(out), 16)])
	}
	rows, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "部门,姓名,用户名,状态,查看时间,确认时间,确认的版本,回复" {
		t.Fatalf("header %q", rows[0])
	}
	byUser := map[string][]string{}
	for _, r := range rows[1:] {
		byUser[r[2]] = r
	}
	if len(byUser) != 3 {
		t.Fatalf("rows %q", rows)
	}
	got := strings.Join(byUser["plan1"], "|")
	if want := "局 / 预算股 / 预算编制组|张静|plan1|已确认|2026-11-23 09:05|2026-11-23 09:05|1|'=HYPERLINK(\"http://evil\")"; got != want {
		t.Fatalf("plan1 row\n %q\nwant\n %q", got, want)
	}
	if r := byUser["plan2"]; r[3] != "未读" || r[4] != "" || r[6] != "" {
		t.Fatalf("plan2 row %q", r)
	}
	if r := byUser["nodept"]; r[0] != "未分配部门" || r[1] != "'=临时工" {
		t.Fatalf("a display name starting with = is not defused: %q", r)
	}
}

// The tally takes names from a cache: someone it has not met is read at once, a
// rename shows within a minute.
func TestTallyNames(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		nameIn := func(id, uid int64) string {
			t.Helper()
			tally, err := fx.svc.Tally(ctx, fx.p("juzhang"), id, notice.TallyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range tally.Departments {
				for _, p := range d.People {
					if p.UserID == uid {
						return p.Username + " " + p.DisplayName
					}
				}
			}
			t.Fatalf("user %d is not in the tally of notice %d", uid, id)
			return ""
		}
		plan1 := fx.u["plan1"]
		first := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1")}})
		if got := nameIn(first.ID, plan1.ID); got != "plan1 "+plan1.DisplayName {
			t.Fatalf("plan1 is named %q", got)
		}

		t.Run("an account made since is named at once", func(t *testing.T) {
			u := store.User{Username: "newbie", DisplayName: "新同事", Role: store.RoleStaff, CreatedAt: start}
			if err := s.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			n := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: []int64{u.ID}}})
			if got := nameIn(n.ID, u.ID); got != "newbie 新同事" {
				t.Fatalf("the new account is named %q", got)
			}
		})

		t.Run("a rename shows within a minute", func(t *testing.T) {
			renamed := plan1
			renamed.DisplayName = "李编制"
			if err := s.UpdateUser(ctx, renamed); err != nil {
				t.Fatal(err)
			}
			if got := nameIn(first.ID, plan1.ID); got != "plan1 "+plan1.DisplayName {
				t.Fatalf("at once plan1 is named %q, want the cached name", got)
			}
			fx.clock.advance(time.Minute)
			if got := nameIn(first.ID, plan1.ID); got != "plan1 李编制" {
				t.Fatalf("a minute later plan1 is named %q", got)
			}
		})
	})
}
