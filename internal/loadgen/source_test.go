package loadgen

import (
	"net/netip"
	"testing"
)

func TestSourceAddr(t *testing.T) {
	tests := []struct {
		i    int
		want string
	}{
		{0, "127.0.0.2"}, {1, "127.0.0.3"}, {252, "127.0.0.254"}, {253, "127.0.1.1"},
		{253 + 253, "127.0.1.254"}, {253 + 254, "127.0.2.1"}, {maxSources - 1, "127.255.255.254"},
	}
	for _, tt := range tests {
		if got := sourceAddr(tt.i).String(); got != tt.want {
			t.Errorf("sourceAddr(%d) = %s, want %s", tt.i, got, tt.want)
		}
	}
}

func TestSourcePool(t *testing.T) {
	loop := Target{Addr: netip.MustParseAddrPort("127.0.0.1:8080")}
	yes := func(netip.Addr) bool { return true }
	no := func(netip.Addr) bool { return false }

	p := NewSourcePool(loop, 2, yes)
	var got []string
	for range 5 {
		_, a, err := p.Take()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.String())
	}
	want := []string{"127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.4"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("addresses %v, want %v", got, want)
		}
	}
	// A refusal on the current address moves on at once.
	idx, _, _ := p.Take()
	p.Exhausted(idx)
	if _, a, _ := p.Take(); a.String() != "127.0.0.5" {
		t.Errorf("after exhaustion got %s, want 127.0.0.5", a)
	}
	if p.Used() != 4 {
		t.Errorf("Used = %d, want 4", p.Used())
	}

	for _, tt := range []struct {
		name    string
		target  string
		canBind func(netip.Addr) bool
	}{
		{"ipv6 loopback", "[::1]:8080", yes},
		{"remote", "203.0.113.7:443", yes},
		{"cannot bind 127.0.0.2", "127.0.0.1:8080", no},
	} {
		p := NewSourcePool(Target{Addr: netip.MustParseAddrPort(tt.target)}, 10, tt.canBind)
		if p.Spread() {
			t.Errorf("%s: spreads", tt.name)
		}
		if _, a, err := p.Take(); err != nil || a.IsValid() {
			t.Errorf("%s: Take = %v, %v; want the zero address", tt.name, a, err)
		}
	}
}
