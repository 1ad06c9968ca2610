package alert

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/quiet"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

var cst = time.FixedZone("CST", 8*3600)

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }

// pushes records what would go to devices.
type pushes struct {
	mu   sync.Mutex
	sent []sent
}

type sent struct {
	user int64
	p    Push
}

func (r *pushes) Push(_ context.Context, users []int64, p Push) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range users {
		r.sent = append(r.sent, sent{u, p})
	}
	return nil
}

func (r *pushes) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

func (r *pushes) to(users ...int64) func(*testing.T) {
	return func(t *testing.T) {
		t.Helper()
		got := map[int64]bool{}
		for _, s := range r.take() {
			got[s.user] = true
		}
		if len(got) != len(users) {
			t.Fatalf("pushed to %v, want %v", keys(got), users)
		}
		for _, u := range users {
			if !got[u] {
				t.Fatalf("pushed to %v, want %v", keys(got), users)
			}
		}
	}
}

func keys(m map[int64]bool) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	return out
}

type world struct {
	s        store.Store
	a        *Dispatcher
	rec      *pushes
	clock    *time.Time
	policy   *quiet.Policy
	online   map[int64]bool
	levels   map[int64]string
	leader   store.User
	b, c     int64
	group    store.Channel
	auditLog *audit.Recorder
}

