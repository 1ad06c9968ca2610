package notice_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestAudienceResolution(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		d := fx.dept
		cases := []struct {
			name     string
			author   string
			audience protocol.Audience
			want     string   // recipients
			pins     []string // fx.chans keys
		}{
			{"a department without sub: its own members only", "juzhang",
				protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: d["预算股"]}}},
				list("gz", "budget1"), []string{"dept:预算股"}},
			{"a department with sub: the departments below too, not the disabled", "juzhang",
				protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: d["预算股"], Sub: true}}},
				list("gz", "budget1", "plan1", "plan2", "exec1"), []string{"dept:预算股", "dept:预算编制组", "dept:预算执行组"}},
			{"nested departments, the author left out", "gz",
				protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: d["局"], Sub: true}}},
				list("juzhang", "bgszr", "budget1", "plan1", "plan2", "exec1", "treas1", "office1", "baomi", "sysadmin"),
				[]string{"dept:局", "dept:办公室", "dept:预算股", "dept:预算编制组", "dept:预算执行组", "dept:国库股"}},
			{"a party branch with its group, plus individuals", "juzhang",
				protocol.Audience{PartyOrgs: []int64{fx.party["机关党支部"]}, Users: fx.ids("budget1", "nodept", "office1")},
				list("office1", "treas1", "budget1", "nodept"), []string{"party:机关党支部", "party:第一党小组"}},
			{"a person in two target channels gets one notice", "juzhang",
				protocol.Audience{Channels: []int64{fx.chans["预算工作群"], fx.chans["项目群"]}},
				list("gz", "plan1", "exec1", "office1", "treas1"), []string{"预算工作群", "项目群"}},
			{"overlapping department and person", "juzhang",
				protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: d["预算编制组"]}, {ID: d["预算编制组"]}}, Users: fx.ids("plan1")},
				list("plan1", "plan2"), []string{"dept:预算编制组"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				n := fx.publish(c.author, protocol.PublishNoticeRequest{Audience: c.audience})
				got := fx.recipients(n.ID)
				if keys(got) != c.want {
					t.Fatalf("recipients %s, want %s", keys(got), c.want)
				}
				if n.Recipients != len(got) {
					t.Errorf("notice says %d recipients, store has %d", n.Recipients, len(got))
				}
				var pins []int64
				for _, k := range c.pins {
					pins = append(pins, fx.chans[k])
				}
				slices.Sort(pins)
				if !slices.Equal(n.Channels, pins) {
					t.Errorf("pinned in %v, want %v (%v)", n.Channels, pins, c.pins)
				}
				// Each recipient was told once; nobody else was.
				told := fx.who(n.ID, protocol.NoticeEventPublished)
				if keys(told) != c.want {
					t.Errorf("told %s, want %s", keys(told), c.want)
				}
				for name, k := range told {
					if k != 1 {
						t.Errorf("%s told %d times", name, k)
					}
				}
			})
		}
		t.Run("each recipient is filed under their primary department", func(t *testing.T) {
			n := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "nodept", "gz")}})
			got := fx.recipients(n.ID)
			if got["plan1"] != d["预算编制组"] || got["gz"] != d["预算股"] || got["nodept"] != 0 {
				t.Fatalf("departments %v", got)
			}
		})
	})
}

