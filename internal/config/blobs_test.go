package config

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var s3Env = map[string]string{
	"GOVCHAT_S3_ACCESS_KEY": "AKIAGOVCHATTEST",
	"GOVCHAT_S3_SECRET_KEY": "s3cret-key-material",
}

func TestBlobStorageDefaultsToTheDataFolder(t *testing.T) {
	c, _, err := Load("serve", []string{"--data", "/var/lib/govchat"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.UsesS3() || c.BlobFolder() != filepath.Join("/var/lib/govchat", "blobs") || c.S3Region != "us-east-1" {
		t.Fatalf("s3 %v, folder %q, region %q", c.UsesS3(), c.BlobFolder(), c.S3Region)
	}
	c, _, err = Load("serve", []string{"--blob-dir", "/srv/blobs"}, envOf(nil), io.Discard)
	if err != nil || c.BlobFolder() != "/srv/blobs" {
		t.Fatalf("--blob-dir: %q, %v", c.BlobFolder(), err)
	}
}

func TestS3Settings(t *testing.T) {
	args := []string{"--s3-endpoint", "https://rgw.example.gov.cn:7480", "--s3-bucket", "govchat-files", "--s3-region", "default"}
	c, _, err := Load("serve", args, envOf(s3Env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.UsesS3() || c.S3Bucket != "govchat-files" || c.S3Region != "default" ||
		c.S3AccessKey.Reveal() != "AKIAGOVCHATTEST" || c.S3SecretKey.Reveal() != "s3cret-key-material" {
		t.Fatalf("loaded %+v", c)
	}

	t.Run("the keys never show", func(t *testing.T) {
		var printed strings.Builder
		c.Print(&printed)
		asJSON, _ := json.Marshal(c)
		var logged strings.Builder
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", c, "secret", c.S3SecretKey)
		slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "secret", c.S3SecretKey)
		for name, out := range map[string]string{
			"Print": printed.String(), "%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
			"%s": fmt.Sprintf("%s", c.S3SecretKey), "%q": fmt.Sprintf("%q", c.S3SecretKey), "%x": fmt.Sprintf("%x", c.S3SecretKey),
			"JSON": string(asJSON), "slog": logged.String(),
		} {
			if strings.Contains(out, "s3cret") || strings.Contains(out, "AKIAGOVCHATTEST") || strings.Contains(out, "73336372") {
				t.Errorf("%s shows an S3 key:\n%s", name, out)
			}
		}
		if !strings.Contains(printed.String(), "s3-secret-key        xxxxx") || !strings.Contains(printed.String(), "rgw.example.gov.cn") {
			t.Errorf("Print should say the keys are set, and show the endpoint:\n%s", printed.String())
		}
	})

	t.Run("keys from files", func(t *testing.T) {
		dir := t.TempDir()
		ak, sk := filepath.Join(dir, "ak"), filepath.Join(dir, "sk")
		os.WriteFile(ak, []byte("AKFILE\n"), 0o600)
		os.WriteFile(sk, []byte("secret-from-file\n"), 0o600)
		c, _, err := Load("serve", args, envOf(map[string]string{"GOVCHAT_S3_ACCESS_KEY_FILE": ak, "GOVCHAT_S3_SECRET_KEY_FILE": sk}), io.Discard)
		if err != nil || c.S3AccessKey.Reveal() != "AKFILE" || c.S3SecretKey.Reveal() != "secret-from-file" {
			t.Fatalf("%v; keys %q %q", err, c.S3AccessKey.Reveal(), c.S3SecretKey.Reveal())
		}
	})

	t.Run("never a flag nor a file key", func(t *testing.T) {
		if _, _, err := Load("serve", append(args, "--s3-secret-key", "x"), envOf(s3Env), io.Discard); err == nil {
			t.Error("--s3-secret-key was accepted as a flag")
		}
		file := filepath.Join(t.TempDir(), "c.json")
		os.WriteFile(file, []byte(`{"s3-secret-key":"x"}`), 0o600)
		if _, _, err := Load("serve", append(args, "--config", file), envOf(s3Env), io.Discard); err == nil || !strings.Contains(err.Error(), "s3-secret-key") {
			t.Errorf("a config file key s3-secret-key: %v", err)
		}
	})
}

func TestS3SettingsRefused(t *testing.T) {
	endpoint, bucket := []string{"--s3-endpoint", "http://127.0.0.1:7070"}, []string{"--s3-bucket", "govchat"}
	both := append(append([]string{}, endpoint...), bucket...)
	without := func(key string) map[string]string {
		m := map[string]string{}
		for k, v := range s3Env {
			if k != key {
				m[k] = v
			}
		}
		return m
	}
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
	}{
		{"endpoint alone", endpoint, nil, "missing --s3-bucket"},
		{"no bucket", endpoint, s3Env, "missing --s3-bucket"},
		{"no endpoint", bucket, s3Env, "missing --s3-endpoint"},
		{"no secret key", both, without("GOVCHAT_S3_SECRET_KEY"), "missing GOVCHAT_S3_SECRET_KEY"},
		{"no access key", both, without("GOVCHAT_S3_ACCESS_KEY"), "missing GOVCHAT_S3_ACCESS_KEY"},
		{"keys alone", nil, s3Env, "--s3-endpoint"},
		{"both key forms", both, map[string]string{"GOVCHAT_S3_ACCESS_KEY": "a", "GOVCHAT_S3_SECRET_KEY": "s", "GOVCHAT_S3_SECRET_KEY_FILE": "/x"}, "GOVCHAT_S3_SECRET_KEY"},
		{"endpoint not a URL", []string{"--s3-endpoint", "rgw.example:7480", "--s3-bucket", "govchat"}, s3Env, "--s3-endpoint"},
		{"endpoint of another scheme", []string{"--s3-endpoint", "s3://rgw.example", "--s3-bucket", "govchat"}, s3Env, "--s3-endpoint"},
		{"endpoint with credentials", []string{"--s3-endpoint", "https://ak:sk@rgw.example", "--s3-bucket", "govchat"}, s3Env, "must not carry credentials"},
		{"endpoint with the bucket in its path", []string{"--s3-endpoint", "https://rgw.example/govchat", "--s3-bucket", "govchat"}, s3Env, "--s3-endpoint"},
		{"blob-dir and S3", append([]string{"--blob-dir", "/srv/blobs"}, both...), s3Env, "--blob-dir"},
		{"empty region", append([]string{"--s3-region", ""}, both...), s3Env, "--s3-region"},
		{"region with a space", append([]string{"--s3-region", "cn north"}, both...), s3Env, "--s3-region"},
	}
	for _, b := range []string{"go", strings.Repeat("a", 64), "GovChat", "govchat_files", "-govchat", "govchat.", "gov..chat", "gov.-chat", "192.168.1.10", "xn--govchat", "gov chat"} {
		cases = append(cases, struct {
			name    string
			args    []string
			env     map[string]string
			setting string
		}{"bucket " + b, append(append([]string{}, endpoint...), "--s3-bucket", b), s3Env, "--s3-bucket"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Load("serve", tc.args, envOf(tc.env), io.Discard)
			if err == nil {
				t.Fatal("expected an error")
			}
			if !strings.Contains(err.Error(), tc.setting) {
				t.Errorf("error %q does not name %s", err, tc.setting)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "AKIAGOVCHATTEST") {
				t.Errorf("error %q shows a key", err)
			}
		})
	}
	for _, b := range []string{"govchat", "govchat-files", "gov.chat.files", "123", strings.Repeat("a", 63)} {
		if _, _, err := Load("serve", append(append([]string{}, endpoint...), "--s3-bucket", b), envOf(s3Env), io.Discard); err != nil {
			t.Errorf("bucket %q refused: %v", b, err)
		}
	}
}