func newWorld(t *testing.T, opt Options) *world {
	t.Helper()
	ctx := context.Background()
	s := storetest.NewSQLite(t)
	mk := func(name string, role store.Role) store.User {
		u := store.User{Username: name, DisplayName: name, Role: role, CreatedAt: at(2026, 1, 1, 0, 0)}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	leader := mk("wangjianguo", store.RoleLeader)
	b, c := mk("zhangjing", store.RoleStaff), mk("wuqiang", store.RoleStaff)
	group := store.Channel{Kind: store.ChannelGroup, Name: "预算工作组", CreatedAt: at(2026, 1, 1, 0, 0)}
	if err := s.CreateChannel(ctx, &group, []store.ChannelMember{{UserID: leader.ID}, {UserID: b.ID}, {UserID: c.ID}}); err != nil {
		t.Fatal(err)
	}
	// Everyone has a device subscribed: pushes and digests are only for those who do.
	for i, u := range []store.User{leader, b, c} {
		sub := store.PushSubscription{UserID: u.ID, Endpoint: fmt.Sprintf("https://push.example/%d", i), P256dh: "p", Auth: "a", CreatedAt: at(2026, 1, 1, 0, 0)}
		if err := s.SavePushSubscription(ctx, &sub); err != nil {
			t.Fatal(err)
		}
	}
	cal, err := quiet.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	policy := quiet.NewPolicy(cal)
	clock := at(2026, 4, 24, 22, 0)
	w := &world{s: s, rec: &pushes{}, clock: &clock, policy: &policy, online: map[int64]bool{}, levels: map[int64]string{},
		leader: leader, b: b.ID, c: c.ID, group: group}
	now := func() time.Time { return *w.clock }
	w.auditLog = audit.New(s, now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.a = New(Deps{
		Store: s, Pusher: w.rec, Now: now, Audit: w.auditLog, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Policy: func(context.Context) (Reach, error) { return *w.policy, nil },
		Online: func(_ context.Context, ids []int64) (map[int64]bool, error) { return w.online, nil },
		Levels: func(context.Context, int64) (map[int64]string, error) { return w.levels, nil },
	}, opt)
	t.Cleanup(w.a.Close)
	return w
}

// say commits nothing: the dispatcher only reads the message it is given.
func (w *world) say(from int64, text string, over func(*store.Message)) {
	m := store.Message{ChannelID: w.group.ID, Seq: 1, SenderID: from, Text: text, CreatedAt: *w.clock}
	if over != nil {
		over(&m)
	}
	w.a.message(context.Background(), m)
}

func (w *world) tickAt(t *testing.T, when time.Time) {
	t.Helper()
	*w.clock = when
	if err := w.a.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestQuietHoursHoldMessagesForADigest(t *testing.T) {
	cases := []struct {
		name    string
		sent    time.Time
		notYet  []time.Time
		digests time.Time
	}{
		{"Friday 22:00 waits for Monday 08:30", at(2026, 4, 24, 22, 0),
			[]time.Time{at(2026, 4, 25, 10, 0), at(2026, 4, 26, 20, 0), at(2026, 4, 27, 8, 29)}, at(2026, 4, 27, 8, 30)},
		{"…unless Monday is a holiday (清明节)", at(2026, 4, 3, 22, 0),
			[]time.Time{at(2026, 4, 6, 8, 30), at(2026, 4, 6, 15, 0)}, at(2026, 4, 7, 8, 30)},
		{"the lunch break waits for 14:30", at(2026, 4, 27, 12, 10),
			[]time.Time{at(2026, 4, 27, 14, 29)}, at(2026, 4, 27, 14, 30)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Options{})
			*w.clock = tc.sent
			w.say(w.leader.ID, "周一上午开会", nil)
			w.say(w.leader.ID, "@张静 材料带上", func(m *store.Message) { m.Mentions = []int64{w.b} })
			w.rec.to()(t) // nothing pushed off duty
			for _, when := range tc.notYet {
				w.tickAt(t, when)
				w.rec.to()(t)
			}
			w.tickAt(t, tc.digests)
			got := w.rec.take()
			if len(got) != 2 {
				t.Fatalf("digests: %+v", got)
			}
			for _, s := range got {
				c := s.p.Payload.Counts
				if s.p.Payload.Kind != protocol.PushDigest || c == nil {
					t.Fatalf("not a digest: %+v", s.p.Payload)
				}
				want := protocol.PushCounts{Messages: 2}
				if s.user == w.b {
					want = protocol.PushCounts{Messages: 1, Mentions: 1}
				}
				if *c != want {
					t.Errorf("user %d counts %+v, want %+v", s.user, *c, want)
				}
			}
			w.tickAt(t, tc.digests.Add(time.Minute))
			w.rec.to()(t) // one digest, not one per tick
		})
	}
}

func TestWhoIsPushedAtOnce(t *testing.T) {
	t.Run("a make-up Saturday is a working day", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 2, 28, 10, 0) // 春节调休上班
		w.say(w.leader.ID, "今天正常上班", nil)
		w.rec.to(w.b, w.c)(t)
	})
	t.Run("a person on duty is pushed on a Sunday; the others wait", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 4, 26, 10, 0)
		w.policy.Duty = []quiet.DutySlot{{UserID: w.c, Start: at(2026, 4, 26, 9, 0), End: at(2026, 4, 26, 17, 0)}}
		w.say(w.leader.ID, "值班同志注意", nil)
		w.rec.to(w.c)(t)
		users, _ := w.s.ListDeferredUsers(context.Background())
		if len(users) != 1 || users[0] != w.b {
			t.Fatalf("held back for %v", users)
		}
	})
	t.Run("connected people see it live and get no push", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 4, 27, 10, 0)
		w.online[w.b] = true
		w.say(w.leader.ID, "收到请回复", nil)
		w.rec.to(w.c)(t)
	})
	t.Run("channel levels: mentions only, and none", func(t *testing.T) {
		w := newWorld(t, Options{})
		*w.clock = at(2026, 4, 27, 10, 0)
		w.levels[w.b], w.levels[w.c] = "mentions", "none"
		w.say(w.leader.ID, "普通消息", nil)
		w.rec.to()(t)
		w.say(w.leader.ID, "@所有人 开会", func(m *store.Message) { m.MentionAll = true })
		w.rec.to(w.b)(t)
	})
}

func TestPushesSayNoMoreThanAllowed(t *testing.T) {
	// The officer's own ladder: 公开 loses push text, 内部 gains it — which a check of
	// "level 0" instead of the level's rule would get wrong both ways.
	custom := protocol.DefaultSecrecyLevels()
	custom[0].PushText, custom[1].PushText = false, true
	custom[0].Forward = true
	cases := []struct {
		name     string
		preview  string
		ladder   secrecy.Static
		secrecy  int
		wantBody string
		hidden   string
	}{
		{"text of a 普通 message", PreviewText, nil, 0, "wangjianguo：预算草案周五前报送", ""},
		{"never the text of a 内部 message", PreviewText, nil, 1, "有一条内部消息，请在应用中查看", "预算草案"},
		{"never the text of a 敏感 message", PreviewText, nil, 2, "有一条敏感消息，请在应用中查看", "预算草案"},
		{"never the text of a 秘密 message", PreviewText, nil, 3, "有一条秘密消息，请在应用中查看", "预算草案"},
		{"no text where the ladder withholds it at 公开", PreviewText, custom, 0, "有一条公开消息，请在应用中查看", "预算草案"},
		{"text where the ladder allows it at 内部", PreviewText, custom, 1, "wangjianguo：预算草案周五前报送", ""},
		{"only the channel when configured", PreviewChannel, nil, 0, "有新消息", "预算草案"},
		{"not even the channel", PreviewNone, nil, 0, "您有新消息", "预算工作组"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Options{Preview: tc.preview})
			w.a.d.Secrecy = tc.ladder
			*w.clock = at(2026, 4, 27, 10, 0)
			w.say(w.leader.ID, "预算草案周五前报送", func(m *store.Message) { m.Secrecy = tc.secrecy })
			got := w.rec.take()
			if len(got) != 2 {
				t.Fatalf("pushes: %+v", got)
			}
			p := got[0].p.Payload
			if p.Body != tc.wantBody || p.URL != fmt.Sprintf("/c/%d", w.group.ID) {
				t.Errorf("payload %+v", p)
			}
			if tc.hidden != "" && (strings.Contains(p.Title, tc.hidden) || strings.Contains(p.Body, tc.hidden)) {
				t.Errorf("payload shows %q: %+v", tc.hidden, p)
			}
		})
	}
}

