package notice_test

import (
	"context"
	"strconv"
	"testing"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// A notice's level may be at most the ceiling of every channel it would be pinned in;
// the refusal names the audience entry that brought the channel in.
func TestNoticeSecrecyCeilings(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s)
		ctx := context.Background()
		for _, name := range []string{"预算工作群", "dept:预算股", "dept:预算编制组", "party:机关党支部", "party:第一党小组"} {
			if err := s.SetChannelSecrecy(ctx, fx.chans[name], 1, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetChannelSecrecy(ctx, fx.chans["项目群"], 2, 0); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name     string
			secrecy  int
			audience protocol.Audience
			code     protocol.Code
			field    string
			channel  string // the refused channel
		}{
			{"内部 in a channel whose ceiling is 内部", 1, protocol.Audience{Channels: []int64{fx.chans["预算工作群"]}}, "", "", ""},
			{"敏感 in a 敏感 channel", 2, protocol.Audience{Channels: []int64{fx.chans["项目群"]}}, "", "", ""},
			{"敏感 where the second channel is 内部", 2, protocol.Audience{Channels: []int64{fx.chans["项目群"], fx.chans["预算工作群"]}},
				protocol.CodeSecrecyAboveCeiling, "audience.channels[1]", "预算工作群"},
			{"敏感 to a department pinned in its 内部 channel", 2, protocol.Audience{Departments: []protocol.DepartmentTarget{{ID: fx.dept["预算股"]}}},
				protocol.CodeSecrecyAboveCeiling, "audience.departments[0]", "dept:预算股"},
			{"秘密 to a party organisation", 3, protocol.Audience{PartyOrgs: []int64{fx.party["第一党小组"]}},
				protocol.CodeSecrecyAboveCeiling, "audience.party_orgs[0]", "party:第一党小组"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := fx.svc.Publish(ctx, fx.p("juzhang"), protocol.PublishNoticeRequest{Title: "通知", Body: "正文",
					Secrecy: c.secrecy, Audience: c.audience})
				code, field := codeOf(t, err)
				if code != c.code || field != c.field {
					t.Fatalf("got %q on %q (%v), want %q on %q", code, field, err, c.code, c.field)
				}
				if c.code == "" {
					return
				}
				events, err := s.ListAudit(ctx, store.AuditFilter{})
				if err != nil {
					t.Fatal(err)
				}
				last := events[0]
				for _, e := range events {
					if e.ID > last.ID {
						last = e
					}
				}
				if last.Action != audit.SecrecyRefused || last.Outcome != audit.Denied || last.TargetID != strconv.FormatInt(fx.chans[c.channel], 10) {
					t.Fatalf("audit %+v", last)
				}
			})
		}
	})
}
