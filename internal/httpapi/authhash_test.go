package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"govchat/internal/authclient"
	"govchat/internal/demo"
	"govchat/internal/e2e"
	"govchat/internal/httpapi"
	"govchat/internal/passwd"
	"govchat/internal/passwd/passwdtest"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// Login without the password (PROTOCOL.md §4.2, issue 12).

func (h *harness) audits(action string) []store.AuditEvent {
	h.t.Helper()
	es, err := h.store.ListAudit(h.t.Context(), store.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

func TestPrelogin(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)

		t.Run("a known and an unknown name answer in the same shape", func(t *testing.T) {
			h := h.as(t)
			known, unknown := h.prelogin("wangjianguo"), h.prelogin("nosuchperson")
			for _, p := range []protocol.PreloginResponse{known, unknown} {
				salt, err := e2e.Decode(p.Salt)
				if err != nil || len(salt) != 16 || p.KDF != "pbkdf2-sha256" || p.Iterations != 600_000 || p.Legacy {
					t.Fatalf("prelogin %+v", p)
				}
			}
			if known.Salt != e2e.Encode(demo.Salt()) {
				t.Errorf("known salt %s is not the account's", known.Salt)
			}
		})

		t.Run("an unknown name's salt is stable and its own", func(t *testing.T) {
			h := h.as(t)
			a, b := h.prelogin("nosuchperson"), h.prelogin(" NoSuchPerson ")
			if a.Salt != b.Salt {
				t.Fatalf("fake salt changed: %s then %s", a.Salt, b.Salt)
			}
			if c := h.prelogin("nosuchperson2"); c.Salt == a.Salt {
				t.Fatal("two unknown names share a salt")
			}
			// Stable across restarts too: the secret is in the database.
			h2 := newHarness(t, s)
			if d := h2.prelogin("nosuchperson"); d.Salt != a.Salt {
				t.Fatal("the fake salt changed with a new server on the same database")
			}
		})

		t.Run("bad bodies", func(t *testing.T) {
			h := h.as(t)
			for _, body := range []any{`{}`, `{"username":""}`, `{"username":"` + repeat("a", 65) + `"}`, `{"username":"a","x":1}`} {
				h.expect(h.do("POST", "/api/v1/auth/prelogin", "", body, "Content-Type", "application/json"), http.StatusBadRequest, protocol.CodeBadRequest)
			}
			h.expect(h.do("POST", "/api/v1/auth/prelogin", "", protocol.PreloginRequest{Username: "a"}, "Origin", "https://evil.example"),
				http.StatusForbidden, protocol.CodeCrossOrigin)
		})
	})
}

func TestPreloginIsRateLimited(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarnessWith(t, s, func(d *httpapi.Deps) { d.PreloginLimit = ratelimit.New(30, 30, 1000, time.Now) })
		for range 30 {
			h.prelogin("wangjianguo")
		}
		r := h.do("POST", "/api/v1/auth/prelogin", "", protocol.PreloginRequest{Username: "wangjianguo"})
		h.expect(r, http.StatusTooManyRequests, protocol.CodeRateLimited)
		if r.err().RetryAfter < 1 {
			t.Fatalf("retry_after %d", r.err().RetryAfter)
		}
	})
}

