package quiet_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// now is Monday 9 March 2026, 10:00 in Shanghai: working time by default.
var now = time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)

// fixture is a real store with a few people and one channel, and the service over it.
type fixture struct {
	s   store.Store // read back through this, never through the service
	svc *quiet.Service
	u   map[string]store.User
	ch  int64 // a group channel of staff and leader; outsider is not in it
}

// newFixture builds the service over wrap(s); nil wrap is s itself. The policy is
// cached for an hour, so only the service's own invalidation shows a change at once.
func newFixture(t *testing.T, s store.Store, wrap func(store.Store) store.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	fx := &fixture{s: s, u: map[string]store.User{}}
	for _, u := range []store.User{ // usernames are the roles' names, for reading the cases
		{Username: "admin", DisplayName: "周涛", Role: store.RoleAdmin},
		{Username: "staff", DisplayName: "张静", Role: store.RoleStaff},
		{Username: "leader", DisplayName: "王建国", Role: store.RoleLeader},
		{Username: "auditor", DisplayName: "孙丽", Role: store.RoleAuditor},
		{Username: "outsider", DisplayName: "周海燕", Role: store.RoleStaff},
		{Username: "gone", DisplayName: "离职者", Role: store.RoleStaff, Disabled: true},
	} {
		u.CreatedAt = now
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		fx.u[u.Username] = u
	}
	c := store.Channel{Kind: store.ChannelGroup, Name: "预算工作群", PostPolicy: store.PolicyEveryone, MentionAll: store.PolicyEveryone,
		CreatedBy: fx.u["leader"].ID, CreatedAt: now}
	members := []store.ChannelMember{{UserID: fx.u["leader"].ID, Role: store.MemberAdmin, JoinedAt: now}, {UserID: fx.u["staff"].ID, JoinedAt: now}}
	if err := s.CreateChannel(ctx, &c, members); err != nil {
		t.Fatal(err)
	}
	fx.ch = c.ID
	served := s
	if wrap != nil {
		served = wrap(s)
	}
	st := store.Narrow(served, func(tx store.Store) quiet.Tx { return tx })
	clock := func() time.Time { return now }
	svc, err := quiet.NewService(st, audit.New(s, clock, slog.New(slog.NewTextHandler(io.Discard, nil))), clock, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fx.svc = svc
	return fx
}

func (fx *fixture) p(username string) auth.Principal { return auth.Principal{User: fx.u[username]} }

// slot puts staff on duty through the store, for the tests that delete it.
func (fx *fixture) slot(t *testing.T) store.DutySlot {
	t.Helper()
	d := store.DutySlot{UserID: fx.u["staff"].ID, Start: now, End: now.Add(2 * time.Hour), Note: "值班", CreatedBy: fx.u["admin"].ID, CreatedAt: now}
	if err := fx.s.CreateDutySlot(t.Context(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// state is everything the service writes, read from the store.
type state struct {
	org      string
	years    []store.CalendarYear
	slots    []store.DutySlot
	personal store.QuietPersonal
	level    string
	audit    []store.AuditEvent
}

func (fx *fixture) state(t *testing.T) state {
	t.Helper()
	ctx := t.Context()
	var st state
	var err error
	must := func(e error) {
		t.Helper()
		if e != nil {
			t.Fatal(e)
		}
	}
	st.org, err = fx.s.GetOrgSchedule(ctx)
	must(err)
	st.years, err = fx.s.ListCalendarYears(ctx)
	must(err)
	st.slots, err = fx.s.ListDutySlots(ctx, time.Time{}, time.Time{})
	must(err)
	st.personal, err = fx.s.GetQuietPersonal(ctx, fx.u["staff"].ID)
	must(err)
	st.level, err = fx.s.GetChannelNotify(ctx, fx.ch, fx.u["staff"].ID)
	must(err)
	st.audit, err = fx.s.ListAudit(ctx, store.AuditFilter{Action: "quiet."})
	must(err)
	return st
}

// tuesday is a week with the given spans on Tuesday only.
func tuesday(spans ...protocol.TimeSpan) protocol.WeekSchedule {
	return protocol.WeekSchedule{Tue: spans}
}

var nineToFive = protocol.TimeSpan{Start: "09:00", End: "17:00"}

// yearFile is a calendar file for year with one holiday on date.
func yearFile(year int, date string) []byte {
	return fmt.Appendf(nil, `{"year":%d,"source":"测试","holidays":[{"name":"测试假日","dates":[%q]}],"workdays":[]}`, year, date)
}

// refusal is one call the service must refuse with code (and field, for bad_request),
// changing nothing.
type refusal struct {
	name  string
	do    func(ctx context.Context, fx *fixture) error
	code  protocol.Code
	field string
}

// drop keeps the error of a call that also answers.
func drop[T any](_ T, err error) error { return err }

func TestServiceValidates(t *testing.T) {
	hour := func(d time.Duration) time.Time { return now.Add(d * time.Hour) }
	setOrg := func(req protocol.OrgWorkSchedule) func(context.Context, *fixture) error {
		return func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.SetOrgSchedule(ctx, fx.p("admin"), req))
		}
	}
	putYear := func(year int, file string) func(context.Context, *fixture) error {
		return func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.PutCalendarYear(ctx, fx.p("admin"), year, []byte(file)))
		}
	}
	addDuty := func(user string, start, end time.Time, note string) func(context.Context, *fixture) error {
		return func(ctx context.Context, fx *fixture) error {
			req := protocol.DutySlotRequest{UserID: fx.u[user].ID, Start: start, End: end, Note: note}
			if user == "unknown" {
				req.UserID = 999999
			}
			return drop(fx.svc.AddDuty(ctx, fx.p("admin"), req))
		}
	}
	setMine := func(req protocol.MyQuietSettings) func(context.Context, *fixture) error {
		return func(ctx context.Context, fx *fixture) error { return drop(fx.svc.SetMine(ctx, fx.p("staff"), req)) }
	}
	reach := func(n int) func(context.Context, *fixture) error {
		return func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.Reachability(ctx, protocol.ReachabilityRequest{UserIDs: make([]int64, n)}))
		}
	}
	thirteen := make([]protocol.TimeSpan, 13)
	for i := range thirteen {
		thirteen[i] = protocol.TimeSpan{Start: fmt.Sprintf("%02d:00", i), End: fmt.Sprintf("%02d:30", i)}
	}
	leaves := make([]protocol.LeaveRange, protocol.MaxLeaveRanges+1)
	for i := range leaves {
		leaves[i] = protocol.LeaveRange{From: "2026-04-01", To: "2026-04-01"}
	}
	cases := []refusal{
		{"unknown zone", setOrg(protocol.OrgWorkSchedule{TimeZone: "Mars/Olympus", Week: tuesday(nineToFive)}), "", "time_zone"},
		{"a clock that is not HH:MM", setOrg(protocol.OrgWorkSchedule{Week: tuesday(protocol.TimeSpan{Start: "9:00", End: "17:00"})}), "", "week.tue[0].start"},
		{"a reversed span", setOrg(protocol.OrgWorkSchedule{Week: protocol.WeekSchedule{Mon: []protocol.TimeSpan{{Start: "12:00", End: "08:30"}}}}), "", "week.mon"},
		{"more than 12 spans a day", setOrg(protocol.OrgWorkSchedule{Week: tuesday(thirteen...)}), "", "week.tue"},
		{"a week without working time", setOrg(protocol.OrgWorkSchedule{}), "", "week"},
		{"a year out of range in the path", putYear(1900, string(yearFile(1900, "1900-01-01"))), "", "year"},
		{"a file for another year than the path's", putYear(2026, string(yearFile(2027, "2027-01-01"))), "", "year"},
		{"a date outside the year", putYear(2026, string(yearFile(2026, "2025-12-31"))), "", "holidays[0].dates[0]"},
		{"a calendar without a source", putYear(2026, `{"year":2026}`), "", "source"},
		{"an unknown field in the calendar", putYear(2026, `{"year":2026,"source":"s","extra":1}`), "", "body"},
		{"a calendar source that is not UTF-8", putYear(2026, "{\"year\":2026,\"source\":\"\xff\"}"), "", "source"},
		{"a holiday named with half a surrogate pair", putYear(2026, `{"year":2026,"source":"s","holidays":[{"name":"\ud800","dates":["2026-03-09"]}]}`), "", "holidays.name"},
		{"duty for nobody", addDuty("nobody", hour(0), hour(1), ""), "", "user_id"},
		{"duty for an unknown person", addDuty("unknown", hour(0), hour(1), ""), "", "user_id"},
		{"duty for a disabled person", addDuty("gone", hour(0), hour(1), ""), "", "user_id"},
		{"duty without a start", addDuty("staff", time.Time{}, hour(1), ""), "", "start"},
		{"duty without an end", addDuty("staff", hour(0), time.Time{}, ""), "", "end"},
		{"duty ending before it starts", addDuty("staff", hour(1), hour(0), ""), "", "end"},
		{"duty longer than 31 days", addDuty("staff", hour(0), hour(32*24), ""), "", "end"},
		{"duty already over", addDuty("staff", hour(-2), hour(-1), ""), "", "end"},
		{"a duty note too long", addDuty("staff", hour(0), hour(1), strings.Repeat("值", protocol.MaxQuietNote+1)), "", "note"},
		{"an own schedule with a bad clock", setMine(protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{Tue: []protocol.TimeSpan{{Start: "25:00", End: "26:00"}}}}), "", "own_schedule.tue[0].start"},
		{"an own schedule reversed", setMine(protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{Fri: []protocol.TimeSpan{{Start: "10:00", End: "09:00"}}}}), "", "own_schedule.fri"},
		{"an empty own schedule", setMine(protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{}}), "", "own_schedule"},
		{"leave from no date", setMine(protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-02-30", To: "2026-03-01"}}}), "", "leave[0].from"},
		{"leave ending before it starts", setMine(protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-03-02", To: "2026-03-01"}}}), "", "leave[0].to"},
		{"a leave note too long", setMine(protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-03-02", To: "2026-03-02", Note: strings.Repeat("假", 201)}}}), "", "leave[0].note"},
		{"too many leave ranges", setMine(protocol.MyQuietSettings{Leave: leaves}), "", "leave"},
		{"an unknown notification level", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.SetChannelNotify(ctx, fx.p("staff"), fx.ch, protocol.ChannelNotifyRequest{Level: "loud"}))
		}, "", "level"},
		{"reachability of nobody", reach(0), "", "user_ids"},
		{"reachability of too many", reach(protocol.MaxReachabilityUsers + 1), "", "user_ids"},
		{"the schedule of a year out of range", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.OrgSchedule(ctx, 1900))
		}, "", "year"},
	}
	for i := range cases {
		cases[i].code = protocol.CodeBadRequest
	}
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s, nil)
		testRefusals(t, fx, cases)
	})
}

