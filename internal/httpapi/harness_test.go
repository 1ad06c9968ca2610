package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/account"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authclient"
	"govchat/internal/bus"
	"govchat/internal/chat"
	"govchat/internal/demo"
	"govchat/internal/e2e"
	"govchat/internal/httpapi"
	"govchat/internal/hub"
	"govchat/internal/keys"
	"govchat/internal/metrics"
	"govchat/internal/org"
	"govchat/internal/passwd"
	"govchat/internal/passwd/passwdtest"
	"govchat/internal/presence"
	"govchat/internal/ratelimit"
	"govchat/internal/recovery"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/protocol"
)

// clock is a settable time source shared by the services under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is a real API over a real store, seeded with the demo organisation, with
// argon2id turned down to test speed.
type harness struct {
	t     *testing.T
	srv   *httptest.Server
	store store.Store
	clock *clock
	opt   auth.Options
	hub   *hub.Hub // at /api/v1/ws
}

// fastHasher is cheap argon2id, and derivations (PBKDF2, 600,000 rounds) made once per
// password in the process.
func fastHasher() passwdtest.Hasher {
	return passwdtest.Hasher{Hasher: passwd.NewHasher(passwd.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32})}
}

func newHarness(t *testing.T, s store.Store, tweak ...func(*auth.Options)) *harness {
	t.Helper()
	return buildHarness(t, s, tweak, nil)
}

// newHarnessWith lets a test change the API's dependencies (its public URL, say).
func newHarnessWith(t *testing.T, s store.Store, deps func(*httpapi.Deps)) *harness {
	t.Helper()
	return buildHarness(t, s, nil, deps)
}

func buildHarness(t *testing.T, s store.Store, tweak []func(*auth.Options), deps func(*httpapi.Deps)) *harness {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := fastHasher()
	rec := audit.New(s, c.now, log)
	opt := auth.Options{SessionTTL: 12 * time.Hour, MaxFailures: 5, LockFor: 15 * time.Minute, Issuer: "govchat-test"}
	for _, f := range tweak {
		f(&opt)
	}
	authSvc := auth.New(store.Narrow(s, func(tx store.Store) auth.Tx { return tx }), h, passwd.DefaultPolicy(), rec, c.now, opt)
	if _, err := demo.FirstStart(context.Background(), store.Narrow(s, func(tx store.Store) demo.Tx { return tx }), h, c.now(), true); err != nil {
		t.Fatal(err)
	}
	b := bus.NewMemory()
	t.Cleanup(func() { b.Close() })
	keysSvc := keys.New(store.Narrow(s, func(tx store.Store) keys.Tx { return tx }), b, rec, log, c.now, keys.RequestLimits{
		PerUser: ratelimit.New(keys.KeyRequestsPerMinute, keys.KeyRequestsBurst, 1000, c.now),
		PerFile: ratelimit.New(keys.KeyRequestRepeatPerMinute, 1, 1000, c.now),
	})
	secSvc := secrecy.New(secrecy.Deps{Store: store.Narrow(s, func(tx store.Store) secrecy.Tx { return tx }), Bus: b,
		Audit: rec, Log: log, Now: c.now})
	stopSecrecy, err := secSvc.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopSecrecy)
	chatOpt := chat.DefaultOptions()
	chatOpt.Audit = rec
	chatOpt.Files = keysSvc
	chatOpt.Secrecy = secSvc
	chatSvc := chat.New(s, b, log, c.now, chatOpt)
	t.Cleanup(chatSvc.Close)
	if err := chatSvc.SyncOrgChannels(context.Background()); err != nil {
		t.Fatal(err)
	}
	wsHub := hub.New(hub.Options{Bus: b, Auth: authSvc, Service: chatSvc, Log: log, Now: c.now})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := wsHub.Close(ctx); err != nil {
			t.Errorf("hub.Close: %v", err)
		}
	})
	recSvc := recovery.New(store.Narrow(s, func(tx store.Store) recovery.Tx { return tx }), b, nil, rec, log, c.now)
	keysSvc.OnRecovered(recSvc.Completed)
	d := httpapi.Deps{
		Store: s, Bus: b, Auth: authSvc,
		Accounts: account.New(store.Narrow(s, func(tx store.Store) account.Tx { return tx }), h, authSvc, rec, c.now),
		Org:      org.New(store.Narrow(s, func(tx store.Store) org.Tx { return tx }), h, rec, c.now),
		Audit:    rec, Metrics: metrics.New(), Log: log, Now: c.now,
		Version: "test", Locale: "zh-CN", TimeZone: "Asia/Shanghai",
		LoginLimit: ratelimit.New(10_000, 10_000, 1000, c.now),
		Chat:       chatSvc,
		Presence:   presence.NewMemory(),
		WS:         wsHub,
		Keys:       keysSvc,
		Secrecy:    secSvc,

		PreloginLimit: ratelimit.New(10_000, 10_000, 1000, c.now),
		Recovery:      recSvc,
	}
	if deps != nil {
		deps(&d)
	}
	handler := httpapi.New(d)
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, store: s, clock: c, opt: opt, hub: wsHub}
}

// as returns the harness reporting to t, for use inside subtests.
func (h *harness) as(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) err() protocol.Error {
	var e protocol.ErrorBody
	_ = json.Unmarshal(r.body, &e)
	return e.Error
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request with a bearer token (if any) and a JSON body (if not nil; a string
// or []byte is sent as is).
func (h *harness) do(method, path, token string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// login logs in and returns the token, failing the test otherwise.
func (h *harness) login(username, password string) string {
	h.t.Helper()
	r := h.do("POST", "/api/v1/auth/login", "", h.loginBody(username, password))
	if r.status != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
	var lr protocol.LoginResponse
	r.decode(h.t, &lr)
	return lr.Token
}

// loginBody is what a browser sends to log in with password: prelogin, then the
// authentication hash (or, for a legacy account, the password and its upgrade).
func (h *harness) loginBody(username, password string) protocol.LoginRequest {
	h.t.Helper()
	req, err := authclient.LoginRequest(username, password, "", h.prelogin(username))
	if err != nil {
		h.t.Fatal(err)
	}
	return req
}

// prelogin is the account's derivation (or an unknown name's fake one).
func (h *harness) prelogin(username string) protocol.PreloginResponse {
	h.t.Helper()
	r := h.do("POST", "/api/v1/auth/prelogin", "", protocol.PreloginRequest{Username: username})
	if r.status != http.StatusOK {
		h.t.Fatalf("prelogin %s: %d %s", username, r.status, r.body)
	}
	var pre protocol.PreloginResponse
	r.decode(h.t, &pre)
	return pre
}

// authHashWith derives password's authentication hash under username's salt.
func (h *harness) authHashWith(username, password string) string {
	h.t.Helper()
	pre := h.prelogin(username)
	salt, _ := e2e.Decode(pre.Salt)
	a, err := authclient.AuthHash(password, salt, pre.Iterations)
	if err != nil {
		h.t.Fatal(err)
	}
	return e2e.Encode(a)
}

// changeBody is a browser's password change from current to next (no key re-wrap).
func (h *harness) changeBody(username, current, next string) protocol.ChangePasswordRequest {
	h.t.Helper()
	c, err := passwdtest.Credential(next)
	if err != nil {
		h.t.Fatal(err)
	}
	return protocol.ChangePasswordRequest{CurrentAuthHash: h.authHashWith(username, current), New: c}
}

func (h *harness) expect(r response, status int, code protocol.Code) {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if code != "" && r.err().Code != code {
		h.t.Fatalf("code %q, want %q: %s", r.err().Code, code, r.body)
	}
}
