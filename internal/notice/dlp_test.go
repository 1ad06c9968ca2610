package notice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/dlp"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// A notice's title and body are checked at its level when published and when revised:
// a marking is blocked below 秘密, an ID number warns until the author confirms, and
// the trail holds rule ids and counts, never the words.
func TestNoticeDLP(t *testing.T) {
	s := storetest.NewSQLite(t)
	fx := newFixture(t, s)
	fx.svc = notice.New(narrow(s), fx.bus, quiet(), fx.clock.now, notice.Options{RemindInterval: time.Minute,
		Audit: audit.New(s, fx.clock.now, quiet()),
		DLP: dlp.New(dlp.Deps{Store: store.Narrow(s, func(tx store.Store) dlp.Tx { return tx }), Bus: fx.bus,
			Audit: audit.New(s, fx.clock.now, quiet()), Log: quiet(), Now: fx.clock.now, TTL: time.Hour})})
	ctx := context.Background()
	aud := protocol.Audience{Users: fx.ids("plan1")}
	const id = "110105194912310003"

	_, err := fx.svc.Publish(ctx, fx.p("juzhang"), protocol.PublishNoticeRequest{Title: "通知", Body: "附件为秘密★1年文件", Audience: aud})
	wantCode(t, err, protocol.CodeDLPBlocked)
	_, err = fx.svc.Publish(ctx, fx.p("juzhang"), protocol.PublishNoticeRequest{Title: "名单", Body: "身份证" + id, Audience: aud})
	wantCode(t, err, protocol.CodeDLPWarning)
	n, err := fx.svc.Publish(ctx, fx.p("juzhang"), protocol.PublishNoticeRequest{Title: "名单", Body: "身份证" + id, Audience: aud, DLPAck: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fx.svc.Revise(ctx, fx.p("juzhang"), n.ID, protocol.ReviseNoticeRequest{Title: "名单 机密★", Body: "更正", ChangeNote: "改"})
	wantCode(t, err, protocol.CodeDLPBlocked)

	evs, err := s.ListAudit(ctx, store.AuditFilter{Action: audit.DLPHit})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("%d hits recorded, want 3 (two blocks, one sent after the warning)", len(evs))
	}
	sent := 0
	for _, e := range evs {
		if strings.Contains(e.Detail, id) || strings.Contains(e.Detail, "★") {
			t.Fatalf("the trail holds the text: %s", e.Detail)
		}
		if e.Outcome == audit.OK {
			sent++
			if !strings.Contains(e.Detail, `"action_taken":"sent_after_warning"`) || !strings.Contains(e.Detail, `"notice_id":`+itoa(n.ID)) {
				t.Fatalf("hit %s", e.Detail)
			}
		}
	}
	if sent != 1 {
		t.Fatalf("%d hits sent, want 1", sent)
	}
}
