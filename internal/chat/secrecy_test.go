package chat_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/chat"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// secrecyFixture: 预算股 (budget) raised to ceiling 3 by the security officer, holding
// one message at each level 0–3 from 张静; 预算编制组 (section) keeps ceiling 1.
type secrecyFixture struct {
	*fixture
	budget, section store.Channel
}

func newSecrecyFixture(t *testing.T, s store.Store, ladder secrecy.Static) *secrecyFixture {
	t.Helper()
	rec := audit.New(s, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f := newFixture(t, s, func(o *chat.Options) { o.Audit, o.Secrecy = rec, ladder })
	sf := &secrecyFixture{fixture: f, budget: f.channel(store.ChannelDepartment, "预算股"),
		section: f.channel(store.ChannelDepartment, "预算编制组")}
	if err := s.SetChannelSecrecy(t.Context(), sf.budget.ID, 3, 1); err != nil {
		t.Fatal(err)
	}
	for level, text := range []string{"公开的安排", "内部的安排", "敏感的预算数字", "秘密的人事安排"} {
		ack(t, f.frame("zhangjing", protocol.TypeSend, "l"+string(rune('0'+level)), protocol.SendData{
			ChannelID: sf.budget.ID, ClientID: "l" + string(rune('0'+level)), Text: text, Secrecy: level}))
	}
	return sf
}

// denied returns the trail's denied entries of action.
func denied(t *testing.T, s store.Store, action string) []store.AuditEvent {
	t.Helper()
	events, err := s.ListAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, e := range events {
		if e.Action == action && e.Outcome == audit.Denied {
			out = append(out, e)
		}
	}
	return out
}

func TestSecrecyOnSendAndEdit(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newSecrecyFixture(t, s, nil)
		ctx := context.Background()

		t.Run("every level up to the ceiling is stored as sent", func(t *testing.T) {
			for seq := int64(1); seq <= 4; seq++ {
				m, err := s.GetMessage(ctx, f.budget.ID, seq)
				if err != nil {
					t.Fatal(err)
				}
				if m.Secrecy != int(seq-1) {
					t.Errorf("message %d secrecy %d", seq, m.Secrecy)
				}
			}
		})

		t.Run("a send above the ceiling is refused and audited", func(t *testing.T) {
			fr := f.frame("zhangjing", protocol.TypeSend, "up", protocol.SendData{ChannelID: f.section.ID, ClientID: "up", Text: "x", Secrecy: 2})
			if got := errCode(t, fr); got != protocol.CodeSecrecyAboveCeiling {
				t.Fatalf("code %s", got)
			}
			es := denied(t, s, audit.SecrecyRefused)
			if len(es) != 1 || es[0].ActorID != f.users["zhangjing"].ID || es[0].TargetID != itoa(f.section.ID) {
				t.Fatalf("audit %+v", es)
			}
		})

		t.Run("an edit keeps the level", func(t *testing.T) {
			// The edit frame has no level to change; a client that sends one anyway is
			// refused as a malformed frame, not obeyed.
			ack(t, f.frame("zhangjing", protocol.TypeEdit, "e1", protocol.EditData{ChannelID: f.budget.ID, Seq: 3, Text: "敏感的预算数字（修订）"}))
			m, err := s.GetMessage(ctx, f.budget.ID, 3)
			if err != nil {
				t.Fatal(err)
			}
			if m.Secrecy != 2 || m.Text != "敏感的预算数字（修订）" {
				t.Fatalf("after edit: secrecy %d text %q", m.Secrecy, m.Text)
			}
			fr := f.frame("zhangjing", protocol.TypeEdit, "e2", map[string]any{"channel_id": f.budget.ID, "seq": 3, "text": "x", "secrecy": 0})
			if got := errCode(t, fr); got != protocol.CodeBadRequest {
				t.Fatalf("an edit carrying a level: %s", got)
			}
			if m, _ := s.GetMessage(ctx, f.budget.ID, 3); m.Secrecy != 2 {
				t.Fatalf("secrecy %d after an edit asking for 0", m.Secrecy)
			}
		})

		t.Run("a lowered ceiling leaves what was sent at its level", func(t *testing.T) {
			if err := s.SetChannelSecrecy(ctx, f.budget.ID, 1, 0); err != nil {
				t.Fatal(err)
			}
			ack(t, f.frame("zhangjing", protocol.TypeEdit, "e3", protocol.EditData{ChannelID: f.budget.ID, Seq: 4, Text: "秘密的人事安排（补充）"}))
			if m, _ := s.GetMessage(ctx, f.budget.ID, 4); m.Secrecy != 3 {
				t.Fatalf("secrecy %d", m.Secrecy)
			}
			if err := s.SetChannelSecrecy(ctx, f.budget.ID, 3, 1); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("a channel answers with its usual level", func(t *testing.T) {
			list, err := f.svc.ListMine(ctx, f.users["zhangjing"].ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list.Channels {
				if c.ID == f.budget.ID && (c.MaxSecrecy != 3 || c.DefaultSecrecy != 1) {
					t.Fatalf("budget %+v", c)
				}
			}
		})

		t.Run("search hits carry their level", func(t *testing.T) {
			res, err := f.svc.Search(ctx, f.users["lihua"].ID, chat.SearchRequest{Text: "预算数字", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Messages) != 1 || res.Messages[0].Secrecy != 2 {
				t.Fatalf("hits %+v", res.Messages)
			}
		})
	})
}

func TestSecrecyOnForward(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newSecrecyFixture(t, s, nil)
		fwd := func(clientID string, seqs []int64, to int64) error {
			_, err := f.svc.Forward(context.Background(), f.users["zhangjing"].ID, protocol.ForwardRequest{
				ClientID: clientID, ChannelID: f.budget.ID, Seqs: seqs, Targets: []protocol.ForwardTarget{{ChannelID: to}}})
			return err
		}
		before, _ := s.GetChannel(context.Background(), f.section.ID)

		t.Run("敏感 into a channel whose ceiling is 内部", func(t *testing.T) {
			refused(t, fwd("f1", []int64{1, 3}, f.section.ID), protocol.CodeSecrecyAboveCeiling, "targets[0]")
		})
		t.Run("秘密 anywhere, naming the message", func(t *testing.T) {
			refused(t, fwd("f2", []int64{1, 4}, f.budget.ID), protocol.CodeForwardNotAllowed, "seqs[1]")
		})
		t.Run("both refusals are on the trail", func(t *testing.T) {
			es := denied(t, s, audit.ChatForward)
			if len(es) != 2 {
				t.Fatalf("audit %+v", es)
			}
			for _, e := range es {
				if e.ActorID != f.users["zhangjing"].ID || e.TargetID != itoa(f.budget.ID) {
					t.Errorf("entry %+v", e)
				}
			}
		})
		if after, _ := s.GetChannel(context.Background(), f.section.ID); after.LastSeq != before.LastSeq {
			t.Fatal("a refused forward wrote")
		}
		t.Run("内部 within the ceiling goes", func(t *testing.T) {
			if err := fwd("f3", []int64{2}, f.section.ID); err != nil {
				t.Fatal(err)
			}
		})
	})

	t.Run("the rule comes from the configured ladder", func(t *testing.T) {
		ladder := protocol.DefaultSecrecyLevels()
		for i := 1; i < len(ladder); i++ {
			ladder[i].Forward = false // the officer forbade forwarding from 内部 up
		}
		s := storetest.NewSQLite(t)
		f := newSecrecyFixture(t, s, ladder)
		_, err := f.svc.Forward(context.Background(), f.users["zhangjing"].ID, protocol.ForwardRequest{
			ClientID: "g1", ChannelID: f.budget.ID, Seqs: []int64{1, 2}, Targets: []protocol.ForwardTarget{{ChannelID: f.section.ID}}})
		refused(t, err, protocol.CodeForwardNotAllowed, "seqs[1]")
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
