package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govchat/internal/blob/s3test"
)

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func TestLocalBlobsServe(t *testing.T) {
	data := t.TempDir()
	base, out := startServer(t, "--data", data)
	var ready readiness
	if code := getJSON(t, base+"/readyz", &ready); code != 200 || ready.Checks["blobs"] != "ok" {
		t.Fatalf("readyz %d %+v", code, ready)
	}
	if fi, err := os.Stat(filepath.Join(data, "blobs")); err != nil || !fi.IsDir() {
		t.Fatalf("no blob folder in --data: %v", err)
	}
	if !strings.Contains(out.String(), "files: "+filepath.Join(data, "blobs")) {
		t.Errorf("the banner does not say where files go:\n%s", out)
	}
}

func TestS3BlobsServe(t *testing.T) {
	gw, srv := s3test.Own(t)
	env := map[string]string{"GOVCHAT_S3_ACCESS_KEY": srv.AccessKey, "GOVCHAT_S3_SECRET_KEY": srv.SecretKey}
	getenv := func(k string) string { return env[k] }
	base, out := startServerEnv(t, getenv, "--data", t.TempDir(), "--s3-endpoint", srv.Endpoint, "--s3-bucket", srv.Bucket)
	var ready readiness
	if code := getJSON(t, base+"/readyz", &ready); code != 200 || ready.Checks["blobs"] != "ok" {
		t.Fatalf("readyz %d %+v", code, ready)
	}
	if !strings.Contains(out.String(), "files: S3 "+srv.Endpoint+", bucket "+srv.Bucket) {
		t.Errorf("the banner does not say where files go:\n%s", out)
	}
	// The object store goes away: the node stays ready (chat works; every node shares the
	// store) and says it is degraded, naming the blob store.
	gw.Stop()
	ready = readiness{}
	if code := getJSON(t, base+"/readyz", &ready); code != 200 || ready.Status != "degraded" || ready.Checks["blobs"] != "unreachable" || ready.Checks["store"] != "ok" {
		t.Fatalf("readyz with S3 gone: %d %+v", code, ready)
	}
	if strings.Contains(out.String(), srv.SecretKey) {
		t.Error("the output shows the S3 secret key")
	}
}

func TestS3SettingsStopCleanly(t *testing.T) {
	keys := map[string]string{"GOVCHAT_S3_ACCESS_KEY": "ak", "GOVCHAT_S3_SECRET_KEY": "sk-not-shown"}
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
		code    int
	}{
		{"unreachable S3", []string{"--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "govchat"}, keys, "--s3-endpoint", 1},
		{"no keys", []string{"--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "govchat"}, nil, "GOVCHAT_S3_ACCESS_KEY", 2},
		{"a bucket name S3 refuses", []string{"--s3-endpoint", "http://127.0.0.1:1", "--s3-bucket", "Gov_Chat"}, keys, "--s3-bucket", 2},
		{"an unwritable blob folder", []string{"--blob-dir", "/proc/govchat-blobs"}, nil, "--blob-dir", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			start := time.Now()
			err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...), &out, &errOut, func(k string) string { return tc.env[k] })
			if err == nil {
				t.Fatal("run succeeded")
			}
			if !strings.Contains(err.Error()+errOut.String(), tc.setting) {
				t.Errorf("error %q does not name %s", err, tc.setting)
			}
			if got := exitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s to give up", took)
			}
			if strings.Contains(err.Error()+out.String()+errOut.String(), "sk-not-shown") {
				t.Error("the output shows the S3 secret key")
			}
			if urlLine.MatchString(out.String()) {
				t.Error("printed an address although it did not start")
			}
		})
	}
}
