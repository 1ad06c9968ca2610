package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/chat"
	"govchat/internal/demo"
	"govchat/internal/passwd"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder collects what the service publishes on the bus.
type recorder struct {
	mu     sync.Mutex
	events map[string][]event
	landed chan struct{} // a token after each event, for waiters
}

func newRecorder() *recorder {
	return &recorder{events: map[string][]event{}, landed: make(chan struct{}, 1)}
}

type event struct {
	seq     int64
	change  busevent.Change
	channel int64
	since   int64 // a join's: where in the channel the user joined
	frame   protocol.Frame
}

func (r *recorder) handler(topic string, payload []byte) {
	e, err := busevent.Decode(payload)
	if err != nil {
		panic(err)
	}
	var f protocol.Frame
	if err := json.Unmarshal(e.Frame, &f); err != nil {
		panic(err)
	}
	r.mu.Lock()
	r.events[topic] = append(r.events[topic], event{e.Seq, e.Change, e.Channel, e.Since, f})
	r.mu.Unlock()
	select {
	case r.landed <- struct{}{}:
	default:
	}
}

// sentinelPrefix marks the client ids of the messages settle sends.
const sentinelPrefix = "sentinel-"

// settle sends a sentinel message to the channel (whose bus topic is topic) and waits
// until it is on the bus. New messages, edits and recalls are published after the
// ack, by the publisher goroutine, in commit order: once the sentinel has landed, so
// has everything before it. It returns the topic's events before the sentinel,
// leaving out earlier sentinels — all the events there will ever be for what the test
// did so far.
func (f *fixture) settle(t *testing.T, topic, username string, channelID int64) []event {
	t.Helper()
	f.sentinels++
	id := fmt.Sprint(sentinelPrefix, f.sentinels)
	ack(t, f.send(username, channelID, id, "sentinel"))
	timeout := time.After(5 * time.Second)
	for {
		var before []event
		for _, e := range f.rec.on(topic) {
			var m protocol.Message
			json.Unmarshal(e.frame.Data, &m)
			if m.ClientID == id {
				return before
			}
			if !strings.HasPrefix(m.ClientID, sentinelPrefix) {
				before = append(before, e)
			}
		}
		select {
		case <-f.rec.landed:
		case <-timeout:
			t.Fatalf("the sentinel %s never reached the bus", id)
		}
	}
}

func (r *recorder) on(topic string) []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events[topic]...)
}

type fixture struct {
	t     *testing.T
	s     store.Store
	svc   *chat.Service
	bus   *bus.Memory
	clock *clock
	rec   *recorder
	users map[string]store.User
	// sentinels counts the sentinel messages settle sent.
	sentinels int
}

func newFixture(t *testing.T, s store.Store, tweak ...func(*chat.Options)) *fixture {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	h := passwd.NewHasher(passwd.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32})
	if _, err := demo.FirstStart(context.Background(), store.Narrow(s, func(tx store.Store) demo.Tx { return tx }), h, c.now(), true); err != nil {
		t.Fatal(err)
	}
	b := bus.NewMemory()
	t.Cleanup(func() { b.Close() })
	opt := chat.DefaultOptions()
	for _, f := range tweak {
		f(&opt)
	}
	svc := chat.New(s, b, slog.New(slog.NewTextHandler(io.Discard, nil)), c.now, opt)
	t.Cleanup(svc.Close)
	if err := svc.SyncOrgChannels(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s, svc: svc, bus: b, clock: c, rec: newRecorder(), users: map[string]store.User{}}
	users, err := s.ListUsers(context.Background(), store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		f.users[u.Username] = u
	}
	return f
}

func (f *fixture) watch(topic string) {
	f.t.Helper()
	unsub, err := f.bus.Subscribe(context.Background(), topic, f.rec.handler)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(unsub)
}

// channel finds the org channel of a department or party organisation by name.
func (f *fixture) channel(kind store.ChannelKind, name string) store.Channel {
	f.t.Helper()
	cs, err := f.s.ListChannelsByKind(context.Background(), kind)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	f.t.Fatalf("no %s channel %q", kind, name)
	return store.Channel{}
}

// frame sends one client frame as username and decodes the reply.
func (f *fixture) frame(username, typ, ref string, data any) protocol.Frame {
	f.t.Helper()
	raw, _ := json.Marshal(data)
	p := auth.Principal{User: f.users[username]}
	reply := f.svc.Handle(context.Background(), p, protocol.Frame{V: 1, Type: typ, Ref: ref, Data: raw})
	var out protocol.Frame
	if err := json.Unmarshal(reply, &out); err != nil {
		f.t.Fatalf("reply %s: %v", reply, err)
	}
	if out.Ref != ref {
		f.t.Fatalf("reply ref %q, want %q", out.Ref, ref)
	}
	return out
}

