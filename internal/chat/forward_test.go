package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// forwardFixture is the chat fixture with an audit trail, and 预算股 holding two
// messages: 李华's 内部 instruction and 张静's reply.
type forwardFixture struct {
	*fixture
	budget, section store.Channel
	group           protocol.Channel // 张静's group with 何平 (国库股)
}

func newForwardFixture(t *testing.T, s store.Store) *forwardFixture {
	t.Helper()
	rec := audit.New(s, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f := newFixture(t, s, func(o *chat.Options) { o.Audit = rec })
	ff := &forwardFixture{fixture: f, budget: f.channel(store.ChannelDepartment, "预算股"), section: f.channel(store.ChannelDepartment, "预算编制组")}
	a := f.frame("lihua", protocol.TypeSend, "i1", protocol.SendData{ChannelID: ff.budget.ID, ClientID: "i1", Text: "请各位周五前报送预算草案", Secrecy: 1})
	ack(t, a)
	f.clock.advance(60e9)
	ack(t, f.send("zhangjing", ff.budget.ID, "r1", "收到，编制组负责"))
	g, err := f.svc.CreateGroup(context.Background(), f.users["zhangjing"].ID, protocol.CreateGroupRequest{Name: "预算协调", Members: []int64{f.users["heping"].ID}})
	if err != nil {
		t.Fatal(err)
	}
	ff.group = g
	return ff
}

func (f *forwardFixture) forward(username string, req protocol.ForwardRequest) (protocol.ForwardResult, error) {
	return f.svc.Forward(context.Background(), f.users[username].ID, req)
}

// refused asserts err is a refusal with code and field.
func refused(t *testing.T, err error, code protocol.Code, field string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field {
		t.Fatalf("got %v, want %s on %q", err, code, field)
	}
}

func TestForward(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newForwardFixture(t, s)
		ctx := context.Background()
		zhang, he := f.users["zhangjing"], f.users["heping"]

		t.Run("one message to a group and a person, with a comment", func(t *testing.T) {
			f.watch(busevent.ChannelTopic(f.group.ID))
			res, err := f.forward("zhangjing", protocol.ForwardRequest{ClientID: "fw-1", ChannelID: f.budget.ID, Seqs: []int64{1},
				Targets: []protocol.ForwardTarget{{ChannelID: f.group.ID}, {UserID: he.ID}}, Comment: "请何股长知悉"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Results) != 2 || res.Results[0].ChannelID != f.group.ID || len(res.Results[0].Seqs) != 1 ||
				res.Results[0].CommentSeq != res.Results[0].Seqs[0]+1 || res.Results[0].Duplicate {
				t.Fatalf("results %+v", res)
			}
			m, err := s.GetMessage(ctx, f.group.ID, res.Results[0].Seqs[0])
			if err != nil {
				t.Fatal(err)
			}
			orig, _ := s.GetMessage(ctx, f.budget.ID, 1)
			fw := m.Forward
			if fw == nil || fw.Merged || fw.FromChannelID != f.budget.ID || fw.FromChannelName != "预算股" || len(fw.Items) != 1 {
				t.Fatalf("forward %+v", fw)
			}
			it := fw.Items[0]
			if it.SenderID != f.users["lihua"].ID || it.SenderName != "李华" || it.Seq != 1 || it.Text != orig.Text ||
				it.Secrecy != 1 || !it.CreatedAt.Equal(orig.CreatedAt) {
				t.Fatalf("item %+v", it)
			}
			if m.SenderID != zhang.ID || m.Secrecy != 1 || m.Text != orig.Text {
				t.Fatalf("forward message %+v", m)
			}
			c, _ := s.GetMessage(ctx, f.group.ID, res.Results[0].CommentSeq)
			if c.Text != "请何股长知悉" || c.Forward != nil || c.SenderID != zhang.ID {
				t.Fatalf("comment %+v", c)
			}
			// The person's direct channel was opened, and it got the same.
			d, err := s.GetMessage(ctx, res.Results[1].ChannelID, res.Results[1].Seqs[0])
			if err != nil || d.Forward == nil || d.Forward.Items[0].Text != orig.Text {
				t.Fatalf("direct %+v %v", d, err)
			}
			if _, err := s.GetMember(ctx, res.Results[1].ChannelID, he.ID); err != nil {
				t.Fatalf("the direct channel is not 何平's: %v", err)
			}
			// On the bus like any message, with its forward, in order.
			var evs []event
			for _, e := range f.settle(t, busevent.ChannelTopic(f.group.ID), "zhangjing", f.group.ID) {
				var m protocol.Message
				json.Unmarshal(e.frame.Data, &m)
				if strings.HasPrefix(m.ClientID, "fw-1/") { // not the group's creation line, published as the test began
					evs = append(evs, e)
				}
			}
			if len(evs) != 2 {
				t.Fatalf("%d events on the group's topic", len(evs))
			}
			var wire protocol.Message
			json.Unmarshal(evs[0].frame.Data, &wire)
			if wire.Forward == nil || wire.Forward.Items[0].SenderName != "李华" || evs[1].seq != evs[0].seq+1 {
				t.Fatalf("bus %+v", evs)
			}

			t.Run("a retry writes nothing twice", func(t *testing.T) {
				before, _ := s.GetChannel(ctx, f.group.ID)
				again, err := f.forward("zhangjing", protocol.ForwardRequest{ClientID: "fw-1", ChannelID: f.budget.ID, Seqs: []int64{1},
					Targets: []protocol.ForwardTarget{{ChannelID: f.group.ID}, {UserID: he.ID}}, Comment: "请何股长知悉"})
				after, _ := s.GetChannel(ctx, f.group.ID)
				if err != nil || !again.Results[0].Duplicate || again.Results[0].Seqs[0] != res.Results[0].Seqs[0] || after.LastSeq != before.LastSeq {
					t.Fatalf("retry %+v %v; last seq %d → %d", again, err, before.LastSeq, after.LastSeq)
				}
			})

			t.Run("is an audit event without the text", func(t *testing.T) {
				evs, err := s.ListAudit(ctx, store.AuditFilter{Action: audit.ChatForward})
				if err != nil || len(evs) != 1 {
					t.Fatalf("audit %+v %v", evs, err)
				}
				e := evs[0]
				want := fmt.Sprintf(`"to_channel_ids":[%d,%d]`, f.group.ID, res.Results[1].ChannelID)
				if e.ActorID != zhang.ID || e.TargetID != fmt.Sprint(f.budget.ID) || !strings.Contains(e.Detail, want) ||
					!strings.Contains(e.Detail, `"seqs":[1]`) || strings.Contains(e.Detail, "预算草案") || strings.Contains(e.Detail, "知悉") {
					t.Fatalf("audit event %+v", e)
				}
			})

			t.Run("forwarding the forward carries the original", func(t *testing.T) {
				res2, err := f.forward("heping", protocol.ForwardRequest{ClientID: "fw-2", ChannelID: f.group.ID, Seqs: []int64{res.Results[0].Seqs[0]},
					Targets: []protocol.ForwardTarget{{ChannelID: f.channel(store.ChannelDepartment, "国库股").ID}}})
				if err != nil {
					t.Fatal(err)
				}
				m, _ := s.GetMessage(ctx, res2.Results[0].ChannelID, res2.Results[0].Seqs[0])
				if m.Forward.FromChannelName != "预算股" || m.Forward.Items[0].SenderName != "李华" || m.SenderID != he.ID {
					t.Fatalf("forward of a forward %+v", m.Forward)
				}
			})
		})

		t.Run("several messages merged", func(t *testing.T) {
			res, err := f.forward("zhangjing", protocol.ForwardRequest{ClientID: "fw-m", ChannelID: f.budget.ID, Seqs: []int64{2, 1}, Merged: true,
				Targets: []protocol.ForwardTarget{{ChannelID: f.group.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Results[0].Seqs) != 1 || res.Results[0].CommentSeq != 0 {
				t.Fatalf("results %+v", res)
			}
			m, _ := s.GetMessage(ctx, f.group.ID, res.Results[0].Seqs[0])
			fw := m.Forward
			if fw == nil || !fw.Merged || len(fw.Items) != 2 || fw.Items[0].SenderName != "李华" || fw.Items[1].SenderName != "张静" ||
				fw.Items[1].Seq != 2 || m.Secrecy != 1 {
				t.Fatalf("merged %+v secrecy %d", fw, m.Secrecy)
			}
			if !strings.Contains(m.Text, "预算股的聊天记录") || !strings.Contains(m.Text, "张静：收到") {
				t.Fatalf("merged text %q", m.Text)
			}
			t.Run("one by one", func(t *testing.T) {
				res, err := f.forward("zhangjing", protocol.ForwardRequest{ClientID: "fw-e", ChannelID: f.budget.ID, Seqs: []int64{1, 2},
					Targets: []protocol.ForwardTarget{{ChannelID: f.section.ID}}, Comment: "供参考"})
				if err != nil || len(res.Results[0].Seqs) != 2 || res.Results[0].CommentSeq != res.Results[0].Seqs[1]+1 {
					t.Fatalf("%+v %v", res, err)
				}
				second, _ := s.GetMessage(ctx, f.section.ID, res.Results[0].Seqs[1])
				if second.Secrecy != 0 || second.Forward.Items[0].Text != "收到，编制组负责" {
					t.Fatalf("second %+v", second)
				}
			})
		})

		t.Run("the edit of a forward is refused", func(t *testing.T) {
			ms, _ := s.History(ctx, store.HistoryQuery{ChannelID: f.group.ID, Limit: 500})
			var seq int64
			for _, m := range ms {
				if m.Forward != nil && m.SenderID == zhang.ID {
					seq = m.Seq
				}
			}
			fr := f.frame("zhangjing", protocol.TypeEdit, "e1", protocol.EditData{ChannelID: f.group.ID, Seq: seq, Text: "改"})
			if errCode(t, fr) != protocol.CodeForbidden {
				t.Fatalf("edit %+v", fr)
			}
		})
	})
}

func TestForwardRefusals(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newForwardFixture(t, s)
		ctx := context.Background()
		treasury := f.channel(store.ChannelDepartment, "国库股")
		req := func(mod func(*protocol.ForwardRequest)) protocol.ForwardRequest {
			r := protocol.ForwardRequest{ClientID: "x1", ChannelID: f.budget.ID, Seqs: []int64{1}, Targets: []protocol.ForwardTarget{{ChannelID: f.group.ID}}}
			mod(&r)
			return r
		}
		many := func(n int) []int64 {
			out := make([]int64, n)
			for i := range out {
				out[i] = int64(i + 1)
			}
			return out
		}
		targets := func(n int) []protocol.ForwardTarget {
			out := make([]protocol.ForwardTarget, n)
			for i := range out {
				out[i] = protocol.ForwardTarget{UserID: int64(i + 1)}
			}
			return out
		}
		cases := []struct {
			name  string
			user  string
			req   protocol.ForwardRequest
			code  protocol.Code
			field string
		}{
			{"no client id", "zhangjing", req(func(r *protocol.ForwardRequest) { r.ClientID = "" }), protocol.CodeBadRequest, "client_id"},
			{"nothing chosen", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Seqs = nil }), protocol.CodeBadRequest, "seqs"},
			{"too many messages", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Seqs = many(protocol.MaxForwardItems + 1) }), protocol.CodeBadRequest, "seqs"},
			{"nowhere to go", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Targets = nil }), protocol.CodeBadRequest, "targets"},
			{"too many targets", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Targets = targets(protocol.MaxForwardTargets + 1) }), protocol.CodeBadRequest, "targets"},
			{"a target both channel and person", "zhangjing", req(func(r *protocol.ForwardRequest) {
				r.Targets = []protocol.ForwardTarget{{ChannelID: f.group.ID, UserID: 3}}
			}), protocol.CodeBadRequest, "targets[0]"},
			{"a comment too long", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Comment = strings.Repeat("长", protocol.MaxTextRunes+1) }), protocol.CodeBadRequest, "comment"},
			{"a message that does not exist", "zhangjing", req(func(r *protocol.ForwardRequest) { r.Seqs = []int64{1, 99} }), protocol.CodeBadRequest, "seqs[1]"},
			{"a source channel one is not in", "heping", req(func(r *protocol.ForwardRequest) {}), protocol.CodeNotMember, "channel_id"},
			{"a target channel one is not in", "zhangjing", req(func(r *protocol.ForwardRequest) {
				r.Targets = []protocol.ForwardTarget{{ChannelID: f.group.ID}, {ChannelID: treasury.ID}}
			}), protocol.CodeNotMember, "targets[1]"},
			{"a person who does not exist", "zhangjing", req(func(r *protocol.ForwardRequest) {
				r.Targets = []protocol.ForwardTarget{{UserID: 99999}}
			}), protocol.CodeBadRequest, "targets[0]"},
			{"a person named twenty times gets it once", "zhangjing", req(func(r *protocol.ForwardRequest) {
				r.Seqs = []int64{1, 2}
				r.Targets = targets(protocol.MaxForwardTargets)
				for i := range r.Targets {
					r.Targets[i].UserID = f.users["wuqiang"].ID
				}
				r.Seqs = many(2)
			}), "", ""}, // not 2 × 20 messages: the repeats collapse to one person
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := s.GetChannel(ctx, f.group.ID)
				_, err := f.forward(tc.user, tc.req)
				if tc.code == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				refused(t, err, tc.code, tc.field)
				if after, _ := s.GetChannel(ctx, f.group.ID); after.LastSeq != before.LastSeq {
					t.Fatalf("a refused forward wrote to the group")
				}
			})
		}

		t.Run("a system line", func(t *testing.T) {
			// The group's first line says 张静 created it.
			_, err := f.forward("zhangjing", protocol.ForwardRequest{ClientID: "x3", ChannelID: f.group.ID, Seqs: []int64{1},
				Targets: []protocol.ForwardTarget{{ChannelID: f.budget.ID}}})
			refused(t, err, protocol.CodeBadRequest, "seqs[0]")
		})

		t.Run("a recalled message", func(t *testing.T) {
			ack(t, f.frame("zhangjing", protocol.TypeRecall, "rc", protocol.RecallData{ChannelID: f.budget.ID, Seq: 2}))
			_, err := f.forward("zhangjing", req(func(r *protocol.ForwardRequest) { r.Seqs = []int64{1, 2} }))
			refused(t, err, protocol.CodeMessageRecalled, "seqs[1]")
		})

		t.Run("secrecy above a target's ceiling, naming the target, writes nowhere", func(t *testing.T) {
			sec := f.section
			if err := s.SetChannelSecrecy(ctx, sec.ID, 0, 0); err != nil {
				t.Fatal(err)
			}
			before, _ := s.GetChannel(ctx, f.group.ID)
			_, err := f.forward("zhangjing", req(func(r *protocol.ForwardRequest) {
				r.Targets = []protocol.ForwardTarget{{ChannelID: f.group.ID}, {ChannelID: sec.ID}}
			}))
			refused(t, err, protocol.CodeSecrecyAboveCeiling, "targets[1]")
			if after, _ := s.GetChannel(ctx, f.group.ID); after.LastSeq != before.LastSeq {
				t.Fatal("the group got the forward although another target refused it")
			}
			// A message without secrecy may go there.
			ack(t, f.send("zhangjing", f.budget.ID, "plain", "普通消息"))
			if _, err := f.forward("zhangjing", req(func(r *protocol.ForwardRequest) {
				r.ClientID, r.Seqs, r.Targets = "x2", []int64{3}, []protocol.ForwardTarget{{ChannelID: sec.ID}}
			})); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("an archived target or one where only administrators post", func(t *testing.T) {
			archived := true
			if _, err := f.svc.UpdateChannel(ctx, f.users["zhangjing"].ID, f.group.ID, protocol.UpdateChannelRequest{Archived: &archived}); err != nil {
				t.Fatal(err)
			}
			_, err := f.forward("zhangjing", req(func(r *protocol.ForwardRequest) {}))
			refused(t, err, protocol.CodeForbidden, "targets[0]")
			// 李华's announcement group: only its administrators post; 张静 is a member.
			ann, err := f.svc.CreateGroup(ctx, f.users["lihua"].ID, protocol.CreateGroupRequest{Name: "预算股通知", PostPolicy: "admins",
				Members: []int64{f.users["zhangjing"].ID}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.forward("zhangjing", req(func(r *protocol.ForwardRequest) { r.Targets = []protocol.ForwardTarget{{ChannelID: ann.ID}} }))
			refused(t, err, protocol.CodeForbidden, "targets[0]")
		})
	})
}
