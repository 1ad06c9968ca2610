package config

import (
	"net"
	"net/netip"
)

// validatePprof checks --pprof: empty (off, the default) or host:port on a loopback
// address. Profiles show the server's memory and what it is doing, so they are served
// only where someone already on the machine can reach them (an SSH tunnel from
// elsewhere), never on an interface others see: an empty host (all interfaces), any
// name (even localhost, which /etc/hosts may point anywhere) and any address outside
// 127.0.0.0/8 and ::1 are refused.
func (c Config) validatePprof(bad func(setting, format string, args ...any)) {
	if c.Pprof == "" {
		return
	}
	host, port, err := net.SplitHostPort(c.Pprof)
	if err != nil || port == "" {
		bad("pprof", "%q is not host:port, e.g. 127.0.0.1:6060", c.Pprof)
		return
	}
	if !LoopbackHost(host) {
		bad("pprof", "%q is not a loopback address: profiles are served on 127.0.0.1 (or another 127.x.y.z) or [::1] only (reach them from elsewhere through an SSH tunnel)", c.Pprof)
	}
}

// LoopbackHost reports whether host, as written in a listen address, is a literal
// loopback address: IPv4 in 127.0.0.0/8 (also IPv4-mapped) or ::1.
func LoopbackHost(host string) bool {
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return false
	}
	return a.Unmap().IsLoopback()
}