func (f *fixture) send(username string, channelID int64, clientID, text string) protocol.Frame {
	f.t.Helper()
	return f.frame(username, protocol.TypeSend, clientID, protocol.SendData{ChannelID: channelID, ClientID: clientID, Text: text})
}

func ack(t *testing.T, fr protocol.Frame) protocol.AckData {
	t.Helper()
	if fr.Type != protocol.TypeAck {
		t.Fatalf("want ack, got %s %s", fr.Type, fr.Data)
	}
	var a protocol.AckData
	json.Unmarshal(fr.Data, &a)
	return a
}

func errCode(t *testing.T, fr protocol.Frame) protocol.Code {
	t.Helper()
	if fr.Type != protocol.TypeError {
		t.Fatalf("want error, got %s %s", fr.Type, fr.Data)
	}
	var e protocol.Error
	json.Unmarshal(fr.Data, &e)
	return e.Code
}

func TestOrgChannelsFollowTheTree(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		members := func(c store.Channel) map[string]store.MemberRole {
			ms, err := s.ListMembers(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]store.MemberRole{}
			for _, m := range ms {
				u, _ := s.GetUser(ctx, m.UserID)
				out[u.Username] = m.Role
			}
			return out
		}
		budget := members(f.channel(store.ChannelDepartment, "预算股"))
		// 预算股 includes its two sections; its head 李华 administers it.
		for _, u := range []string{"lihua", "zhangjing", "wuqiang", "zhengxue", "fengyu"} {
			if _, ok := budget[u]; !ok {
				t.Errorf("预算股 channel lacks %s: %v", u, budget)
			}
		}
		if budget["lihua"] != store.MemberAdmin || budget["zhangjing"] != store.MemberNormal || len(budget) != 5 {
			t.Errorf("预算股 members %v", budget)
		}
		section := members(f.channel(store.ChannelDepartment, "预算编制组"))
		if len(section) != 2 {
			t.Errorf("预算编制组 members %v", section)
		}
		branch := members(f.channel(store.ChannelParty, "机关党支部"))
		if branch["wangjianguo"] != store.MemberAdmin || branch["liufang"] != store.MemberAdmin || len(branch) != 13 {
			t.Errorf("机关党支部 members (%d) %v", len(branch), branch)
		}

		// Moving 冯宇 to 国库股 moves him between channels, and he is told.
		f.watch(busevent.UserTopic(f.users["fengyu"].ID))
		treasury := f.channel(store.ChannelDepartment, "国库股")
		if err := s.SetUserDepartments(ctx, f.users["fengyu"].ID, []store.DeptMembership{{UserID: f.users["fengyu"].ID, DepartmentID: treasury.DepartmentID, Primary: true}}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncOrgChannels(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := members(f.channel(store.ChannelDepartment, "预算股"))["fengyu"]; ok {
			t.Error("冯宇 is still in 预算股")
		}
		if _, ok := members(treasury)["fengyu"]; !ok {
			t.Error("冯宇 is not in 国库股")
		}
		got := map[string]bool{}
		for _, e := range f.rec.on(busevent.UserTopic(f.users["fengyu"].ID)) {
			var ce protocol.ChannelEvent
			json.Unmarshal(e.frame.Data, &ce)
			got[ce.Event] = true
			// The hub follows the envelope, so it must say what the frame says.
			want := map[string]busevent.Change{protocol.ChannelJoined: busevent.Joined, protocol.ChannelLeft: busevent.Left}[ce.Event]
			if e.change != want || (want != busevent.NoChange && e.channel != ce.ChannelID) {
				t.Errorf("%s of channel %d travelled as %s of channel %d", ce.Event, ce.ChannelID, e.change, e.channel)
			}
		}
		if !got["joined"] || !got["left"] {
			t.Errorf("冯宇 was not told of his move: %v", got)
		}

		// Renaming the department renames its channel, and its members are told.
		f.watch(busevent.UserTopic(f.users["xulei"].ID))
		d, err := s.GetDepartment(ctx, treasury.DepartmentID)
		if err != nil {
			t.Fatal(err)
		}
		d.Name = "国库支付中心"
		if err := s.UpdateDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncOrgChannels(ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.GetChannel(ctx, treasury.ID); c.Name != "国库支付中心" {
			t.Errorf("channel name %q after the department was renamed", c.Name)
		}
		updated := false
		for _, e := range f.rec.on(busevent.UserTopic(f.users["xulei"].ID)) {
			var ce protocol.ChannelEvent
			json.Unmarshal(e.frame.Data, &ce)
			updated = updated || (ce.ChannelID == treasury.ID && ce.Event == "updated")
		}
		if !updated {
			t.Error("members were not told the channel was renamed")
		}

		// A disabled account leaves every channel.
		u := f.users["gaoyan"]
		u.Disabled = true
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SyncOrgChannels(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := members(treasury)["gaoyan"]; ok {
			t.Error("a disabled account is still a member")
		}
	})
}

func TestSend(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		office := f.channel(store.ChannelDepartment, "办公室")
		f.watch(busevent.ChannelTopic(office.ID))

		a := ack(t, f.send("zhouhaiyan", office.ID, "m-1", "明天上午九点开会，请准时参加。"))
		if a.Seq != 1 || a.Duplicate {
			t.Fatalf("first ack %+v", a)
		}
		b := ack(t, f.send("chenzhiqiang", office.ID, "m-1", "收到")) // another sender may reuse an id
		if b.Seq != 2 {
			t.Fatalf("second ack %+v", b)
		}
		again := ack(t, f.send("zhouhaiyan", office.ID, "m-1", "明天上午九点开会，请准时参加。"))
		if again.Seq != 1 || !again.Duplicate {
			t.Fatalf("retry must return the first ack: %+v", again)
		}
		evs := f.settle(t, busevent.ChannelTopic(office.ID), "zhouhaiyan", office.ID)
		if len(evs) != 2 || evs[0].seq != 1 || evs[1].seq != 2 || evs[0].frame.Type != protocol.TypeMessage {
			t.Fatalf("published %+v; want two message events with seq 1, 2 and none for the retry", evs)
		}

		cases := []struct {
			name string
			user string
			data protocol.SendData
			code protocol.Code
		}{
			{"not a member", "heping", protocol.SendData{ChannelID: office.ID, ClientID: "x1", Text: "hi"}, protocol.CodeNotMember},
			{"no such channel", "zhouhaiyan", protocol.SendData{ChannelID: 99999, ClientID: "x2", Text: "hi"}, protocol.CodeNotMember},
			{"empty text", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x3", Text: "  \n "}, protocol.CodeBadRequest},
			{"too long", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x4", Text: string(make([]rune, 5001))}, protocol.CodeBadRequest},
			{"control characters", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x5", Text: "a\x00b"}, protocol.CodeBadRequest},
			{"bad client id", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "编号", Text: "hi"}, protocol.CodeBadRequest},
			{"missing client id", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, Text: "hi"}, protocol.CodeBadRequest},
			{"mention of an outsider", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x6", Text: "hi", Mentions: []int64{f.users["heping"].ID}}, protocol.CodeBadRequest},
			{"@all by a non-admin", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x7", Text: "hi", MentionAll: true}, protocol.CodeBadRequest},
			{"secrecy above the ceiling", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x8", Text: "hi", Secrecy: 3}, protocol.CodeSecrecyAboveCeiling},
			{"a level that does not exist", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "s9", Text: "hi", Secrecy: 4}, protocol.CodeBadRequest},
			{"a negative level", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "s10", Text: "hi", Secrecy: -1}, protocol.CodeBadRequest},
			{"reply to nothing", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x9", Text: "hi", ReplyTo: 77}, protocol.CodeBadRequest},
			// Without Options.Files (internal/keys) the server takes no files; the
			// attachment rules are tested with it in internal/httpapi.
			{"a file where files are off", "zhouhaiyan", protocol.SendData{ChannelID: office.ID, ClientID: "x10",
				Attachment: &protocol.AttachmentRef{BlobID: "0123456789abcdef0123456789abcdef", Commitment: "c"}}, protocol.CodeBadRequest},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := errCode(t, f.frame(tc.user, protocol.TypeSend, tc.data.ClientID+"r", tc.data)); got != tc.code {
					t.Errorf("code %s, want %s", got, tc.code)
				}
			})
		}
		// Nothing above reached the channel.
		if n := len(f.settle(t, busevent.ChannelTopic(office.ID), "zhouhaiyan", office.ID)); n != 2 {
			t.Errorf("%d events after refused sends", n)
		}
		t.Run("malformed data", func(t *testing.T) {
			p := auth.Principal{User: f.users["zhouhaiyan"]}
			for _, raw := range []string{`{"channel_id":"x"}`, `{"channel_id":1,"extra":1}`, `[`, ``} {
				var out protocol.Frame
				json.Unmarshal(f.svc.Handle(context.Background(), p, protocol.Frame{V: 1, Type: "send", Ref: "r", Data: json.RawMessage(raw)}), &out)
				if errCode(t, out) != protocol.CodeBadRequest {
					t.Errorf("%q accepted", raw)
				}
			}
		})
		t.Run("announcement channel", func(t *testing.T) {
			ctx := context.Background()
			office.PostPolicy = store.PolicyAdmins
			if err := s.UpdateChannel(ctx, office); err != nil {
				t.Fatal(err)
			}
			if errCode(t, f.send("zhouhaiyan", office.ID, "ann-1", "我能发吗")) != protocol.CodeForbidden {
				t.Error("a member posted in an admins-only channel")
			}
			ack(t, f.send("chenzhiqiang", office.ID, "ann-2", "通知：本周五下午大扫除。"))
		})
	})
}

func TestRecallEditRead(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		office := f.channel(store.ChannelDepartment, "办公室")
		f.watch(busevent.ChannelTopic(office.ID))
		seq := ack(t, f.send("zhouhaiyan", office.ID, "r-1", "发错了")).Seq
		seq2 := ack(t, f.send("zhouhaiyan", office.ID, "r-2", "第二条")).Seq

		if errCode(t, f.frame("yangfan", protocol.TypeRecall, "a", protocol.RecallData{ChannelID: office.ID, Seq: seq})) != protocol.CodeForbidden {
			t.Error("another member recalled someone's message")
		}
		ack(t, f.frame("zhouhaiyan", protocol.TypeRecall, "b", protocol.RecallData{ChannelID: office.ID, Seq: seq}))
		m, _ := s.GetMessage(context.Background(), office.ID, seq)
		if m.RecalledAt.IsZero() || m.Text != "" {
			t.Fatalf("recalled message %+v", m)
		}
		evs := f.settle(t, busevent.ChannelTopic(office.ID), "zhouhaiyan", office.ID)
		if len(evs) != 3 {
			t.Fatalf("%d events for two messages and a recall", len(evs))
		}
		if last := evs[len(evs)-1]; last.seq != 0 || last.frame.Type != protocol.TypeMessage {
			t.Errorf("a recall must go out as an unsequenced message event, got %+v", last)
		}

		f.clock.advance(3 * time.Minute)
		if errCode(t, f.frame("zhouhaiyan", protocol.TypeRecall, "c", protocol.RecallData{ChannelID: office.ID, Seq: seq2})) != protocol.CodeWindowExpired {
			t.Error("recall after the window was accepted")
		}
		// The channel's administrator (办公室主任) may recall any time.
		ack(t, f.frame("chenzhiqiang", protocol.TypeRecall, "d", protocol.RecallData{ChannelID: office.ID, Seq: seq2}))

		seq3 := ack(t, f.send("zhouhaiyan", office.ID, "r-3", "会议改到十点")).Seq
		ack(t, f.frame("zhouhaiyan", protocol.TypeEdit, "e", protocol.EditData{ChannelID: office.ID, Seq: seq3, Text: "会议改到十点半"}))
		m, _ = s.GetMessage(context.Background(), office.ID, seq3)
		if m.Text != "会议改到十点半" || m.EditedAt.IsZero() {
			t.Fatalf("edited message %+v", m)
		}
		if errCode(t, f.frame("yangfan", protocol.TypeEdit, "f", protocol.EditData{ChannelID: office.ID, Seq: seq3, Text: "x"})) != protocol.CodeForbidden {
			t.Error("someone else edited a message")
		}

		// Read positions move forward only and reach the user's other devices.
		me := f.users["yangfan"]
		f.watch(busevent.UserTopic(me.ID))
		if got := ack(t, f.frame("yangfan", protocol.TypeRead, "g", protocol.ReadData{ChannelID: office.ID, Seq: seq3})).Seq; got != seq3 {
			t.Errorf("read position %d, want %d", got, seq3)
		}
		var rd protocol.ReadData
		back := f.frame("yangfan", protocol.TypeRead, "h", protocol.ReadData{ChannelID: office.ID, Seq: 1})
		json.Unmarshal(back.Data, &rd)
		if rd.Seq != seq3 {
			t.Errorf("read position went back to %d", rd.Seq)
		}
		if n := len(f.rec.on(busevent.UserTopic(me.ID))); n != 2 {
			t.Errorf("%d read events on the user topic, want 2", n)
		}
		if errCode(t, f.frame("heping", protocol.TypeRead, "i", protocol.ReadData{ChannelID: office.ID, Seq: 1})) != protocol.CodeNotMember {
			t.Error("a non-member set a read position")
		}
	})
}

