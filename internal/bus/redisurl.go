package bus

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// parseRedisURL parses the --redis setting and returns the options and a
// redacted form for messages. Parser errors that could quote a misparsed
// password are replaced by a fixed hint rather than wrapped.
func parseRedisURL(raw string) (*redis.Options, string, error) {
	const invalid = "bus: --redis is not a valid URL (want redis://[user:password@]host:port/db, special characters in the password percent-encoded)"
	if raw == "" {
		return nil, "", errors.New("bus: --redis is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the input, or a fragment of a password
		// that a '#', '?' or '/' cut short.
		return nil, "", errors.New(invalid)
	}
	if u.User == nil && strings.Contains(raw, "@") {
		// The '@' did not end userinfo, so the password spilled into the
		// host or path, where the redacted form would still show it.
		return nil, "", errors.New(invalid)
	}
	display := *u
	display.RawQuery, display.Fragment, display.RawFragment = "", "", ""
	shown := display.Redacted()
	opts, err := redis.ParseURL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("bus: --redis=%s: %w", shown, err)
	}
	return opts, shown, nil
}
