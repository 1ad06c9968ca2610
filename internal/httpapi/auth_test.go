package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	pqtotp "github.com/pquerna/otp/totp"

	"govchat/internal/auth"
	"govchat/internal/demo"
	"govchat/internal/httpapi"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

func TestLogin(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)

		t.Run("sets a strict HttpOnly cookie and returns the user", func(t *testing.T) {
			h := h.as(t)
			r := h.do("POST", "/api/v1/auth/login", "", h.loginBody("WangJianGuo ", demo.Password))
			h.expect(r, http.StatusOK, "")
			var lr protocol.LoginResponse
			r.decode(t, &lr)
			if lr.User.DisplayName != "王建国" || lr.User.Role != "leader" || lr.Token == "" {
				t.Fatalf("unexpected login response %+v", lr)
			}
			cookie := r.header.Get("Set-Cookie")
			for _, want := range []string{"govchat_session=" + lr.Token, "HttpOnly", "SameSite=Strict", "Path=/"} {
				if !contains(cookie, want) {
					t.Errorf("cookie %q lacks %q", cookie, want)
				}
			}
			me := h.do("GET", "/api/v1/me", lr.Token, nil)
			h.expect(me, http.StatusOK, "")
		})

		t.Run("unknown user and wrong password answer alike", func(t *testing.T) {
			h := h.as(t)
			a := h.do("POST", "/api/v1/auth/login", "", h.loginBody("nobody", "whatever-123"))
			b := h.do("POST", "/api/v1/auth/login", "", h.loginBody("liufang", "whatever-123"))
			h.expect(a, http.StatusUnauthorized, protocol.CodeInvalidCredentials)
			h.expect(b, http.StatusUnauthorized, protocol.CodeInvalidCredentials)
			if a.err().Message != b.err().Message {
				t.Errorf("messages differ: %q vs %q", a.err().Message, b.err().Message)
			}
		})

		t.Run("refuses malformed and oversized bodies", func(t *testing.T) {
			h := h.as(t)
			cases := []struct {
				name   string
				body   any
				ctype  string
				status int
				code   protocol.Code
			}{
				{"malformed JSON", `{"username":`, "application/json", 400, protocol.CodeBadRequest},
				{"unknown field", `{"username":"a","password":"b","admin":true}`, "application/json", 400, protocol.CodeBadRequest},
				{"trailing data", `{"username":"a","password":"b"} {}`, "application/json", 400, protocol.CodeBadRequest},
				{"wrong type", `{"username":1,"password":"b"}`, "application/json", 400, protocol.CodeBadRequest},
				{"empty body", ``, "application/json", 400, protocol.CodeBadRequest},
				{"missing password", `{"username":"wangjianguo"}`, "application/json", 400, protocol.CodeBadRequest},
				{"form encoded", `username=a&password=b`, "application/x-www-form-urlencoded", 415, protocol.CodeUnsupportedMedia},
				{"oversized", `{"username":"` + repeat("a", 70_000) + `"}`, "application/json", 413, protocol.CodeTooLarge},
				{"huge password", `{"username":"wangjianguo","password":"` + repeat("x", 600) + `"}`, "application/json", 400, protocol.CodeBadRequest},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					h := h.as(t)
					r := h.do("POST", "/api/v1/auth/login", "", tc.body, "Content-Type", tc.ctype)
					h.expect(r, tc.status, tc.code)
				})
			}
		})
	})
}