func TestAuthHashLogin(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)

		t.Run("the password itself is refused for an upgraded account", func(t *testing.T) {
			h := h.as(t)
			for _, name := range []string{"wangjianguo", "nosuchperson"} {
				up, _ := passwdtest.Credential(demo.Password)
				r := h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: name, Password: demo.Password, Upgrade: &up})
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if e := r.err(); e.Field != "password" || e.Reason != "auth_hash_required" {
					t.Fatalf("%s: %+v", name, e)
				}
			}
		})

		t.Run("shapes", func(t *testing.T) {
			h := h.as(t)
			good := h.loginBody("wangjianguo", demo.Password)
			up, _ := passwdtest.Credential(demo.Password)
			cases := []struct {
				name  string
				req   protocol.LoginRequest
				field string
			}{
				{"no secret", protocol.LoginRequest{Username: "wangjianguo"}, "auth_hash"},
				{"a short hash", protocol.LoginRequest{Username: "wangjianguo", AuthHash: good.AuthHash[:42]}, "auth_hash"},
				{"a hash in standard base64", protocol.LoginRequest{Username: "wangjianguo", AuthHash: strings.NewReplacer("-", "+", "_", "/").Replace(good.AuthHash) + "+"}, "auth_hash"},
				{"both", protocol.LoginRequest{Username: "wangjianguo", AuthHash: good.AuthHash, Password: demo.Password}, "password"},
				{"a password without upgrade", protocol.LoginRequest{Username: "wangjianguo", Password: demo.Password}, "upgrade"},
				{"an upgrade without a password", protocol.LoginRequest{Username: "wangjianguo", AuthHash: good.AuthHash, Upgrade: &up}, "upgrade"},
				{"an upgrade with too few iterations", protocol.LoginRequest{Username: "wangjianguo", Password: demo.Password,
					Upgrade: &protocol.Credential{Salt: up.Salt, Iterations: 1000, AuthHash: up.AuthHash}}, "upgrade.iterations"},
			}
			for _, tc := range cases {
				r := h.do("POST", "/api/v1/auth/login", "", tc.req)
				h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if r.err().Field != tc.field {
					t.Errorf("%s: field %q, want %q", tc.name, r.err().Field, tc.field)
				}
			}
			// None counted as a failure: five of them did not lock the account.
			h.login("wangjianguo", demo.Password)
		})

		t.Run("the database holds no password and no auth hash", func(t *testing.T) {
			h := h.as(t)
			u, _ := s.GetUserByUsername(t.Context(), "wangjianguo")
			pre := h.prelogin("wangjianguo")
			salt, _ := e2e.Decode(pre.Salt)
			a, _ := authclient.AuthHash(demo.Password, salt, pre.Iterations)
			if !passwd.IsCredential(u.PasswordHash) || strings.Contains(u.PasswordHash, demo.Password) ||
				strings.Contains(u.PasswordHash, e2e.Encode(a)) {
				t.Fatalf("stored %q", u.PasswordHash)
			}
		})

		t.Run("TOTP disable takes the auth hash", func(t *testing.T) {
			h := h.as(t)
			tok := h.login("xulei", demo.Password)
			r := h.do("POST", "/api/v1/me/totp/setup", tok, nil)
			var setup protocol.TOTPSetupResponse
			r.decode(t, &setup)
			code := func() string { c, _ := pqtotp.GenerateCode(setup.Secret, h.clock.now()); return c }
			h.expect(h.do("POST", "/api/v1/me/totp/enable", tok, protocol.TOTPEnableRequest{Code: code()}), http.StatusNoContent, "")
			h.clock.advance(30 * time.Second)
			r = h.do("POST", "/api/v1/me/totp/disable", tok, protocol.TOTPDisableRequest{Password: demo.Password, Code: code()})
			h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			if r.err().Reason != "auth_hash_required" {
				t.Fatalf("%+v", r.err())
			}
			h.expect(h.do("POST", "/api/v1/me/totp/disable", tok, protocol.TOTPDisableRequest{AuthHash: h.authHashWith("xulei", demo.Password), Code: code()}),
				http.StatusNoContent, "")
		})
	})
}

