package collect_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/collect"
	"govchat/internal/keys"
	"govchat/internal/store"
	"govchat/protocol"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) advance(d time.Duration) { c.set(c.now().Add(d)) }

// frames records the collection frames each user's topic carried.
type frames struct {
	mu sync.Mutex
	by map[int64][]protocol.CollectionEvent
}

func (f *frames) handler(uid int64) bus.Handler {
	return func(_ string, payload []byte) {
		e, err := busevent.Decode(payload)
		if err != nil {
			panic(err)
		}
		var fr protocol.Frame
		if err := json.Unmarshal(e.Frame, &fr); err != nil {
			panic(err)
		}
		if fr.Type != protocol.TypeCollection {
			return
		}
		var ev protocol.CollectionEvent
		if err := json.Unmarshal(fr.Data, &ev); err != nil {
			panic(err)
		}
		f.mu.Lock()
		f.by[uid] = append(f.by[uid], ev)
		f.mu.Unlock()
	}
}

func (f *frames) count(uid, id int64, event string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ev := range f.by[uid] {
		if ev.CollectionID == id && ev.Event == event {
			n++
		}
	}
	return n
}

type fixture struct {
	t      testing.TB
	s      store.Store
	svc    *collect.Service
	bus    *bus.Memory
	clock  *clock
	frames *frames
	u      map[string]store.User
	dept   map[string]int64
}

// The test organisation:
//
//	局 (juzhang leader; baomi security; outsider)
//	├── 预算股 (gz leader; budget1, budget2)
//	└── 国库股 (treas1, treas2; no leader: 局's heads them)
var start = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newFixture(t testing.TB, s store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{t: t, s: s, bus: bus.NewMemory(), clock: &clock{t: start}, frames: &frames{by: map[int64][]protocol.CollectionEvent{}},
		u: map[string]store.User{}, dept: map[string]int64{}}
	t.Cleanup(func() { fx.bus.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []struct{ name, parent string }{{"局", ""}, {"预算股", "局"}, {"国库股", "局"}} {
		dep := store.Department{Name: d.name, ParentID: fx.dept[d.parent], SortOrder: i, CreatedAt: start}
		must(s.CreateDepartment(ctx, &dep))
		fx.dept[d.name] = dep.ID
	}
	for _, tu := range []struct {
		username, name string
		role           store.Role
		dept           string
	}{
		{"juzhang", "王局长", store.RoleLeader, "局"},
		{"baomi", "赵敏", store.RoleSecurity, "局"},
		{"outsider", "局外人", store.RoleStaff, "局"},
		{"gz", "李股长", store.RoleLeader, "预算股"},
		{"budget1", "冯宇", store.RoleStaff, "预算股"},
		{"budget2", "吴强", store.RoleStaff, "预算股"},
		{"treas1", "徐磊", store.RoleStaff, "国库股"},
		{"treas2", "郑雪", store.RoleStaff, "国库股"},
	} {
		u := store.User{Username: tu.username, DisplayName: tu.name, Role: tu.role, CreatedAt: start}
		must(s.CreateUser(ctx, &u))
		fx.u[u.Username] = u
		must(s.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{UserID: u.ID, DepartmentID: fx.dept[tu.dept], Primary: true}}))
		unsub, err := fx.bus.Subscribe(ctx, busevent.UserTopic(u.ID), fx.frames.handler(u.ID))
		must(err)
		t.Cleanup(unsub)
	}
	narrowed := store.Narrow(s, func(tx store.Store) collect.Tx { return tx })
	keysSvc := keys.New(store.Narrow(s, func(tx store.Store) keys.Tx { return tx }), fx.bus, audit.New(s, fx.clock.now, quiet()), quiet(), fx.clock.now, keys.RequestLimits{})
	fx.svc = collect.New(narrowed, fx.bus, quiet(), fx.clock.now, collect.Options{ChannelAdminsMayPublish: true,
		RemindInterval: 30 * time.Minute, AutoReminders: []time.Duration{2 * time.Hour, 24 * time.Hour},
		Audit: audit.New(s, fx.clock.now, quiet()), Files: keysSvc})
	return fx
}

func (fx *fixture) p(name string) auth.Principal {
	fx.t.Helper()
	u, ok := fx.u[name]
	if !ok {
		fx.t.Fatalf("no user %q", name)
	}
	return auth.Principal{User: u}
}

// upload makes a finished upload of size bytes by name and returns a reference to it.
func (fx *fixture) upload(name string, size int64, complete bool) protocol.AttachmentRef {
	fx.t.Helper()
	ctx := context.Background()
	b := store.Blob{UploaderID: fx.u[name].ID, Size: size, Parts: 1, CreatedAt: fx.clock.now(), ExpiresAt: fx.clock.now().Add(24 * time.Hour)}
	if err := fx.s.CreateBlob(ctx, &b, 0); err != nil {
		fx.t.Fatal(err)
	}
	if complete {
		if err := fx.s.CompleteBlob(ctx, b.ID, strings.Repeat("ab", 32), fx.clock.now()); err != nil {
			fx.t.Fatal(err)
		}
	}
	return protocol.AttachmentRef{BlobID: b.ID, Commitment: strings.Repeat("A", 43)}
}

// vals builds a SubmitRequest from Go values.
func vals(t testing.TB, m map[string]any) protocol.SubmitRequest {
	t.Helper()
	out := protocol.SubmitRequest{Values: map[string]json.RawMessage{}}
	for k, v := range m {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out.Values[k] = b
	}
	return out
}

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

// form is the test form: every field type.
func form() []protocol.CollectionField {
	return []protocol.CollectionField{
		{ID: "unit", Label: "单位名称", Type: protocol.FieldText, Required: true},
		{ID: "staff", Label: "在编人数", Type: protocol.FieldNumber},
		{ID: "day", Label: "填报日期", Type: protocol.FieldDate},
		{ID: "kind", Label: "单位类型", Type: protocol.FieldChoice, Options: []string{"行政", "事业"}},
		{ID: "file", Label: "基数表", Type: protocol.FieldFile, MaxSize: 1 << 20},
		{ID: "rows", Label: "人员明细", Type: protocol.FieldTable, MaxRows: 3, Columns: []protocol.CollectionField{
			{ID: "name", Label: "姓名", Type: protocol.FieldText, Required: true},
			{ID: "pay", Label: "月工资", Type: protocol.FieldNumber},
		}},
	}
}

// depts is an audience of departments by name.
func (fx *fixture) depts(names ...string) protocol.Audience {
	var a protocol.Audience
	for _, n := range names {
		a.Departments = append(a.Departments, protocol.DepartmentTarget{ID: fx.dept[n]})
	}
	return a
}

// people is an audience of people by username.
func (fx *fixture) people(names ...string) protocol.Audience {
	var a protocol.Audience
	for _, n := range names {
		a.Users = append(a.Users, fx.u[n].ID)
	}
	return a
}

// publishForm publishes the test form from gz.
func (fx *fixture) publishForm(per string, deadline *time.Time, aud protocol.Audience) protocol.Collection {
	fx.t.Helper()
	c, err := fx.svc.Publish(context.Background(), fx.p("gz"), protocol.PublishCollectionRequest{Kind: protocol.CollectionForm,
		Title: "2027年人员基数表", Fields: form(), Per: per, Deadline: deadline, Audience: aud})
	if err != nil {
		fx.t.Fatalf("publish: %v", err)
	}
	return c
}
