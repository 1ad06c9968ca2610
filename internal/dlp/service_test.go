package dlp_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/dlp"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// syncBuffer is a log sink safe for the services' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Two nodes over one database and one bus: a change on one is what the other checks
// with at once (its cache is dropped over the bus, though its TTL is an hour); the
// logs, at debug level, never hold the text or what matched.
func TestRulesFollowChangesOnEveryNode(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		logs := &syncBuffer{}
		log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		now := func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
		bs := bus.NewMemory()
		t.Cleanup(func() { bs.Close() })
		node := func() *dlp.Service {
			svc := dlp.New(dlp.Deps{Store: store.Narrow(s, func(tx store.Store) dlp.Tx { return tx }), Bus: bs,
				Audit: audit.New(s, now, log), Log: log, Now: now, TTL: time.Hour})
			stop, err := svc.Listen(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(stop)
			return svc
		}
		a, b := node(), node()
		officer := store.User{Username: "officer", DisplayName: "officer", Role: store.RoleSecurity}
		if err := s.CreateUser(ctx, &officer); err != nil {
			t.Fatal(err)
		}
		text := "项目代号猎鹰计划,联系人身份证110105194912310003"
		scan := dlp.Scan{ActorID: officer.ID, Text: text, Level: 1, Context: "notice", Kind: protocol.DLPKindNoticeText, Field: "body"}
		// Defaults: the ID warns at level 1; acknowledged, it passes with a finding.
		if _, err := b.Check(ctx, scan); err == nil || !strings.Contains(err.Error(), "dlp_warning") {
			t.Fatalf("before: %v", err)
		}
		rules := append(protocol.DefaultDLPRules(), protocol.DLPRule{ID: "kw", Kind: protocol.DLPKeyword, Name: "代号",
			Keywords: []string{"猎鹰计划"}, Actions: []protocol.DLPAction{"alert", "alert", "alert", "alert"}})
		rules[0].Actions = []protocol.DLPAction{"off", "off", "off", "off"}
		if _, err := a.Put(ctx, auth.Principal{User: officer}, protocol.DLPRules{Rules: rules}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			f, err := b.Check(ctx, scan)
			if err == nil && f != nil {
				b.Sent(ctx, f, map[string]any{"notice_id": 9})
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("node b still checks with the old rules: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		evs, err := s.ListAudit(ctx, store.AuditFilter{Action: audit.DLPHit})
		if err != nil || len(evs) != 1 {
			t.Fatalf("hits %+v %v", evs, err)
		}
		if d := evs[0].Detail; !strings.Contains(d, `"action":"alert"`) || !strings.Contains(d, `"notice_id":9`) || strings.Contains(d, "猎鹰") {
			t.Fatalf("hit detail %s", d)
		}
		if l := logs.String(); strings.Contains(l, "猎鹰") || strings.Contains(l, "110105194912310003") {
			t.Fatalf("the log holds the text:\n%s", l)
		}
	})
}