func TestLegacyAccountsUpgradeAtNextLogin(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		id := h.userID("zhangjing")
		// An account as it was before issue 12: argon2id of the password itself.
		legacy, err := passwdtest.Hasher{Hasher: passwd.NewHasher(passwd.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32})}.Hash(demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(t.Context(), id, legacy, false, time.Now()); err != nil {
			t.Fatal(err)
		}
		if !h.prelogin("zhangjing").Legacy || h.prelogin("wangjianguo").Legacy {
			t.Fatal("legacy is said of exactly the legacy account")
		}

		// A wrong password answers as always, and changes nothing.
		up, _ := passwdtest.Credential("Xin-Mima-2026")
		r := h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "zhangjing", Password: "wrong-Password-1", Upgrade: &up})
		h.expect(r, http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		// An auth hash cannot match a legacy hash.
		h.expect(h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "zhangjing", AuthHash: up.AuthHash}),
			http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		if u, _ := s.GetUser(t.Context(), id); u.PasswordHash != legacy {
			t.Fatal("a failed login touched the hash")
		}

		// The right password with its upgrade: a session, and the old hash is gone.
		tok := h.login("zhangjing", demo.Password)
		h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusOK, "")
		u, _ := s.GetUser(t.Context(), id)
		if u.PasswordHash == legacy || !passwd.IsCredential(u.PasswordHash) {
			t.Fatalf("hash after upgrade %q", u.PasswordHash)
		}
		if n := len(h.audits("auth.credential_upgraded")); n != 1 {
			t.Fatalf("%d credential_upgraded events", n)
		}
		pre := h.prelogin("zhangjing")
		if pre.Legacy {
			t.Fatal("still legacy after the upgrade")
		}
		// From now on the password is refused; the auth hash logs in.
		r = h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "zhangjing", Password: demo.Password, Upgrade: &up})
		h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		h.login("zhangjing", demo.Password)
	})
}

func TestOneTimePasswordsAndResets(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		admin := h.login("zhoutao", demo.Password)

		t.Run("a one-time password logs in with its derivation, then is changed", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{Username: "liming", DisplayName: "李明"})
			h.expect(r, http.StatusCreated, "")
			var out protocol.UserWithPassword
			r.decode(t, &out)
			if out.OneTimePassword == "" {
				t.Fatal("no one-time password")
			}
			var lr protocol.LoginResponse
			r = h.do("POST", "/api/v1/auth/login", "", h.loginBody("liming", out.OneTimePassword))
			h.expect(r, http.StatusOK, "")
			r.decode(t, &lr)
			if !lr.User.MustChangePassword || lr.User.KeyState != protocol.KeyStateNone {
				t.Fatalf("me %+v", lr.User)
			}
			r = h.do("POST", "/api/v1/me/password", lr.Token, h.changeBody("liming", out.OneTimePassword, "Liming-Mima-2026"))
			h.expect(r, http.StatusOK, "")
			r.decode(t, &lr)
			if lr.User.MustChangePassword {
				t.Fatal("must_change_password after the change")
			}
			h.login("liming", "Liming-Mima-2026")
		})

		t.Run("an administrator's credential skips the one-time password", func(t *testing.T) {
			h := h.as(t)
			c, _ := passwdtest.Credential("Tool-Made-2026")
			r := h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{Username: "wangfang", DisplayName: "王芳", Credential: &c})
			h.expect(r, http.StatusCreated, "")
			var out protocol.UserWithPassword
			r.decode(t, &out)
			if out.OneTimePassword != "" || out.User.MustChangePassword {
				t.Fatalf("%+v", out)
			}
			h.login("wangfang", "Tool-Made-2026")
			bad := c
			bad.Salt = "short"
			r = h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{Username: "wangfang2", DisplayName: "王芳", Credential: &bad})
			h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			if r.err().Field != "credential.salt" {
				t.Fatalf("field %q", r.err().Field)
			}
			r = h.do("POST", "/api/v1/admin/users", admin, protocol.CreateUserRequest{Username: "wangfang3", DisplayName: "王芳", Credential: &c, Password: "Tool-Made-2026"})
			h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		})

		t.Run("a reset locks the key pair and keeps the login working", func(t *testing.T) {
			h := h.as(t)
			tok := h.login("gaoyan", demo.Password)
			_, pub := genKeyPair(t)
			h.expect(h.do("PUT", "/api/v1/me/key", tok, keyRequest(pub)), http.StatusOK, "")
			if me := h.me(tok); me.KeyState != protocol.KeyStateOK {
				t.Fatalf("key_state %q", me.KeyState)
			}
			id := strconv.FormatInt(h.userID("gaoyan"), 10)
			r := h.do("POST", "/api/v1/admin/users/"+id+"/reset-password", admin, nil)
			h.expect(r, http.StatusOK, "")
			var out protocol.UserWithPassword
			r.decode(t, &out)
			tok = h.login("gaoyan", out.OneTimePassword)
			if me := h.me(tok); me.KeyState != protocol.KeyStateLocked || !me.MustChangePassword {
				t.Fatalf("after reset: %+v", me)
			}
			// The old password is gone.
			h.expect(h.do("POST", "/api/v1/auth/login", "", h.loginBody("gaoyan", demo.Password)), http.StatusUnauthorized, protocol.CodeInvalidCredentials)
			// A new key pair (no recovery) unlocks it.
			_, pub2 := genKeyPair(t)
			h.expect(h.do("PUT", "/api/v1/me/key", tok, keyRequest(pub2)), http.StatusOK, "")
			if me := h.me(tok); me.KeyState != protocol.KeyStateOK {
				t.Fatalf("after a new key: %q", me.KeyState)
			}
			// A reset with a credential instead of a one-time password.
			c, _ := passwdtest.Credential("Reset-By-Tool-1")
			r = h.do("POST", "/api/v1/admin/users/"+id+"/reset-password", admin, protocol.ResetPasswordRequest{Credential: &c})
			h.expect(r, http.StatusOK, "")
			out = protocol.UserWithPassword{}
			r.decode(t, &out)
			if out.OneTimePassword != "" {
				t.Fatal("a one-time password with a credential")
			}
			h.login("gaoyan", "Reset-By-Tool-1")
		})
	})
}

