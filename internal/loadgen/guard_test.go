package loadgen

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	names := map[string][]netip.Addr{
		"localhost":        {netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.1")},
		"loop6.test":       {netip.MustParseAddr("::1")},
		"chat.example.gov": {netip.MustParseAddr("203.0.113.7")},
		"mixed.test":       {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("10.0.0.5")},
		"empty.test":       {},
	}
	resolve := func(_ context.Context, _, host string) ([]netip.Addr, error) {
		a, ok := names[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		return a, nil
	}
	tests := []struct {
		name        string
		url         string
		allowRemote bool
		wantAddr    string // "" when an error is expected
		wantRemote  bool   // the error is ErrRemoteTarget
	}{
		{"ipv4 loopback", "http://127.0.0.1:8080", false, "127.0.0.1:8080", false},
		{"other loopback address", "http://127.9.8.7:18181", false, "127.9.8.7:18181", false},
		{"trailing slash", "http://127.0.0.1:8080/", false, "127.0.0.1:8080", false},
		{"default port", "http://127.0.0.1", false, "127.0.0.1:80", false},
		{"https default port", "https://127.0.0.1", false, "127.0.0.1:443", false},
		{"ipv6 loopback", "http://[::1]:8080", false, "[::1]:8080", false},
		{"v4-mapped loopback", "http://[::ffff:127.0.0.1]:8080", false, "127.0.0.1:8080", false},
		{"localhost prefers ipv4", "http://localhost:8080", false, "127.0.0.1:8080", false},
		{"name resolving to ::1", "http://loop6.test:8080", false, "[::1]:8080", false},
		{"remote ip refused", "http://192.168.1.10:8080", false, "", true},
		{"unspecified refused", "http://0.0.0.0:8080", false, "", true},
		{"remote name refused", "https://chat.example.gov", false, "", true},
		{"mixed answer refused", "http://mixed.test:8080", false, "", true},
		{"remote allowed", "https://chat.example.gov", true, "203.0.113.7:443", false},
		{"remote ip allowed", "http://192.168.1.10:8080", true, "192.168.1.10:8080", false},
		{"unknown name", "http://nowhere.test:8080", false, "", false},
		{"no addresses", "http://empty.test:8080", false, "", false},
		{"ws scheme", "ws://127.0.0.1:8080", false, "", false},
		{"no scheme", "127.0.0.1:8080", false, "", false},
		{"path", "http://127.0.0.1:8080/api", false, "", false},
		{"query", "http://127.0.0.1:8080?x=1", false, "", false},
		{"userinfo", "http://a:b@127.0.0.1:8080", false, "", false},
		{"bad port", "http://127.0.0.1:99999", false, "", false},
		{"port zero", "http://127.0.0.1:0", false, "", false},
		{"empty", "", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckTarget(context.Background(), tt.url, tt.allowRemote, resolve)
			if tt.wantAddr == "" {
				if err == nil {
					t.Fatalf("CheckTarget(%q) = %v, want an error", tt.url, got.Addr)
				}
				if errors.Is(err, ErrRemoteTarget) != tt.wantRemote {
					t.Fatalf("CheckTarget(%q): error %v, ErrRemoteTarget %v", tt.url, err, tt.wantRemote)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckTarget(%q): %v", tt.url, err)
			}
			if got.Addr.String() != tt.wantAddr {
				t.Errorf("CheckTarget(%q).Addr = %s, want %s", tt.url, got.Addr, tt.wantAddr)
			}
		})
	}
}

func TestTargetURLs(t *testing.T) {
	tg, err := CheckTarget(context.Background(), "https://127.0.0.1:8443/", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.WebSocketURL("/api/v1/ws"); got != "wss://127.0.0.1:8443/api/v1/ws" {
		t.Errorf("WebSocketURL = %s", got)
	}
	if got := tg.Origin(); got != "https://127.0.0.1:8443" {
		t.Errorf("Origin = %s", got)
	}
}
