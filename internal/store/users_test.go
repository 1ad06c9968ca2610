package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestUsers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()

		t.Run("create and get round-trip every field", func(t *testing.T) {
			u := store.User{
				Username: "WangJG", DisplayName: "王建国", Title: "局长", Position: "预算编制岗",
				Role: store.RoleLeader, Phone: "13800000000", Email: "wang@example.gov.cn", Disabled: true,
				PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", MustChangePassword: true,
				PasswordChangedAt: t0, TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPEnabled: true, TOTPLastStep: 42,
				FailedLogins: 2, LockedUntil: t0.Add(time.Hour), CreatedAt: t0,
			}
			must(t, s.CreateUser(ctx, &u))
			if u.ID == 0 || u.Username != "wangjg" {
				t.Fatalf("after create: ID %d, Username %q; want an ID and lower-case name", u.ID, u.Username)
			}
			if !u.CreatedAt.Equal(ms(t0)) || !u.UpdatedAt.Equal(ms(t0)) || u.CreatedAt.Location() != time.UTC {
				t.Fatalf("CreatedAt %v UpdatedAt %v, want %v UTC", u.CreatedAt, u.UpdatedAt, ms(t0))
			}
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if !reflect.DeepEqual(got, u) {
				t.Fatalf("GetUser =\n%+v\nwant\n%+v", got, u)
			}
			byName, err := s.GetUserByUsername(ctx, "WANGJG")
			must(t, err)
			if !reflect.DeepEqual(byName, u) {
				t.Fatalf("GetUserByUsername =\n%+v\nwant\n%+v", byName, u)
			}
		})

		t.Run("created at defaults to now", func(t *testing.T) {
			before := time.Now().Add(-time.Second)
			u := newUser(t, s, "defaults", store.RoleStaff)
			if u.CreatedAt.Before(before) || u.CreatedAt.After(time.Now().Add(time.Second)) {
				t.Fatalf("CreatedAt = %v, want about now", u.CreatedAt)
			}
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if !got.CreatedAt.Equal(u.CreatedAt) || !got.LockedUntil.IsZero() || !got.PasswordChangedAt.IsZero() {
				t.Fatalf("got CreatedAt %v LockedUntil %v PasswordChangedAt %v", got.CreatedAt, got.LockedUntil, got.PasswordChangedAt)
			}
		})

		t.Run("duplicate username conflicts in any case", func(t *testing.T) {
			newUser(t, s, "lisi", store.RoleStaff)
			for _, name := range []string{"lisi", "LISI", "LiSi"} {
				u := store.User{Username: name, Role: store.RoleStaff}
				wantErr(t, s.CreateUser(ctx, &u), store.ErrConflict)
			}
		})

		t.Run("refuses unknown role and empty username", func(t *testing.T) {
			for _, u := range []store.User{{Username: "x1", Role: "root"}, {Username: "", Role: store.RoleStaff}} {
				if err := s.CreateUser(ctx, &u); err == nil {
					t.Errorf("CreateUser(%+v) succeeded", u)
				}
			}
		})

		t.Run("missing user is not found", func(t *testing.T) {
			const id = 987654
			cases := map[string]func() error{
				"GetUser":            func() error { _, err := s.GetUser(ctx, id); return err },
				"GetUserByUsername":  func() error { _, err := s.GetUserByUsername(ctx, "nobody"); return err },
				"UpdateUser":         func() error { return s.UpdateUser(ctx, store.User{ID: id, Role: store.RoleStaff}) },
				"SetPassword":        func() error { return s.SetPassword(ctx, id, "h", false, t0) },
				"SetTOTP":            func() error { return s.SetTOTP(ctx, id, "s", true) },
				"AcceptTOTPStep":     func() error { _, err := s.AcceptTOTPStep(ctx, id, 1); return err },
				"RecordLoginFailure": func() error { _, err := s.RecordLoginFailure(ctx, id, t0, 5, time.Minute); return err },
				"ResetLoginFailures": func() error { return s.ResetLoginFailures(ctx, id) },
			}
			for name, call := range cases {
				t.Run(name, func(t *testing.T) { wantErr(t, call(), store.ErrNotFound) })
			}
		})

		t.Run("update writes profile fields only", func(t *testing.T) {
			u := store.User{Username: "zhaoliu", Role: store.RoleStaff, PasswordHash: "orig", CreatedAt: t0}
			must(t, s.CreateUser(ctx, &u))
			u.DisplayName, u.Title, u.Position, u.Role = "赵六", "股长", "综合岗", store.RoleSecurity
			u.Phone, u.Email, u.Disabled = "1", "z@example", true
			u.PasswordHash, u.TOTPSecret = "changed", "changed"
			must(t, s.UpdateUser(ctx, u))
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if got.DisplayName != "赵六" || got.Title != "股长" || got.Position != "综合岗" || got.Role != store.RoleSecurity ||
				got.Phone != "1" || got.Email != "z@example" || !got.Disabled {
				t.Fatalf("profile not written: %+v", got)
			}
			if got.PasswordHash != "orig" || got.TOTPSecret != "" {
				t.Fatalf("credentials changed by UpdateUser: %+v", got)
			}
			if !got.UpdatedAt.After(got.CreatedAt) {
				t.Fatalf("UpdatedAt %v not after CreatedAt %v", got.UpdatedAt, got.CreatedAt)
			}
		})

		t.Run("set password and totp", func(t *testing.T) {
			u := newUser(t, s, "creds", store.RoleAdmin)
			must(t, s.SetPassword(ctx, u.ID, "newhash", true, t0))
			must(t, s.SetTOTP(ctx, u.ID, "SECRET", true))
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if got.PasswordHash != "newhash" || !got.MustChangePassword || !got.PasswordChangedAt.Equal(ms(t0)) ||
				got.TOTPSecret != "SECRET" || !got.TOTPEnabled {
				t.Fatalf("got %+v", got)
			}
		})

		t.Run("refuses a replayed totp step", func(t *testing.T) {
			u := newUser(t, s, "totp", store.RoleAuditor)
			for _, c := range []struct {
				step int64
				want bool
			}{{100, true}, {100, false}, {99, false}, {101, true}, {50, false}} {
				ok, err := s.AcceptTOTPStep(ctx, u.ID, c.step)
				must(t, err)
				if ok != c.want {
					t.Fatalf("AcceptTOTPStep(%d) = %v, want %v", c.step, ok, c.want)
				}
			}
		})

		t.Run("accepts a step once under concurrency", func(t *testing.T) {
			u := newUser(t, s, "totprace", store.RoleAuditor)
			var wg sync.WaitGroup
			results := make(chan bool, 10)
			for range 10 {
				wg.Go(func() {
					ok, err := s.AcceptTOTPStep(ctx, u.ID, 7)
					if err != nil {
						t.Error(err)
					}
					results <- ok
				})
			}
			wg.Wait()
			close(results)
			accepted := 0
			for ok := range results {
				if ok {
					accepted++
				}
			}
			if accepted != 1 {
				t.Fatalf("%d goroutines accepted the same step, want 1", accepted)
			}
		})

		t.Run("locks after max failures and restarts the count", func(t *testing.T) {
			u := newUser(t, s, "locked", store.RoleStaff)
			for i := 1; i <= 2; i++ {
				until, err := s.RecordLoginFailure(ctx, u.ID, t0, 3, 15*time.Minute)
				must(t, err)
				if !until.IsZero() {
					t.Fatalf("failure %d locked until %v", i, until)
				}
			}
			until, err := s.RecordLoginFailure(ctx, u.ID, t0, 3, 15*time.Minute)
			must(t, err)
			if want := ms(t0.Add(15 * time.Minute)); !until.Equal(want) {
				t.Fatalf("third failure: locked until %v, want %v", until, want)
			}
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if got.FailedLogins != 0 || !got.LockedUntil.Equal(until) {
				t.Fatalf("after lock: FailedLogins %d LockedUntil %v", got.FailedLogins, got.LockedUntil)
			}
			// Once the lock has run out, a new failure reports no lock.
			until, err = s.RecordLoginFailure(ctx, u.ID, t0.Add(time.Hour), 3, 15*time.Minute)
			must(t, err)
			if !until.IsZero() {
				t.Fatalf("failure after expiry: locked until %v", until)
			}
			must(t, s.ResetLoginFailures(ctx, u.ID))
			got, err = s.GetUser(ctx, u.ID)
			must(t, err)
			if got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
				t.Fatalf("after reset: FailedLogins %d LockedUntil %v", got.FailedLogins, got.LockedUntil)
			}
		})

		t.Run("counts concurrent failures exactly", func(t *testing.T) {
			u := newUser(t, s, "hammered", store.RoleStaff)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					if _, err := s.RecordLoginFailure(ctx, u.ID, t0, 1000, time.Minute); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if got.FailedLogins != 20 {
				t.Fatalf("FailedLogins = %d, want 20", got.FailedLogins)
			}
		})
	})
}

