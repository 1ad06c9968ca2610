package store_test

import (
	"errors"
	"testing"
	"time"

	"govchat/internal/store"
)

// errBoom is what test callbacks return to force a rollback.
var errBoom = errors.New("boom")

// t0 is a fixed instant with sub-millisecond noise and a non-UTC zone, to show the
// store normalises both.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.FixedZone("CST", 8*3600))

func ms(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

func newUser(t *testing.T, s store.Store, username string, role store.Role) store.User {
	t.Helper()
	u := store.User{Username: username, DisplayName: username, Role: role}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatalf("CreateUser(%q): %v", username, err)
	}
	return u
}

func newDept(t *testing.T, s store.Store, parent int64, name string) store.Department {
	t.Helper()
	d := store.Department{ParentID: parent, Name: name}
	if err := s.CreateDepartment(t.Context(), &d); err != nil {
		t.Fatalf("CreateDepartment(%d, %q): %v", parent, name, err)
	}
	return d
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
