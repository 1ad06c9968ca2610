package e2e

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
)

// Sizes of the file format's inputs (E2E.md §2.1).
const (
	KeySize        = 32 // the file key K
	NonceSize      = 16 // the file nonce N, HKDF's salt
	CommitmentSize = 32 // HMAC-SHA256
)

// The HKDF info strings of the key schedule (E2E.md §2.1).
const (
	infoPayload = "govchat-file/1 payload"
	infoCommit  = "govchat-file/1 commit"
)

// schedule derives a file's two keys from K and N: the AES-256-GCM key of its records
// and the HMAC key of its commitment. One HKDF each, so neither key says anything about
// the other.
func schedule(key, nonce []byte) (payloadKey, commitKey []byte, err error) {
	if len(key) != KeySize {
		return nil, nil, fmt.Errorf("e2e: a file key is %d bytes, not %d", KeySize, len(key))
	}
	if len(nonce) != NonceSize {
		return nil, nil, fmt.Errorf("e2e: a file nonce is %d bytes, not %d", NonceSize, len(nonce))
	}
	if payloadKey, err = hkdf.Key(sha256.New, key, nonce, infoPayload, 32); err != nil {
		return nil, nil, err
	}
	if commitKey, err = hkdf.Key(sha256.New, key, nonce, infoCommit, 32); err != nil {
		return nil, nil, err
	}
	return payloadKey, commitKey, nil
}

// commit is HMAC-SHA256(commitKey, prefix): the key commitment.
func commit(commitKey, prefix []byte) []byte {
	m := hmac.New(sha256.New, commitKey)
	m.Write(prefix)
	return m.Sum(nil)
}

// newGCM is AES-256-GCM under key with the standard 12-byte nonce and 16-byte tag.
func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
