package passwd

import (
	"errors"
	"testing"
)

// FuzzVerifyDecode checks the decoder of stored hashes, the part of Verify that sees
// whatever is in the database: it must never panic, must refuse with one of the
// package's errors, and whatever it accepts must be within bounds and re-encode to
// exactly the input (so there is one spelling per hash).
func FuzzVerifyDecode(f *testing.F) {
	for _, seed := range []string{
		"$argon2id$v=19$m=65536,t=2,p=2$Z292Y2hhdC1zYWx0LTE2Yg$ezOglUbKkCqrY08pNeCLwH7d3ZWurfTkouFWQZiDEOg",
		"$argon2id$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0",
		"$argon2i$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0",
		"$argon2id$v=19$m=4194304,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"$argon2id$v=19$m=256,t=1,p=1$$",
		"$argon2id$v=19$m=,t=,p=$MDEy$ewyx",
		"$$$$$",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		h, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnsupportedHash) && !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("decode(%q) error %v is none of the package's errors", encoded, err)
			}
			return
		}
		if err := h.params.Validate(); err != nil {
			t.Fatalf("decode(%q) accepted out-of-bounds params: %v", encoded, err)
		}
		if int(h.params.SaltLen) != len(h.salt) || int(h.params.KeyLen) != len(h.key) {
			t.Fatalf("decode(%q): lengths %d/%d disagree with salt/key %d/%d",
				encoded, h.params.SaltLen, h.params.KeyLen, len(h.salt), len(h.key))
		}
		if got := h.encode(); got != encoded {
			t.Fatalf("decode(%q) re-encodes as %q", encoded, got)
		}
	})
}
