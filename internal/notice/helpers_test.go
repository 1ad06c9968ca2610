package notice_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
func (c *clock) advance(d time.Duration) { c.set(c.now().Add(d)) }

// frames counts the notice frames each user's topic carried, by event.
type frames struct {
	mu sync.Mutex
	by map[int64][]protocol.NoticeEvent
}

func (f *frames) handler(uid int64) bus.Handler {
	return func(topic string, payload []byte) {
		e, err := busevent.Decode(payload)
		if err != nil {
			panic(err)
		}
		var fr protocol.Frame
		if err := json.Unmarshal(e.Frame, &fr); err != nil {
			panic(err)
		}
		if fr.Type != protocol.TypeNotice {
			return
		}
		var ev protocol.NoticeEvent
		if err := json.Unmarshal(fr.Data, &ev); err != nil {
			panic(err)
		}
		f.mu.Lock()
		f.by[uid] = append(f.by[uid], ev)
		f.mu.Unlock()
	}
}

// count is how many events of a kind about a notice the user got.
func (f *frames) count(uid, noticeID int64, event string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ev := range f.by[uid] {
		if ev.NoticeID == noticeID && ev.Event == event {
			n++
		}
	}
	return n
}

// who lists, by username, the users who got an event about a notice, with how many.
func (fx *fixture) who(noticeID int64, event string) map[string]int {
	out := map[string]int{}
	for name, u := range fx.u {
		if n := fx.frames.count(u.ID, noticeID, event); n > 0 {
			out[name] = n
		}
	}
	return out
}

type fixture struct {
	t      testing.TB
	s      store.Store
	svc    *notice.Service
	bus    *bus.Memory
	clock  *clock
	frames *frames
	u      map[string]store.User
	dept   map[string]int64 // by last path segment
	party  map[string]int64
	chans  map[string]int64 // group channels by name; org channels as "dept:名" and "party:名"
}

// The test organisation:
//
//	局 (juzhang, leader)
//	├── 办公室 (bgszr leader; office1; baomi security; sysadmin admin)
//	├── 预算股 (gz leader; budget1)
//	│   ├── 预算编制组 (plan1, plan2, gone — disabled)
//	│   └── 预算执行组 (exec1)
//	└── 国库股 (treas1; no leader)
//	nodept: in no department
//
//	机关党支部 (juzhang) └── 第一党小组 (office1, treas1)
//
//	预算工作群: gz (admin), plan1, exec1, office1
//	项目群:     office1 (admin), plan1, treas1
var (
	testDepts = []string{"局", "局/办公室", "局/预算股", "局/预算股/预算编制组", "局/预算股/预算执行组", "局/国库股"}
	testUsers = []struct {
		username, name string
		role           store.Role
		dept           string
		disabled       bool
	}{
		{"juzhang", "王局长", store.RoleLeader, "局", false},
		{"bgszr", "陈主任", store.RoleLeader, "办公室", false},
		{"gz", "李股长", store.RoleLeader, "预算股", false},
		{"budget1", "冯宇", store.RoleStaff, "预算股", false},
		{"plan1", "张静", store.RoleStaff, "预算编制组", false},
		{"plan2", "吴强", store.RoleStaff, "预算编制组", false},
		{"gone", "离职者", store.RoleStaff, "预算编制组", true},
		{"exec1", "郑雪", store.RoleStaff, "预算执行组", false},
		{"treas1", "徐磊", store.RoleStaff, "国库股", false},
		{"office1", "周海燕", store.RoleStaff, "办公室", false},
		{"baomi", "赵敏", store.RoleSecurity, "办公室", false},
		{"sysadmin", "周涛", store.RoleAdmin, "办公室", false},
		{"nodept", "=临时工", store.RoleStaff, "", false},
	}
)

var start = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai

// narrow gives the service the store as it declares it uses it.
func narrow(s store.Store) notice.Store {
	return store.Narrow(s, func(tx store.Store) notice.Tx { return tx })
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newFixture(t testing.TB, s store.Store, tweak ...func(*notice.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{t: t, s: s, bus: bus.NewMemory(), clock: &clock{t: start}, frames: &frames{by: map[int64][]protocol.NoticeEvent{}},
		u: map[string]store.User{}, dept: map[string]int64{}, party: map[string]int64{}, chans: map[string]int64{}}
	t.Cleanup(func() { fx.bus.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	byPath := map[string]int64{}
	for i, path := range testDepts {
		segs := strings.Split(path, "/")
		d := store.Department{Name: segs[len(segs)-1], ParentID: byPath[strings.Join(segs[:len(segs)-1], "/")], SortOrder: i, CreatedAt: start}
		must(s.CreateDepartment(ctx, &d))
		byPath[path], fx.dept[d.Name] = d.ID, d.ID
	}
	branch := store.PartyOrg{Name: "机关党支部", Kind: store.PartyBranch, CreatedAt: start}
	must(s.CreatePartyOrg(ctx, &branch))
	group := store.PartyOrg{Name: "第一党小组", Kind: store.PartyGroup, ParentID: branch.ID, CreatedAt: start}
	must(s.CreatePartyOrg(ctx, &group))
	fx.party[branch.Name], fx.party[group.Name] = branch.ID, group.ID
	for _, tu := range testUsers {
		u := store.User{Username: tu.username, DisplayName: tu.name, Role: tu.role, Disabled: tu.disabled, CreatedAt: start}
		must(s.CreateUser(ctx, &u))
		fx.u[u.Username] = u
		if tu.dept != "" {
			must(s.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{UserID: u.ID, DepartmentID: fx.dept[tu.dept], Primary: true}}))
		}
		unsub, err := fx.bus.Subscribe(ctx, busevent.UserTopic(u.ID), fx.frames.handler(u.ID))
		must(err)
		t.Cleanup(unsub)
	}
	for name, who := range map[string][]string{"juzhang": {"机关党支部"}, "office1": {"第一党小组"}, "treas1": {"第一党小组"}} {
		must(s.SetPartyMembership(ctx, fx.u[name].ID, &store.PartyMembership{UserID: fx.u[name].ID, PartyOrgID: fx.party[who[0]], PartyRole: "党员"}))
	}
	for name, id := range fx.dept {
		c := store.Channel{Kind: store.ChannelDepartment, Name: name, DepartmentID: id, PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyAdmins, CreatedAt: start}
		must(s.CreateChannel(ctx, &c, nil))
		fx.chans["dept:"+name] = c.ID
	}
	for name, id := range fx.party {
		c := store.Channel{Kind: store.ChannelParty, Name: name, PartyOrgID: id, PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyAdmins, CreatedAt: start}
		must(s.CreateChannel(ctx, &c, nil))
		fx.chans["party:"+name] = c.ID
	}
	for _, g := range []struct {
		name    string
		admin   string
		members []string
	}{{"预算工作群", "gz", []string{"plan1", "exec1", "office1"}}, {"项目群", "office1", []string{"plan1", "treas1"}}} {
		ms := []store.ChannelMember{{UserID: fx.u[g.admin].ID, Role: store.MemberAdmin, JoinedAt: start}}
		for _, m := range g.members {
			ms = append(ms, store.ChannelMember{UserID: fx.u[m].ID, Role: store.MemberNormal, JoinedAt: start})
		}
		c := store.Channel{Kind: store.ChannelGroup, Name: g.name, PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyEveryone, CreatedBy: fx.u[g.admin].ID, CreatedAt: start}
		must(s.CreateChannel(ctx, &c, ms))
		fx.chans[g.name] = c.ID
	}
	opt := notice.Options{ChannelAdminsMayPublish: true, RemindInterval: 30 * time.Minute,
		AutoReminders: []time.Duration{2 * time.Hour, 24 * time.Hour}, // out of order on purpose
		Audit:         audit.New(s, fx.clock.now, quiet())}
	for _, f := range tweak {
		f(&opt)
	}
	fx.svc = notice.New(narrow(s), fx.bus, quiet(), fx.clock.now, opt)
	return fx
}

func (fx *fixture) p(username string) auth.Principal {
	fx.t.Helper()
	u, ok := fx.u[username]
	if !ok {
		fx.t.Fatalf("no user %q", username)
	}
	return auth.Principal{User: u}
}

func (fx *fixture) ids(usernames ...string) []int64 {
	out := make([]int64, len(usernames))
	for i, n := range usernames {
		out[i] = fx.u[n].ID
	}
	return out
}

func (fx *fixture) name(uid int64) string {
	for n, u := range fx.u {
		if u.ID == uid {
			return n
		}
	}
	return fmt.Sprint(uid)
}

// publish publishes as author and fails the test on an error.
func (fx *fixture) publish(author string, req protocol.PublishNoticeRequest) protocol.Notice {
	fx.t.Helper()
	if req.Title == "" {
		req.Title = "关于报送2027年部门预算草案的通知"
	}
	if req.Body == "" {
		req.Body = "各股室：请于11月25日17:00前报送。"
	}
	n, err := fx.svc.Publish(context.Background(), fx.p(author), req)
	if err != nil {
		fx.t.Fatalf("publish by %s: %v", author, err)
	}
	return n
}

// recipients lists a notice's recipients by username.
func (fx *fixture) recipients(id int64) map[string]int64 {
	fx.t.Helper()
	rows, err := fx.s.ListNoticeRecipients(context.Background(), id)
	if err != nil {
		fx.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		if _, dup := out[r.Username]; dup {
			fx.t.Fatalf("%s is a recipient twice", r.Username)
		}
		out[r.Username] = r.DepartmentID
	}
	return out
}

// codeOf is the protocol code of err ("" for nil) and its field.
func codeOf(t testing.TB, err error) (protocol.Code, string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *apperr.Error: %v", err)
	}
	return e.Code, e.Field
}

func wantCode(t testing.TB, err error, want protocol.Code) {
	t.Helper()
	if got, _ := codeOf(t, err); got != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
}

func keys[V any](m map[string]V) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func list(names ...string) string {
	names = slices.Clone(names)
	slices.Sort(names)
	return strings.Join(names, ",")
}
