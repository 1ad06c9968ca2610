package config

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"govchat/internal/origin"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "govchat.json")
	if err := os.WriteFile(file, []byte(`{"addr":"127.0.0.1:9000","session-ttl":"1h","require-totp":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "db")
	if err := os.WriteFile(secret, []byte("postgres://u:s3cret@db:5432/govchat\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := envOf(map[string]string{
		"GOVCHAT_CONFIG":        file,
		"GOVCHAT_ADDR":          "127.0.0.1:9001",
		"GOVCHAT_DATABASE_FILE": secret,
	})
	c, rest, err := Load("serve", []string{"--addr", "127.0.0.1:9002", "extra"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9002" {
		t.Errorf("flag should win over env and file: addr = %q", c.Addr)
	}
	if c.SessionTTL != time.Hour || !c.RequireTOTP {
		t.Errorf("file values not applied: ttl=%s totp=%v", c.SessionTTL, c.RequireTOTP)
	}
	if c.Database != "postgres://u:s3cret@db:5432/govchat" {
		t.Errorf("_FILE secret not read: %q", c.Database)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("rest = %v", rest)
	}
	var out bytes.Buffer
	c.Print(&out)
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("Print leaked the database password:\n%s", out.String())
	}
}

func TestLoadRejectsBadSettings(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
	}{
		{"bad addr", []string{"--addr", "nonsense"}, nil, "--addr"},
		{"bad database scheme", []string{"--database", "mysql://x"}, nil, "--database"},
		{"bad redis", []string{"--redis", "http://x"}, nil, "--redis"},
		{"bad duration in env", nil, map[string]string{"GOVCHAT_SESSION_TTL": "forever"}, "--session-ttl"},
		{"ttl out of range", []string{"--session-ttl", "1s"}, nil, "--session-ttl"},
		{"unknown zone", []string{"--time-zone", "Mars/Olympus"}, nil, "--time-zone"},
		{"bad locale", []string{"--locale", "fr"}, nil, "--locale"},
		{"both secret forms", nil, map[string]string{"GOVCHAT_REDIS": "redis://a", "GOVCHAT_REDIS_FILE": "/x"}, "--redis"},
		{"bad public url", []string{"--public-url", "chat.example"}, nil, "--public-url"},
		{"bad reminder list", nil, map[string]string{"GOVCHAT_NOTICE_REMINDERS": "24h,soon"}, "--notice-reminders"},
		{"reminder out of range", []string{"--notice-reminders", "24h,10s"}, nil, "--notice-reminders"},
		{"remind interval too short", []string{"--notice-remind-interval", "5s"}, nil, "--notice-remind-interval"},
		{"unknown push preview", []string{"--push-preview", "everything"}, nil, "--push-preview"},
		{"negative break-through cap", []string{"--breakthrough-per-week", "-1"}, nil, "--breakthrough-per-week"},
		{"audit retention under six months", []string{"--audit-retention", "179"}, nil, "--audit-retention: must be between 180"},
		{"audit retention not a number", nil, map[string]string{"GOVCHAT_AUDIT_RETENTION": "180d"}, "--audit-retention"},
		{"no audit checkpoints", []string{"--audit-checkpoint-every", "0"}, nil, "--audit-checkpoint-every"},
		{"audit checkpoint interval too short", []string{"--audit-checkpoint-interval", "10ms"}, nil, "--audit-checkpoint-interval"},
		{"vapid public key alone", []string{"--vapid-public-key", "BPub"}, nil, "--vapid-private-key"},
		{"vapid subject not a contact", []string{"--vapid-subject", "admin@localhost"}, nil, "--vapid-subject"},
		{"file size not a size", nil, map[string]string{"GOVCHAT_MAX_FILE_SIZE": "big"}, "--max-file-size"},
		{"file size of nothing", []string{"--max-file-size", "0"}, nil, "--max-file-size"},
		{"file size past 64GiB", []string{"--max-file-size", "65GiB"}, nil, "--max-file-size"},
		{"negative quota", nil, map[string]string{"GOVCHAT_STORAGE_QUOTA": "-1"}, "--storage-quota"},
		{"quota in a fraction", nil, map[string]string{"GOVCHAT_STORAGE_QUOTA": "1.5GiB"}, "--storage-quota"},
		{"no uploads at all", []string{"--uploads-per-minute", "0"}, nil, "--uploads-per-minute"},
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
		})
	}
}

func TestConfigFileUnknownKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(file, []byte(`{"adr":"x"}`), 0o600)
	_, _, err := Load("serve", []string{"--config", file}, envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"adr"`) {
		t.Fatalf("want unknown setting error naming adr, got %v", err)
	}
}

func TestBaseURL(t *testing.T) {
	c := Default()
	if got := c.BaseURL("0.0.0.0:8080"); got != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q", got)
	}
	c.PublicURL = "https://chat.example.gov.cn/"
	if got := c.BaseURL("0.0.0.0:8080"); got != "https://chat.example.gov.cn" {
		t.Errorf("BaseURL = %q", got)
	}
}

