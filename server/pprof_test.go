package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var pprofLine = regexp.MustCompile(`profiling \(--pprof, loopback only\): (http://\S+/debug/pprof/)`)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPprofIsOffByDefault(t *testing.T) {
	base, out := startServer(t, "--data", t.TempDir())
	if pprofLine.MatchString(out.String()) {
		t.Errorf("a profiling address was printed without --pprof:\n%s", out)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline"} {
		if _, body := get(t, base+path); strings.Contains(body, "goroutine profile") || strings.Contains(body, "Types of profiles") || strings.Contains(body, "-test.") {
			t.Errorf("the main listener answers %s with profile data:\n%.300s", path, body)
		}
	}
}

func TestPprofServesOnItsOwnLoopbackListener(t *testing.T) {
	base, out := startServer(t, "--data", t.TempDir(), "--pprof", "127.0.0.1:0")
	m := pprofLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no profiling address printed:\n%s", out)
	}
	pp := m[1]
	if strings.HasPrefix(pp, base) {
		t.Fatalf("profiles on the main listener %s", pp)
	}
	if code, body := get(t, pp); code != http.StatusOK || !strings.Contains(body, "Types of profiles") {
		t.Errorf("index: %d %.200s", code, body)
	}
	if code, body := get(t, pp+"goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("goroutine profile: %d %.200s", code, body)
	}
	if code, body := get(t, pp+"cmdline"); code != http.StatusOK || !strings.Contains(body, "-test.") {
		t.Errorf("cmdline: %d %.200s", code, body)
	}
	// The main listener still serves nothing of it.
	if _, body := get(t, base+"/debug/pprof/goroutine?debug=1"); strings.Contains(body, "goroutine profile") {
		t.Error("the main listener serves profiles too")
	}
}

func TestPprofRefusesAddressesOthersReach(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "localhost:0", "10.0.0.1:6060"} {
		t.Run(addr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--pprof", addr}, &out, &errOut, noEnv)
			if err == nil {
				t.Fatal("the server started")
			}
			if msg := err.Error() + errOut.String(); !strings.Contains(msg, "invalid --pprof") || !strings.Contains(msg, "not a loopback address") {
				t.Errorf("error %q does not say --pprof must be loopback", msg)
			}
			if got := exitCode(err); got != 2 {
				t.Errorf("exit code %d, want 2 (usage)", got)
			}
			if urlLine.MatchString(out.String()) {
				t.Error("printed an address although it did not start")
			}
		})
	}
}