func TestListUsers(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		mk := func(name, display string, role store.Role) store.User {
			u := store.User{Username: name, DisplayName: display, Role: role}
			must(t, s.CreateUser(ctx, &u))
			return u
		}
		wang := mk("wangjg", "王建国", store.RoleLeader)
		li := mk("lisi", "李四", store.RoleStaff)
		zhang := mk("zhangjh", "张建华", store.RoleStaff)
		pct := mk("under_score", "Percent 100%", store.RoleAdmin)
		office := newDept(t, s, 0, "办公室")
		must(t, s.SetUserDepartments(ctx, li.ID, []store.DeptMembership{{DepartmentID: office.ID, Primary: true}}))
		must(t, s.SetUserDepartments(ctx, zhang.ID, []store.DeptMembership{{DepartmentID: office.ID}}))

		cases := []struct {
			name string
			f    store.UserFilter
			want []store.User
		}{
			{"no filter lists all in id order", store.UserFilter{}, []store.User{wang, li, zhang, pct}},
			{"chinese substring of display name", store.UserFilter{Query: "建"}, []store.User{wang, zhang}},
			{"username substring ignores case", store.UserFilter{Query: "WANG"}, []store.User{wang}},
			{"display name ignores ascii case", store.UserFilter{Query: "percent"}, []store.User{pct}},
			{"percent sign is literal", store.UserFilter{Query: "%"}, []store.User{pct}},
			{"underscore is literal", store.UserFilter{Query: "r_s"}, []store.User{pct}},
			{"role", store.UserFilter{Role: store.RoleStaff}, []store.User{li, zhang}},
			{"department", store.UserFilter{DepartmentID: office.ID}, []store.User{li, zhang}},
			{"department and query", store.UserFilter{DepartmentID: office.ID, Query: "张"}, []store.User{zhang}},
			{"limit", store.UserFilter{Limit: 2}, []store.User{wang, li}},
			{"limit and offset", store.UserFilter{Limit: 2, Offset: 1}, []store.User{li, zhang}},
			{"offset alone", store.UserFilter{Offset: 3}, []store.User{pct}},
			{"no match", store.UserFilter{Query: "nobody"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListUsers(ctx, c.f)
				must(t, err)
				if fmt.Sprint(ids(got)) != fmt.Sprint(ids(c.want)) {
					t.Fatalf("ListUsers(%+v) = %v, want %v", c.f, ids(got), ids(c.want))
				}
			})
		}
	})
}

