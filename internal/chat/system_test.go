package chat_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// alertLog is an Alerter that remembers what it heard.
type alertLog struct {
	mu   sync.Mutex
	msgs []store.Message
}

func (a *alertLog) Message(m store.Message) {
	a.mu.Lock()
	a.msgs = append(a.msgs, m)
	a.mu.Unlock()
}

func (a *alertLog) heard() []store.Message {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.msgs)
}

var _ chat.Alerter = (*alertLog)(nil)

// systemLines pages a channel's history and returns its system events in order.
func systemLines(t *testing.T, f *fixture, username string, channelID int64) []protocol.Message {
	t.Helper()
	h, err := f.svc.History(context.Background(), f.users[username].ID, store.HistoryQuery{ChannelID: channelID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []protocol.Message
	for _, m := range h.Messages {
		if m.Kind == protocol.MessageKindSystem {
			out = append(out, m)
		}
	}
	return out
}

func TestGroupWithoutANameAndItsSystemLines(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		alerts := &alertLog{}
		f := newFixture(t, s, func(o *chat.Options) { o.Alerts = alerts })
		ctx := context.Background()
		zhang, li, wang, zhou := f.users["zhangjing"], f.users["lihua"], f.users["wangjianguo"], f.users["zhouhaiyan"]

		// 张静 creates a group with 李华 and 王建国 without typing a name.
		c, err := f.svc.CreateGroup(ctx, zhang.ID, protocol.CreateGroupRequest{Members: []int64{wang.ID, li.ID}})
		if err != nil {
			t.Fatal(err)
		}
		others := []store.User{li, wang}
		slices.SortFunc(others, func(a, b store.User) int { return int(a.ID - b.ID) })
		want := "张静、" + others[0].DisplayName + "、" + others[1].DisplayName
		if c.Name != want || !c.AutoName {
			t.Fatalf("group named %q (auto %v), want %q named from its members", c.Name, c.AutoName, want)
		}
		if c.LastSeq != 1 {
			t.Errorf("the new group's last_seq is %d; its creation line is seq 1", c.LastSeq)
		}
		lines := systemLines(t, f, "lihua", c.ID)
		if len(lines) != 1 || lines[0].Seq != 1 || lines[0].System.Event != protocol.SystemGroupCreated ||
			lines[0].System.ActorID != zhang.ID || !slices.Equal(lines[0].System.UserIDs, []int64{others[0].ID, others[1].ID}) ||
			lines[0].SenderID != 0 || lines[0].Text != "" {
			t.Fatalf("creation line %+v", lines)
		}

		// A person's message after it is seq 2; the line never counts as unread.
		f.watch(busevent.ChannelTopic(c.ID))
		ack(t, f.send("lihua", c.ID, "g-1", "收到"))
		mine, err := f.svc.ListMine(ctx, wang.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range mine.Channels {
			if ch.ID == c.ID && (ch.Unread != 1 || ch.Notify != "all") {
				t.Errorf("王建国 sees unread %d (want 1: only 收到), notify %q", ch.Unread, ch.Notify)
			}
		}

		// People who join rename an unnamed group; a line says who invited whom.
		f.clock.advance(time.Minute)
		if err := f.svc.AddMembers(ctx, zhang.ID, c.ID, []int64{zhou.ID}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetChannel(ctx, c.ID)
		if got.Name != want+"…" {
			t.Errorf("after 周海燕 joined the group is named %q, want %q", got.Name, want+"…")
		}
		// 李华 leaves; the name follows.
		if err := f.svc.RemoveMember(ctx, li.ID, c.ID, li.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetChannel(ctx, c.ID)
		if got.Name != "张静、王建国、周海燕" {
			t.Errorf("after 李华 left the group is named %q", got.Name)
		}
		// An administrator renames it: a line, and the name no longer follows members.
		if _, err := f.svc.UpdateChannel(ctx, zhang.ID, c.ID, protocol.UpdateChannelRequest{Name: ptr("预算编制筹备组")}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RemoveMember(ctx, zhang.ID, c.ID, zhou.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetChannel(ctx, c.ID)
		if got.Name != "预算编制筹备组" || got.AutoName {
			t.Errorf("a named group was renamed to %q (auto %v) when someone was removed", got.Name, got.AutoName)
		}
		// A rename to the same name writes nothing.
		if _, err := f.svc.UpdateChannel(ctx, zhang.ID, c.ID, protocol.UpdateChannelRequest{Name: ptr("预算编制筹备组")}); err != nil {
			t.Fatal(err)
		}
		// An empty name goes back to naming it from its members.
		back, err := f.svc.UpdateChannel(ctx, zhang.ID, c.ID, protocol.UpdateChannelRequest{Name: ptr("")})
		if err != nil || back.Name != "张静、王建国" || !back.AutoName {
			t.Fatalf("clearing the name: %+v, %v", back, err)
		}

		type line struct {
			event string
			actor int64
			users []int64
			name  string
		}
		var gotLines []line
		for _, m := range systemLines(t, f, "zhangjing", c.ID) {
			gotLines = append(gotLines, line{m.System.Event, m.System.ActorID, m.System.UserIDs, m.System.Name})
		}
		wantLines := []line{
			{protocol.SystemGroupCreated, zhang.ID, []int64{others[0].ID, others[1].ID}, ""},
			{protocol.SystemMembersAdded, zhang.ID, []int64{zhou.ID}, ""},
			{protocol.SystemMemberLeft, li.ID, nil, ""},
			{protocol.SystemRenamed, zhang.ID, nil, "预算编制筹备组"},
			{protocol.SystemMemberRemoved, zhang.ID, []int64{zhou.ID}, ""},
			{protocol.SystemRenamed, zhang.ID, nil, "张静、王建国"},
		}
		if len(gotLines) != len(wantLines) {
			t.Fatalf("system lines %+v, want %+v", gotLines, wantLines)
		}
		for i := range wantLines {
			g, w := gotLines[i], wantLines[i]
			if g.event != w.event || g.actor != w.actor || !slices.Equal(g.users, w.users) || g.name != w.name {
				t.Errorf("line %d = %+v, want %+v", i, g, w)
			}
		}

		// They went out on the channel's topic, in sequence, like messages.
		evs := f.settle(t, busevent.ChannelTopic(c.ID), "zhangjing", c.ID)
		var onBus int
		for _, e := range evs {
			var m protocol.Message
			json.Unmarshal(e.frame.Data, &m)
			// The creation line (seq 1) is published asynchronously and may land before
			// or after the watch began, so only the lines after it are counted.
			if m.Kind == protocol.MessageKindSystem && m.Seq > 1 {
				onBus++
				if e.seq != m.Seq {
					t.Errorf("system line %d travelled with sequence %d", m.Seq, e.seq)
				}
			}
		}
		if onBus != len(wantLines)-1 { // all but the creation line
			t.Errorf("%d system lines on the bus, want %d", onBus, len(wantLines)-1)
		}

		// Resume replays them.
		frames, _, _, err := f.svc.Resume(ctx, wang.ID, protocol.ResumePos{ChannelID: c.ID, LastSeq: 0, Epoch: 1})
		if err != nil || len(frames) == 0 || !json.Valid(frames[0]) {
			t.Fatalf("resume: %d frames, %v", len(frames), err)
		}
		var first struct{ Data protocol.Message }
		json.Unmarshal(frames[0], &first)
		if first.Data.Kind != protocol.MessageKindSystem || first.Data.Seq != 1 {
			t.Errorf("resume starts with %+v, want the creation line", first.Data)
		}

		// Nothing of them was handed to the pushes; people's messages were.
		for _, m := range alerts.heard() {
			if m.Kind == store.MessageKindSystem {
				t.Errorf("system line %d was alerted", m.Seq)
			}
		}
		if len(alerts.heard()) == 0 {
			t.Error("people's messages were not alerted either: the test proves nothing")
		}
	})
}

func TestSystemLinesRefuseEditRecallReply(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		c, err := f.svc.CreateGroup(ctx, f.users["zhangjing"].ID, protocol.CreateGroupRequest{Name: "会务组", Members: []int64{f.users["lihua"].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if c.AutoName {
			t.Error("a typed name is not automatic")
		}
		// 张静 administers the group and may recall anyone's message at any time — not a system line.
		if code := errCode(t, f.frame("zhangjing", protocol.TypeRecall, "r", protocol.RecallData{ChannelID: c.ID, Seq: 1})); code != protocol.CodeForbidden {
			t.Errorf("recall of a system line: %s, want forbidden", code)
		}
		if code := errCode(t, f.frame("zhangjing", protocol.TypeEdit, "e", protocol.EditData{ChannelID: c.ID, Seq: 1, Text: "改"})); code != protocol.CodeForbidden {
			t.Errorf("edit of a system line: %s, want forbidden", code)
		}
		fr := f.frame("lihua", protocol.TypeSend, "s", protocol.SendData{ChannelID: c.ID, ClientID: "reply-1", Text: "回复", ReplyTo: 1})
		var e protocol.Error
		json.Unmarshal(fr.Data, &e)
		if fr.Type != protocol.TypeError || e.Code != protocol.CodeBadRequest || e.Field != "reply_to" {
			t.Errorf("reply to a system line: %s %s", fr.Type, fr.Data)
		}
		// A real message can still be replied to.
		seq := ack(t, f.send("lihua", c.ID, "m-1", "好的")).Seq
		ack(t, f.frame("zhangjing", protocol.TypeSend, "s2", protocol.SendData{ChannelID: c.ID, ClientID: "reply-2", Text: "嗯", ReplyTo: seq}))
	})
}

func TestOrgChannelsWriteNoSystemLines(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		budget := f.channel(store.ChannelDepartment, "预算股")
		treasury := f.channel(store.ChannelDepartment, "国库股")
		fengyu := f.users["fengyu"]
		if err := s.SetUserDepartments(ctx, fengyu.ID, []store.DeptMembership{{UserID: fengyu.ID, DepartmentID: treasury.DepartmentID, Primary: true}}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncOrgChannels(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range []store.Channel{budget, treasury} {
			after, _ := s.GetChannel(ctx, c.ID)
			if after.LastSeq != c.LastSeq {
				t.Errorf("%s: the org sync wrote %d lines", c.Name, after.LastSeq-c.LastSeq)
			}
		}
		// Nor can anyone name a department channel from its members.
		if _, err := f.svc.UpdateChannel(ctx, f.users["lihua"].ID, budget.ID, protocol.UpdateChannelRequest{Name: ptr("")}); err == nil {
			t.Error("a department channel was given a name from its members")
		}
	})
}

func ptr[T any](v T) *T { return &v }