func TestServiceAuthorises(t *testing.T) {
	forbidden := func(name string, do func(context.Context, *fixture) error) refusal {
		return refusal{name: name, do: do, code: protocol.CodeForbidden}
	}
	notMember := func(name, who string, channel func(*fixture) int64, level string) refusal {
		return refusal{name: name, code: protocol.CodeNotMember, do: func(ctx context.Context, fx *fixture) error {
			if level == "" {
				return drop(fx.svc.ChannelNotify(ctx, fx.p(who), channel(fx)))
			}
			return drop(fx.svc.SetChannelNotify(ctx, fx.p(who), channel(fx), protocol.ChannelNotifyRequest{Level: level}))
		}}
	}
	theChannel := func(fx *fixture) int64 { return fx.ch }
	cases := []refusal{
		forbidden("staff set the organisation's schedule", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.SetOrgSchedule(ctx, fx.p("staff"), protocol.OrgWorkSchedule{Week: tuesday(nineToFive)}))
		}),
		forbidden("staff are refused before their schedule is read", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.SetOrgSchedule(ctx, fx.p("staff"), protocol.OrgWorkSchedule{TimeZone: "Mars/Olympus"}))
		}),
		forbidden("a leader uploads a calendar year", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.PutCalendarYear(ctx, fx.p("leader"), 2026, yearFile(2026, "2026-03-09")))
		}),
		forbidden("the auditor reads the roster", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.Duty(ctx, fx.p("auditor"), time.Time{}, time.Time{}))
		}),
		forbidden("a leader adds a duty slot", func(ctx context.Context, fx *fixture) error {
			return drop(fx.svc.AddDuty(ctx, fx.p("leader"), protocol.DutySlotRequest{UserID: fx.u["staff"].ID, Start: now, End: now.Add(time.Hour)}))
		}),
		forbidden("staff delete a duty slot", func(ctx context.Context, fx *fixture) error {
			return fx.svc.DeleteDuty(ctx, fx.p("staff"), fx.state(t).slots[0].ID)
		}),
		notMember("an outsider reads a level", "outsider", theChannel, ""),
		notMember("an outsider sets a level, even a bad one", "outsider", theChannel, "loud"),
		notMember("a channel that does not exist", "staff", func(*fixture) int64 { return 999999 }, ""),
		notMember("a channel id that is no id", "staff", func(*fixture) int64 { return 0 }, protocol.NotifyNone),
		{name: "deleting a slot that does not exist", code: protocol.CodeNotFound, do: func(ctx context.Context, fx *fixture) error {
			return fx.svc.DeleteDuty(ctx, fx.p("admin"), 999999)
		}},
	}
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		fx := newFixture(t, s, nil)
		fx.slot(t)
		testRefusals(t, fx, cases)
	})
}