func ids(us []store.User) []int64 {
	var out []int64
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

// TestConcurrentWriters hammers each backend with parallel writers: none may see
// SQLITE_BUSY or a lost update, and the audit chain they build must verify.
func TestConcurrentWriters(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		const writers, each = 20, 5
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if err := writeSome(ctx, s, w, i); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		us, err := s.ListUsers(ctx, store.UserFilter{})
		must(t, err)
		if len(us) != writers*each {
			t.Fatalf("%d users, want %d", len(us), writers*each)
		}
		n := 0
		must(t, s.ScanAudit(ctx, func(store.AuditEvent) error { n++; return nil }))
		if n != 2*writers*each {
			t.Fatalf("%d audit events, want %d", n, 2*writers*each)
		}
		bad, err := audit.Verify(ctx, s)
		must(t, err)
		if bad != 0 {
			t.Fatalf("chain broken at %d", bad)
		}
	})
}

// writeSome mixes plain writes, appends and a transaction, as request handlers do.
func writeSome(ctx context.Context, s store.Store, w, i int) error {
	if err := s.AppendAudit(ctx, &store.AuditEvent{Action: "test.plain", ActorName: fmt.Sprint(w)}, audit.Hash); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx store.Store) error {
		u := store.User{Username: fmt.Sprintf("w%d_%d", w, i), Role: store.RoleStaff}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if _, err := tx.RecordLoginFailure(ctx, u.ID, time.Now(), 5, time.Minute); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &store.AuditEvent{Action: "admin.user_create", ActorID: u.ID, TargetType: "user", TargetID: fmt.Sprint(u.ID)}, audit.Hash)
	})
}
