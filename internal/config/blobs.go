package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strings"
)

// The S3 credentials are read from the environment only: never a flag (command lines
// are visible to every user of the machine) and never a key of the config file.
const (
	EnvS3AccessKey = "GOVCHAT_S3_ACCESS_KEY"
	EnvS3SecretKey = "GOVCHAT_S3_SECRET_KEY"
)

// Secret is a credential. It prints, logs and marshals as xxxxx, so a Config can be
// printed or logged whole without giving it away; Reveal gives the value to the one
// place that needs it.
type Secret string

// Reveal is the credential itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "xxxxx"
}

// GoString masks %#v too.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// LogValue masks the credential in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON masks the credential in JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// BlobFolder is where the local blob store keeps files' ciphertext: --blob-dir, else
// <data>/blobs. Unused with S3.
func (c Config) BlobFolder() string {
	if c.BlobDir != "" {
		return c.BlobDir
	}
	return filepath.Join(c.Data, "blobs")
}

// UsesS3 reports whether files' ciphertext goes to S3-compatible object storage.
func (c Config) UsesS3() bool { return c.S3Endpoint != "" }

// loadS3Credentials reads the S3 keys from the environment (or the files its _FILE
// variables name).
func (c *Config) loadS3Credentials(getenv func(string) string) error {
	for _, k := range []struct {
		env string
		dst *Secret
	}{{EnvS3AccessKey, &c.S3AccessKey}, {EnvS3SecretKey, &c.S3SecretKey}} {
		v, err := envSecret(getenv, k.env)
		if err != nil {
			return fmt.Errorf("invalid %s: %w", k.env, err)
		}
		*k.dst = Secret(v)
	}
	return nil
}

// validateBlobs checks where files' ciphertext goes: a local folder, or S3 with every
// S3 setting given.
func (c Config) validateBlobs(bad func(setting, format string, args ...any)) {
	given := map[string]bool{
		"--s3-endpoint": c.S3Endpoint != "", "--s3-bucket": c.S3Bucket != "",
		EnvS3AccessKey: c.S3AccessKey != "", EnvS3SecretKey: c.S3SecretKey != "",
	}
	var missing []string
	some := false
	for _, name := range []string{"--s3-endpoint", "--s3-bucket", EnvS3AccessKey, EnvS3SecretKey} {
		if given[name] {
			some = true
		} else {
			missing = append(missing, name)
		}
	}
	if some && len(missing) > 0 {
		bad("s3-endpoint", "S3 needs --s3-endpoint, --s3-bucket, %s and %s together; missing %s",
			EnvS3AccessKey, EnvS3SecretKey, strings.Join(missing, ", "))
	}
	if c.S3Endpoint != "" {
		if err := checkEndpoint(c.S3Endpoint); err != "" {
			bad("s3-endpoint", "%s, got %q", err, MaskURL(c.S3Endpoint))
		}
		if c.BlobDir != "" {
			bad("blob-dir", "give --blob-dir (files on this node's disk) or --s3-endpoint (files in object storage), not both")
		}
	}
	if c.S3Bucket != "" {
		if err := checkBucket(c.S3Bucket); err != "" {
			bad("s3-bucket", "%q %s", c.S3Bucket, err)
		}
	}
	if !validRegion(c.S3Region) {
		bad("s3-region", "must be 1 to 64 letters, digits, '-', '_' or '.', got %q", c.S3Region)
	}
}

func checkEndpoint(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		return "must be an http(s)://host[:port] URL"
	case u.User != nil:
		return "must not carry credentials (they go in " + EnvS3AccessKey + " and " + EnvS3SecretKey + ")"
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return "must be only scheme, host and port (the bucket is --s3-bucket)"
	}
	return ""
}

// checkBucket applies S3's bucket naming rules, which the S3-compatible servers share:
// 3 to 63 characters of lowercase letters, digits, '.' and '-', starting and ending
// with a letter or digit, no "..", not an IP address; names also usable in a host name.
func checkBucket(b string) string {
	if len(b) < 3 || len(b) > 63 {
		return "must be 3 to 63 characters"
	}
	for i := 0; i < len(b); i++ {
		ch := b[i]
		if (ch < 'a' || ch > 'z') && (ch < '0' || ch > '9') && ch != '.' && ch != '-' {
			return "may hold only lowercase letters, digits, '.' and '-'"
		}
	}
	alnum := func(ch byte) bool { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') }
	switch {
	case !alnum(b[0]) || !alnum(b[len(b)-1]):
		return "must start and end with a letter or digit"
	case strings.Contains(b, ".."), strings.Contains(b, ".-"), strings.Contains(b, "-."):
		return "must not have '.' next to '.' or '-'"
	case net.ParseIP(b) != nil:
		return "must not be an IP address"
	case strings.HasPrefix(b, "xn--"):
		return "must not start with xn--"
	}
	return ""
}

func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for _, ch := range r {
		if (ch < 'a' || ch > 'z') && (ch < 'A' || ch > 'Z') && (ch < '0' || ch > '9') && ch != '-' && ch != '_' && ch != '.' {
			return false
		}
	}
	return true
}
