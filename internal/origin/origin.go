// Package origin is a web origin (RFC 6454) in the one form govchat compares:
// lower-case scheme://host[:port] with the scheme's default port left out, as browsers
// send it in the Origin header. The public URL is turned into one once, by the
// configuration, and every Origin check compares against it.
package origin

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Origin is a normalised origin; "" is none.
type Origin string

// Of is the origin of an absolute http(s) URL such as --public-url; its path, query
// and fragment are not part of it.
func Of(rawURL string) (Origin, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("origin: %w", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("origin: %q is not an absolute http(s) URL", rawURL)
	}
	return Origin(scheme + "://" + withoutDefaultPort(strings.ToLower(u.Host), scheme)), nil
}

// Parse reads a browser's Origin header. It is false for "null" (sent by sandboxed
// frames and file: pages) and for anything but scheme://host[:port].
func Parse(header string) (Origin, bool) {
	u, err := url.Parse(strings.TrimSuffix(header, "/"))
	if err != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", false
	}
	o, err := Of(header)
	return o, err == nil
}

// Secure reports whether the origin is https.
func (o Origin) Secure() bool { return strings.HasPrefix(string(o), "https://") }

// Admits reports whether a browser's Origin header names this origin or, when o is
// none, the host the request was sent to (its Host header).
func (o Origin) Admits(header, requestHost string) bool {
	got, ok := Parse(header)
	if !ok {
		return false
	}
	if o != "" {
		return got == o
	}
	scheme, host, _ := strings.Cut(string(got), "://")
	return host == withoutDefaultPort(strings.ToLower(requestHost), scheme)
}

func withoutDefaultPort(host, scheme string) string {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}
