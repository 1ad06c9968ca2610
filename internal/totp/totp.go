// Package totp owns second-factor codes: enrolling an authenticator app (a secret,
// its otpauth:// URL and QR code) and checking the codes it shows. It uses what every
// authenticator app expects — RFC 6238 with SHA-1, 6 digits and 30-second steps — and
// leaves replay protection to the caller, who stores the last accepted step.
package totp

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

const (
	// Digits, Period and the SHA-1 algorithm are fixed: authenticator apps ignore or
	// mishandle anything else.
	Digits = 6
	Period = 30 // seconds
	// MaxSkew caps the steps Check accepts either side of now. RFC 6238 §5.2
	// recommends at most one; each extra step widens the guessing window.
	MaxSkew = 2

	// secretSize is RFC 4226's recommended 160 bits; minSecretSize its minimum of 128,
	// refused below so a truncated secret cannot silently weaken a factor.
	secretSize    = 20
	minSecretSize = 16
	// maxPNGSize bounds the QR image a caller can ask for (memory is size²).
	maxPNGSize = 1024
)

// ErrInvalidInput reports an issuer, account or image size Generate or PNG refuses.
var ErrInvalidInput = errors.New("totp: invalid input")

// Key is a freshly generated TOTP secret, to store (Secret) and to show once to the
// user for enrolment (URL, as text or as a QR code).
type Key struct {
	Secret string // base32, no padding
	URL    string // otpauth://totp/...
}

// Generate returns a new random 160-bit secret (from crypto/rand) for account at
// issuer. Both appear in the user's authenticator app.
func Generate(issuer, account string) (Key, error) {
	if issuer == "" || account == "" {
		return Key{}, fmt.Errorf("%w: issuer and account are required", ErrInvalidInput)
	}
	// The label is "issuer:account"; a colon in the issuer would move the split.
	if strings.Contains(issuer, ":") {
		return Key{}, fmt.Errorf("%w: issuer contains ':'", ErrInvalidInput)
	}
	k, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      Period,
		SecretSize:  secretSize,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return Key{}, fmt.Errorf("totp: generating key: %w", err)
	}
	return Key{Secret: k.Secret(), URL: k.URL()}, nil
}

// PNG renders k.URL as a size×size QR code for the user to scan.
func (k Key) PNG(size int) ([]byte, error) {
	if size <= 0 || size > maxPNGSize {
		return nil, fmt.Errorf("%w: image size %d not in [1, %d]", ErrInvalidInput, size, maxPNGSize)
	}
	key, err := otp.NewKeyFromURL(k.URL)
	if err != nil {
		return nil, fmt.Errorf("totp: parsing key URL: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		// Typically a size smaller than the QR code's modules.
		return nil, fmt.Errorf("totp: rendering QR code at %dpx: %w", size, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("totp: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// stepAt returns the RFC 6238 time step containing t: Unix seconds / Period.
func stepAt(t time.Time) int64 {
	s := t.Unix()
	// Floor, not truncation, so times before 1970 do not share step 0.
	if s < 0 {
		return (s - Period + 1) / Period
	}
	return s / Period
}

// Check reports whether code is the one for secret at a time step within skew steps
// of now (skew above MaxSkew counts as MaxSkew), and returns that step. The caller
// must refuse a step at or before the last one it accepted for this user, so a code
// seen over someone's shoulder cannot be replayed within its window.
//
// Anything but exactly Digits ASCII digits is refused before any cryptography, as is
// a secret that is not base32 of at least 128 bits.
func Check(secret, code string, now time.Time, skew uint) (step int64, ok bool) {
	if !wellFormed(code) || !validSecret(secret) {
		return 0, false
	}
	// Try the current step first, then nearer before farther, earlier before later:
	// should a code match two steps (about 1 in 10⁶), the step reported is the one
	// the user most likely read.
	offsets := []int64{0}
	for d := int64(1); d <= int64(min(skew, MaxSkew)); d++ {
		offsets = append(offsets, -d, d)
	}
	current := stepAt(now)
	for _, off := range offsets {
		s := current + off
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), hotp.ValidateOpts{
			Digits:    otp.DigitsSix,
			Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// wellFormed reports whether code is exactly Digits ASCII digits: no spaces, signs or
// full-width digits, which the library would otherwise trim or compare.
func wellFormed(code string) bool {
	if len(code) != Digits {
		return false
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// validSecret reports whether secret is what Generate produces (base32, upper case,
// no padding) and long enough. An empty secret would otherwise make an HMAC with an
// empty key, whose codes anyone can compute.
func validSecret(secret string) bool {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	return err == nil && len(b) >= minSecretSize
}