func TestLockout(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		wrong := h.loginBody("zhangjing", "not-the-password-1A")
		for i := 1; i < h.opt.MaxFailures; i++ {
			h.expect(h.do("POST", "/api/v1/auth/login", "", wrong), http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		}
		r := h.do("POST", "/api/v1/auth/login", "", wrong)
		h.expect(r, http.StatusTooManyRequests, protocol.CodeAccountLocked)
		if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 60 || ra > int(h.opt.LockFor.Seconds()) {
			t.Errorf("Retry-After = %q, want about %s", r.header.Get("Retry-After"), h.opt.LockFor)
		}
		if r.err().RetryAfter == 0 {
			t.Error("error body lacks retry_after")
		}

		// While locked even the right password is refused, without being checked.
		h.expect(h.do("POST", "/api/v1/auth/login", "", h.loginBody("zhangjing", demo.Password)),
			http.StatusTooManyRequests, protocol.CodeAccountLocked)
		// Other accounts are unaffected.
		h.login("wuqiang", demo.Password)

		h.clock.advance(h.opt.LockFor + time.Second)
		h.login("zhangjing", demo.Password)

		// A success resets the count: four more failures do not lock.
		for i := 1; i < h.opt.MaxFailures; i++ {
			h.expect(h.do("POST", "/api/v1/auth/login", "", wrong), http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		}
		h.login("zhangjing", demo.Password)

		// An invented username locks the same way, so lockout does not tell which
		// usernames exist.
		ghost := h.loginBody("nosuchperson", "not-the-password-1A")
		for i := 1; i < h.opt.MaxFailures; i++ {
			h.expect(h.do("POST", "/api/v1/auth/login", "", ghost), http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		}
		h.expect(h.do("POST", "/api/v1/auth/login", "", ghost), http.StatusTooManyRequests, protocol.CodeAccountLocked)
		h.expect(h.do("POST", "/api/v1/auth/login", "", ghost), http.StatusTooManyRequests, protocol.CodeAccountLocked)

		// Every attempt is in the trail.
		events, err := s.ListAudit(t.Context(), store.AuditFilter{Action: "auth.", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, e := range events {
			if e.ActorName == "zhangjing" {
				counts[e.Action]++
			}
		}
		if counts["auth.login_failed"] != 2*h.opt.MaxFailures-1 || counts["auth.login_locked"] != 1 || counts["auth.login"] != 2 {
			t.Errorf("audit counts for zhangjing = %v", counts)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)

		t.Run("expired session is refused", func(t *testing.T) {
			h := h.as(t)
			tok := h.login("fengyu", demo.Password)
			h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusOK, "")
			h.clock.advance(h.opt.SessionTTL + time.Minute)
			h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
		})

		t.Run("logout revokes the session", func(t *testing.T) {
			h := h.as(t)
			tok := h.login("fengyu", demo.Password)
			h.expect(h.do("POST", "/api/v1/auth/logout", tok, nil), http.StatusNoContent, "")
			h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
		})

		t.Run("password change revokes every session and opens a new one", func(t *testing.T) {
			h := h.as(t)
			laptop := h.login("gaoyan", demo.Password)
			phone := h.login("gaoyan", demo.Password)
			r := h.do("POST", "/api/v1/me/password", laptop, h.changeBody("gaoyan", demo.Password, "Xin-Mima-2026"))
			h.expect(r, http.StatusOK, "")
			var lr protocol.LoginResponse
			r.decode(t, &lr)
			h.expect(h.do("GET", "/api/v1/me", laptop, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			h.expect(h.do("GET", "/api/v1/me", phone, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			h.expect(h.do("GET", "/api/v1/me", lr.Token, nil), http.StatusOK, "")
			h.login("gaoyan", "Xin-Mima-2026")
			// The old password's hash opens nothing any more.
			r = h.do("POST", "/api/v1/auth/login", "", protocol.LoginRequest{Username: "gaoyan", AuthHash: h.authHashWith("gaoyan", demo.Password)})
			h.expect(r, http.StatusUnauthorized, protocol.CodeInvalidCredentials)
		})

		t.Run("a password change is checked for shape and a fresh salt", func(t *testing.T) {
			h := h.as(t)
			tok := h.login("tangwei", demo.Password)
			good := h.changeBody("tangwei", demo.Password, "Xin-Mima-2026")
			cases := []struct {
				name  string
				edit  func(*protocol.ChangePasswordRequest)
				field string
			}{
				{"the same salt as now", func(c *protocol.ChangePasswordRequest) { c.New.Salt = h.prelogin("tangwei").Salt }, "new.salt"},
				{"a short salt", func(c *protocol.ChangePasswordRequest) { c.New.Salt = "AAAA" }, "new.salt"},
				{"too few iterations", func(c *protocol.ChangePasswordRequest) { c.New.Iterations = 599_999 }, "new.iterations"},
				{"a short hash", func(c *protocol.ChangePasswordRequest) { c.New.AuthHash = c.New.AuthHash[:40] }, "new.auth_hash"},
				{"padded base64", func(c *protocol.ChangePasswordRequest) { c.CurrentAuthHash += "=" }, "current_auth_hash"},
				{"no current secret", func(c *protocol.ChangePasswordRequest) { c.CurrentAuthHash = "" }, "current_auth_hash"},
				{"the password of an upgraded account", func(c *protocol.ChangePasswordRequest) { c.CurrentAuthHash, c.CurrentPassword = "", demo.Password }, "current_password"},
				{"a wrapped key without its id", func(c *protocol.ChangePasswordRequest) { c.WrappedPrivate = repeat("A", 80) }, "key_id"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					h := h.as(t)
					body := good
					tc.edit(&body)
					r := h.do("POST", "/api/v1/me/password", tok, body)
					h.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
					if r.err().Field != tc.field {
						t.Fatalf("field %q, want %q", r.err().Field, tc.field)
					}
				})
			}
			// None of them changed anything: the old password still logs in.
			h.login("tangwei", demo.Password)
		})

		t.Run("garbage and forged tokens are refused", func(t *testing.T) {
			h := h.as(t)
			for _, tok := range []string{"x", "Bearer", repeat("A", 43), repeat("é", 43)} {
				h.expect(h.do("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			}
			h.expect(h.do("GET", "/api/v1/me", "", nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
		})

		t.Run("a disabled account loses its sessions at once", func(t *testing.T) {
			h := h.as(t)
			staff := h.login("luojun", demo.Password)
			admin := h.login("zhoutao", demo.Password)
			u, err := s.GetUserByUsername(t.Context(), "luojun")
			if err != nil {
				t.Fatal(err)
			}
			yes := true
			h.expect(h.do("PATCH", "/api/v1/admin/users/"+strconv.FormatInt(u.ID, 10), admin, protocol.UpdateUserRequest{Disabled: &yes}), http.StatusOK, "")
			h.expect(h.do("GET", "/api/v1/me", staff, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			h.expect(h.do("POST", "/api/v1/auth/login", "", h.loginBody("luojun", demo.Password)), http.StatusForbidden, protocol.CodeAccountDisabled)
		})
	})
}

func TestCookieWritesFromAnotherOriginAreRefused(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		tok := h.login("xulei", demo.Password)
		cookie := "govchat_session=" + tok
		r := h.do("POST", "/api/v1/auth/logout", "", nil, "Cookie", cookie, "Origin", "https://evil.example")
		h.expect(r, http.StatusForbidden, protocol.CodeCrossOrigin)
		// Reads pass, and so does a same-origin write.
		h.expect(h.do("GET", "/api/v1/me", "", nil, "Cookie", cookie, "Origin", "https://evil.example"), http.StatusOK, "")
		h.expect(h.do("POST", "/api/v1/auth/logout", "", nil, "Cookie", cookie, "Origin", h.srv.URL), http.StatusNoContent, "")
	})
}

func TestTOTP(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s)
		tok := h.login("zhaomin", demo.Password)
		r := h.do("POST", "/api/v1/me/totp/setup", tok, nil)
		h.expect(r, http.StatusOK, "")
		var setup protocol.TOTPSetupResponse
		r.decode(t, &setup)
		if setup.Secret == "" || !contains(setup.QRCodePNG, "data:image/png;base64,") || !contains(setup.OTPAuthURL, "otpauth://totp/") {
			t.Fatalf("bad setup response %+v", setup)
		}
		code := func() string {
			c, err := pqtotp.GenerateCode(setup.Secret, h.clock.now())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		h.expect(h.do("POST", "/api/v1/me/totp/enable", tok, protocol.TOTPEnableRequest{Code: "000000x"}), http.StatusUnauthorized, protocol.CodeTOTPInvalid)
		h.expect(h.do("POST", "/api/v1/me/totp/enable", tok, protocol.TOTPEnableRequest{Code: code()}), http.StatusNoContent, "")

		login := h.loginBody("zhaomin", demo.Password)
		h.expect(h.do("POST", "/api/v1/auth/login", "", login), http.StatusUnauthorized, protocol.CodeTOTPRequired)
		login.TOTPCode = "123456"
		if login.TOTPCode == code() {
			login.TOTPCode = "654321"
		}
		h.expect(h.do("POST", "/api/v1/auth/login", "", login), http.StatusUnauthorized, protocol.CodeTOTPInvalid)

		h.clock.advance(30 * time.Second) // the enable code's step is spent
		login.TOTPCode = code()
		h.expect(h.do("POST", "/api/v1/auth/login", "", login), http.StatusOK, "")
		// The same code again is a replay.
		h.expect(h.do("POST", "/api/v1/auth/login", "", login), http.StatusUnauthorized, protocol.CodeTOTPInvalid)
	})
}

func TestPrivilegedRolesMustEnrolTOTPWhenRequired(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarness(t, s, func(o *auth.Options) { o.RequireTOTP = true })
		admin := h.login("zhoutao", demo.Password)
		h.expect(h.do("GET", "/api/v1/admin/users", admin, nil), http.StatusForbidden, protocol.CodeTOTPSetupRequired)
		var me protocol.Me
		r := h.do("GET", "/api/v1/me", admin, nil)
		h.expect(r, http.StatusOK, "")
		r.decode(t, &me)
		if !me.TOTPSetupRequired {
			t.Fatal("me.totp_setup_required should be true")
		}
		r = h.do("POST", "/api/v1/me/totp/setup", admin, nil)
		var setup protocol.TOTPSetupResponse
		r.decode(t, &setup)
		code, _ := pqtotp.GenerateCode(setup.Secret, h.clock.now())
		h.expect(h.do("POST", "/api/v1/me/totp/enable", admin, protocol.TOTPEnableRequest{Code: code}), http.StatusNoContent, "")
		h.expect(h.do("GET", "/api/v1/admin/users", admin, nil), http.StatusOK, "")

		// Staff are not affected.
		staff := h.login("yangfan", demo.Password)
		h.expect(h.do("GET", "/api/v1/org", staff, nil), http.StatusOK, "")
	})
}

// With a public URL configured, a cookie-authenticated write must come from exactly
// that origin: the same host over plain http is another origin.
func TestPublicOriginIncludesTheScheme(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		h := newHarnessWith(t, s, func(d *httpapi.Deps) { d.PublicOrigin = "https://chat.example.gov.cn" })
		tok := h.login("xulei", demo.Password)
		cookie := "govchat_session=" + tok
		h.expect(h.do("POST", "/api/v1/auth/logout", "", nil, "Cookie", cookie, "Origin", "http://chat.example.gov.cn"), http.StatusForbidden, protocol.CodeCrossOrigin)
		h.expect(h.do("POST", "/api/v1/auth/logout", "", nil, "Cookie", cookie, "Origin", "https://chat.example.gov.cn"), http.StatusNoContent, "")
	})
}
