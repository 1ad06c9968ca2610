package egress

import (
	"fmt"
	"net/netip"
	"syscall"
)

// Control is a net.Dialer Control that lets a connection be made only to an address
// allow accepts. It runs after the name was resolved, once per address tried, so every
// address in a DNS answer is checked, not only the name's spelling.
func Control(allow Policy) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot read %s address %q", ErrForbidden, network, address)
		}
		return allow(ap.Addr())
	}
}
