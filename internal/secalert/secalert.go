// Package secalert raises the console's alerts from the audit trail (PROTOCOL.md
// §4.24): many downloads by one person in a short time, level ≥ 2 files opened outside
// working time, many failed logins from one address, and DLP hits whose action is
// alert. One node at a time reads the entries appended since its cursor (a lease in
// the database) every Every; an entry raises at most one alert of a kind. It never
// reads content: the entries carry none.
package secalert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"govchat/internal/audit"
	"govchat/internal/authz"
	"govchat/internal/store"
	"govchat/protocol"
)

// Every is how often the job reads new entries.
const Every = 30 * time.Second

// Rules are the thresholds; Defaults documents them (PROTOCOL.md §4.24).
type Rules struct {
	Downloads       int           // file.download by one person …
	DownloadWindow  time.Duration // … within this long
	LoginFailures   int           // auth.login_failed from one address …
	LoginWindow     time.Duration // … within this long
	OffHoursLevel   int           // downloads of files of at least this level outside working time
	MaxEventIDs     int           // event_ids an alert names
	LeaseTTL        time.Duration
	BatchSize       int // entries read at a time
	MaxWindowEvents int // entries one window count reads at most
}

// Defaults: ≥ 20 downloads in 10 minutes, ≥ 10 failed logins from one address in 10
// minutes, level ≥ 2 (敏感, 秘密) off hours.
func Defaults() Rules {
	return Rules{Downloads: 20, DownloadWindow: 10 * time.Minute, LoginFailures: 10, LoginWindow: 10 * time.Minute,
		OffHoursLevel: 2, MaxEventIDs: 20, LeaseTTL: 2 * time.Minute, BatchSize: 1000, MaxWindowEvents: 5000}
}

// Actions the job reads.
const (
	actionDownload    = "file.download"
	actionLoginFailed = "auth.login_failed"
	actionDLPHit      = "dlp.hit"
)

// Tx is what raising one alert writes in one transaction: the alert and its entry.
type Tx interface {
	InsertAlert(ctx context.Context, a *store.SecurityAlert) error
	audit.Appender
}

// Store is the part of the store the job uses.
type Store interface {
	ClaimAlertLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, int64, error)
	SetAlertCursor(ctx context.Context, owner string, cursor int64) error
	ReleaseAlertLease(ctx context.Context, owner string) error
	ListAuditAfter(ctx context.Context, after int64, actions []string, limit int) ([]store.AuditEvent, error)
	ListAuditWindow(ctx context.Context, action string, actorID int64, ip string, afterID, upToID int64, since time.Time, limit int) ([]store.AuditEvent, error)
	LastAlertedEventID(ctx context.Context, kind string, actorID int64, ip string) (int64, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// WorkingTime says whether the organisation works at an instant (quiet.Policy has it:
// Reachable for user 0 is the organisation's schedule, holidays and make-up days).
type WorkingTime interface {
	Reachable(userID int64, at time.Time) bool
}

// Publisher hands a frame to people's own topics (busevent.Publisher has it).
type Publisher interface {
	ToUsers(ctx context.Context, users []int64, typ string, data any)
}

// Deps are the job's dependencies. Publisher may be nil (no live frame).
type Deps struct {
	Store       Store
	WorkingTime func(ctx context.Context) (WorkingTime, error)
	Publisher   Publisher
	Audit       *audit.Recorder
	Log         *slog.Logger
	Now         func() time.Time
}

// Job raises alerts.
type Job struct {
	d     Deps
	rules Rules
	owner string
}

// New returns a job with rules; its lease owner name is random, so two processes never
// take each other's lease for their own.
func New(d Deps, rules Rules) *Job {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Job{d: d, rules: rules, owner: "secalert-" + hex.EncodeToString(b[:])}
}

// Run scans every `every` until ctx ends, then gives the lease up.
func (j *Job) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := j.Scan(ctx); err != nil && ctx.Err() == nil {
			j.d.Log.Error("security alerts: scan failed", "err", err)
		}
		select {
		case <-ctx.Done():
			if err := j.d.Store.ReleaseAlertLease(context.WithoutCancel(ctx), j.owner); err != nil {
				j.d.Log.Warn("security alerts: lease not released; it lapses by itself", "err", err)
			}
			return
		case <-t.C:
		}
	}
}

