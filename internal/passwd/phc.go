package passwd

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Errors for stored hashes that cannot be verified. Verify wraps them with the detail
// of what is wrong (never the salt or key), so callers test with errors.Is and log.
var (
	// ErrMalformedHash means the stored string is not a well-formed argon2id PHC string.
	ErrMalformedHash = errors.New("passwd: malformed hash")
	// ErrUnsupportedHash means a well-formed PHC string for another algorithm or
	// argon2 version, e.g. a row imported from a legacy system.
	ErrUnsupportedHash = errors.New("passwd: unsupported hash algorithm or version")
)

const (
	phcID = "argon2id"
	// maxEncodedLen bounds the work done on a stored string before it is rejected. The
	// longest valid encoding (64-byte salt and key, 10-digit numbers) is under 250.
	maxEncodedLen = 256
)

// phc is a decoded hash: the parameters it was made with, its salt and its key.
type phc struct {
	params Params
	salt   []byte
	key    []byte
}

// encode formats a hash as the reference implementation does:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>, unpadded standard base64.
func (h phc) encode() string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		phcID, argon2.Version, h.params.Memory, h.params.Iterations, h.params.Parallelism,
		base64.RawStdEncoding.EncodeToString(h.salt), base64.RawStdEncoding.EncodeToString(h.key))
}

// decode parses what encode produces, and nothing else: it is strict so that every
// accepted string re-encodes to itself, and it bounds the parameters so a tampered
// row cannot make the server allocate or compute without limit.
func decode(encoded string) (phc, error) {
	if len(encoded) > maxEncodedLen {
		return phc{}, fmt.Errorf("%w: longer than %d bytes", ErrMalformedHash, maxEncodedLen)
	}
	fields := strings.Split(encoded, "$")
	if len(fields) < 3 || fields[0] != "" || fields[1] == "" {
		return phc{}, fmt.Errorf("%w: want $id$...", ErrMalformedHash)
	}
	// Name the algorithm of a foreign hash (bcrypt's $2a$, argon2i...) before
	// judging its layout, so a legacy row is reported for what it is. The id is safe
	// to log, and the length cap above bounds it.
	if fields[1] != phcID {
		return phc{}, fmt.Errorf("%w: algorithm %q", ErrUnsupportedHash, fields[1])
	}
	if len(fields) != 6 {
		return phc{}, fmt.Errorf("%w: want $argon2id$v=..$m=..,t=..,p=..$salt$key", ErrMalformedHash)
	}
	version, ok := strings.CutPrefix(fields[2], "v=")
	if !ok {
		return phc{}, fmt.Errorf("%w: missing version", ErrMalformedHash)
	}
	v, err := parseDecimal(version, 32)
	if err != nil {
		return phc{}, fmt.Errorf("%w: version: %w", ErrMalformedHash, err)
	}
	if v != argon2.Version {
		return phc{}, fmt.Errorf("%w: argon2 version %d", ErrUnsupportedHash, v)
	}

	var h phc
	if h.params, err = decodeParams(fields[3]); err != nil {
		return phc{}, err
	}
	if h.salt, err = decodeBase64(fields[4]); err != nil {
		return phc{}, fmt.Errorf("%w: salt: %w", ErrMalformedHash, err)
	}
	if h.key, err = decodeBase64(fields[5]); err != nil {
		return phc{}, fmt.Errorf("%w: key: %w", ErrMalformedHash, err)
	}
	// The field sizes above are bounded by maxEncodedLen, so these fit in uint32.
	h.params.SaltLen = uint32(len(h.salt))
	h.params.KeyLen = uint32(len(h.key))
	if err := h.params.Validate(); err != nil {
		return phc{}, fmt.Errorf("stored hash: %w", err)
	}
	return h, nil
}

// decodeParams parses "m=<KiB>,t=<passes>,p=<lanes>", in that order, as written by
// encode.
func decodeParams(s string) (Params, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return Params{}, fmt.Errorf("%w: want m=..,t=..,p=..", ErrMalformedHash)
	}
	var p Params
	for i, f := range []struct {
		name string
		bits int
		set  func(uint64)
	}{
		{"m", 32, func(v uint64) { p.Memory = uint32(v) }},
		{"t", 32, func(v uint64) { p.Iterations = uint32(v) }},
		{"p", 8, func(v uint64) { p.Parallelism = uint8(v) }},
	} {
		raw, ok := strings.CutPrefix(parts[i], f.name+"=")
		if !ok {
			return Params{}, fmt.Errorf("%w: parameter %d: want %s=", ErrMalformedHash, i+1, f.name)
		}
		v, err := parseDecimal(raw, f.bits)
		if err != nil {
			return Params{}, fmt.Errorf("%w: %s: %w", ErrMalformedHash, f.name, err)
		}
		f.set(v)
	}
	return p, nil
}

// parseDecimal accepts the PHC decimal form: digits only, no sign, no leading zero.
func parseDecimal(s string, bits int) (uint64, error) {
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("leading zero")
	}
	// ParseUint already refuses signs, spaces, empty strings and overflow.
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, err
	}
	return v, nil
}

// decodeBase64 decodes unpadded standard base64 and insists the input is the
// canonical encoding of its result: the decoder would otherwise skip CR/LF and
// tolerate stray low bits, so two different strings could mean the same hash.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.RawStdEncoding.EncodeToString(b) != s {
		return nil, errors.New("non-canonical base64")
	}
	return b, nil
}
