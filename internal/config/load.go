package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// setting binds one Config field to its flag, environment variable and file key.
type setting struct {
	name   string // flag name and JSON key
	help   string
	secret bool // mask when printing; allow GOVCHAT_<NAME>_FILE
	value  flag.Value
}

// EnvName is the environment variable for a setting: --public-url → GOVCHAT_PUBLIC_URL.
func EnvName(flagName string) string {
	return "GOVCHAT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "listen address host:port", false, (*stringValue)(&c.Addr)},
		{"data", "data folder (SQLite database, generated keys)", false, (*stringValue)(&c.Data)},
		{"database", "database URL: empty for embedded SQLite, or postgres://user:pass@host:5432/db", true, (*stringValue)(&c.Database)},
		{"redis", "Redis URL for the cluster bus, e.g. redis://127.0.0.1:6379/0; empty for the in-process bus", true, (*stringValue)(&c.Redis)},
		{"data-key-file", "master key file for encryption at rest (32 random bytes, hex or base64, mode 0600; default for SQLite: <data>/data.key, created at first start; required with PostgreSQL, the same file on every node)", false, (*stringValue)(&c.DataKeyFile)},
		{"redis-prefix", "namespace of this deployment's topics in a shared Redis", false, (*stringValue)(&c.RedisPrefix)},
		{"blob-dir", "folder for files' ciphertext on this node's disk (default: <data>/blobs); not with --s3-endpoint", false, (*stringValue)(&c.BlobDir)},
		{"s3-endpoint", "S3-compatible object storage for files' ciphertext, every node seeing every file (Ceph RGW or any S3 store), e.g. https://rgw.example.gov.cn:7480; with --s3-bucket and the keys in " + EnvS3AccessKey + " and " + EnvS3SecretKey, false, (*stringValue)(&c.S3Endpoint)},
		{"s3-bucket", "bucket for files' ciphertext (with --s3-endpoint)", false, (*stringValue)(&c.S3Bucket)},
		{"s3-region", "region signed into S3 requests (with --s3-endpoint)", false, (*stringValue)(&c.S3Region)},
		{"public-url", "public address people open, e.g. https://chat.example.gov.cn (WebSocket Origin and cookie Secure follow it)", false, (*stringValue)(&c.PublicURL)},
		{"no-demo", "do not seed the demo organisation on first start", false, (*boolValue)(&c.NoDemo)},
		{"org-name", "organisation name shown on the login page (overrides the stored one)", false, (*stringValue)(&c.OrgName)},
		{"session-ttl", "how long a login lasts", false, (*durationValue)(&c.SessionTTL)},
		{"login-max-failures", "consecutive wrong passwords before the account is locked", false, (*intValue)(&c.LoginMaxFailures)},
		{"lockout", "how long a locked account stays locked", false, (*durationValue)(&c.LockoutDuration)},
		{"require-totp", "administrators, security officers and auditors must enrol a TOTP second factor", false, (*boolValue)(&c.RequireTOTP)},
		{"trust-proxy", "take the client address from X-Forwarded-For (only behind a reverse proxy)", false, (*boolValue)(&c.TrustProxy)},
		{"recall-window", "how long a sender may recall (撤回) a message; channel administrators may always", false, (*durationValue)(&c.RecallWindow)},
		{"edit-window", "how long a sender may edit a message (edits are marked as edited)", false, (*durationValue)(&c.EditWindow)},
		{"reactions", "the reactions people may give messages, in display order, separated by commas, e.g. 收到,👍,OK (at most 12, each at most 10 characters; none: off)", false, (*reactionsValue)(&c.Reactions)},
		{"notice-channel-admins", "channel administrators may publish notices to their own channels (leaders always may)", false, (*boolValue)(&c.NoticeChannelAdmins)},
		{"notice-remind-interval", "how often a notice's author may remind the unconfirmed", false, (*durationValue)(&c.NoticeRemindInterval)},
		{"notice-reminders", "automatic reminders before a notice's deadline, e.g. 24h,2h (none: no automatic reminders)", false, (*durationsValue)(&c.NoticeReminders)},
		{"max-file-size", "the largest file people may send, e.g. 2GiB (its ciphertext is a little larger)", false, (*sizeValue)(&c.MaxFileSize)},
		{"storage-quota", "how much one person's uploads may take on the server, e.g. 20GiB (0: no quota)", false, (*sizeValue)(&c.StorageQuota)},
		{"uploads-per-minute", "file uploads one person may begin in a minute", false, (*intValue)(&c.UploadsPerMinute)},
		{"push-preview", "what a push may show: text (of 普通 messages), channel (only where), none (nothing)", false, (*stringValue)(&c.PushPreview)},
		{"breakthrough-per-week", "urgent notices a leader may push through quiet hours in 7 days (0: none)", false, (*intValue)(&c.BreakthroughPerWeek)},
		{"vapid-public-key", "Web Push VAPID public key, base64url (with --vapid-private-key; neither: generated and kept in the database)", false, (*stringValue)(&c.VAPIDPublicKey)},
		{"vapid-private-key", "Web Push VAPID private key, base64url; a secret", true, (*stringValue)(&c.VAPIDPrivateKey)},
		{"vapid-subject", "contact for push services: mailto:ops@example.gov.cn or https://… (default: an https --public-url, else mailto:admin@localhost)", false, (*stringValue)(&c.VAPIDSubject)},
		{"time-zone", "organisation time zone", false, (*stringValue)(&c.TimeZone)},
		{"locale", "default interface language: zh-CN or en", false, (*stringValue)(&c.DefaultLocale)},
		{"log-level", "debug, info, warn or error", false, (*stringValue)(&c.LogLevel)},
		{"log-format", "text or json", false, (*stringValue)(&c.LogFormat)},
		{"shutdown-timeout", "how long a graceful shutdown may take", false, (*durationValue)(&c.ShutdownTimeout)},
		{"audit-retention", "days audit entries are kept, whatever the messages' retention (at least 180)", false, (*intValue)(&c.AuditRetentionDays)},
		{"audit-checkpoint-every", "sign an audit checkpoint every this many entries", false, (*intValue)(&c.AuditCheckpointEvery)},
		{"audit-checkpoint-interval", "sign an audit checkpoint at least this often while entries arrive", false, (*durationValue)(&c.AuditCheckpointInterval)},
		{"pprof", "serve Go profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060 (default: off; any other address is refused)", false, (*stringValue)(&c.Pprof)},
	}
}

