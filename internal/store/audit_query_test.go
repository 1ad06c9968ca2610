package store_test

import (
	"slices"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func lvl(l int) *int { return &l }

func auditIDs(es []store.AuditEvent) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// TestAuditFacts: the console's columns are written at append — the actor's role and
// primary department then, the subject and the level from the hashed fields — and
// survive the round trip.
func TestAuditFacts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		office := newDept(t, s, 0, "办公室")
		finance := newDept(t, s, 0, "财务科")
		sec := newUser(t, s, "baomi", store.RoleSecurity)
		staff := newUser(t, s, "wangfang", store.RoleStaff)
		must(t, s.SetUserDepartments(ctx, staff.ID, []store.DeptMembership{
			{UserID: staff.ID, DepartmentID: finance.ID}, {UserID: staff.ID, DepartmentID: office.ID, Primary: true}}))

		es := appendEvents(t, s,
			store.AuditEvent{At: t0, ActorID: staff.ID, ActorName: "wangfang", Action: "file.download", TargetType: "blob",
				TargetID: "ab", Detail: `{"purpose":"view","secrecy":2}`},
			store.AuditEvent{At: t0, ActorID: sec.ID, ActorName: "baomi", Action: "admin.user_update", TargetType: "user",
				TargetID: "77"},
			store.AuditEvent{At: t0, ActorID: staff.ID, ActorName: "wangfang", Action: "chat.member_remove", TargetType: "channel",
				TargetID: "5", Detail: `{"user_id":41}`},
			store.AuditEvent{At: t0, ActorID: staff.ID, ActorName: "wangfang", Action: "dlp.hit", TargetType: "channel",
				TargetID: "5", Detail: `{"level":3,"action":"alert"}`},
			store.AuditEvent{At: t0, ActorName: "ghost", Action: "auth.login_failed", TargetType: "user", Detail: `{"secrecy":"2"}`},
			store.AuditEvent{At: t0, ActorID: 999, ActorName: "gone", Action: "x.y", Detail: `{"secrecy":9}`},
		)
		want := []struct {
			role    store.Role
			dept    int64
			subject int64
			level   *int
		}{
			{store.RoleStaff, office.ID, 0, lvl(2)},
			{store.RoleSecurity, 0, 77, nil},
			{store.RoleStaff, office.ID, 41, nil},
			{store.RoleStaff, office.ID, 0, lvl(3)},
			{"", 0, 0, nil}, // no actor; a level that is not a number
			{"", 0, 0, nil}, // an account that is gone; a level off the ladder
		}
		got, err := s.ListAudit(ctx, store.AuditFilter{Limit: 100})
		must(t, err)
		slices.Reverse(got)
		for i, w := range want {
			g := got[i]
			if g.ID != es[i].ID || store.Role(g.ActorRole) != w.role || g.ActorDept != w.dept || g.SubjectID != w.subject ||
				(g.Level == nil) != (w.level == nil) || (g.Level != nil && *g.Level != *w.level) {
				t.Errorf("entry %d (%s): role %q dept %d subject %d level %v, want %+v", i, g.Action, g.ActorRole, g.ActorDept, g.SubjectID, g.Level, w)
			}
			// What AppendAudit derived from hashed fields re-derives the same.
			re := g
			store.DeriveAuditFacts(&re)
			if re.SubjectID != g.SubjectID || (re.Level == nil) != (g.Level == nil) {
				t.Errorf("entry %d re-derives differently", i)
			}
		}
	})
}

