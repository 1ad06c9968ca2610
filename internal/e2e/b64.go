package e2e

import (
	"encoding/base64"
	"fmt"
)

// b64 is the encoding of every key, nonce and commitment on the wire and in the
// vectors: base64url without padding.
var b64 = base64.RawURLEncoding

// Encode is base64url without padding.
func Encode(b []byte) string { return b64.EncodeToString(b) }

// Decode reads base64url without padding, refusing padding, the standard alphabet and
// anything else, so that each value has one spelling.
func Decode(s string) ([]byte, error) {
	b, err := b64.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("e2e: not base64url without padding")
	}
	return b, nil
}
