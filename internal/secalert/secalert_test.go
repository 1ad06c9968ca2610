package secalert_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/quiet"
	"govchat/internal/secalert"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// monday10 is 10:00 Beijing time on a working Monday; monday23 is 23:00 the same day.
var (
	monday10 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	monday23 = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
)

type frames struct {
	mu    sync.Mutex
	users [][]int64
	data  []protocol.SecurityAlert
}

func (f *frames) ToUsers(_ context.Context, users []int64, typ string, data any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if typ != protocol.TypeAuditAlert {
		panic(typ)
	}
	f.users = append(f.users, users)
	f.data = append(f.data, data.(protocol.SecurityAlert))
}

type fixture struct {
	t      *testing.T
	s      store.Store
	job    *secalert.Job
	frames *frames
	now    time.Time
	staff  store.User
	watch  []int64 // the security officer and the auditor
}

func newFixture(t *testing.T, s store.Store) *fixture {
	f := &fixture{t: t, s: s, frames: &frames{}, now: monday23.Add(time.Hour)}
	for _, u := range []store.User{{Username: "staff", Role: store.RoleStaff}, {Username: "sec", Role: store.RoleSecurity},
		{Username: "aud", Role: store.RoleAuditor}, {Username: "adm", Role: store.RoleAdmin}} {
		if err := s.CreateUser(t.Context(), &u); err != nil {
			t.Fatal(err)
		}
		switch u.Role {
		case store.RoleStaff:
			f.staff = u
		case store.RoleSecurity, store.RoleAuditor:
			f.watch = append(f.watch, u.ID)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := func() time.Time { return f.now }
	policy := quiet.NewPolicy(nil)
	f.job = secalert.New(secalert.Deps{
		Store:       store.Narrow(s, func(tx store.Store) secalert.Tx { return tx }),
		WorkingTime: func(context.Context) (secalert.WorkingTime, error) { return policy, nil },
		Publisher:   f.frames, Audit: audit.New(s, now, log), Log: log, Now: now,
	}, secalert.Defaults())
	return f
}

func (f *fixture) add(n int, e store.AuditEvent, step time.Duration) {
	f.t.Helper()
	at := e.At
	for range n {
		e := e
		e.At = at
		if e.Outcome == "" {
			e.Outcome = audit.OK
		}
		if err := f.s.AppendAudit(f.t.Context(), &e, audit.Hash); err != nil {
			f.t.Fatal(err)
		}
		at = at.Add(step)
	}
}

func (f *fixture) scan() []store.SecurityAlert {
	f.t.Helper()
	as, err := f.job.Scan(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	return as
}

func (f *fixture) download(at time.Time, level int) store.AuditEvent {
	d := `{"purpose":"view","secrecy":` + string(rune('0'+level)) + `}`
	return store.AuditEvent{At: at, ActorID: f.staff.ID, ActorName: f.staff.Username, Action: "file.download",
		TargetType: "blob", TargetID: "0123456789abcdef0123456789abcdef", Detail: d}
}

func kinds(as []store.SecurityAlert) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Kind+":"+itoa(a.Count))
	}
	return out
}

func itoa(n int) string {
	return string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

func TestRules(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		t.Run("mass downloads", func(t *testing.T) {
			f := newFixture(t, s)
			f.scan() // the cursor starts after what is there
			f.add(19, f.download(monday10, 0), 20*time.Second)
			if as := f.scan(); len(as) != 0 {
				t.Fatalf("19 downloads raised %v", kinds(as))
			}
			f.add(1, f.download(monday10.Add(19*20*time.Second), 0), 0)
			as := f.scan()
			if !slices.Equal(kinds(as), []string{"mass_download:20"}) {
				t.Fatalf("20th download raised %v", kinds(as))
			}
			a := as[0]
			if a.ActorID != f.staff.ID || a.WindowSecs != 600 || len(a.EventIDs) != 20 {
				t.Errorf("alert = %+v", a)
			}
			if as := f.scan(); len(as) != 0 {
				t.Errorf("a second scan raised %v", kinds(as))
			}
			// One more download: the twenty already counted are not counted again.
			f.add(1, f.download(monday10.Add(7*time.Minute), 0), 0)
			if as := f.scan(); len(as) != 0 {
				t.Errorf("a 21st download raised %v", kinds(as))
			}
			// Spread over more than ten minutes: no alert.
			f.add(25, f.download(monday10.Add(time.Hour), 0), 40*time.Second)
			if as := f.scan(); len(as) != 0 {
				t.Errorf("25 downloads 40 s apart raised %v", kinds(as))
			}
			// Refused downloads do not count.
			e := f.download(monday10.Add(2*time.Hour), 0)
			e.Outcome = audit.Denied
			f.add(30, e, time.Second)
			if as := f.scan(); len(as) != 0 {
				t.Errorf("refused downloads raised %v", kinds(as))
			}
		})
	})
}