// TestAuditFilters: every console filter, alone and combined, newest first and paged
// by id.
func TestAuditFilters(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		top := newDept(t, s, 0, "局机关")
		sub := newDept(t, s, top.ID, "办公室")
		other := newDept(t, s, 0, "分局")
		p := newUser(t, s, "p", store.RoleStaff)
		q := newUser(t, s, "q", store.RoleLeader)
		r := newUser(t, s, "r", store.RoleStaff)
		must(t, s.SetUserDepartments(ctx, p.ID, []store.DeptMembership{{UserID: p.ID, DepartmentID: sub.ID, Primary: true}}))
		must(t, s.SetUserDepartments(ctx, q.ID, []store.DeptMembership{{UserID: q.ID, DepartmentID: top.ID, Primary: true}}))
		must(t, s.SetUserDepartments(ctx, r.ID, []store.DeptMembership{{UserID: r.ID, DepartmentID: other.ID, Primary: true}}))
		ev := func(actor store.User, action, tt, tid, outcome, detail string, at time.Time) store.AuditEvent {
			return store.AuditEvent{At: at, ActorID: actor.ID, ActorName: actor.Username, Action: action, TargetType: tt, TargetID: tid,
				Outcome: outcome, Detail: detail}
		}
		day := 24 * time.Hour
		es := appendEvents(t, s,
			ev(p, "file.download", "blob", "b1", "ok", `{"secrecy":1}`, t0),                                // 0
			ev(q, "admin.user_update", "user", "0", "ok", "", t0.Add(day)),                                 // 1 (target_id "0": no subject)
			ev(q, "chat.member_remove", "channel", "7", "ok", `{"user_id":`+itoa(p.ID)+`}`, t0.Add(2*day)), // 2: about p
			ev(r, "file.download", "blob", "b1", "denied", `{"secrecy":3}`, t0.Add(3*day)),                 // 3
			ev(r, "file.download", "blob", "b2", "ok", `{"secrecy":2}`, t0.Add(4*day)),                     // 4
			ev(p, "auth.login", "user", itoa(p.ID), "ok", "", t0.Add(5*day)),                               // 5: by and about p (once)
			ev(q, "file.download", "blob", "b1", "ok", "", t0.Add(6*day)),                                  // 6
		)
		id := func(is ...int) []int64 {
			out := []int64{}
			for _, i := range is {
				out = append(out, es[i].ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    store.AuditFilter
			want []int64
		}{
			{"everything", store.AuditFilter{}, id(6, 5, 4, 3, 2, 1, 0)},
			{"person as actor or subject", store.AuditFilter{PersonID: p.ID}, id(5, 2, 0)},
			{"person paged", store.AuditFilter{PersonID: p.ID, BeforeID: es[5].ID, Limit: 1}, id(2)},
			{"person and action", store.AuditFilter{PersonID: p.ID, Action: "file."}, id(0)},
			{"person this week", store.AuditFilter{PersonID: p.ID, Since: t0.Add(day), Until: t0.Add(5 * day)}, id(2)},
			{"target type", store.AuditFilter{TargetType: "blob"}, id(6, 4, 3, 0)},
			{"target", store.AuditFilter{TargetType: "blob", TargetID: "b1"}, id(6, 3, 0)},
			{"department subtree", store.AuditFilter{DeptIDs: []int64{top.ID, sub.ID}}, id(6, 5, 2, 1, 0)},
			{"sub-department only", store.AuditFilter{DeptIDs: []int64{sub.ID}}, id(5, 0)},
			{"level at least 2", store.AuditFilter{MinLevel: lvl(2)}, id(4, 3)},
			{"level at least 0", store.AuditFilter{MinLevel: lvl(0)}, id(4, 3, 0)},
			{"outcome", store.AuditFilter{Outcome: "denied"}, id(3)},
			{"combined", store.AuditFilter{TargetType: "blob", TargetID: "b1", Outcome: "ok", DeptIDs: []int64{top.ID, sub.ID}}, id(6, 0)},
			{"paged", store.AuditFilter{BeforeID: es[3].ID, Limit: 2}, id(2, 1)},
		}
		for _, c := range cases {
			got, err := s.ListAudit(ctx, c.f)
			must(t, err)
			if !slices.Equal(auditIDs(got), c.want) {
				t.Errorf("%s: got %v, want %v", c.name, auditIDs(got), c.want)
			}
			f := c.f
			f.BeforeID, f.Limit = 0, 0
			if c.name == "paged" || c.name == "person paged" {
				continue
			}
			n, err := s.CountAudit(ctx, f, 0)
			must(t, err)
			if n != int64(len(c.want)) {
				t.Errorf("%s: count %d, want %d", c.name, n, len(c.want))
			}
		}
		// CountAudit bounds by the newest id it was given.
		n, err := s.CountAudit(ctx, store.AuditFilter{}, es[2].ID)
		must(t, err)
		if n != 3 {
			t.Errorf("count up to entry 2 = %d, want 3", n)
		}
		about, more, err := s.ListAuditAbout(ctx, "blob", "b1", 2)
		must(t, err)
		if !slices.Equal(auditIDs(about), id(0, 3)) || !more {
			t.Errorf("about b1 = %v more %v, want oldest two and more", auditIDs(about), more)
		}
		win, err := s.ListAuditWindow(ctx, "file.download", r.ID, "", 0, es[6].ID, t0.Add(3*day), 10)
		must(t, err)
		if !slices.Equal(auditIDs(win), id(3, 4)) {
			t.Errorf("window = %v", auditIDs(win))
		}
	})
}