func TestResume(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		office := f.channel(store.ChannelDepartment, "办公室")
		for i := range 5 {
			ack(t, f.send("zhouhaiyan", office.ID, "res-"+string(rune('a'+i)), "消息"))
		}
		me := f.users["yangfan"].ID
		frames, last, resync, err := f.svc.Resume(ctx, me, protocol.ResumePos{ChannelID: office.ID, LastSeq: 2, Epoch: 1})
		if err != nil || resync != nil || last != 5 || len(frames) != 3 {
			t.Fatalf("resume from 2: %d frames, last %d, resync %+v, err %v", len(frames), last, resync, err)
		}
		var first protocol.Frame
		json.Unmarshal(frames[0], &first)
		var m protocol.Message
		json.Unmarshal(first.Data, &m)
		if m.Seq != 3 {
			t.Errorf("replay starts at %d, want 3", m.Seq)
		}
		if _, _, resync, _ := f.svc.Resume(ctx, me, protocol.ResumePos{ChannelID: office.ID, LastSeq: 2, Epoch: 9}); resync == nil || resync.Reason != "epoch_changed" {
			t.Errorf("another epoch must resync, got %+v", resync)
		}
		if _, _, _, err := f.svc.Resume(ctx, f.users["heping"].ID, protocol.ResumePos{ChannelID: office.ID}); err == nil {
			t.Error("a non-member resumed a channel")
		}
	})
}

