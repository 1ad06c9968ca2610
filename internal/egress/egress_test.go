package egress_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"govchat/internal/egress"
)

func TestParseHost(t *testing.T) {
	cases := []struct {
		name, host string
		addr       string // "" when not an address
		domain     string
		fails      bool
	}{
		{"dotted decimal", "127.0.0.1", "127.0.0.1", "", false},
		{"two parts", "127.1", "127.0.0.1", "", false},
		{"three parts", "10.1.2", "10.1.0.2", "", false},
		{"two parts private", "10.1", "10.0.0.1", "", false},
		{"one decimal number", "2130706433", "127.0.0.1", "", false},
		{"one hex number", "0x7f000001", "127.0.0.1", "", false},
		{"upper-case hex", "0X7F000001", "127.0.0.1", "", false},
		{"octal part", "0177.0.0.1", "127.0.0.1", "", false},
		{"hex parts", "0x7f.0x0.0x0.0x1", "127.0.0.1", "", false},
		{"empty hex part is zero", "0x.0x.0x.0x", "0.0.0.0", "", false},
		{"trailing dot", "127.0.0.1.", "127.0.0.1", "", false},
		{"mixed bases", "0xa9.0376.43518", "169.254.169.254", "", false},
		{"IPv6 loopback", "::1", "::1", "", false},
		{"IPv4-mapped IPv6", "::ffff:127.0.0.1", "::ffff:127.0.0.1", "", false},
		{"a name", "Updates.Push.Example", "", "updates.push.example", false},
		{"a name with a trailing dot", "localhost.", "", "localhost", false},
		{"a name ending in letters after digits", "1.2.3.example", "", "1.2.3.example", false},
		{"part over 255", "256.0.0.1", "", "", true},
		{"last part too big", "127.0.0.256", "", "", true},
		{"number over 32 bits", "4294967296", "", "", true},
		{"five parts", "1.2.3.4.5", "", "", true},
		{"bad octal", "0189.0.0.1", "", "", true},
		{"bad hex", "0x7g.0.0.1", "", "", true},
		{"empty middle part", "127..0.1", "", "", true},
		{"not ASCII", "１２７.0.0.1", "", "", true},
		{"IPv6 zone", "fe80::1%eth0", "", "", true},
		{"empty", "", "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr, domain, err := egress.ParseHost(c.host)
			if c.fails {
				if err == nil {
					t.Fatalf("ParseHost(%q) = %v, %q; want an error", c.host, addr, domain)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHost(%q): %v", c.host, err)
			}
			if got := addrString(addr); got != c.addr || domain != c.domain {
				t.Fatalf("ParseHost(%q) = %q, %q; want %q, %q", c.host, got, domain, c.addr, c.domain)
			}
		})
	}
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// TestCheckHost is every spelling of an inward address a browser's URL parser
// accepts, and the names of this machine: all refused by the production policy.
func TestCheckHost(t *testing.T) {
	refused := []string{
		"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "127.0.0.1.",
		"10.1", "10.0.0.1", "167772161", "172.16.0.1", "192.168.1.1", "0xc0a80101",
		"169.254.169.254", "0xa9fea9fe", "100.64.0.1", "0.0.0.0", "0", "224.0.0.1", "255.255.255.255",
		"localhost", "localhost.", "LOCALHOST", "printer.localhost", "a.b.localhost.",
		"::1", "::", "fe80::1", "fd00::1", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::127.0.0.1", "::10.0.0.1",
		"64:ff9b::127.0.0.1", "2002:7f00:1::1", "2002:a00:1::",
		"256.0.0.1", "１２７.0.0.1",
	}
	for _, host := range refused {
		t.Run("refuses "+host, func(t *testing.T) {
			if err := egress.CheckHost(host, egress.Public); !errors.Is(err, egress.ErrForbidden) {
				t.Fatalf("CheckHost(%q) = %v, want ErrForbidden", host, err)
			}
		})
	}
	allowed := []string{
		"updates.push.services.mozilla.com", "fcm.googleapis.com", "web.push.apple.com.",
		"8.8.8.8", "134744072", "2001:4860:4860::8888", "::ffff:8.8.8.8", "localhost.example", "mylocalhost",
	}
	for _, host := range allowed {
		t.Run("allows "+host, func(t *testing.T) {
			if err := egress.CheckHost(host, egress.Public); err != nil {
				t.Fatalf("CheckHost(%q) = %v, want nil", host, err)
			}
		})
	}
}

// TestControl dials a listener on 127.0.0.1 through a name that resolves to it: the
// production policy refuses the connection after resolution, one allowing loopback
// makes it.
func TestControl(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if addrs, err := net.DefaultResolver.LookupNetIP(t.Context(), "ip4", "localhost"); err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}
	dial := func(allow egress.Policy) error {
		d := net.Dialer{Timeout: 5 * time.Second, Control: egress.Control(allow)}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		c, err := d.DialContext(ctx, "tcp4", net.JoinHostPort("localhost", port))
		if err == nil {
			c.Close()
		}
		return err
	}
	t.Run("refuses a name resolving to loopback", func(t *testing.T) {
		if err := dial(egress.Public); !errors.Is(err, egress.ErrForbidden) {
			t.Fatalf("dial = %v, want ErrForbidden", err)
		}
	})
	t.Run("connects when the policy allows the address", func(t *testing.T) {
		loopback := func(a netip.Addr) error {
			if a.IsLoopback() {
				return nil
			}
			return egress.Public(a)
		}
		if err := dial(loopback); err != nil {
			t.Fatalf("dial = %v, want a connection", err)
		}
	})
}