// Scan reads what was appended since the cursor, if this node holds the lease, and
// raises the alerts it calls for; it returns them.
func (j *Job) Scan(ctx context.Context) ([]store.SecurityAlert, error) {
	got, cursor, err := j.d.Store.ClaimAlertLease(ctx, j.owner, j.d.Now(), j.rules.LeaseTTL)
	if err != nil || !got {
		return nil, err
	}
	var raised []store.SecurityAlert
	for {
		batch, err := j.d.Store.ListAuditAfter(ctx, cursor, []string{actionDownload, actionLoginFailed, actionDLPHit}, j.rules.BatchSize)
		if err != nil {
			return raised, err
		}
		if len(batch) == 0 {
			return raised, nil
		}
		as, err := j.rulesFor(ctx, cursor, batch)
		if err != nil {
			return raised, err
		}
		for i := range as {
			if err := j.raise(ctx, &as[i]); err != nil {
				return raised, err
			}
			raised = append(raised, as[i])
		}
		cursor = batch[len(batch)-1].ID
		if err := j.d.Store.SetAlertCursor(ctx, j.owner, cursor); err != nil {
			return raised, err
		}
		if len(batch) < j.rules.BatchSize {
			return raised, nil
		}
	}
}

// rulesFor applies every rule to a batch of new entries (IDs above cursor).
func (j *Job) rulesFor(ctx context.Context, cursor int64, batch []store.AuditEvent) ([]store.SecurityAlert, error) {
	upTo := batch[len(batch)-1].ID
	var out []store.SecurityAlert
	downloads := map[int64][]store.AuditEvent{}
	failures := map[string][]store.AuditEvent{}
	var offHours []store.AuditEvent
	var wt WorkingTime
	for _, e := range batch {
		switch {
		case e.Action == actionDownload && e.Outcome == audit.OK && e.ActorID > 0:
			downloads[e.ActorID] = append(downloads[e.ActorID], e)
			if e.Level != nil && *e.Level >= j.rules.OffHoursLevel {
				if wt == nil {
					var err error
					if wt, err = j.d.WorkingTime(ctx); err != nil {
						return nil, fmt.Errorf("secalert: working time: %w", err)
					}
				}
				if !wt.Reachable(0, e.At) {
					offHours = append(offHours, e)
				}
			}
		case e.Action == actionLoginFailed && e.IP != "":
			failures[e.IP] = append(failures[e.IP], e)
		case e.Action == actionDLPHit && dlpAlert(e.Detail):
			out = append(out, j.alert(protocol.AlertDLPHit, e.ActorID, e.ActorName, "", []store.AuditEvent{e}, 0))
		}
	}
	for _, actor := range sortedKeys(downloads) {
		news := downloads[actor]
		as, err := j.bursts(ctx, protocol.AlertMassDownload, actionDownload, actor, "", news, cursor, upTo,
			j.rules.Downloads, j.rules.DownloadWindow)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	for _, ip := range sortedKeys(failures) {
		as, err := j.bursts(ctx, protocol.AlertLoginFailures, actionLoginFailed, 0, ip, failures[ip], cursor, upTo,
			j.rules.LoginFailures, j.rules.LoginWindow)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	byActor := map[int64][]store.AuditEvent{}
	for _, e := range offHours {
		byActor[e.ActorID] = append(byActor[e.ActorID], e)
	}
	for _, actor := range sortedKeys(byActor) {
		es := byActor[actor]
		span := int(es[len(es)-1].At.Sub(es[0].At) / time.Second)
		out = append(out, j.alert(protocol.AlertOffHours, actor, es[0].ActorName, "", es, span))
	}
	return out, nil
}

// bursts finds, among one person's (or address's) entries of action in the window
// before and through news, every run of at least threshold within window that ends
// at a new entry and was not counted by an earlier alert of kind.
func (j *Job) bursts(ctx context.Context, kind, action string, actorID int64, ip string, news []store.AuditEvent,
	cursor, upTo int64, threshold int, window time.Duration) ([]store.SecurityAlert, error) {
	last, err := j.d.Store.LastAlertedEventID(ctx, kind, actorID, ip)
	if err != nil {
		return nil, err
	}
	es, err := j.d.Store.ListAuditWindow(ctx, action, actorID, ip, last, upTo, news[0].At.Add(-window), j.rules.MaxWindowEvents)
	if err != nil {
		return nil, err
	}
	es = slices.DeleteFunc(es, func(e store.AuditEvent) bool { return e.Outcome != audit.OK && action == actionDownload })
	var out []store.SecurityAlert
	i := 0
	for k := 0; k < len(es); k++ {
		for es[k].At.Sub(es[i].At) > window {
			i++
		}
		if k-i+1 < threshold || es[k].ID <= cursor {
			continue
		}
		// A burst: take every entry within the window from its first, then start after it.
		end := k
		for end+1 < len(es) && es[end+1].At.Sub(es[i].At) <= window {
			end++
		}
		run := es[i : end+1]
		out = append(out, j.alert(kind, actorID, run[0].ActorName, ip, run, int(window/time.Second)))
		i, k = end+1, end
	}
	return out, nil
}

// alert describes an alert over es.
func (j *Job) alert(kind string, actorID int64, actorName, ip string, es []store.AuditEvent, windowSecs int) store.SecurityAlert {
	a := store.SecurityAlert{Kind: kind, RaisedAt: j.d.Now(), ActorID: actorID, ActorName: actorName, IP: ip,
		Count: len(es), WindowSecs: windowSecs, LastEventID: es[len(es)-1].ID}
	if ip != "" {
		a.ActorID, a.ActorName = 0, ""
	}
	for _, e := range es {
		if len(a.EventIDs) < j.rules.MaxEventIDs {
			a.EventIDs = append(a.EventIDs, e.ID)
		}
		if e.Level != nil && (a.Level == nil || *e.Level > *a.Level) {
			l := *e.Level
			a.Level = &l
		}
	}
	return a
}

// raise stores a with its entry (alert.raised, actor system) and tells the watchers.
func (j *Job) raise(ctx context.Context, a *store.SecurityAlert) error {
	err := j.d.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.InsertAlert(ctx, a); err != nil {
			return err
		}
		d := map[string]any{"kind": a.Kind, "count": a.Count, "window": a.WindowSecs, "event_ids": a.EventIDs}
		if a.ActorID != 0 {
			d["user_id"] = a.ActorID
		}
		if a.IP != "" {
			d["address"] = a.IP
		}
		if a.Level != nil {
			d["secrecy"] = *a.Level
		}
		return j.d.Audit.In(tx).Record(ctx, audit.Event{ActorName: "system", Action: audit.AlertRaised,
			TargetType: "alert", TargetID: fmt.Sprint(a.ID), Detail: d})
	})
	if err != nil {
		return fmt.Errorf("secalert: raise %s: %w", a.Kind, err)
	}
	j.publish(ctx, *a)
	return nil
}