func TestPublishValidation(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	ok := protocol.Audience{Users: fx.ids("plan1")}
	past := start.Add(-time.Minute)
	no := false
	many := make([]int64, protocol.MaxAudienceItems+1)
	for i := range many {
		many[i] = fx.u["plan1"].ID
	}
	cases := []struct {
		name  string
		req   protocol.PublishNoticeRequest
		code  protocol.Code
		field string
	}{
		{"blank title", protocol.PublishNoticeRequest{Title: "  ", Body: "x", Audience: ok}, protocol.CodeBadRequest, "title"},
		{"long title", protocol.PublishNoticeRequest{Title: strings.Repeat("通", protocol.MaxNoticeTitle+1), Body: "x", Audience: ok}, protocol.CodeBadRequest, "title"},
		{"line break in title", protocol.PublishNoticeRequest{Title: "a\nb", Body: "x", Audience: ok}, protocol.CodeBadRequest, "title"},
		{"no body", protocol.PublishNoticeRequest{Title: "t", Audience: ok}, protocol.CodeBadRequest, "body"},
		{"long body", protocol.PublishNoticeRequest{Title: "t", Body: strings.Repeat("文", protocol.MaxNoticeBody+1), Audience: ok}, protocol.CodeBadRequest, "body"},
		{"control character in body", protocol.PublishNoticeRequest{Title: "t", Body: "a\x07b", Audience: ok}, protocol.CodeBadRequest, "body"},
		{"bad priority", protocol.PublishNoticeRequest{Title: "t", Body: "x", Priority: "high", Audience: ok}, protocol.CodeBadRequest, "priority"},
		{"a level that does not exist", protocol.PublishNoticeRequest{Title: "t", Body: "x", Secrecy: 4, Audience: ok}, protocol.CodeBadRequest, "secrecy"},
		{"a negative level", protocol.PublishNoticeRequest{Title: "t", Body: "x", Secrecy: -1, Audience: ok}, protocol.CodeBadRequest, "secrecy"},
		{"秘密 to people only: pinned nowhere, any level", protocol.PublishNoticeRequest{Title: "t", Body: "x", Secrecy: 3, Audience: ok}, "", ""},
		{"deadline in the past", protocol.PublishNoticeRequest{Title: "t", Body: "x", Deadline: &past, Audience: ok}, protocol.CodeBadRequest, "deadline"},
		{"empty audience", protocol.PublishNoticeRequest{Title: "t", Body: "x"}, protocol.CodeBadRequest, "audience"},
		{"too many users", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{Users: many}}, protocol.CodeBadRequest, "audience.users"},
		{"unknown department", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: 999}}}}, protocol.CodeBadRequest, "audience.departments"},
		{"unknown party organisation", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{PartyOrgs: []int64{999}}}, protocol.CodeBadRequest, "audience.party_orgs"},
		{"unknown channel", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{Channels: []int64{999}}}, protocol.CodeBadRequest, "audience.channels"},
		{"disabled user", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{Users: fx.ids("gone")}}, protocol.CodeBadRequest, "audience.users"},
		{"only the author", protocol.PublishNoticeRequest{Title: "t", Body: "x", Audience: protocol.Audience{Users: fx.ids("juzhang")}}, protocol.CodeBadRequest, "audience"},
		{"valid, without confirmation", protocol.PublishNoticeRequest{Title: " t ", Body: "x", NeedsConfirm: &no, Audience: ok}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := fx.svc.Publish(context.Background(), fx.p("juzhang"), c.req)
			code, field := codeOf(t, err)
			if code != c.code || field != c.field {
				t.Fatalf("got %q field %q (%v), want %q field %q", code, field, err, c.code, c.field)
			}
		})
	}
}

func TestWhoMayPublish(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	budget := fx.chans["预算工作群"]
	project := fx.chans["项目群"]
	dept := []protocol.DepartmentTarget{{ID: fx.dept["预算股"]}}
	cases := []struct {
		name     string
		who      string
		audience protocol.Audience
		admins   bool // ChannelAdminsMayPublish
		code     protocol.Code
	}{
		{"a leader to departments", "gz", protocol.Audience{Departments: dept}, true, ""},
		{"a leader to a channel they are not in", "juzhang", protocol.Audience{Channels: []int64{project}}, true, ""},
		{"staff to a department", "plan1", protocol.Audience{Departments: dept}, true, protocol.CodeForbidden},
		{"staff to a channel they are a member of", "plan1", protocol.Audience{Channels: []int64{budget}}, true, protocol.CodeForbidden},
		{"a channel admin to their channel", "office1", protocol.Audience{Channels: []int64{project}}, true, ""},
		{"a channel admin to their channel and another", "office1", protocol.Audience{Channels: []int64{project, budget}}, true, protocol.CodeForbidden},
		{"a channel admin to their channel and a person", "office1", protocol.Audience{Channels: []int64{project}, Users: fx.ids("plan2")}, true, protocol.CodeForbidden},
		{"a channel admin when channel admins may not", "office1", protocol.Audience{Channels: []int64{project}}, false, protocol.CodeForbidden},
		{"a channel admin to a channel that does not exist", "office1", protocol.Audience{Channels: []int64{9999}}, true, protocol.CodeForbidden},
		{"the system administrator", "sysadmin", protocol.Audience{Departments: dept}, true, protocol.CodeForbidden},
		{"the security officer", "baomi", protocol.Audience{Departments: dept}, true, protocol.CodeForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svc := notice.New(narrow(fx.s), fx.bus, quiet(), fx.clock.now, notice.Options{ChannelAdminsMayPublish: c.admins, RemindInterval: time.Minute})
			_, err := svc.Publish(context.Background(), fx.p(c.who), protocol.PublishNoticeRequest{Title: "通知", Body: "内容", Audience: c.audience})
			wantCode(t, err, c.code)
		})
	}
}

func TestPublishAudited(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	secret := "正文里的内容不进审计"
	n := fx.publish("juzhang", protocol.PublishNoticeRequest{Body: secret, Audience: protocol.Audience{Users: fx.ids("plan1")}})
	evs, err := fx.s.ListAudit(context.Background(), store.AuditFilter{Action: "notice."})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Action != "notice.publish" || evs[0].TargetID != itoa(n.ID) || evs[0].ActorID != fx.u["juzhang"].ID {
		t.Fatalf("audit %+v", evs)
	}
	if strings.Contains(evs[0].Detail, secret) {
		t.Fatalf("the body is in the audit detail: %s", evs[0].Detail)
	}
}
