package origin

import "testing"

func TestOf(t *testing.T) {
	cases := []struct {
		name, in string
		want     Origin
		ok       bool
	}{
		{"keeps scheme and host", "https://chat.example.gov.cn", "https://chat.example.gov.cn", true},
		{"drops the path", "https://chat.example.gov.cn/govchat/", "https://chat.example.gov.cn", true},
		{"lower-cases", "HTTPS://Chat.Example:8443", "https://chat.example:8443", true},
		{"drops the default https port", "https://chat.example:443/", "https://chat.example", true},
		{"drops the default http port of an IPv6 host", "http://[::1]:80", "http://[::1]", true},
		{"keeps another port", "http://10.0.0.1:8080", "http://10.0.0.1:8080", true},
		{"refuses another scheme", "ftp://chat.example", "", false},
		{"refuses a relative URL", "/chat", "", false},
		{"leaves out user info", "https://a@chat.example", "https://chat.example", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Of(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("Of(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestAdmits(t *testing.T) {
	cases := []struct {
		name   string
		public Origin
		header string
		want   bool
	}{
		{"the public origin", "https://chat.example", "https://chat.example", true},
		{"the public origin in capitals", "https://chat.example", "https://CHAT.example", true},
		{"the public origin with its default port", "https://chat.example", "https://chat.example:443", true},
		{"not the public host over http", "https://chat.example", "http://chat.example", false},
		{"not the request's host when a public origin is set", "https://chat.example", "http://127.0.0.1:8080", false},
		{"the request's own host", "", "http://127.0.0.1:8080", true},
		{"not another host", "", "https://evil.example", false},
		{"not null", "", "null", false},
		{"not an origin with a path", "", "http://127.0.0.1:8080/x", false},
		{"not an origin with user info", "", "http://a@127.0.0.1:8080", false},
		{"not empty", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.public.Admits(tc.header, "127.0.0.1:8080"); got != tc.want {
				t.Fatalf("Admits(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}