// Load builds the configuration for a subcommand from defaults, the optional file named
// by --config or GOVCHAT_CONFIG, the environment and the flags in args. It returns the
// arguments left after the flags. extra registers a command's own flags on the same
// set, so they mix freely with the server's.
func Load(cmd string, args []string, getenv func(string) string, stderr io.Writer, extra ...func(*flag.FlagSet)) (Config, []string, error) {
	c := Default()
	settings := c.settings()

	if path := configPath(args, getenv); path != "" {
		if err := c.applyFile(path, settings); err != nil {
			return c, nil, err
		}
	}
	if err := applyEnv(settings, getenv); err != nil {
		return c, nil, err
	}
	if err := c.loadS3Credentials(getenv); err != nil {
		return c, nil, err
	}

	fs := flag.NewFlagSet("govchat "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", "", "optional JSON config file (keys are the flag names); env GOVCHAT_CONFIG")
	for _, s := range settings {
		fs.Var(s.value, s.name, s.help+" (env "+EnvName(s.name)+")")
	}
	for _, register := range extra {
		register(fs)
	}
	// Flags may come before or after positional arguments (govchat org import FILE
	// --dry-run): the standard parser stops at the first positional, so resume after it.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return c, nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if err := c.Validate(); err != nil {
		return c, nil, err
	}
	return c, positional, nil
}

// configPath finds --config before the flags are parsed, since the file's values must
// sit under the flags'.
func configPath(args []string, getenv func(string) string) string {
	for i, a := range args {
		for _, p := range []string{"-config", "--config"} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return getenv("GOVCHAT_CONFIG")
}

func (c *Config) applyFile(path string, settings []setting) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("invalid --config: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("invalid --config %s: not a JSON object: %w", path, err)
	}
	byName := map[string]setting{}
	for _, s := range settings {
		byName[s.name] = s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, ok := byName[k]
		if !ok {
			return fmt.Errorf("invalid --config %s: unknown setting %q", path, k)
		}
		var v any
		if err := json.Unmarshal(m[k], &v); err != nil {
			return fmt.Errorf("invalid --config %s: %s: %w", path, k, err)
		}
		if err := s.value.Set(fmt.Sprint(v)); err != nil {
			return fmt.Errorf("invalid --config %s: %s: %w", path, k, err)
		}
	}
	return nil
}

func applyEnv(settings []setting, getenv func(string) string) error {
	for _, s := range settings {
		env := EnvName(s.name)
		v := getenv(env)
		if s.secret {
			var err error
			if v, err = envSecret(getenv, env); err != nil {
				return fmt.Errorf("invalid --%s: %w", s.name, err)
			}
		}
		if v == "" {
			continue
		}
		if err := s.value.Set(v); err != nil {
			return fmt.Errorf("invalid --%s: %s=%q: %w", s.name, env, v, err)
		}
	}
	return nil
}

// envSecret reads a secret from the variable env, or from the file env_FILE names.
func envSecret(getenv func(string) string, env string) (string, error) {
	v := getenv(env)
	path := getenv(env + "_FILE")
	if path == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("both %s and %s_FILE are set", env, env)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", env, err)
	}
	return strings.TrimSpace(string(raw)), nil
}

// Print writes the effective configuration, one setting a line, secrets masked.
func (c Config) Print(w io.Writer) {
	for _, s := range c.settings() {
		v := s.value.String()
		if s.secret && v != "" {
			if strings.Contains(v, "://") {
				v = MaskURL(v) // a connection URL: only its password is secret
			} else {
				v = "xxxxx" // a key: all of it
			}
		}
		fmt.Fprintf(w, "%-20s %s\n", s.name, v)
	}
	// The S3 keys are no settings (environment only), but say whether they are there.
	fmt.Fprintf(w, "%-20s %s\n", "s3-access-key", c.S3AccessKey)
	fmt.Fprintf(w, "%-20s %s\n", "s3-secret-key", c.S3SecretKey)
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("must be true or false")
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("must be a whole number")
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("must be a duration such as 30s, 15m or 12h")
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string { return time.Duration(*v).String() }

// durationsValue is a comma-separated list of durations; "none" or "" is the empty list.
type durationsValue []time.Duration

func (v *durationsValue) Set(s string) error {
	var out []time.Duration
	if t := strings.TrimSpace(s); t != "" && t != "none" {
		for _, part := range strings.Split(t, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(part))
			if err != nil {
				return errors.New("must be durations separated by commas, such as 24h,2h, or none")
			}
			out = append(out, d)
		}
	}
	*v = out
	return nil
}

func (v *durationsValue) String() string {
	if len(*v) == 0 {
		return "none"
	}
	parts := make([]string, len(*v))
	for i, d := range *v {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}