func TestPublicOrigin(t *testing.T) {
	cases := []struct {
		name, public string
		want         origin.Origin
	}{
		{"none without a public URL", "", ""},
		{"scheme and host of the public URL", "https://Chat.Example.gov.cn:443/govchat/", "https://chat.example.gov.cn"},
		{"keeps a port that is not the default", "http://10.1.2.3:8080", "http://10.1.2.3:8080"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.PublicURL = tc.public
			if got := c.PublicOrigin(); got != tc.want {
				t.Fatalf("PublicOrigin() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNoticeReminderList(t *testing.T) {
	cases := []struct {
		in   string
		want []time.Duration
	}{
		{"24h,2h", []time.Duration{24 * time.Hour, 2 * time.Hour}},
		{" 48h , 30m ", []time.Duration{48 * time.Hour, 30 * time.Minute}},
		{"none", nil},
		{"", nil},
	}
	for _, tc := range cases {
		c, _, err := Load("serve", []string{"--notice-reminders", tc.in}, envOf(nil), io.Discard)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if !slices.Equal(c.NoticeReminders, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, c.NoticeReminders, tc.want)
		}
	}
	if d := Default(); !d.NoticeChannelAdmins || d.NoticeRemindInterval != 30*time.Minute || len(d.NoticeReminders) != 2 {
		t.Errorf("defaults: %+v", d)
	}
}

func TestVAPIDSettings(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "vapid")
	if err := os.WriteFile(secret, []byte("c2VjcmV0LXByaXZhdGUta2V5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load("serve", []string{"--vapid-public-key", "BPublicKey"}, envOf(map[string]string{
		"GOVCHAT_VAPID_PRIVATE_KEY_FILE": secret,
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.VAPIDPrivateKey != "c2VjcmV0LXByaXZhdGUta2V5" || c.VAPIDPublicKey != "BPublicKey" {
		t.Fatalf("keys %q, %q", c.VAPIDPublicKey, c.VAPIDPrivateKey)
	}
	var out strings.Builder
	c.Print(&out)
	if strings.Contains(out.String(), "c2VjcmV0") {
		t.Errorf("Print leaked the VAPID private key:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "BPublicKey") {
		t.Errorf("Print hid the public key:\n%s", out.String())
	}

	for _, tc := range []struct{ subject, public, want string }{
		{"", "", "mailto:admin@localhost"},
		{"", "http://chat.local", "mailto:admin@localhost"},
		{"", "https://chat.czj.gov.cn/", "https://chat.czj.gov.cn"},
		{"mailto:ops@czj.gov.cn", "https://chat.czj.gov.cn", "mailto:ops@czj.gov.cn"},
	} {
		c := Default()
		c.VAPIDSubject, c.PublicURL = tc.subject, tc.public
		if got := c.PushSubject(); got != tc.want {
			t.Errorf("PushSubject(%q, %q) = %q, want %q", tc.subject, tc.public, got, tc.want)
		}
	}
}

func TestFileLimits(t *testing.T) {
	d := Default()
	if d.MaxFileSize != 2<<30 || d.StorageQuota != 20<<30 || d.UploadsPerMinute != 60 {
		t.Fatalf("defaults: %d, %d, %d", d.MaxFileSize, d.StorageQuota, d.UploadsPerMinute)
	}
	cases := []struct {
		in   string
		want int64
	}{
		{"2GiB", 2 << 30}, {"500MiB", 500 << 20}, {"500 MB", 500 << 20}, {"64k", 64 << 10}, {"1T", 1 << 40},
		{"123456", 123456}, {"10B", 10}, {"0", 0},
	}
	for _, tc := range cases {
		c, _, err := Load("serve", []string{"--storage-quota", tc.in}, envOf(nil), io.Discard)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if c.StorageQuota != tc.want {
			t.Errorf("%q = %d, want %d", tc.in, c.StorageQuota, tc.want)
		}
	}
	var out strings.Builder
	d.Print(&out)
	for _, line := range []string{"max-file-size        2GiB", "storage-quota        20GiB", "uploads-per-minute   60"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("Print lacks %q:\n%s", line, out.String())
		}
	}
	var v sizeValue = 1234567
	if v.String() != "1234567" {
		t.Errorf("an odd size prints as %q", v.String())
	}
}

func TestPprofLoopbackOnly(t *testing.T) {
	if d := Default(); d.Pprof != "" {
		t.Fatalf("pprof is on by default: %q", d.Pprof)
	}
	for _, addr := range []string{"127.0.0.1:6060", "127.0.0.2:0", "[::1]:6060", "[::ffff:127.0.0.1]:6060"} {
		c, _, err := Load("serve", []string{"--pprof", addr}, envOf(nil), io.Discard)
		if err != nil {
			t.Errorf("%s refused: %v", addr, err)
		} else if c.Pprof != addr {
			t.Errorf("--pprof %s gave %q", addr, c.Pprof)
		}
	}
	refused := []struct{ addr, says string }{
		{":6060", "not a loopback address"},
		{"0.0.0.0:6060", "not a loopback address"},
		{"[::]:6060", "not a loopback address"},
		{"10.1.2.3:6060", "not a loopback address"},
		{"localhost:6060", "not a loopback address"},
		{"[fe80::1%lo]:6060", "not a loopback address"},
		{"127.0.0.1", "not host:port"},
		{"127.0.0.1:", "not host:port"},
	}
	for _, tc := range refused {
		_, _, err := Load("serve", []string{"--pprof", tc.addr}, envOf(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "invalid --pprof") || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("--pprof %q: %v, want invalid --pprof … %s", tc.addr, err, tc.says)
		}
	}
	_, _, err := Load("serve", nil, envOf(map[string]string{"GOVCHAT_PPROF": "192.168.1.5:6060"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "invalid --pprof") {
		t.Errorf("GOVCHAT_PPROF on a LAN address: %v", err)
	}
}