func TestUrgentNoticeBreaksThrough(t *testing.T) {
	w := newWorld(t, Options{BreakthroughPerWeek: 1})
	ctx := context.Background()
	*w.clock = at(2026, 4, 24, 22, 0)
	notice := func(id int64, priority string) store.Notice {
		return store.Notice{ID: id, AuthorID: w.leader.ID, Title: "防汛紧急通知", Priority: priority}
	}
	recipients := []int64{w.b, w.c}

	w.a.notice(ctx, notice(1, protocol.NoticeNormal), protocol.NoticeEventPublished, protocol.PushNotice, recipients)
	w.rec.to()(t) // a normal notice waits for working time

	w.a.notice(ctx, notice(2, protocol.NoticeUrgent), protocol.NoticeEventPublished, protocol.PushNotice, recipients)
	got := w.rec.take()
	if len(got) != 2 || !got[0].p.Urgent || got[0].p.Payload.URL != "/notices/2" {
		t.Fatalf("break-through pushes: %+v", got)
	}
	var audited []store.AuditEvent
	events, err := w.s.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Action == audit.NoticeBreakthrough {
			audited = append(audited, e)
		}
	}
	if len(audited) != 1 || audited[0].TargetID != "2" || audited[0].ActorID != w.leader.ID {
		t.Fatalf("audit: %+v", audited)
	}

	// Over the weekly cap: the next urgent notice keeps quiet hours.
	w.a.notice(ctx, notice(3, protocol.NoticeUrgent), protocol.NoticeEventPublished, protocol.PushNotice, recipients)
	w.rec.to()(t)
	// A reminder of the urgent one follows working time again.
	w.a.notice(ctx, notice(2, protocol.NoticeUrgent), protocol.NoticeEventReminder, protocol.PushReminder, recipients)
	w.rec.to()(t)
	// A week later the cap has room again.
	*w.clock = w.clock.Add(8 * 24 * time.Hour) // Saturday night
	w.a.notice(ctx, notice(4, protocol.NoticeUrgent), protocol.NoticeEventPublished, protocol.PushNotice, recipients)
	w.rec.to(w.b, w.c)(t)
}

func TestNoSubscriptionNoWork(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	if err := w.s.DeletePushSubscription(ctx, w.c, "https://push.example/2"); err != nil {
		t.Fatal(err)
	}
	*w.clock = at(2026, 4, 24, 22, 0)
	w.say(w.leader.ID, "周末值班安排", nil)
	users, err := w.s.ListDeferredUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0] != w.b {
		t.Fatalf("digest kept for %v: someone without a device needs none", users)
	}
}

// presenceFake answers Online, Active and PushWhenIdle from maps and records whose
// push_when_idle was asked.
type presenceFake struct {
	online, active, wants map[int64]bool
	activeErr, wantsErr   error
	asked                 []int64
}

func (f *presenceFake) deps() Deps {
	return Deps{
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Online: func(context.Context, []int64) (map[int64]bool, error) { return f.online, nil },
		Active: func(context.Context, []int64) (map[int64]bool, error) { return f.active, f.activeErr },
		PushWhenIdle: func(_ context.Context, id int64) (bool, error) {
			f.asked = append(f.asked, id)
			return f.wants[id], f.wantsErr
		},
	}
}

