// Package config is govchat's one typed configuration: defaults, an optional JSON file,
// GOVCHAT_* environment variables (with _FILE variants for secrets) and command-line
// flags, applied in that order so the most specific source wins.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"govchat/internal/origin"
)

// Config is every setting of the govchat server.
type Config struct {
	Addr        string // --addr: where the HTTP server listens
	Data        string // --data: folder for the SQLite database and other files
	Database    string // --database: empty for embedded SQLite, or postgres://…
	Redis       string // --redis: empty for the in-process bus, or redis://…
	RedisPrefix string // --redis-prefix: namespace of this deployment's topics in Redis
	PublicURL   string // --public-url: the address people open; WebSocket Origin and cookies follow it
	NoDemo      bool   // --no-demo: do not seed the demo organisation on first start
	OrgName     string // --org-name: overrides the organisation name kept in the database
	// DataKeyFile is the master key file for encryption at rest (--data-key-file):
	// empty means <data>/data.key for SQLite, created at first start; PostgreSQL
	// needs it set (KeyFile, validateAtRest).
	DataKeyFile string

	// Where files' ciphertext is kept: a folder on this node's disk, or S3-compatible
	// object storage (Ceph RGW or any S3 store) that every node of a cluster sees.
	BlobDir    string // --blob-dir: empty means <data>/blobs (BlobFolder)
	S3Endpoint string // --s3-endpoint: http(s)://host[:port]; empty: the local folder
	S3Bucket   string // --s3-bucket
	S3Region   string // --s3-region: signed into requests; most S3-compatible servers take any
	// The S3 keys, from GOVCHAT_S3_ACCESS_KEY / GOVCHAT_S3_SECRET_KEY (or their _FILE
	// forms) only: never a flag, never the config file, masked wherever printed.
	S3AccessKey Secret
	S3SecretKey Secret

	SessionTTL       time.Duration // --session-ttl
	LoginMaxFailures int           // --login-max-failures: consecutive failures before a lockout
	LockoutDuration  time.Duration // --lockout
	RequireTOTP      bool          // --require-totp: administrators, security officers and auditors must use a second factor
	TrustProxy       bool          // --trust-proxy: take the client address from X-Forwarded-For (behind a reverse proxy only)

	RecallWindow time.Duration // --recall-window: how long a sender may recall (撤回) a message
	EditWindow   time.Duration // --edit-window: how long a sender may edit a message
	Reactions    []string      // --reactions: the reactions people may give messages (收到, 👍 …), in display order

	NoticeChannelAdmins  bool            // --notice-channel-admins: channel administrators may publish notices to their channels
	NoticeRemindInterval time.Duration   // --notice-remind-interval: "remind the unconfirmed" at most once per interval
	NoticeReminders      []time.Duration // --notice-reminders: automatic reminders this long before a deadline

	MaxFileSize      int64 // --max-file-size: the largest file people may send, in bytes of plaintext
	StorageQuota     int64 // --storage-quota: bytes of uploads one person may keep; 0: no quota
	UploadsPerMinute int   // --uploads-per-minute: uploads one person may begin in a minute

	PushPreview         string // --push-preview: text, channel or none — what a push may show
	BreakthroughPerWeek int    // --breakthrough-per-week: urgent notices a leader may push through quiet hours in 7 days

	// Web Push VAPID keys (base64url: the 65-byte public point, the 32-byte private
	// scalar). Both or neither; when neither, a pair is generated on first start and
	// kept in the database. VAPIDSubject is the contact push services see: empty means
	// the public URL when it is https, else mailto:admin@localhost.
	VAPIDPublicKey  string // --vapid-public-key
	VAPIDPrivateKey string // --vapid-private-key (secret)
	VAPIDSubject    string // --vapid-subject: mailto:… or https://…

	TimeZone      string // --time-zone
	DefaultLocale string // --locale
	LogLevel      string // --log-level: debug, info, warn, error
	LogFormat     string // --log-format: text or json

	ShutdownTimeout time.Duration // --shutdown-timeout

	// The tamper-evident trail (docs/audit.md). AuditRetentionDays is how long audit
	// entries are kept, in days, whatever the messages' retention: at least 180 (the
	// Cybersecurity Law's six months). A checkpoint is signed every
	// AuditCheckpointEvery entries or AuditCheckpointInterval, whichever comes first.
	AuditRetentionDays      int           // --audit-retention
	AuditCheckpointEvery    int           // --audit-checkpoint-every
	AuditCheckpointInterval time.Duration // --audit-checkpoint-interval
	// Pprof is where net/http/pprof is served (--pprof): empty, the default, for
	// nowhere; otherwise a loopback host:port of its own listener (validatePprof).
	Pprof string
}

