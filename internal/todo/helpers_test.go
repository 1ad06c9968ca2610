package todo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/alert"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/store"
	"govchat/internal/todo"
	"govchat/protocol"
)

var start = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai, a Monday

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// alerts records what the service hands the dispatcher.
type alerts struct {
	mu  sync.Mutex
	got []alert.TodoAlert
}

func (a *alerts) Todo(t alert.TodoAlert) { a.mu.Lock(); a.got = append(a.got, t); a.mu.Unlock() }
func (a *alerts) list() []alert.TodoAlert {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]alert.TodoAlert(nil), a.got...)
}

var _ todo.Alerter = (*alerts)(nil)

// reach says who is at work: everyone in atWork.
type reach struct{ atWork map[int64]bool }

func (r reach) Reachable(userID int64, _ time.Time) bool { return r.atWork[userID] }

// frames collects the todo frames each user's topic carried.
type frames struct {
	mu sync.Mutex
	by map[int64][]protocol.TodoEvent
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
		if fr.Type != protocol.TypeTodo {
			return
		}
		var ev protocol.TodoEvent
		if err := json.Unmarshal(fr.Data, &ev); err != nil {
			panic(err)
		}
		f.mu.Lock()
		f.by[uid] = append(f.by[uid], ev)
		f.mu.Unlock()
	}
}

func (f *frames) events(uid, todoID int64) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, ev := range f.by[uid] {
		if ev.TodoID == todoID {
			out = append(out, ev.Event)
		}
	}
	return out
}

type fixture struct {
	t      testing.TB
	s      store.Store
	svc    *todo.Service
	clock  *clock
	alerts *alerts
	frames *frames
	reach  reach
	u      map[string]store.User
	ch     int64 // 预算工作群: gz, plan1, gone (disabled); treas1 is not in it
	other  int64 // 项目群: treas1 only
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newFixture(t testing.TB, s store.Store, tweak ...func(*todo.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	b := bus.NewMemory()
	t.Cleanup(func() { b.Close() })
	fx := &fixture{t: t, s: s, clock: &clock{t: start}, alerts: &alerts{}, frames: &frames{by: map[int64][]protocol.TodoEvent{}},
		reach: reach{atWork: map[int64]bool{}}, u: map[string]store.User{}}
	for _, x := range []struct {
		name, display string
		disabled      bool
	}{{"gz", "李股长", false}, {"plan1", "王科员", false}, {"treas1", "赵会计", false}, {"gone", "调走了", true}} {
		u := store.User{Username: x.name, DisplayName: x.display, Role: store.RoleStaff, Disabled: x.disabled, CreatedAt: start}
		fx.must(s.CreateUser(ctx, &u))
		fx.u[x.name] = u
		unsub, err := b.Subscribe(ctx, busevent.UserTopic(u.ID), fx.frames.handler(u.ID))
		fx.must(err)
		t.Cleanup(unsub)
	}
	fx.ch = fx.channel("预算工作群", "gz", "plan1", "gone")
	fx.other = fx.channel("项目群", "treas1")
	opt := todo.Options{
		Notices: todo.NoticeSource{Store: s}, Audit: audit.New(s, fx.clock.now, quiet()), Alerts: fx.alerts,
		WorkingTime: func(context.Context) (todo.Reach, error) { return fx.reach, nil },
	}
	for _, f := range tweak {
		f(&opt)
	}
	fx.svc = todo.New(store.Narrow(s, func(tx store.Store) todo.Tx { return tx }), b, quiet(), fx.clock.now, opt)
	return fx
}

func (fx *fixture) must(err error) {
	fx.t.Helper()
	if err != nil {
		fx.t.Fatal(err)
	}
}

func (fx *fixture) channel(name string, members ...string) int64 {
	fx.t.Helper()
	var ms []store.ChannelMember
	for _, m := range members {
		ms = append(ms, store.ChannelMember{UserID: fx.u[m].ID, JoinedAt: start})
	}
	c := store.Channel{Kind: store.ChannelGroup, Name: name, PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyEveryone, CreatedAt: start}
	fx.must(fx.s.CreateChannel(context.Background(), &c, ms))
	return c.ID
}

var clientIDs atomic.Int64

// post writes a message to the channel and returns its seq.
func (fx *fixture) post(channelID int64, sender, text string) int64 {
	fx.t.Helper()
	rs, err := fx.s.AppendMessages(context.Background(), []store.NewMessage{{
		ChannelID: channelID, SenderID: fx.u[sender].ID, ClientID: fmt.Sprintf("c%d", clientIDs.Add(1)), Text: text, CreatedAt: fx.clock.now(),
	}})
	fx.must(err)
	if rs[0].Err != nil {
		fx.t.Fatal(rs[0].Err)
	}
	return rs[0].Message.Seq
}

func (fx *fixture) p(name string) auth.Principal {
	fx.t.Helper()
	u, ok := fx.u[name]
	if !ok {
		fx.t.Fatalf("no user %q", name)
	}
	return auth.Principal{User: u}
}

// give makes seq a to-do for assignee and fails the test on an error.
func (fx *fixture) give(assigner, assignee string, seq int64, due time.Duration, note string) protocol.Todo {
	fx.t.Helper()
	req := protocol.CreateTodoRequest{ChannelID: fx.ch, Seq: seq, AssigneeID: fx.u[assignee].ID, Note: note}
	if due != 0 {
		d := fx.clock.now().Add(due)
		req.Due = &d
	}
	t, err := fx.svc.Create(context.Background(), fx.p(assigner), req)
	if err != nil {
		fx.t.Fatalf("give %s → %s: %v", assigner, assignee, err)
	}
	return t
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

func ptr[T any](v T) *T { return &v }

type authP = auth.Principal

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