func TestIdleConnectionsArePushedWhenAsked(t *testing.T) {
	// 1 has no connection; 2 is connected and active; 3 is connected, every connection
	// away, and wants pushes then; 4 is the same without asking for them.
	online := map[int64]bool{2: true, 3: true, 4: true}
	active := map[int64]bool{2: true}
	wants := map[int64]bool{2: true, 3: true}
	cases := []struct {
		name   string
		fake   presenceFake
		noDeps bool // Active and PushWhenIdle left nil
		want   []int64
		asked  []int64
	}{
		{name: "online but idle with push_when_idle is pushed; active or not asked is not",
			fake: presenceFake{online: online, active: active, wants: wants}, want: []int64{1, 3}, asked: []int64{3, 4}},
		{name: "without Active and PushWhenIdle, only the offline",
			fake: presenceFake{online: online, active: active, wants: wants}, noDeps: true, want: []int64{1}},
		{name: "activity unknown: only the offline, nobody asked",
			fake: presenceFake{online: online, activeErr: fmt.Errorf("redis down"), wants: wants}, want: []int64{1}},
		{name: "setting unknown: the idle are pushed",
			fake: presenceFake{online: online, active: active, wantsErr: fmt.Errorf("store down")}, want: []int64{1, 3, 4}, asked: []int64{3, 4}},
		{name: "everyone active: nobody asked",
			fake: presenceFake{online: online, active: map[int64]bool{2: true, 3: true, 4: true}, wants: wants}, want: []int64{1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.fake.deps()
			if tc.noDeps {
				d.Active, d.PushWhenIdle = nil, nil
			}
			a := &Dispatcher{d: d}
			got := a.offline(context.Background(), []int64{1, 2, 3, 4})
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("pushed to %v, want %v", got, tc.want)
			}
			if fmt.Sprint(tc.fake.asked) != fmt.Sprint(tc.asked) {
				t.Errorf("asked push_when_idle of %v, want only %v", tc.fake.asked, tc.asked)
			}
		})
	}
}

// End to end through a message, with the setting read from the store.
func TestIdleMemberWithPushWhenIdleGetsTheMessage(t *testing.T) {
	w := newWorld(t, Options{})
	ctx := context.Background()
	*w.clock = at(2026, 4, 27, 10, 0)
	if err := w.s.SetQuietPersonal(ctx, &store.QuietPersonal{UserID: w.b, Leave: "[]", PushWhenIdle: true}); err != nil {
		t.Fatal(err)
	}
	active := map[int64]bool{}
	now := func() time.Time { return *w.clock }
	w.a = New(Deps{
		Store: w.s, Pusher: w.rec, Now: now, Audit: w.auditLog, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Policy: func(context.Context) (Reach, error) { return *w.policy, nil },
		Online: func(context.Context, []int64) (map[int64]bool, error) { return w.online, nil },
		Active: func(context.Context, []int64) (map[int64]bool, error) { return active, nil },
		PushWhenIdle: func(ctx context.Context, id int64) (bool, error) {
			p, err := w.s.GetQuietPersonal(ctx, id)
			return p.PushWhenIdle, err
		},
	}, Options{})
	t.Cleanup(w.a.Close)
	w.online[w.b], w.online[w.c] = true, true // both connected, both idle; only b asked
	w.say(w.leader.ID, "下午三点开会", nil)
	w.rec.to(w.b)(t)
	active[w.b] = true // b comes back to the page
	w.say(w.leader.ID, "地点：三楼会议室", nil)
	w.rec.to()(t)
}

func TestNoticePushesFollowTheLadder(t *testing.T) {
	custom := protocol.DefaultSecrecyLevels()
	custom[0].PushText = false
	cases := []struct {
		name      string
		ladder    secrecy.Static
		secrecy   int
		wantTitle string
	}{
		{"a 公开 notice's title", nil, 0, "通知：防汛工作安排"},
		{"not a 敏感 notice's", nil, 2, "通知"},
		{"not a 公开 one where the ladder withholds it", custom, 0, "通知"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Options{Preview: PreviewText})
			w.a.d.Secrecy = tc.ladder
			*w.clock = at(2026, 4, 27, 10, 0)
			n := store.Notice{ID: 7, AuthorID: w.leader.ID, Title: "防汛工作安排", Priority: protocol.NoticeNormal, Secrecy: tc.secrecy}
			w.a.notice(context.Background(), n, protocol.NoticeEventPublished, protocol.PushNotice, []int64{w.b})
			got := w.rec.take()
			if len(got) != 1 || got[0].p.Payload.Title != tc.wantTitle {
				t.Fatalf("pushes %+v", got)
			}
		})
	}
}
