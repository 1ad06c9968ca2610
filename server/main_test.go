package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/authclient"
	"govchat/internal/demo"
	"govchat/internal/redistest"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// syncBuffer collects a running server's output for the test to read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlLine = regexp.MustCompile(`open: (http://127\.0\.0\.1:\d+)/`)

func noEnv(string) string { return "" }

// startServer runs the real program on a free port until the test ends, and returns
// its address and output.
func startServer(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	return startServerEnv(t, noEnv, args...)
}

// startServerEnv is startServer with an environment (for settings read only from it).
func startServerEnv(t *testing.T, getenv func(string) string, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), out, errOut, getenv)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not shut down within 20s")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := urlLine.FindStringSubmatch(out.String()); m != nil {
			return m[1], out
		}
		select {
		case err := <-done:
			t.Fatalf("server exited early: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no address printed within 30s; stdout:\n%s\nstderr:\n%s", out, errOut)
	return "", nil
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("decode %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// loginBody is what a browser sends to log in: prelogin for the salt, then the
// authentication hash derived from password (internal/authclient).
func loginBody(t *testing.T, base, username, password string) protocol.LoginRequest {
	t.Helper()
	body, _ := json.Marshal(protocol.PreloginRequest{Username: username})
	resp, err := http.Post(base+"/api/v1/auth/prelogin", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pre protocol.PreloginResponse
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&pre) != nil {
		t.Fatalf("prelogin %s: %d", username, resp.StatusCode)
	}
	req, err := authclient.LoginRequest(username, password, "", pre)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func login(t *testing.T, base, username, password string) *http.Response {
	t.Helper()
	body, _ := json.Marshal(loginBody(t, base, username, password))
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestFirstStartSeedsDemoAndServes(t *testing.T) {
	data := t.TempDir()
	base, out := startServer(t, "--data", data)

	for _, want := range []string{"wangjianguo", demo.Password, demo.OrgName} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	var info protocol.Info
	if code := getJSON(t, base+"/api/v1/info", &info); code != 200 || info.OrgName != demo.OrgName || info.DefaultLocale != "zh-CN" || info.TimeZone != "Asia/Shanghai" ||
		info.RecallWindowSeconds != 120 || info.EditWindowSeconds != 86400 {
		t.Fatalf("info %d %+v", code, info)
	}
	var ready map[string]any
	if code := getJSON(t, base+"/readyz", &ready); code != 200 {
		t.Fatalf("readyz %d %v", code, ready)
	}
	if code := getJSON(t, base+"/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if resp := login(t, base, "wangjianguo", demo.Password); resp.StatusCode != 200 {
		t.Fatalf("demo leader login: %d", resp.StatusCode)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), `govchat_logins_total{outcome="ok"} 1`) {
		t.Errorf("metrics lack the login counter")
	}
	if _, err := os.Stat(filepath.Join(data, "govchat.db")); err != nil {
		t.Errorf("no SQLite database in --data: %v", err)
	}
}

func TestNoDemoStartsEmpty(t *testing.T) {
	base, out := startServer(t, "--data", t.TempDir(), "--no-demo")
	if strings.Contains(out.String(), demo.Password) || !strings.Contains(out.String(), "user add --role admin") {
		t.Fatalf("banner should explain how to create the first admin:\n%s", out)
	}
	if resp := login(t, base, "wangjianguo", demo.Password); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("demo login on an empty organisation: %d", resp.StatusCode)
	}
}

func TestClusterBackendsServe(t *testing.T) {
	pg := storetest.PostgresSchemaURL(t)
	redistest.Client(t) // skips, or fails under CI, when Redis is down
	redisURL := redistest.URL()
	base, out := startServer(t, "--data", t.TempDir(), "--database", pg, "--data-key-file", storetest.KeyFile(t), "--redis", redisURL, "--redis-prefix", redistest.Prefix())
	var ready struct {
		Checks map[string]string `json:"checks"`
	}
	if code := getJSON(t, base+"/readyz", &ready); code != 200 {
		t.Fatalf("readyz %d %+v\n%s", code, ready, out)
	}
	if resp := login(t, base, "zhoutao", demo.Password); resp.StatusCode != 200 {
		t.Fatalf("login on PostgreSQL: %d", resp.StatusCode)
	}
}

func TestBadConfigurationStopsCleanly(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		setting string
		code    int
	}{
		{"bad listen address", []string{"serve", "--addr", "nonsense"}, "--addr", 2},
		{"unknown flag", []string{"serve", "--colour", "red"}, "colour", 2},
		{"unreachable database", []string{"serve", "--database", "postgres://govchat@127.0.0.1:1/none?connect_timeout=2"}, "--database", 1},
		{"unreachable redis", []string{"serve", "--redis", "redis://127.0.0.1:1/0"}, "--redis", 1},
		{"unknown command", []string{"frobnicate"}, "frobnicate", 2},
		{"address in use", nil, "--addr", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--data", t.TempDir())
			if tc.args == nil {
				base, _ := startServer(t, "--data", t.TempDir())
				args = []string{"serve", "--addr", strings.TrimPrefix(base, "http://"), "--data", t.TempDir()}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			err := run(ctx, args, &out, &errOut, noEnv)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if !strings.Contains(err.Error()+errOut.String(), tc.setting) {
				t.Errorf("error %q does not name %s", err, tc.setting)
			}
			if got := exitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
			if urlLine.MatchString(out.String()) {
				t.Error("printed an address although it did not start")
			}
		})
	}
}

func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	cmd := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append(args, "--data", data), &out, &errOut, noEnv)
		return out.String() + errOut.String(), err
	}
	// The commands work on a store that serve never touched: they migrate it.
	if out, err := cmd("migrate"); err != nil || !strings.Contains(out, "version") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if out, err := cmd("org", "dept-add", "办公室"); err != nil {
		t.Fatalf("dept-add: %v %s", err, out)
	}
	out, err := cmd("user", "add", "--username", "admin", "--name", "管理员", "--role", "admin")
	if err != nil || !strings.Contains(out, "one-time password") {
		t.Fatalf("user add: %v %s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("用户名,姓名,角色\nok1,好人,\n,无名,\nx2,某,皇帝\n"), 0o600)
	out, err = cmd("org", "import", bad)
	if err == nil || !strings.Contains(out, "line 3") || !strings.Contains(out, "line 4") {
		t.Fatalf("bad import should list lines 3 and 4: %v %s", err, out)
	}
	good := filepath.Join(t.TempDir(), "good.csv")
	os.WriteFile(good, []byte("用户名,姓名,部门\nliming,李明,办公室\n"), 0o600)
	if out, err = cmd("org", "import", "--dry-run", good); err != nil || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %v %s", err, out)
	}
	if out, err = cmd("org", "import", good); err != nil || !strings.Contains(out, "1 people created") {
		t.Fatalf("import: %v %s", err, out)
	}
	if out, err = cmd("user", "list"); err != nil || !strings.Contains(out, "李明") || !strings.Contains(out, "管理员") {
		t.Fatalf("user list: %v %s", err, out)
	}
	if out, err = cmd("user", "set-role", "liming", "leader"); err != nil {
		t.Fatalf("set-role: %v %s", err, out)
	}
	if out, err = cmd("user", "passwd", "nobody"); err == nil {
		t.Fatalf("passwd for an unknown user succeeded: %s", out)
	}
	if out, err = cmd("audit", "verify"); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	// An insider edits the second entry of the trail beneath the program.
	db, err := sql.Open("sqlite", filepath.Join(data, "govchat.db"))
	if err != nil {
		t.Fatal(err)
	}
	var second int64
	if err := db.QueryRow(`SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 1`).Scan(&second); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_events SET actor_name = 'someone else' WHERE id = ?`, second); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, err = cmd("audit", "verify"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("entry %d does not match", second)) {
		t.Fatalf("audit verify of an altered trail: %v %s, want entry %d named", err, out, second)
	}
	if out, err = cmd("config"); err != nil || !strings.Contains(out, "Asia/Shanghai") {
		t.Fatalf("config: %v %s", err, out)
	}
	for _, bad := range [][]string{{"user"}, {"user", "frobnicate"}, {"org", "grow"}} {
		if _, err = cmd(bad...); !errors.Is(err, errUsage) {
			t.Fatalf("%v: %v", bad, err)
		}
	}
	if _, err := os.Stat("data"); err == nil {
		t.Fatal("a mistyped command created ./data")
	}
}