// testRefusals runs each call, which must fail with its code and field and leave the
// store as it was, the audit trail included.
func testRefusals(t *testing.T, fx *fixture, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fx.state(t)
			err := c.do(t.Context(), fx)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != c.code || ae.Field != c.field {
				t.Fatalf("err = %v, want %s with field %q", err, c.code, c.field)
			}
			if after := fx.state(t); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused call changed the store:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// change is one successful call, what its audit entry says, and how its effect shows.
type change struct {
	name   string
	setup  func(t *testing.T, fx *fixture) int64 // returns an id the call needs
	do     func(ctx context.Context, fx *fixture, id int64) error
	actor  string
	action string
	target func(t *testing.T, fx *fixture, id int64) (typ, targetID string)
	detail func(fx *fixture) map[string]any
	// shows checks the effect, through the service: for what the policy is made of,
	// at once, though the policy is cached for an hour.
	shows func(t *testing.T, fx *fixture)
}

// reason is staff's state now, as the service's policy says.
func reason(t *testing.T, fx *fixture) string {
	t.Helper()
	pol, err := fx.svc.Policy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return pol.StatusAt(fx.u["staff"].ID, now).Reason
}

func wantReason(want string) func(t *testing.T, fx *fixture) {
	return func(t *testing.T, fx *fixture) {
		t.Helper()
		if got := reason(t, fx); got != want {
			t.Errorf("staff now: %s, want %s", got, want)
		}
	}
}

func changes() []change {
	slotDetail := func(fx *fixture) map[string]any {
		return map[string]any{"user_id": float64(fx.u["staff"].ID), "start": now.Format(time.RFC3339), "end": now.Add(2 * time.Hour).Format(time.RFC3339)}
	}
	return []change{
		{
			name: "the organisation's schedule",
			do: func(ctx context.Context, fx *fixture, _ int64) error {
				return drop(fx.svc.SetOrgSchedule(ctx, fx.p("admin"), protocol.OrgWorkSchedule{Week: tuesday(nineToFive)}))
			},
			actor: "admin", action: audit.QuietOrgSchedule,
			target: func(*testing.T, *fixture, int64) (string, string) { return "org", "work_schedule" },
			detail: func(*fixture) map[string]any {
				return map[string]any{"time_zone": "Asia/Shanghai", "working_days": []any{"tue"}}
			},
			shows: wantReason(quiet.ReasonDayOff),
		},
		{
			name: "a calendar year",
			do: func(ctx context.Context, fx *fixture, _ int64) error {
				return drop(fx.svc.PutCalendarYear(ctx, fx.p("admin"), 2026, yearFile(2026, "2026-03-09")))
			},
			actor: "admin", action: audit.QuietCalendarYear,
			target: func(*testing.T, *fixture, int64) (string, string) { return "calendar_year", "2026" },
			detail: func(*fixture) map[string]any {
				return map[string]any{"holidays": float64(1), "workdays": float64(0), "source": "测试"}
			},
			shows: wantReason(quiet.ReasonHoliday),
		},
		{
			name: "a duty slot added",
			do: func(ctx context.Context, fx *fixture, _ int64) error {
				_, err := fx.svc.AddDuty(ctx, fx.p("admin"), protocol.DutySlotRequest{UserID: fx.u["staff"].ID, Start: now, End: now.Add(2 * time.Hour), Note: " 值班 "})
				return err
			},
			actor: "admin", action: audit.QuietDutyCreate,
			target: func(t *testing.T, fx *fixture, _ int64) (string, string) {
				return "duty_slot", fmt.Sprint(fx.state(t).slots[0].ID)
			},
			detail: func(fx *fixture) map[string]any { return slotDetail(fx) },
			shows:  wantReason(quiet.ReasonOnDuty),
		},
		{
			name: "a duty slot deleted",
			setup: func(t *testing.T, fx *fixture) int64 {
				d := fx.slot(t)
				if got := reason(t, fx); got != quiet.ReasonOnDuty {
					t.Fatalf("staff now: %s before the slot is deleted", got)
				}
				return d.ID
			},
			do: func(ctx context.Context, fx *fixture, id int64) error {
				return fx.svc.DeleteDuty(ctx, fx.p("admin"), id)
			},
			actor: "admin", action: audit.QuietDutyDelete,
			target: func(_ *testing.T, _ *fixture, id int64) (string, string) { return "duty_slot", fmt.Sprint(id) },
			detail: func(fx *fixture) map[string]any { return slotDetail(fx) },
			shows:  wantReason(quiet.ReasonWorking),
		},
		{
			name: "one's own settings",
			do: func(ctx context.Context, fx *fixture, _ int64) error {
				mine, err := fx.svc.SetMine(ctx, fx.p("staff"), protocol.MyQuietSettings{PushWhenIdle: true,
					Leave: []protocol.LeaveRange{{From: "2026-03-09", To: "2026-03-10", Note: "年休假"}}})
				if err == nil && (mine.Status.Reason != quiet.ReasonLeave || !mine.PushWhenIdle || len(mine.Leave) != 1) {
					return fmt.Errorf("answer %+v", mine)
				}
				return err
			},
			actor: "staff", action: audit.QuietPersonal,
			target: func(_ *testing.T, fx *fixture, _ int64) (string, string) { return "user", fmt.Sprint(fx.u["staff"].ID) },
			detail: func(*fixture) map[string]any {
				return map[string]any{"own_schedule": false, "leave_ranges": float64(1), "push_when_idle": true}
			},
			shows: wantReason(quiet.ReasonLeave),
		},
		{
			name: "a channel notification level",
			do: func(ctx context.Context, fx *fixture, _ int64) error {
				return drop(fx.svc.SetChannelNotify(ctx, fx.p("staff"), fx.ch, protocol.ChannelNotifyRequest{Level: protocol.NotifyMentions}))
			},
			actor: "staff", action: audit.QuietChannelNotify,
			target: func(_ *testing.T, fx *fixture, _ int64) (string, string) { return "channel", fmt.Sprint(fx.ch) },
			detail: func(*fixture) map[string]any { return map[string]any{"level": "mentions"} },
			shows: func(t *testing.T, fx *fixture) {
				n, err := fx.svc.ChannelNotify(t.Context(), fx.p("staff"), fx.ch)
				if err != nil || n.Level != protocol.NotifyMentions {
					t.Errorf("level = %+v, %v", n, err)
				}
			},
		},
	}
}

func TestServiceAuditsEachChange(t *testing.T) {
	for _, c := range changes() {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
				fx := newFixture(t, s, nil)
				var id int64
				if c.setup != nil {
					id = c.setup(t, fx)
				}
				reason(t, fx) // the policy is cached from here on
				if err := c.do(t.Context(), fx, id); err != nil {
					t.Fatal(err)
				}
				evs := fx.state(t).audit
				if len(evs) != 1 {
					t.Fatalf("%d audit entries, want 1: %+v", len(evs), evs)
				}
				e := evs[0]
				typ, target := c.target(t, fx, id)
				if e.Action != c.action || e.ActorID != fx.u[c.actor].ID || e.ActorName != c.actor || e.Outcome != audit.OK ||
					e.TargetType != typ || e.TargetID != target {
					t.Errorf("entry %+v, want %s by %s on %s %s", e, c.action, c.actor, typ, target)
				}
				var detail map[string]any
				if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil || !reflect.DeepEqual(detail, c.detail(fx)) {
					t.Errorf("detail %s, want %v", e.Detail, c.detail(fx))
				}
				c.shows(t, fx)
			})
		})
	}
}