// MinAuditRetentionDays is the shortest audit retention allowed: six months.
const MinAuditRetentionDays = 180

// Default returns the embedded default: one process, SQLite in ./data, the in-process
// bus, listening on the loopback only.
func Default() Config {
	return Config{
		Addr:             "127.0.0.1:8080",
		Data:             "./data",
		RedisPrefix:      "govchat:",
		S3Region:         "us-east-1",
		SessionTTL:       7 * 24 * time.Hour,
		LoginMaxFailures: 5,
		LockoutDuration:  15 * time.Minute,
		RecallWindow:     2 * time.Minute,
		EditWindow:       24 * time.Hour,
		Reactions:        defaultReactions(),

		NoticeChannelAdmins:  true,
		NoticeRemindInterval: 30 * time.Minute,
		NoticeReminders:      []time.Duration{24 * time.Hour, 2 * time.Hour},
		MaxFileSize:          defaultMaxFileSize,
		StorageQuota:         defaultStorageQuota,
		UploadsPerMinute:     defaultUploadsPerMinute,
		PushPreview:          "text",
		BreakthroughPerWeek:  3,
		TimeZone:             "Asia/Shanghai",
		DefaultLocale:        "zh-CN",
		LogLevel:             "info",
		LogFormat:            "text",
		ShutdownTimeout:      15 * time.Second,

		AuditRetentionDays:      365,
		AuditCheckpointEvery:    1000,
		AuditCheckpointInterval: time.Minute,
	}
}

