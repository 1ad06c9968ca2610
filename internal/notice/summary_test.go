package notice_test

import (
	"context"
	"slices"
	"testing"

	"govchat/internal/alert"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// forecaster records what it was asked and answers as told.
type forecaster struct {
	asked  []int64
	urgent bool
	answer alert.Forecast
}

func (f *forecaster) Forecast(_ context.Context, _ int64, urgent bool, users []int64) (alert.Forecast, error) {
	f.asked, f.urgent = slices.Clone(users), urgent
	return f.answer, nil
}

var _ notice.Forecaster = (*forecaster)(nil)

func TestWholeOrganisation(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		all := protocol.Audience{All: true}

		n := fx.publish("juzhang", protocol.PublishNoticeRequest{Audience: all})
		want := list("bgszr", "gz", "budget1", "plan1", "plan2", "exec1", "treas1", "office1", "baomi", "sysadmin", "nodept")
		if got := keys(fx.recipients(n.ID)); got != want {
			t.Fatalf("全单位 reached %s, want %s (everyone active but the author)", got, want)
		}
		var pins []int64
		for _, d := range []string{"局", "办公室", "预算股", "预算编制组", "预算执行组", "国库股"} {
			pins = append(pins, fx.chans["dept:"+d])
		}
		slices.Sort(pins)
		if !slices.Equal(n.Channels, pins) {
			t.Fatalf("pinned in %v, want every department channel %v", n.Channels, pins)
		}

		// A channel administrator publishes only to their channels: not to everyone.
		_, err := fx.svc.Publish(ctx, fx.p("office1"), protocol.PublishNoticeRequest{Title: "全体", Body: "全体", Audience: all})
		wantCode(t, err, protocol.CodeForbidden)
		_, err = fx.svc.Summary(ctx, fx.p("office1"), protocol.NoticeAudienceRequest{Audience: all})
		wantCode(t, err, protocol.CodeForbidden)
	})
}

func TestSummaryCountsPeopleAsPublishingWould(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fc := &forecaster{answer: alert.Forecast{OffDuty: 2, Breakthrough: protocol.BreakthroughWill, WeekUsed: 1, WeekCap: 3}}
		fx := newFixture(t, s, func(o *notice.Options) { o.Forecast = fc })
		ctx := context.Background()
		d := fx.dept
		for _, c := range []struct {
			name     string
			author   string
			audience protocol.Audience
		}{
			{"departments with sub and a person twice", "juzhang", protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: d["预算股"], Sub: true}}, Users: fx.ids("plan1", "treas1")}},
			{"two channels sharing people", "juzhang", protocol.Audience{Channels: []int64{fx.chans["预算工作群"], fx.chans["项目群"]}}},
			{"a channel administrator's own channel", "office1", protocol.Audience{Channels: []int64{fx.chans["项目群"]}}},
			{"全单位", "gz", protocol.Audience{All: true}},
		} {
			t.Run(c.name, func(t *testing.T) {
				sum, err := fx.svc.Summary(ctx, fx.p(c.author), protocol.NoticeAudienceRequest{Priority: protocol.NoticeUrgent, Audience: c.audience})
				if err != nil {
					t.Fatal(err)
				}
				before, err := fx.svc.List(ctx, fx.p(c.author), notice.ListQuery{Box: "sent"})
				if err != nil {
					t.Fatal(err)
				}
				n := fx.publish(c.author, protocol.PublishNoticeRequest{Priority: protocol.NoticeUrgent, Audience: c.audience})
				if sum.People != n.Recipients || sum.Channels != len(n.Channels) {
					t.Fatalf("summary %+v; publishing reached %d people in %d channels", sum, n.Recipients, len(n.Channels))
				}
				if len(fc.asked) != n.Recipients || !fc.urgent {
					t.Fatalf("forecast asked about %d people (urgent %v), want %d", len(fc.asked), fc.urgent, n.Recipients)
				}
				if sum.OffDuty != 2 || sum.Breakthrough != protocol.BreakthroughWill || sum.WeekUsed != 1 || sum.WeekCap != 3 {
					t.Fatalf("forecast not carried: %+v", sum)
				}
				for _, bn := range before.Notices {
					if bn.ID == n.ID {
						t.Fatal("the summary published something")
					}
				}
			})
		}
	})
}

