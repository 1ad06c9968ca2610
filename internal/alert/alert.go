package alert

import (
	"context"
	"log/slog"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Previews: what a push may show of what it is about.
const (
	PreviewText    = "text"    // the text of 普通 messages, notice titles
	PreviewChannel = "channel" // only where: "新消息 · 预算股"
	PreviewNone    = "none"    // not even the channel: "您有新消息"
)

// Reach answers whether someone is in their working time or on duty now.
type Reach interface {
	Reachable(userID int64, at time.Time) bool
}

// Push is one notification for a set of people.
type Push struct {
	Payload protocol.PushPayload
	Urgent  bool
	Topic   string // a newer push with the same topic replaces an older one
	TTL     time.Duration
}

// Pusher delivers pushes to every device of each user (internal/push).
type Pusher interface {
	Push(ctx context.Context, userIDs []int64, p Push) error
}

// Store is the part of the store the dispatcher reads and writes.
type Store interface {
	store.Alerts
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
}

// Deps are what the dispatcher asks; the functions may be nil where a part is absent.
type Deps struct {
	Store  Store
	Pusher Pusher
	// Policy returns the current working-time policy (cached by its owner).
	Policy func(ctx context.Context) (Reach, error)
	// Online reports who has a connection open now; nil: nobody.
	Online func(ctx context.Context, userIDs []int64) (map[int64]bool, error)
	// Active reports who has a connection open now that is not away (left idle); nil:
	// every connection counts as active.
	Active func(ctx context.Context, userIDs []int64) (map[int64]bool, error)
	// PushWhenIdle reports whether a person asked to be pushed while connected but
	// idle; asked only for people online and not active. Nil: nobody asked.
	PushWhenIdle func(ctx context.Context, userID int64) (bool, error)
	// Levels returns members' notification levels in a channel (all, mentions, none);
	// nil, or a member absent: all.
	Levels func(ctx context.Context, channelID int64) (map[int64]string, error)
	// Secrecy is the secrecy ladder: a push shows a message's or notice's text only
	// where its level's push_text allows. Nil: the default ladder.
	Secrecy Ladder
	Audit   *audit.Recorder
	Log     *slog.Logger
	Now     func() time.Time
}

// Ladder is the secrecy ladder (internal/secrecy), level 0 first.
type Ladder interface {
	Levels(ctx context.Context) ([]protocol.SecrecyLevel, error)
}

// pushText reports whether a push may show the text of something at level: the
// level's push_text rule. A ladder that cannot be read shows no text (fail closed).
func (a *Dispatcher) pushText(ctx context.Context, level int) (bool, string) {
	levels := protocol.DefaultSecrecyLevels()
	if a.d.Secrecy != nil {
		ls, err := a.d.Secrecy.Levels(ctx)
		if err != nil {
			a.d.Log.Warn("alert: secrecy levels unknown; pushing without text", "err", err)
			return false, ""
		}
		levels = ls
	}
	if level < 0 || level >= len(levels) {
		return false, ""
	}
	return levels[level].PushText, levels[level].Name
}

// Options are the alerting rules from the configuration.
type Options struct {
	Preview             string // PreviewText (default), PreviewChannel or PreviewNone
	BreakthroughPerWeek int    // urgent notices a leader may push through quiet hours in 7 days; 0: none
}

// Dispatcher turns events into pushes and digests.
type Dispatcher struct {
	d    Deps
	opt  Options
	jobs chan func(context.Context)
	done chan struct{}
}

// queueSize bounds the events waiting for the dispatcher's goroutine: alerting never
// slows a send down; past it, an alert is dropped with a log line.
const queueSize = 4096

// pushTTL: how long a push service keeps a push for an unreachable device.
const pushTTL = 24 * time.Hour

// New starts the dispatcher's goroutine; Close stops it.
func New(d Deps, opt Options) *Dispatcher {
	if opt.Preview == "" {
		opt.Preview = PreviewText
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	a := &Dispatcher{d: d, opt: opt, jobs: make(chan func(context.Context), queueSize), done: make(chan struct{})}
	go a.loop()
	return a
}

func (a *Dispatcher) loop() {
	defer close(a.done)
	for job := range a.jobs {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		job(ctx)
		cancel()
	}
}

// enqueue hands work to the goroutine without waiting.
func (a *Dispatcher) enqueue(what string, job func(context.Context)) {
	select {
	case a.jobs <- job:
	default:
		a.d.Log.Warn("alert queue full; alert dropped", "what", what)
	}
}

// Close finishes the queued work and stops.
func (a *Dispatcher) Close() {
	close(a.jobs)
	<-a.done
}

// offline keeps those of users with no connection open now, and those connected but
// idle (every connection away) who asked to be pushed then (push_when_idle).
func (a *Dispatcher) offline(ctx context.Context, users []int64) []int64 {
	if a.d.Online == nil || len(users) == 0 {
		return users
	}
	on, err := a.d.Online(ctx, users)
	if err != nil {
		// Not knowing, push: a notification too many beats a missed one.
		a.d.Log.Warn("presence unknown; pushing to all", "err", err)
		return users
	}
	idle := a.idleWanting(ctx, users, on)
	out := users[:0:0]
	for _, u := range users {
		if !on[u] || idle[u] {
			out = append(out, u)
		}
	}
	return out
}

// idleWanting finds, among the users online, those with no active connection who want
// pushes while idle. Only that small set is asked for its setting.
func (a *Dispatcher) idleWanting(ctx context.Context, users []int64, on map[int64]bool) map[int64]bool {
	if a.d.Active == nil || a.d.PushWhenIdle == nil {
		return nil
	}
	var online []int64
	for _, u := range users {
		if on[u] {
			online = append(online, u)
		}
	}
	if len(online) == 0 {
		return nil
	}
	act, err := a.d.Active(ctx, online)
	if err != nil {
		// They are connected and see it live if they look; only the idle extra is lost.
		a.d.Log.Warn("activity unknown; no pushes to idle connections", "err", err)
		return nil
	}
	out := map[int64]bool{}
	for _, u := range online {
		if act[u] {
			continue
		}
		want, err := a.d.PushWhenIdle(ctx, u)
		if err != nil {
			// Not knowing, push, as for presence: they are idle and may be away.
			a.d.Log.Warn("push_when_idle unknown; pushing", "user_id", u, "err", err)
			want = true
		}
		if want {
			out[u] = true
		}
	}
	return out
}

// split divides users into those reachable now and those off duty.
func (a *Dispatcher) split(ctx context.Context, users []int64) (now, later []int64) {
	if a.d.Policy == nil {
		return users, nil
	}
	p, err := a.d.Policy(ctx)
	if err != nil {
		a.d.Log.Warn("working-time policy unavailable; holding alerts for the digest", "err", err)
		return nil, users
	}
	at := a.d.Now()
	for _, u := range users {
		if p.Reachable(u, at) {
			now = append(now, u)
		} else {
			later = append(later, u)
		}
	}
	return now, later
}

// deliver pushes to those reachable now and counts the rest for their digest.
func (a *Dispatcher) deliver(ctx context.Context, users []int64, kind string, p Push) {
	users = a.offline(ctx, users)
	now, later := a.split(ctx, users)
	_ = a.push(ctx, now, p) // logged; a message has no outcome to record
	a.defer_(ctx, later, kind)
}

// push queues p for users; the error (logged here) says it was not queued.
func (a *Dispatcher) push(ctx context.Context, users []int64, p Push) error {
	if len(users) == 0 || a.d.Pusher == nil {
		return nil
	}
	err := a.d.Pusher.Push(ctx, users, p)
	if err != nil {
		a.d.Log.Warn("push not queued", "kind", p.Payload.Kind, "users", len(users), "err", err)
	}
	return err
}

func (a *Dispatcher) defer_(ctx context.Context, users []int64, kind string) {
	if len(users) == 0 {
		return
	}
	if err := a.d.Store.AddDeferredAlerts(ctx, users, kind, a.d.Now()); err != nil {
		a.d.Log.Warn("alerts for the digest not kept", "kind", kind, "users", len(users), "err", err)
	}
}
