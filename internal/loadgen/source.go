package loadgen

import (
	"errors"
	"net"
	"net/netip"
	"sync"
)

// errNoSources: every loopback source address has been tried.
var errNoSources = errors.New("ran out of loopback source addresses")

// SourcePool hands out local addresses to dial from. The server limits logins per
// client address (10 at once, then one every 6 s), and Linux routes all of
// 127.0.0.0/8 to the loopback interface, so a run against a local server spreads its
// logins over 127.0.0.2, 127.0.0.3, …: each address gets a full burst and setup
// does not wait a minute per ten users. Against any other target (or where only
// 127.0.0.1 is configured, as on macOS) it does not spread and the caller waits for
// Retry-After instead.
type SourcePool struct {
	spread  bool
	perAddr int // logins one address may make before the server starts refusing

	mu      sync.Mutex
	cur     int // index of the address in use
	used    int // logins taken from it
	touched int // addresses handed out so far
}

// NewSourcePool spreads when the target is IPv4 loopback and canBind says this host
// accepts a bind to a second loopback address.
func NewSourcePool(t Target, perAddr int, canBind func(netip.Addr) bool) *SourcePool {
	spread := t.Addr.Addr().Is4() && t.Loopback() && canBind(sourceAddr(0))
	return &SourcePool{spread: spread, perAddr: max(perAddr, 1)}
}

// Spread reports whether the pool hands out addresses at all.
func (p *SourcePool) Spread() bool { return p.spread }

// Take returns the address for the next login and its index for Exhausted. Without
// spreading the address is the zero Addr: let the system choose.
func (p *SourcePool) Take() (int, netip.Addr, error) {
	if !p.spread {
		return 0, netip.Addr{}, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used >= p.perAddr {
		p.cur++
		p.used = 0
	}
	if p.cur >= maxSources {
		return 0, netip.Addr{}, errNoSources
	}
	p.used++
	p.touched = max(p.touched, p.cur+1)
	return p.cur, sourceAddr(p.cur), nil
}

// Exhausted says the server refused a login from address idx (an earlier run may
// have used its budget): move past it.
func (p *SourcePool) Exhausted(idx int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if idx == p.cur {
		p.cur++
		p.used = 0
	}
}

// Used is how many source addresses were handed out.
func (p *SourcePool) Used() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.spread {
		return 1
	}
	return p.touched
}

// maxSources is every usable address of 127.0.0.0/8 from 127.0.0.2 on, skipping the
// .0 and .255 of each /24, which some tools treat as network and broadcast.
const maxSources = 254*256*256 - 1

// sourceAddr is the i-th loopback source address: 127.0.0.2, …, 127.0.0.254,
// 127.0.1.1, ….
func sourceAddr(i int) netip.Addr {
	n := i + 1 // 127.0.0.1 is number 0: the server's and everyone else's
	block, host := n/254, n%254+1
	return netip.AddrFrom4([4]byte{127, byte(block >> 8), byte(block), byte(host)})
}

// CanBind reports whether this host lets a socket bind to a (e.g. 127.0.0.2).
func CanBind(a netip.Addr) bool {
	ln, err := net.Listen("tcp", netip.AddrPortFrom(a, 0).String())
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}
