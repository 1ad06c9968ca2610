package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govchat/internal/store/storetest"
)

func runBriefly(t *testing.T, args ...string) (error, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err := run(ctx, args, &out, &errOut, noEnv)
	return err, out.String() + errOut.String()
}

// startStop runs a server until it prints its address, then shuts it down, and
// returns everything it wrote.
func startStop(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), out, errOut, noEnv)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !urlLine.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no address printed; stderr:\n%s", errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v after shutdown", err)
	}
	return out.String() + errOut.String()
}

func TestMasterKeyFile(t *testing.T) {
	t.Run("the embedded default creates it, 0600, and logs where, never the key", func(t *testing.T) {
		data := t.TempDir()
		out := startStop(t, "--data", data)
		path := filepath.Join(data, "data.key")
		st, err := os.Stat(path)
		if err != nil {
			t.Fatalf("no key file: %v", err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", st.Mode().Perm())
		}
		key, _ := os.ReadFile(path)
		if !strings.Contains(out, "created the master key") || !strings.Contains(out, path) {
			t.Errorf("the log does not say it created %s:\n%s", path, out)
		}
		if strings.Contains(out, strings.TrimSpace(string(key))) {
			t.Fatal("the log shows the key")
		}
	})
	t.Run("PostgreSQL without a key file is refused, saying how to make one", func(t *testing.T) {
		err, out := runBriefly(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--database", storetest.PostgresSchemaURL(t))
		if err == nil || !strings.Contains(err.Error(), "--data-key-file") || !strings.Contains(err.Error(), "head -c 32 /dev/urandom") {
			t.Fatalf("err %v (%s)", err, out)
		}
	})
	t.Run("a lost default key file is not silently replaced", func(t *testing.T) {
		data := t.TempDir()
		startStop(t, "--data", data) // the demo organisation's seeding writes sealed rows
		os.Remove(filepath.Join(data, "data.key"))
		err, _ := runBriefly(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
		if err == nil || !strings.Contains(err.Error(), "restore the key file") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("another key is refused", func(t *testing.T) {
		data := t.TempDir()
		startStop(t, "--data", data)
		err, _ := runBriefly(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--data-key-file", storetest.KeyFile(t))
		if err == nil || !strings.Contains(err.Error(), "does not open") {
			t.Fatalf("err %v", err)
		}
	})
}