func TestPasswordChangeRewrapsTheKey(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		tok := h.login("wuqiang", demo.Password)
		_, pub := genKeyPair(t)
		r := h.do("PUT", "/api/v1/me/key", tok, keyRequest(pub))
		h.expect(r, http.StatusOK, "")
		var before protocol.MyKey
		r.decode(t, &before)
		body := h.changeBody("wuqiang", demo.Password, "Wuqiang-Xin-2026")
		body.WrappedPrivate, body.KeyID = e2e.Encode(make([]byte, 60)), "0123456789abcdef"
		// Another key's id: refused, nothing changed.
		h.expect(h.do("POST", "/api/v1/me/password", tok, body), http.StatusConflict, protocol.CodeConflict)
		h.login("wuqiang", demo.Password)
		body.KeyID = before.KeyID
		r = h.do("POST", "/api/v1/me/password", tok, body)
		h.expect(r, http.StatusOK, "")
		var lr protocol.LoginResponse
		r.decode(t, &lr)
		r = h.do("GET", "/api/v1/me/key", lr.Token, nil)
		var after protocol.MyKey
		r.decode(t, &after)
		if after.Wrapped != body.WrappedPrivate || after.Salt != body.New.Salt || after.KeyID != before.KeyID || !after.CreatedAt.Equal(before.CreatedAt) {
			t.Fatalf("after the change %+v", after)
		}
		if n := len(h.audits("key.rewrapped")); n != 1 {
			t.Fatalf("%d key.rewrapped", n)
		}
		h.login("wuqiang", "Wuqiang-Xin-2026")
	})
}

func (h *harness) me(tok string) protocol.Me {
	h.t.Helper()
	r := h.do("GET", "/api/v1/me", tok, nil)
	h.expect(r, http.StatusOK, "")
	var me protocol.Me
	r.decode(h.t, &me)
	return me
}

// genKeyPair is an X25519 key pair: the raw private key and the public key in base64url.
func genKeyPair(t *testing.T) ([]byte, string) {
	t.Helper()
	priv, pub, err := e2e.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return priv, e2e.Encode(pub)
}
