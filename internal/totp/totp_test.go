package totp

import (
	"bytes"
	"encoding/base32"
	"errors"
	"image/png"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// rfcSecret is RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890", in base32.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

func TestCheckRFC6238Vectors(t *testing.T) {
	// RFC 6238 Appendix B, SHA-1 column; authenticator apps show the last 6 digits.
	tests := []struct {
		unix int64
		code string
	}{
		{59, "287082"},          // 94287082
		{1111111109, "081804"},  // 07081804
		{1111111111, "050471"},  // 14050471
		{1234567890, "005924"},  // 89005924
		{2000000000, "279037"},  // 69279037
		{20000000000, "353130"}, // 65353130
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			step, ok := Check(rfcSecret, tt.code, time.Unix(tt.unix, 0), 0)
			if !ok || step != tt.unix/Period {
				t.Errorf("Check at T=%d = %d, %v; want %d, true", tt.unix, step, ok, tt.unix/Period)
			}
		})
	}
}

func TestCheckSkew(t *testing.T) {
	const code = "287082" // step 1 (T=30..59)
	tests := []struct {
		name   string
		unix   int64
		skew   uint
		wantOK bool
	}{
		{"same step, no skew", 45, 0, true},
		{"one step late, no skew", 75, 0, false},
		{"one step late, skew 1", 75, 1, true},
		{"one step early, skew 1", 15, 1, true},
		{"two steps late, skew 1", 105, 1, false},
		{"two steps late, skew 2", 105, 2, true},
		{"three steps late, skew 3 is capped at 2", 135, 3, false},
		{"far off, huge skew is capped", 3000, 1 << 30, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, ok := Check(rfcSecret, code, time.Unix(tt.unix, 0), tt.skew)
			if ok != tt.wantOK {
				t.Fatalf("Check = %d, %v; want ok %v", step, ok, tt.wantOK)
			}
			// The step returned is the code's, not now's, so a replay in the next
			// step is caught by the caller's last-accepted-step check.
			if ok && step != 1 {
				t.Errorf("step = %d, want 1", step)
			}
		})
	}
}

func TestCheckRefusesMalformedInput(t *testing.T) {
	now := time.Unix(59, 0) // "287082" is valid here
	tests := []struct {
		name, secret, code string
	}{
		{"empty code", rfcSecret, ""},
		{"five digits", rfcSecret, "87082"},
		{"seven digits", rfcSecret, "2287082"},
		{"leading space", rfcSecret, " 287082"},
		{"trailing newline", rfcSecret, "287082\n"},
		{"inner space", rfcSecret, "287 082"},
		{"letter", rfcSecret, "28708a"},
		{"sign", rfcSecret, "+87082"},
		{"full-width digits", rfcSecret, "２８７０８２"},
		{"NUL", rfcSecret, "287\x0082"},
		// For the secrets, the code is the one the library computes for that very
		// secret, so only Check's own validation can refuse it.
		{"empty secret", "", codeFor(t, "", now)},
		{"secret lower case", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "287082"},
		{"secret under 128 bits", rfcSecret[:24], codeFor(t, rfcSecret[:24], now)},
		{"secret not base32", "not-base32!", "287082"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if step, ok := Check(tt.secret, tt.code, now, 1); ok {
				t.Errorf("Check(%q, %q) = %d, true; want refused", tt.secret, tt.code, step)
			}
		})
	}
}

func TestCheckBeforeEpoch(t *testing.T) {
	code, err := totp.GenerateCode(rfcSecret, time.Unix(0, 0)) // step 0
	if err != nil {
		t.Fatal(err)
	}
	// One second before 1970 is step -1, not step 0.
	if _, ok := Check(rfcSecret, code, time.Unix(-1, 0), 0); ok {
		t.Error("step 0 code accepted at T=-1 without skew")
	}
	if step, ok := Check(rfcSecret, code, time.Unix(-1, 0), 1); !ok || step != 0 {
		t.Errorf("Check at T=-1, skew 1 = %d, %v; want 0, true", step, ok)
	}
}

func TestGenerate(t *testing.T) {
	k, err := Generate("某市政府办公厅", "zhang.wei@example.gov")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("secret is 160 bits of unpadded base32", func(t *testing.T) {
		b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(k.Secret)
		if err != nil || len(b) != 20 {
			t.Errorf("secret %q decodes to %d bytes (err %v), want 20", k.Secret, len(b), err)
		}
		other, err := Generate("某市政府办公厅", "zhang.wei@example.gov")
		if err != nil {
			t.Fatal(err)
		}
		if other.Secret == k.Secret {
			t.Error("two keys share a secret")
		}
	})

	t.Run("URL is what authenticator apps expect", func(t *testing.T) {
		u, err := url.Parse(k.URL)
		if err != nil {
			t.Fatal(err)
		}
		if u.Scheme != "otpauth" || u.Host != "totp" {
			t.Errorf("URL %q: want otpauth://totp/", k.URL)
		}
		key, err := otp.NewKeyFromURL(k.URL)
		if err != nil {
			t.Fatal(err)
		}
		if key.Issuer() != "某市政府办公厅" || key.AccountName() != "zhang.wei@example.gov" {
			t.Errorf("issuer, account = %q, %q", key.Issuer(), key.AccountName())
		}
		if key.Secret() != k.Secret || key.Algorithm() != otp.AlgorithmSHA1 ||
			key.Digits() != otp.DigitsSix || key.Period() != Period {
			t.Errorf("URL %q does not carry secret, SHA1, 6 digits, 30 s", k.URL)
		}
	})

	t.Run("a code computed now validates", func(t *testing.T) {
		now := time.Now()
		code, err := totp.GenerateCode(k.Secret, now)
		if err != nil {
			t.Fatal(err)
		}
		step, ok := Check(k.Secret, code, now, 1)
		if !ok || step != now.Unix()/Period {
			t.Errorf("Check = %d, %v; want %d, true", step, ok, now.Unix()/Period)
		}
	})
}

func TestGenerateRefusesBadInput(t *testing.T) {
	tests := []struct{ name, issuer, account string }{
		{"no issuer", "", "alice"},
		{"no account", "govchat", ""},
		{"colon in issuer", "gov:chat", "alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Generate(tt.issuer, tt.account); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("Generate(%q, %q) = %v, want ErrInvalidInput", tt.issuer, tt.account, err)
			}
		})
	}
}

func TestPNG(t *testing.T) {
	k, err := Generate("govchat", "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{200, 256, maxPNGSize} {
		b, err := k.PNG(size)
		if err != nil {
			t.Fatalf("PNG(%d): %v", size, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("PNG(%d) does not decode: %v", size, err)
		}
		if got := img.Bounds().Size(); got.X != size || got.Y != size {
			t.Errorf("PNG(%d) is %v", size, got)
		}
	}

	t.Run("refuses sizes out of range", func(t *testing.T) {
		for _, size := range []int{-1, 0, maxPNGSize + 1} {
			if _, err := k.PNG(size); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("PNG(%d) = %v, want ErrInvalidInput", size, err)
			}
		}
	})
	t.Run("refuses a size smaller than the code", func(t *testing.T) {
		if _, err := k.PNG(10); err == nil {
			t.Error("PNG(10) succeeded")
		}
	})
}

func codeFor(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatalf("GenerateCode(%q): %v", secret, err)
	}
	return code
}
