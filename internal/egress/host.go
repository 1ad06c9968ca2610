package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseHost reads a URL's host (as url.URL.Hostname gives it, IPv6 without brackets)
// the way a browser's URL parser (WHATWG URL, "host parsing") does, so that every
// spelling of an address is seen as that address: IPv4 in decimal, octal or hex parts,
// with fewer than four parts (127.1, 2130706433, 0x7f000001, 0177.0.0.1) and a trailing
// dot. It returns the address when the host is one, else the domain lowercased without
// its trailing dot. A host that is not ASCII is refused rather than mapped (IDNA):
// push services are reached by their punycode names, and refusing is safer than
// reimplementing UTS #46.
func ParseHost(host string) (addr netip.Addr, domain string, err error) {
	if host == "" {
		return netip.Addr{}, "", errors.New("empty host")
	}
	if strings.Contains(host, ":") { // only an IPv6 literal has a colon in a hostname
		a, err := netip.ParseAddr(host)
		if err != nil || a.Zone() != "" || !a.Is6() {
			return netip.Addr{}, "", fmt.Errorf("host %q is not an IPv6 address", host)
		}
		return a, "", nil
	}
	for i := range len(host) {
		if host[i] >= 0x80 {
			return netip.Addr{}, "", errors.New("host is not ASCII")
		}
	}
	host = strings.ToLower(host)
	if endsInNumber(host) {
		a, err := parseIPv4(host)
		return a, "", err
	}
	return netip.Addr{}, strings.TrimSuffix(host, "."), nil
}

// IsLocalName reports whether domain (as ParseHost returns it) names this machine:
// localhost and every name under it (RFC 6761 §6.3).
func IsLocalName(domain string) bool {
	return domain == "localhost" || strings.HasSuffix(domain, ".localhost")
}

// endsInNumber is WHATWG's "ends in a number checker": the last label (after dropping
// one empty label left by a trailing dot) is all digits or a 0x hex number.
func endsInNumber(host string) bool {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, err := parseIPv4Number(last) // now only a 0x hex number can pass
	return err == nil
}

// parseIPv4 is WHATWG's IPv4 parser: one to four parts, each decimal, octal (leading
// 0) or hex (0x); every part but the last at most 255, the last filling the bytes left.
func parseIPv4(host string) (netip.Addr, error) {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return netip.Addr{}, fmt.Errorf("host %q: more than four IPv4 parts", host)
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := parseIPv4Number(p)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("host %q: %w", host, err)
		}
		nums[i] = n
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, fmt.Errorf("host %q: IPv4 part over 255", host)
		}
		v |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, fmt.Errorf("host %q: IPv4 address out of range", host)
	}
	v += last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), nil
}

// parseIPv4Number reads one part: 0x… hex (0x alone is 0), 0… octal, else decimal.
func parseIPv4Number(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty IPv4 part")
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, nil
		}
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	n, err := strconv.ParseUint(s, base, 64) // no sign, no underscores with an explicit base
	if err != nil {
		return 0, errors.New("IPv4 part is not a number")
	}
	return n, nil
}

// CheckHost refuses a URL host that would reach what allow refuses, by any spelling,
// or that names this machine. A name is not resolved here: Control checks what it
// resolves to when connecting.
func CheckHost(host string, allow Policy) error {
	addr, domain, err := ParseHost(host)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrForbidden, err)
	}
	if addr.IsValid() {
		return allow(addr)
	}
	if IsLocalName(domain) {
		return fmt.Errorf("%w: %s names this machine", ErrForbidden, domain)
	}
	return nil
}