func TestSummaryRefusals(t *testing.T) {
	fx := newFixture(t, storetest.NewSQLite(t))
	ctx := context.Background()
	ok := protocol.Audience{Users: fx.ids("plan1")}
	for _, c := range []struct {
		name  string
		who   string
		req   protocol.NoticeAudienceRequest
		code  protocol.Code
		field string
	}{
		{"staff may not publish", "plan1", protocol.NoticeAudienceRequest{Audience: protocol.Audience{Users: fx.ids("plan2")}}, protocol.CodeForbidden, ""},
		{"empty audience", "juzhang", protocol.NoticeAudienceRequest{}, protocol.CodeBadRequest, "audience"},
		{"nobody but the author", "juzhang", protocol.NoticeAudienceRequest{Audience: protocol.Audience{Users: fx.ids("juzhang")}}, protocol.CodeBadRequest, "audience"},
		{"unknown priority", "juzhang", protocol.NoticeAudienceRequest{Priority: "loud", Audience: ok}, protocol.CodeBadRequest, "priority"},
		{"unknown department", "juzhang", protocol.NoticeAudienceRequest{Audience: protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: 9999}}}}, protocol.CodeBadRequest, "audience.departments"},
		{"too many entries", "juzhang", protocol.NoticeAudienceRequest{Audience: protocol.Audience{Users: make([]int64, protocol.MaxAudienceItems+1)}}, protocol.CodeBadRequest, "audience.users"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := fx.svc.Summary(ctx, fx.p(c.who), c.req)
			code, field := codeOf(t, err)
			if code != c.code || field != c.field {
				t.Fatalf("got %s/%q (%v), want %s/%q", code, field, err, c.code, c.field)
			}
		})
	}
	t.Run("asked too often", func(t *testing.T) {
		var err error
		for range 40 {
			if _, err = fx.svc.Summary(ctx, fx.p("gz"), protocol.NoticeAudienceRequest{Audience: ok}); err != nil {
				break
			}
		}
		wantCode(t, err, protocol.CodeRateLimited)
	})
}

func TestAuthorsListCountsConfirmations(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		n := fx.publish("gz", protocol.PublishNoticeRequest{Audience: protocol.Audience{Users: fx.ids("plan1", "plan2", "exec1", "budget1", "juzhang")}})
		for _, who := range []string{"plan1", "exec1", "juzhang"} {
			if _, err := fx.svc.Confirm(ctx, fx.p(who), n.ID, protocol.NoticeReadRequest{Revision: 1}); err != nil {
				t.Fatal(err)
			}
		}
		sent, err := fx.svc.List(ctx, fx.p("gz"), notice.ListQuery{Box: "sent"})
		if err != nil {
			t.Fatal(err)
		}
		if len(sent.Notices) != 1 || sent.Notices[0].Confirmed == nil || *sent.Notices[0].Confirmed != 3 || sent.Notices[0].Recipients != 5 {
			t.Fatalf("sent list: %+v", sent.Notices)
		}
		got, err := fx.svc.List(ctx, fx.p("plan2"), notice.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Notices) != 1 || got.Notices[0].Confirmed != nil {
			t.Fatalf("a recipient sees the count: %+v", got.Notices)
		}
	})
}

func TestTallyCarriesPushOutcomes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		n := fx.publish("gz", protocol.PublishNoticeRequest{Priority: protocol.NoticeUrgent, Audience: protocol.Audience{Users: fx.ids("plan1", "plan2", "exec1")}})
		tl, err := fx.svc.Tally(ctx, fx.p("gz"), n.ID, notice.TallyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if tl.PushCounts != nil {
			t.Fatalf("counts before any decision: %v", tl.PushCounts)
		}
		if err := s.SetNoticePush(ctx, n.ID, fx.ids("plan1", "plan2"), store.PushBreakthrough); err != nil {
			t.Fatal(err)
		}
		if err := s.SetNoticePush(ctx, n.ID, fx.ids("exec1"), store.PushConnected); err != nil {
			t.Fatal(err)
		}
		tl, err = fx.svc.Tally(ctx, fx.p("gz"), n.ID, notice.TallyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, d := range tl.Departments {
			for _, p := range d.People {
				got[p.Username] = p.Push
			}
		}
		if got["plan1"] != protocol.PushOutcomeBreakthrough || got["plan2"] != protocol.PushOutcomeBreakthrough || got["exec1"] != protocol.PushOutcomeConnected {
			t.Fatalf("people: %v", got)
		}
		if tl.PushCounts == nil || *tl.PushCounts != (protocol.TallyPushCounts{Breakthrough: 2, Connected: 1}) {
			t.Fatalf("counts: %+v", tl.PushCounts)
		}
	})
}
