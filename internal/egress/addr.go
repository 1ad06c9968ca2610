package egress

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrForbidden is the error of an address the policy refuses.
var ErrForbidden = errors.New("egress: address not allowed")

// Policy decides whether the server may connect to addr: nil, or an error wrapping
// ErrForbidden. Public is the one production uses; tests that serve the other end
// on loopback pass their own.
type Policy func(addr netip.Addr) error

// forbidden are the IPv4 ranges that are not the public internet: this host or
// network, private, carrier-grade NAT, link-local, multicast, reserved, broadcast.
var forbidden4 = [...]netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network", 0.0.0.0 reaches this host
	netip.MustParsePrefix("10.0.0.0/8"),     // private (RFC 1918)
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("127.0.0.0/8"),    // loopback
	netip.MustParsePrefix("169.254.0.0/16"), // link-local, cloud metadata services
	netip.MustParsePrefix("172.16.0.0/12"),  // private
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("192.168.0.0/16"), // private
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("224.0.0.0/4"),    // multicast
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and the broadcast address
}

// forbidden6 are the IPv6 ranges that are not the public internet. Those that embed an
// IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address instead.
var forbidden6 = [...]netip.Prefix{
	netip.MustParsePrefix("::/128"),    // unspecified
	netip.MustParsePrefix("::1/128"),   // loopback
	netip.MustParsePrefix("fc00::/7"),  // unique local (private)
	netip.MustParsePrefix("fe80::/10"), // link-local
	netip.MustParsePrefix("fec0::/10"), // site-local (deprecated, still routed by some)
	netip.MustParsePrefix("ff00::/8"),  // multicast
}

var (
	compatible = netip.MustParsePrefix("::/96")        // IPv4-compatible (deprecated)
	nat64      = netip.MustParsePrefix("64:ff9b::/96") // NAT64 well-known prefix
	sixToFour  = netip.MustParsePrefix("2002::/16")    // 6to4: the IPv4 address in bits 16–47
)

// Public allows only addresses on the public internet: it refuses loopback, private,
// link-local, unspecified, carrier-grade NAT, multicast and reserved addresses, and
// IPv6 addresses that carry one of those in IPv4-mapped, IPv4-compatible, NAT64 or
// 6to4 form.
func Public(addr netip.Addr) error {
	if !addr.IsValid() {
		return fmt.Errorf("%w: no address", ErrForbidden)
	}
	addr = addr.WithZone("")
	if v4, ok := embeddedIPv4(addr); ok {
		if err := Public(v4); err != nil {
			return fmt.Errorf("%w (%s carries %s)", ErrForbidden, addr, v4)
		}
		return nil
	}
	if addr.Is4() {
		for _, p := range forbidden4 {
			if p.Contains(addr) {
				return fmt.Errorf("%w: %s is in %s", ErrForbidden, addr, p)
			}
		}
		return nil
	}
	for _, p := range forbidden6 {
		if p.Contains(addr) {
			return fmt.Errorf("%w: %s is in %s", ErrForbidden, addr, p)
		}
	}
	return nil
}

// embeddedIPv4 is the IPv4 address an IPv6 one stands for or carries, if any.
func embeddedIPv4(addr netip.Addr) (netip.Addr, bool) {
	if !addr.Is6() {
		return netip.Addr{}, false
	}
	if addr.Is4In6() {
		return addr.Unmap(), true
	}
	b := addr.As16()
	switch {
	case compatible.Contains(addr) && addr != netip.IPv6Unspecified() && addr != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case nat64.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}