// publish sends the audit_alert frame to every account that may read the trail.
func (j *Job) publish(ctx context.Context, a store.SecurityAlert) {
	if j.d.Publisher == nil {
		return
	}
	var ids []int64
	for _, role := range store.Roles {
		if !authz.Can(role, authz.ReadAudit) {
			continue
		}
		us, err := j.d.Store.ListUsers(ctx, store.UserFilter{Role: role})
		if err != nil {
			j.d.Log.Warn("security alerts: no live frame", "err", err)
			return
		}
		for _, u := range us {
			if !u.Disabled {
				ids = append(ids, u.ID)
			}
		}
	}
	wire := protocol.SecurityAlert{ID: a.ID, Kind: a.Kind, At: a.RaisedAt, IP: a.IP, Count: a.Count, Window: a.WindowSecs,
		Level: a.Level, EventIDs: a.EventIDs, State: protocol.AlertOpen}
	if a.ActorID != 0 {
		wire.Actor = &protocol.AuditPerson{ID: a.ActorID, Name: a.ActorName}
	}
	j.d.Publisher.ToUsers(ctx, ids, protocol.TypeAuditAlert, wire)
}

// dlpAlert reports whether a dlp.hit entry's detail says its action is alert.
func dlpAlert(detail string) bool {
	var d struct {
		Action string `json:"action"`
	}
	return json.Unmarshal([]byte(detail), &d) == nil && d.Action == "alert"
}

func sortedKeys[K int64 | string, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