// TestSecurityAlertsStore: alerts are listed by state, acknowledged once, and the
// job's lease and cursor are one node's at a time.
func TestSecurityAlertsStore(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		a := store.SecurityAlert{Kind: "mass_download", RaisedAt: t0, ActorID: 3, ActorName: "p", Count: 21, WindowSecs: 600,
			Level: lvl(2), EventIDs: []int64{1, 2}, LastEventID: 40}
		must(t, s.InsertAlert(ctx, &a))
		b := store.SecurityAlert{Kind: "login_failures", RaisedAt: t0, IP: "10.0.0.9", Count: 10, WindowSecs: 600, LastEventID: 50}
		must(t, s.InsertAlert(ctx, &b))
		last, err := s.LastAlertedEventID(ctx, "mass_download", 3, "")
		must(t, err)
		if last != 40 {
			t.Errorf("last alerted = %d", last)
		}
		open, err := s.ListAlerts(ctx, store.AlertsOpen, 0, 10)
		must(t, err)
		if len(open) != 2 || open[0].ID != b.ID || *open[1].Level != 2 || !slices.Equal(open[1].EventIDs, []int64{1, 2}) {
			t.Fatalf("open = %+v", open)
		}
		acked, err := s.AckAlert(ctx, a.ID, 9, t0, "已核实")
		must(t, err)
		if acked.AckedBy != 9 || acked.Note != "已核实" || acked.AckedAt.IsZero() {
			t.Errorf("acked = %+v", acked)
		}
		_, err = s.AckAlert(ctx, a.ID, 9, t0, "again")
		wantErr(t, err, store.ErrConflict)
		_, err = s.AckAlert(ctx, 9999, 9, t0, "none")
		wantErr(t, err, store.ErrNotFound)
		for state, want := range map[store.AlertState]int{store.AlertsOpen: 1, store.AlertsAcked: 1, store.AlertsAll: 2} {
			got, err := s.ListAlerts(ctx, state, 0, 10)
			must(t, err)
			if len(got) != want {
				t.Errorf("%s: %d alerts, want %d", state, len(got), want)
			}
		}
		got, cursor, err := s.ClaimAlertLease(ctx, "one", t0, time.Minute)
		must(t, err)
		if !got || cursor != 0 {
			t.Fatalf("claim = %v %d", got, cursor)
		}
		if got, _, _ := s.ClaimAlertLease(ctx, "two", t0.Add(30*time.Second), time.Minute); got {
			t.Error("a second node took a held lease")
		}
		must(t, s.SetAlertCursor(ctx, "two", 99)) // not the holder: no effect
		must(t, s.SetAlertCursor(ctx, "one", 12))
		if got, cursor, _ := s.ClaimAlertLease(ctx, "two", t0.Add(2*time.Minute), time.Minute); !got || cursor != 12 {
			t.Errorf("after expiry: %v %d, want the lease and cursor 12", got, cursor)
		}
	})
}
