package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// PublicKeySize and PrivateKeySize are X25519's.
const (
	PublicKeySize  = 32
	PrivateKeySize = 32
	keyIDLen       = 16
)

// KeyID names a public key (E2E.md §3.3): the first 16 lowercase hex digits of
// SHA-256 of its 32 raw bytes. Short enough to show, long enough that a key cannot be
// mistaken for another by chance; it is a label, not a fingerprint to verify by.
func KeyID(public []byte) (string, error) {
	if len(public) != PublicKeySize {
		return "", fmt.Errorf("e2e: a public key is %d bytes, not %d", PublicKeySize, len(public))
	}
	sum := sha256.Sum256(public)
	return hex.EncodeToString(sum[:])[:keyIDLen], nil
}

// isKeyID: 16 lowercase hex digits.
func isKeyID(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
