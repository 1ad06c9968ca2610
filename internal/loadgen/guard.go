package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ErrRemoteTarget refuses a load run against another machine: this workplace allows
// load only against the local host unless the operator says otherwise.
var ErrRemoteTarget = errors.New("target is not a loopback address (pass --allow-remote to load another host)")

// Resolver looks a host name up; net.DefaultResolver.LookupNetIP fits.
type Resolver func(ctx context.Context, network, host string) ([]netip.Addr, error)

// Target is the server under load: its base URL and the one address every
// connection dials.
type Target struct {
	URL *url.URL
	// Addr is the checked IP and port. Every request dials it instead of resolving
	// the name again, so a name cannot pass the check as 127.0.0.1 and then resolve
	// elsewhere (DNS rebinding).
	Addr netip.AddrPort
}

// Loopback reports whether the target is on this machine.
func (t Target) Loopback() bool { return t.Addr.Addr().Unmap().IsLoopback() }

// WebSocketURL is the ws:// or wss:// address of path on the target.
func (t Target) WebSocketURL(path string) string {
	u := *t.URL
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.Path = path
	return u.String()
}

// Origin is scheme://host[:port] of the target, what a browser on it would send.
func (t Target) Origin() string { return t.URL.Scheme + "://" + t.URL.Host }

// CheckTarget parses the server URL and refuses one that does not resolve only to
// loopback addresses, unless allowRemote. A name resolving to several addresses must
// have all of them on loopback: a mixed answer would let a run land elsewhere.
func CheckTarget(ctx context.Context, raw string, allowRemote bool, resolve Resolver) (Target, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Target{}, fmt.Errorf("--url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Target{}, fmt.Errorf("--url %q: the scheme must be http or https", raw)
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Target{}, fmt.Errorf("--url %q: give only scheme://host[:port] of the server", raw)
	}
	u.Path = ""
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return Target{}, fmt.Errorf("--url %q: bad port %q", raw, port)
	}

	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a.WithZone("")}
	} else {
		addrs, err = resolve(ctx, "ip", host)
		if err != nil {
			return Target{}, fmt.Errorf("--url: resolve %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return Target{}, fmt.Errorf("--url: %s has no address", host)
		}
	}
	if !allowRemote {
		for _, a := range addrs {
			if a.Unmap().IsLoopback() {
				continue
			}
			if host == a.String() {
				return Target{}, fmt.Errorf("%w: %s", ErrRemoteTarget, host)
			}
			return Target{}, fmt.Errorf("%w: %s is %s", ErrRemoteTarget, host, a)
		}
	}
	// Prefer IPv4: 127.0.0.0/8 offers many source addresses to spread logins over,
	// ::1 only one.
	pick := addrs[0]
	for _, a := range addrs {
		if a.Unmap().Is4() {
			pick = a
			break
		}
	}
	return Target{URL: u, Addr: netip.AddrPortFrom(pick.Unmap(), uint16(p))}, nil
}

// SystemResolver is the resolver of the operating system.
func SystemResolver(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, network, host)
}