// errAuditDown is the audit trail refusing an entry.
var errAuditDown = errors.New("audit trail unavailable")

// auditFails is the real store whose transactions cannot write to the audit trail.
type auditFails struct{ store.Store }

func (s auditFails) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return s.Store.InTx(ctx, func(tx store.Store) error { return fn(noAudit{tx}) })
}

type noAudit struct{ store.Store }

func (noAudit) AppendAudit(context.Context, *store.AuditEvent, store.AuditHash) error {
	return errAuditDown
}

func TestServiceChangesNothingWithoutItsAuditEntry(t *testing.T) {
	for _, c := range changes() {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
				fx := newFixture(t, s, func(s store.Store) store.Store { return auditFails{s} })
				var id int64
				if c.setup != nil {
					id = c.setup(t, fx)
				}
				before, was := fx.state(t), reason(t, fx)
				err := c.do(t.Context(), fx, id)
				if !errors.Is(err, errAuditDown) {
					t.Fatalf("err = %v, want the audit failure", err)
				}
				if after := fx.state(t); !reflect.DeepEqual(before, after) {
					t.Errorf("the change was stored without its audit entry:\nbefore %+v\nafter  %+v", before, after)
				}
				if now := reason(t, fx); now != was {
					t.Errorf("staff now: %s, was %s before the failed change", now, was)
				}
			})
		})
	}
}
