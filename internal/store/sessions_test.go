package store_test

import (
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func TestSessions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := newUser(t, s, "sessions", store.RoleStaff)
		other := newUser(t, s, "other", store.RoleStaff)
		newSession := func(t *testing.T, userID int64, token string, expires time.Time) store.Session {
			t.Helper()
			sess := store.Session{TokenHash: tokenHash(token), UserID: userID, CreatedAt: t0, ExpiresAt: expires,
				IP: "10.0.0.1", UserAgent: "Mozilla/5.0"}
			must(t, s.CreateSession(ctx, &sess))
			return sess
		}

		t.Run("create and get round-trip", func(t *testing.T) {
			sess := newSession(t, u.ID, "round", t0.Add(time.Hour))
			if sess.ID == 0 {
				t.Fatal("no ID set")
			}
			got, err := s.GetSessionByTokenHash(ctx, tokenHash("round"), t0)
			must(t, err)
			if !reflect.DeepEqual(got, sess) {
				t.Fatalf("got\n%+v\nwant\n%+v", got, sess)
			}
		})

		t.Run("expired session is not returned", func(t *testing.T) {
			newSession(t, u.ID, "expiring", t0.Add(time.Minute))
			_, err := s.GetSessionByTokenHash(ctx, tokenHash("expiring"), t0.Add(time.Minute-time.Millisecond))
			must(t, err)
			_, err = s.GetSessionByTokenHash(ctx, tokenHash("expiring"), t0.Add(time.Minute))
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("unknown token is not found", func(t *testing.T) {
			_, err := s.GetSessionByTokenHash(ctx, tokenHash("never issued"), t0)
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("duplicate token hash conflicts", func(t *testing.T) {
			newSession(t, u.ID, "dup", t0.Add(time.Hour))
			sess := store.Session{TokenHash: tokenHash("dup"), UserID: other.ID, ExpiresAt: t0.Add(time.Hour)}
			wantErr(t, s.CreateSession(ctx, &sess), store.ErrConflict)
		})

		t.Run("session for a missing user conflicts", func(t *testing.T) {
			sess := store.Session{TokenHash: tokenHash("orphan"), UserID: 987654, ExpiresAt: t0.Add(time.Hour)}
			wantErr(t, s.CreateSession(ctx, &sess), store.ErrConflict)
		})

		t.Run("delete session", func(t *testing.T) {
			sess := newSession(t, u.ID, "logout", t0.Add(time.Hour))
			must(t, s.DeleteSession(ctx, sess.ID))
			_, err := s.GetSessionByTokenHash(ctx, tokenHash("logout"), t0)
			wantErr(t, err, store.ErrNotFound)
			wantErr(t, s.DeleteSession(ctx, sess.ID), store.ErrNotFound)
		})

		t.Run("totp pending flag", func(t *testing.T) {
			sess := newSession(t, u.ID, "pending", t0.Add(time.Hour))
			must(t, s.SetSessionTOTPPending(ctx, sess.ID, true))
			got, err := s.GetSessionByTokenHash(ctx, tokenHash("pending"), t0)
			must(t, err)
			if !got.TOTPPending {
				t.Fatal("TOTPPending not set")
			}
			must(t, s.SetSessionTOTPPending(ctx, sess.ID, false))
			got, err = s.GetSessionByTokenHash(ctx, tokenHash("pending"), t0)
			must(t, err)
			if got.TOTPPending {
				t.Fatal("TOTPPending not cleared")
			}
			wantErr(t, s.SetSessionTOTPPending(ctx, 987654, true), store.ErrNotFound)
		})

		t.Run("delete user sessions keeps one", func(t *testing.T) {
			victim := newUser(t, s, "victim", store.RoleStaff)
			newSession(t, victim.ID, "v1", t0.Add(time.Hour))
			keep := newSession(t, victim.ID, "v2", t0.Add(time.Hour))
			newSession(t, victim.ID, "v3", t0.Add(time.Hour))
			bystander := newSession(t, other.ID, "bystander", t0.Add(time.Hour))

			n, err := s.DeleteUserSessions(ctx, victim.ID, keep.ID)
			must(t, err)
			if n != 2 {
				t.Fatalf("revoked %d, want 2", n)
			}
			for token, alive := range map[string]bool{"v1": false, "v2": true, "v3": false, "bystander": true} {
				_, err := s.GetSessionByTokenHash(ctx, tokenHash(token), t0)
				if (err == nil) != alive {
					t.Errorf("session %s: err %v, want alive=%v", token, err, alive)
				}
			}
			n, err = s.DeleteUserSessions(ctx, victim.ID, 0)
			must(t, err)
			if n != 1 {
				t.Fatalf("keep none: revoked %d, want 1", n)
			}
			_, err = s.GetSessionByTokenHash(ctx, bystander.TokenHash, t0)
			must(t, err)
		})

		t.Run("delete expired sessions", func(t *testing.T) {
			sweep := newUser(t, s, "sweep", store.RoleStaff)
			far := t0.Add(100 * 365 * 24 * time.Hour)
			newSession(t, sweep.ID, "old", far.Add(-time.Hour))
			newSession(t, sweep.ID, "edge", far)
			newSession(t, sweep.ID, "fresh", far.Add(time.Hour))
			// Everything created by other subtests expired long before far.
			n, err := s.DeleteExpiredSessions(ctx, far)
			must(t, err)
			if n < 2 {
				t.Fatalf("deleted %d, want at least old and edge", n)
			}
			_, err = s.GetSessionByTokenHash(ctx, tokenHash("fresh"), far)
			must(t, err)
			left, err := s.DeleteUserSessions(ctx, sweep.ID, 0)
			must(t, err)
			if left != 1 {
				t.Fatalf("%d sessions left for sweep, want only fresh", left)
			}
		})
	})
}