func TestEachKind(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		f := newFixture(t, s)
		f.scan()
		// Off hours: a level-2 file at 23:00 raises; level 1 at night and level 3 at 10:00 do not.
		f.add(2, f.download(monday23, 2), time.Minute)
		f.add(1, f.download(monday23, 1), 0)
		f.add(1, f.download(monday10, 3), 0)
		// Failed logins: ten from one address raise; nine from another do not.
		fail := func(ip string) store.AuditEvent {
			return store.AuditEvent{At: monday10, ActorName: "guess", Action: "auth.login_failed", TargetType: "user",
				Outcome: audit.Failed, IP: ip, Detail: `{"reason":"unknown_user"}`}
		}
		f.add(10, fail("10.1.1.1"), 10*time.Second)
		f.add(9, fail("10.2.2.2"), 10*time.Second)
		// DLP hits: action alert raises, warn does not.
		dlp := func(action string) store.AuditEvent {
			return store.AuditEvent{At: monday10, ActorID: f.staff.ID, ActorName: "staff", Action: "dlp.hit", TargetType: "channel",
				TargetID: "12", Detail: `{"rules":[{"id":"id_card","count":1}],"action":"` + action + `","level":2,"context":"channel:12"}`}
		}
		f.add(1, dlp("alert"), 0)
		f.add(1, dlp("warn"), 0)
		as := f.scan()
		slices.SortFunc(as, func(a, b store.SecurityAlert) int {
			if a.Kind < b.Kind {
				return -1
			}
			if a.Kind > b.Kind {
				return 1
			}
			return 0
		})
		if got := kinds(as); !slices.Equal(got, []string{"dlp_hit:01", "login_failures:10", "off_hours:02"}) {
			t.Fatalf("alerts = %v", got)
		}
		if as[1].IP != "10.1.1.1" || as[1].ActorID != 0 {
			t.Errorf("login alert = %+v", as[1])
		}
		if as[2].Level == nil || *as[2].Level != 2 || as[2].WindowSecs != 60 {
			t.Errorf("off-hours alert = %+v", as[2])
		}
		if as[0].Level == nil || *as[0].Level != 2 {
			t.Errorf("dlp alert = %+v", as[0])
		}
		// Each was recorded and sent to the security officer and the auditor, not to the
		// administrator or staff.
		raised, err := s.ListAudit(t.Context(), store.AuditFilter{Action: audit.AlertRaised})
		if err != nil {
			t.Fatal(err)
		}
		if len(raised) != 3 || raised[0].ActorName != "system" {
			t.Errorf("alert.raised entries = %d", len(raised))
		}
		if len(f.frames.users) != 3 || !slices.Equal(slices.Sorted(slices.Values(f.frames.users[0])), f.watch) {
			t.Errorf("frames went to %v, want %v each", f.frames.users, f.watch)
		}
	})
}

// TestLease: a second node does not scan while the first holds the lease.
func TestLease(t *testing.T) {
	s := storetest.NewSQLite(t)
	a, b := newFixture(t, s), (*fixture)(nil)
	b = &fixture{t: t, s: s, frames: &frames{}, now: a.now, staff: a.staff}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.job = secalert.New(secalert.Deps{Store: store.Narrow(s, func(tx store.Store) secalert.Tx { return tx }),
		WorkingTime: func(context.Context) (secalert.WorkingTime, error) { return quiet.NewPolicy(nil), nil },
		Audit:       audit.New(s, time.Now, log), Log: log, Now: func() time.Time { return a.now }}, secalert.Defaults())
	a.scan()
	a.add(20, a.download(monday10, 0), time.Second)
	if as := b.scan(); len(as) != 0 {
		t.Fatalf("the second node raised %v while the first held the lease", kinds(as))
	}
	if as := a.scan(); len(as) != 1 {
		t.Fatalf("the lease holder raised %v", kinds(as))
	}
}
