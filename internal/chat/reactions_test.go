package chat_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func (f *fixture) react(username string, channelID, seq int64, reaction string, on bool) protocol.Frame {
	f.t.Helper()
	return f.frame(username, protocol.TypeReact, "react", protocol.ReactData{ChannelID: channelID, Seq: seq, Reaction: reaction, On: on})
}

func reactions(t *testing.T, fr protocol.Frame) protocol.ReactionsData {
	t.Helper()
	if fr.Type != protocol.TypeAck {
		t.Fatalf("want ack, got %s %s", fr.Type, fr.Data)
	}
	var d protocol.ReactionsData
	if err := json.Unmarshal(fr.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReactions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		office := f.channel(store.ChannelDepartment, "办公室")
		topic := busevent.ChannelTopic(office.ID)
		f.watch(topic)
		zhou, yang, chen := f.users["zhouhaiyan"].ID, f.users["yangfan"].ID, f.users["chenzhiqiang"].ID
		seq := ack(t, f.send("chenzhiqiang", office.ID, "rx-1", "明天上午九点开会，请准时参加")).Seq

		// 👍 first, then 收到 twice: the wire keeps the allowed set's order.
		reactions(t, f.react("yangfan", office.ID, seq, "👍", true))
		reactions(t, f.react("zhouhaiyan", office.ID, seq, "收到", true))
		got := reactions(t, f.react("yangfan", office.ID, seq, "收到", true))
		want := protocol.ReactionsData{ChannelID: office.ID, Seq: seq, Rev: 3, Reactions: []protocol.Reaction{
			{Reaction: "收到", UserIDs: []int64{zhou, yang}}, {Reaction: "👍", UserIDs: []int64{yang}},
		}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after three reactions %+v, want %+v", got, want)
		}

		t.Run("on twice is on once, and tells nobody", func(t *testing.T) {
			again := reactions(t, f.react("yangfan", office.ID, seq, "收到", true))
			if !reflect.DeepEqual(again, want) {
				t.Errorf("repeat answered %+v, want %+v", again, want)
			}
		})

		t.Run("removal", func(t *testing.T) {
			got := reactions(t, f.react("zhouhaiyan", office.ID, seq, "收到", false))
			if got.Rev != 4 || !reflect.DeepEqual(got.Reactions[0], protocol.Reaction{Reaction: "收到", UserIDs: []int64{yang}}) {
				t.Errorf("after removal %+v", got)
			}
		})

		t.Run("the channel hears each change once, in a reactions frame", func(t *testing.T) {
			var revs []int64
			for _, e := range f.settle(t, topic, "chenzhiqiang", office.ID) {
				if e.frame.Type != protocol.TypeReactions {
					continue
				}
				var d protocol.ReactionsData
				json.Unmarshal(e.frame.Data, &d)
				if e.seq != 0 || d.ChannelID != office.ID || d.Seq != seq {
					t.Errorf("reactions event %+v %+v", e, d)
				}
				revs = append(revs, d.Rev)
			}
			if !reflect.DeepEqual(revs, []int64{1, 2, 3, 4}) {
				t.Errorf("revisions published %v, want 1 2 3 4 (the repeat publishes nothing)", revs)
			}
		})

		t.Run("history, search and edits carry them", func(t *testing.T) {
			wantNow := []protocol.Reaction{{Reaction: "收到", UserIDs: []int64{yang}}, {Reaction: "👍", UserIDs: []int64{yang}}}
			page, err := f.svc.History(ctx, zhou, store.HistoryQuery{ChannelID: office.ID, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Messages {
				if m.Seq == seq && !reflect.DeepEqual(m.Reactions, wantNow) {
					t.Errorf("history: %+v, want %+v", m.Reactions, wantNow)
				}
				if m.Seq != seq && m.Reactions != nil {
					t.Errorf("history: message %d has reactions %+v", m.Seq, m.Reactions)
				}
			}
			hits, err := f.svc.Search(ctx, zhou, chat.SearchRequest{Text: "开会", Limit: 10})
			if err != nil || len(hits.Messages) != 1 || !reflect.DeepEqual(hits.Messages[0].Reactions, wantNow) {
				t.Errorf("search: %+v %v", hits, err)
			}
			ack(t, f.frame("chenzhiqiang", protocol.TypeEdit, "ed", protocol.EditData{ChannelID: office.ID, Seq: seq, Text: "明天上午九点半开会"}))
			edits := 0
			for _, e := range f.settle(t, topic, "chenzhiqiang", office.ID) {
				var m protocol.Message
				json.Unmarshal(e.frame.Data, &m)
				if e.frame.Type == protocol.TypeMessage && e.seq == 0 && m.Seq == seq {
					edits++
					if !reflect.DeepEqual(m.Reactions, wantNow) {
						t.Errorf("edited message frame: %+v, want %+v", m.Reactions, wantNow)
					}
				}
			}
			if edits != 1 {
				t.Errorf("%d edit frames, want 1", edits)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			other := ack(t, f.send("zhouhaiyan", office.ID, "rx-2", "发错了")).Seq
			reactions(t, f.react("yangfan", office.ID, other, "OK", true))
			ack(t, f.frame("zhouhaiyan", protocol.TypeRecall, "rc", protocol.RecallData{ChannelID: office.ID, Seq: other}))
			cases := []struct {
				name  string
				user  string
				data  protocol.ReactData
				code  protocol.Code
				field string
			}{
				{"not a member", "heping", protocol.ReactData{ChannelID: office.ID, Seq: seq, Reaction: "收到", On: true}, protocol.CodeNotMember, ""},
				{"outside the set", "yangfan", protocol.ReactData{ChannelID: office.ID, Seq: seq, Reaction: "❤️", On: true}, protocol.CodeReactionNotAllowed, "reaction"},
				{"a near miss of one in the set", "yangfan", protocol.ReactData{ChannelID: office.ID, Seq: seq, Reaction: "收到 ", On: true}, protocol.CodeReactionNotAllowed, "reaction"},
				{"removing one outside the set", "yangfan", protocol.ReactData{ChannelID: office.ID, Seq: seq, Reaction: "赞", On: false}, protocol.CodeReactionNotAllowed, "reaction"},
				{"recalled", "yangfan", protocol.ReactData{ChannelID: office.ID, Seq: other, Reaction: "OK", On: false}, protocol.CodeMessageRecalled, ""},
				{"no such message", "yangfan", protocol.ReactData{ChannelID: office.ID, Seq: 9999, Reaction: "OK", On: true}, protocol.CodeNotFound, ""},
				{"no seq", "yangfan", protocol.ReactData{ChannelID: office.ID, Reaction: "OK", On: true}, protocol.CodeBadRequest, "seq"},
				{"no channel", "yangfan", protocol.ReactData{ChannelID: 424242, Seq: 1, Reaction: "OK", On: true}, protocol.CodeNotMember, ""},
			}
			for _, tc := range cases {
				fr := f.frame(tc.user, protocol.TypeReact, "x", tc.data)
				var e protocol.Error
				json.Unmarshal(fr.Data, &e)
				if fr.Type != protocol.TypeError || e.Code != tc.code || e.Field != tc.field {
					t.Errorf("%s: %s %+v, want %s (field %q)", tc.name, fr.Type, e, tc.code, tc.field)
				}
			}
			// A misspelt field is refused, not ignored.
			raw := json.RawMessage(`{"channel_id":1,"seq":1,"reaction":"OK","onn":true}`)
			fr := f.frame("yangfan", protocol.TypeReact, "y", raw)
			if errCode(t, fr) != protocol.CodeBadRequest {
				t.Errorf("unknown field: %s", fr.Data)
			}
			// The recalled message shows no reactions in history.
			page, _ := f.svc.History(ctx, zhou, store.HistoryQuery{ChannelID: office.ID, AfterSeq: other - 1, Limit: 1})
			if len(page.Messages) != 1 || page.Messages[0].Reactions != nil {
				t.Errorf("recalled message in history: %+v", page.Messages)
			}
			_ = chen
		})
	})
}

func TestReactionsRateLimitAndOff(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		var f *fixture
		f = newFixture(t, s, func(o *chat.Options) {
			o.ReactLimit = ratelimit.New(60, 2, 100, func() time.Time { return f.clock.now() })
		})
		office := f.channel(store.ChannelDepartment, "办公室")
		seq := ack(t, f.send("zhouhaiyan", office.ID, "rl-1", "周五前报送")).Seq
		reactions(t, f.react("yangfan", office.ID, seq, "收到", true))
		reactions(t, f.react("yangfan", office.ID, seq, "收到", false))
		if errCode(t, f.react("yangfan", office.ID, seq, "收到", true)) != protocol.CodeRateLimited {
			t.Fatal("a third reaction within the burst of two was accepted")
		}
		reactions(t, f.react("chenzhiqiang", office.ID, seq, "收到", true)) // others are not held back
		f.clock.advance(time.Second)
		reactions(t, f.react("yangfan", office.ID, seq, "收到", true))

		off := newFixture(t, storetest.NewSQLite(t), func(o *chat.Options) { o.Reactions = nil })
		officeOff := off.channel(store.ChannelDepartment, "办公室")
		seqOff := ack(t, off.send("zhouhaiyan", officeOff.ID, "off-1", "通知")).Seq
		if errCode(t, off.react("yangfan", officeOff.ID, seqOff, "收到", true)) != protocol.CodeReactionNotAllowed {
			t.Error("a reaction was taken with reactions off")
		}
		if got := off.svc.Reactions(); len(got) != 0 {
			t.Errorf("Reactions() = %q with reactions off", got)
		}
	})
}

// A system line (群聊创建, 改名 …) takes no reactions, and history shows it without.
func TestReactionsRefuseSystemLines(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		zhang, li := f.users["zhangjing"], f.users["lihua"]
		c, err := f.svc.CreateGroup(ctx, zhang.ID, protocol.CreateGroupRequest{Members: []int64{li.ID}})
		if err != nil {
			t.Fatal(err)
		}
		fr := f.react("lihua", c.ID, 1, "收到", true) // seq 1 is the creation line
		var e protocol.Error
		json.Unmarshal(fr.Data, &e)
		if fr.Type != protocol.TypeError || e.Code != protocol.CodeForbidden {
			t.Fatalf("reacting to a system line: %s %+v", fr.Type, e)
		}
		seq := ack(t, f.send("zhangjing", c.ID, "sys-1", "大家好")).Seq
		reactions(t, f.react("lihua", c.ID, seq, "收到", true))
		page, err := f.svc.History(ctx, li.ID, store.HistoryQuery{ChannelID: c.ID, Limit: 10})
		if err != nil || len(page.Messages) != 2 || page.Messages[0].Reactions != nil || len(page.Messages[1].Reactions) != 1 {
			t.Fatalf("history %+v %v", page.Messages, err)
		}
	})
}
