package files

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// ErrDigestHeader: a Content-Digest that is not exactly one sha-256 digest.
var ErrDigestHeader = errors.New("Content-Digest must be sha-256=:<base64 of the part's SHA-256>:")

// ParseContentDigest reads a Content-Digest field (RFC 9530) that carries the part's
// SHA-256 and nothing else: `sha-256=:<base64>:`, a Structured Field dictionary (RFC
// 8941) of one member whose value is a byte sequence — standard base64 with its padding,
// 32 bytes once decoded, no parameters. Spaces around the whole are allowed, as the
// Structured Field parser allows them; any other algorithm, a second member, or a
// malformed value is refused rather than guessed at: a part is stored only when the
// server checked the digest its uploader vouched for.
func ParseContentDigest(v string) ([]byte, error) {
	v = strings.Trim(v, " \t")
	b64, ok := strings.CutPrefix(v, "sha-256=:")
	if !ok {
		return nil, ErrDigestHeader
	}
	b64, ok = strings.CutSuffix(b64, ":")
	if !ok || len(b64) != base64.StdEncoding.EncodedLen(sha256.Size) {
		return nil, ErrDigestHeader
	}
	sum, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || len(sum) != sha256.Size {
		return nil, ErrDigestHeader
	}
	return sum, nil
}

// Range is the bytes [Start, Start+Length) of a blob.
type Range struct {
	Start, Length int64
}

// ErrRange: a Range field that is not one satisfiable byte range of the blob.
var ErrRange = errors.New("Range must be one range of bytes within the file: bytes=a-b, bytes=a- or bytes=-n")

// ParseRange reads a Range field (RFC 9110 §14.2) for a blob of size bytes. Empty: the
// whole blob, partial false. Otherwise exactly one range — `bytes=a-b` (b past the end
// is cut to it), `bytes=a-` or `bytes=-n` (the last n bytes, all of them when n ≥ size)
// — that overlaps the blob; anything else is ErrRange (416), never a guess. Several
// ranges are refused too: clients stream one range at a time, and a multipart answer
// would be the only place the server assembled bytes for them.
func ParseRange(v string, size int64) (r Range, partial bool, err error) {
	if v == "" {
		return Range{0, size}, false, nil
	}
	unit, spec, ok := strings.Cut(strings.Trim(v, " \t"), "=")
	if !ok || !strings.EqualFold(unit, "bytes") || strings.Contains(spec, ",") {
		return Range{}, false, ErrRange
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return Range{}, false, ErrRange
	}
	if first == "" { // bytes=-n: a suffix
		n, ok := digits(last)
		if !ok || n == 0 || size == 0 {
			return Range{}, false, ErrRange
		}
		n = min(n, size)
		return Range{size - n, n}, true, nil
	}
	start, ok := digits(first)
	if !ok || start >= size {
		return Range{}, false, ErrRange
	}
	end := size - 1
	if last != "" {
		e, ok := digits(last)
		if !ok || e < start {
			return Range{}, false, ErrRange
		}
		end = min(e, size-1)
	}
	return Range{start, end - start + 1}, true, nil
}

// digits reads a non-empty run of ASCII digits (no sign, no spaces) that fits an int64.
func digits(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