// Validate checks every setting and names the first one that is wrong.
func (c Config) Validate() error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("invalid --%s: %s", setting, fmt.Sprintf(format, args...)))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "%q is not host:port (%v)", c.Addr, err)
	}
	if strings.TrimSpace(c.Data) == "" {
		bad("data", "must not be empty")
	}
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") && !strings.HasPrefix(c.Database, "sqlite:") {
		bad("database", "must be empty (embedded SQLite), sqlite:PATH or postgres://…, got %q", MaskURL(c.Database))
	}
	if c.Redis != "" {
		if u, err := url.Parse(c.Redis); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("redis", "must be redis://host:port/db or rediss://…, got %q", MaskURL(c.Redis))
		}
	}
	if c.RedisPrefix == "" || len(c.RedisPrefix) > 64 {
		bad("redis-prefix", "must be 1 to 64 characters")
	}
	c.validateBlobs(bad)
	c.validateAtRest(bad)
	c.validatePprof(bad)
	if c.PublicURL != "" {
		if _, err := origin.Of(c.PublicURL); err != nil {
			bad("public-url", "must be an absolute http(s) URL, got %q", c.PublicURL)
		}
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 90*24*time.Hour {
		bad("session-ttl", "must be between 1m and 2160h, got %s", c.SessionTTL)
	}
	if c.LoginMaxFailures < 1 || c.LoginMaxFailures > 100 {
		bad("login-max-failures", "must be between 1 and 100, got %d", c.LoginMaxFailures)
	}
	if c.LockoutDuration < time.Second || c.LockoutDuration > 24*time.Hour {
		bad("lockout", "must be between 1s and 24h, got %s", c.LockoutDuration)
	}
	if c.RecallWindow < 0 || c.RecallWindow > 7*24*time.Hour {
		bad("recall-window", "must be between 0 and 168h, got %s", c.RecallWindow)
	}
	if c.EditWindow < 0 || c.EditWindow > 30*24*time.Hour {
		bad("edit-window", "must be between 0 and 720h, got %s", c.EditWindow)
	}
	c.validateReactions(bad)
	if c.NoticeRemindInterval < time.Minute || c.NoticeRemindInterval > 24*time.Hour {
		bad("notice-remind-interval", "must be between 1m and 24h, got %s", c.NoticeRemindInterval)
	}
	if len(c.NoticeReminders) > 10 {
		bad("notice-reminders", "at most 10 reminders, got %d", len(c.NoticeReminders))
	}
	for _, d := range c.NoticeReminders {
		if d < time.Minute || d > 30*24*time.Hour {
			bad("notice-reminders", "each must be between 1m and 720h before the deadline, got %s", d)
			break
		}
	}
	c.validateFiles(bad)
	if (c.VAPIDPublicKey == "") != (c.VAPIDPrivateKey == "") {
		bad("vapid-private-key", "give --vapid-public-key and --vapid-private-key together, or neither (generated)")
	}
	if c.VAPIDSubject != "" && !strings.HasPrefix(c.VAPIDSubject, "mailto:") && !strings.HasPrefix(c.VAPIDSubject, "https://") {
		bad("vapid-subject", "must be mailto:address or an https:// URL, got %q", c.VAPIDSubject)
	}
	switch c.PushPreview {
	case "text", "channel", "none":
	default:
		bad("push-preview", "must be text, channel or none, got %q", c.PushPreview)
	}
	if c.BreakthroughPerWeek < 0 || c.BreakthroughPerWeek > 100 {
		bad("breakthrough-per-week", "must be between 0 and 100, got %d", c.BreakthroughPerWeek)
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		bad("time-zone", "unknown time zone %q", c.TimeZone)
	}
	if c.DefaultLocale != "zh-CN" && c.DefaultLocale != "en" {
		bad("locale", "must be zh-CN or en, got %q", c.DefaultLocale)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format", "must be text or json, got %q", c.LogFormat)
	}
	if c.ShutdownTimeout <= 0 {
		bad("shutdown-timeout", "must be positive")
	}
	if c.AuditRetentionDays < MinAuditRetentionDays || c.AuditRetentionDays > 36500 {
		bad("audit-retention", "must be between %d and 36500 days (the Cybersecurity Law keeps network logs at least six months), got %d", MinAuditRetentionDays, c.AuditRetentionDays)
	}
	if c.AuditCheckpointEvery < 1 || c.AuditCheckpointEvery > 1_000_000 {
		bad("audit-checkpoint-every", "must be between 1 and 1000000 entries, got %d", c.AuditCheckpointEvery)
	}
	if c.AuditCheckpointInterval < time.Second || c.AuditCheckpointInterval > 24*time.Hour {
		bad("audit-checkpoint-interval", "must be between 1s and 24h, got %s", c.AuditCheckpointInterval)
	}
	return errors.Join(errs...)
}

// Location is the organisation's time zone; Validate has checked it loads.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// BaseURL is the address people open: the configured public URL, or one derived from
// the listening address.
func (c Config) BaseURL(listenAddr string) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "http://" + listenAddr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// MaskURL hides the password of a connection URL so it can be printed and logged.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// PushSubject is the VAPID subject: the configured one, else the public URL when it is
// https, else mailto:admin@localhost (fine for trying out; some push services refuse
// it, so set --vapid-subject or an https --public-url in production).
func (c Config) PushSubject() string {
	switch {
	case c.VAPIDSubject != "":
		return c.VAPIDSubject
	case strings.HasPrefix(c.PublicURL, "https://"):
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "mailto:admin@localhost"
}

// PublicOrigin is the origin of --public-url, the one every browser Origin is compared
// with (and https means Secure cookies); "" when none is set, and then a browser's
// Origin must name the host it sent the request to.
func (c Config) PublicOrigin() origin.Origin {
	o, _ := origin.Of(c.PublicURL) // Validate has refused a URL without one
	return o
}