func TestSendRateLimitPerUser(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		var f *fixture
		f = newFixture(t, s, func(o *chat.Options) {
			o.SendLimit = ratelimit.New(60, 2, 100, func() time.Time { return f.clock.now() })
		})
		office := f.channel(store.ChannelDepartment, "办公室")
		ack(t, f.send("zhouhaiyan", office.ID, "rl-1", "一"))
		ack(t, f.send("zhouhaiyan", office.ID, "rl-2", "二"))
		refused := f.send("zhouhaiyan", office.ID, "rl-3", "三")
		if errCode(t, refused) != protocol.CodeRateLimited {
			t.Fatal("the third send within the burst of two was accepted")
		}
		var e protocol.Error
		json.Unmarshal(refused.Data, &e)
		if e.RetryAfter < 1 {
			t.Errorf("retry_after %d", e.RetryAfter)
		}
		ack(t, f.send("chenzhiqiang", office.ID, "rl-4", "别人不受影响"))
		f.clock.advance(time.Second)
		ack(t, f.send("zhouhaiyan", office.ID, "rl-3", "三"))
	})
}

// Org syncs that overlap — several admin requests, the periodic sync, another node —
// leave exactly one channel per department.
func TestConcurrentSyncsMakeOneChannelEach(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		d := store.Department{Name: "综合股"}
		if err := s.CreateDepartment(ctx, &d); err != nil {
			t.Fatal(err)
		}
		other := chat.New(s, f.bus, slog.New(slog.NewTextHandler(io.Discard, nil)), f.clock.now, chat.DefaultOptions())
		defer other.Close()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			svc := f.svc
			if i%2 == 1 {
				svc = other // a second node
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- svc.SyncOrgChannels(ctx)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		cs, _ := s.ListChannelsByKind(ctx, store.ChannelDepartment)
		n := 0
		for _, c := range cs {
			if c.DepartmentID == d.ID {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d channels for one department", n)
		}
	})
}

// TestAckAfterBus: in a cluster an ack means the message is on the bus already, so a
// node that dies right after acking cannot keep it from the other nodes' clients.
func TestAckAfterBus(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ackAfterBus bool
	}{{"cluster", true}, {"one node", false}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, storetest.NewSQLite(t), func(o *chat.Options) { o.AckAfterBus = tc.ackAfterBus })
			office := f.channel(store.ChannelDepartment, "办公室")
			f.watch(busevent.ChannelTopic(office.ID))
			for i := range 20 {
				a := ack(t, f.send("zhouhaiyan", office.ID, fmt.Sprint("ab-", i), "请各股室周五前报送材料"))
				evs := f.rec.on(busevent.ChannelTopic(office.ID))
				if tc.ackAfterBus && (len(evs) != i+1 || evs[i].seq != a.Seq) {
					t.Fatalf("ack %d (seq %d) came before the message was on the bus (%d events)", i, a.Seq, len(evs))
				}
			}
			if got := f.settle(t, busevent.ChannelTopic(office.ID), "zhouhaiyan", office.ID); len(got) != 20 {
				t.Fatalf("%d messages on the bus, want 20", len(got))
			}
		})
	}
}
