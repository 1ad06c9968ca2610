package e2e

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
)

// The password wrap of a person's private key (E2E.md §4.1).
const (
	// MinIterations is PBKDF2-SHA256's least iteration count (OWASP's 2023 figure).
	MinIterations = 600_000
	// MaxIterations bounds what a stored record may ask of a browser (about a minute).
	MaxIterations = 10_000_000
	SaltSize      = 16
	infoWrap      = "govchat-wrap-private/1"
	userKeyAAD    = "govchat-user-key/1"
)

// ErrPassword is the refusal of a wrapped private key that does not open: the wrong
// password, or a record altered or moved to another person or key.
var ErrPassword = errors.New("e2e: the private key does not open with this password")

// WrappedPrivate is a private key as the server stores it (protocol.MyKey).
type WrappedPrivate struct {
	Wrapped    string // base64url(nonce12 ‖ AES-256-GCM ciphertext ‖ tag)
	Salt       []byte
	Iterations int
}

// WrapPrivateKey wraps a 32-byte X25519 private key under the password, bound to the
// user and key id, with a fresh random nonce. A password change calls it again with a
// fresh salt.
func WrapPrivateKey(private []byte, password string, userID int64, keyID string, salt []byte, iterations int) (WrappedPrivate, error) {
	nonce := make([]byte, gcmNonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return WrappedPrivate{}, err
	}
	return wrapPrivateKey(private, password, userID, keyID, salt, iterations, nonce)
}

// wrapPrivateKey is WrapPrivateKey with a given nonce: the vectors fix it.
func wrapPrivateKey(private []byte, password string, userID int64, keyID string, salt []byte, iterations int, nonce []byte) (WrappedPrivate, error) {
	if len(private) != PrivateKeySize {
		return WrappedPrivate{}, fmt.Errorf("e2e: a private key is %d bytes", PrivateKeySize)
	}
	aead, err := userWrapAEAD(password, salt, iterations, keyID)
	if err != nil {
		return WrappedPrivate{}, err
	}
	sealed := aead.Seal(append([]byte(nil), nonce...), nonce, private, userAAD(userID, keyID))
	return WrappedPrivate{Wrapped: Encode(sealed), Salt: salt, Iterations: iterations}, nil
}

// UnwrapPrivateKey opens a stored private key with the password.
func UnwrapPrivateKey(w WrappedPrivate, password string, userID int64, keyID string) ([]byte, error) {
	aead, err := userWrapAEAD(password, w.Salt, w.Iterations, keyID)
	if err != nil {
		return nil, err
	}
	raw, err := Decode(w.Wrapped)
	if err != nil || len(raw) != gcmNonceSize+PrivateKeySize+TagSize {
		return nil, ErrPassword
	}
	private, err := aead.Open(nil, raw[:gcmNonceSize], raw[gcmNonceSize:], userAAD(userID, keyID))
	if err != nil {
		return nil, ErrPassword
	}
	return private, nil
}

// userWrapAEAD is AES-256-GCM under wrapKey = HKDF(PBKDF2-SHA256(NFC(password), salt,
// iterations), info "govchat-wrap-private/1"). NFC, because the same password typed
// on two systems may arrive composed or decomposed.
func userWrapAEAD(password string, salt []byte, iterations int, keyID string) (cipher.AEAD, error) {
	if !isKeyID(keyID) {
		return nil, fmt.Errorf("e2e: the key id is not %d lowercase hex digits", keyIDLen)
	}
	master, err := Master(password, salt, iterations)
	if err != nil {
		return nil, err
	}
	wrapKey, err := WrapKeyOf(master)
	if err != nil {
		return nil, err
	}
	return newGCM(wrapKey)
}

// userAAD is "govchat-user-key/1" 0x00 decimal(user_id) 0x00 key_id.
func userAAD(userID int64, keyID string) []byte {
	a := append([]byte(userKeyAAD), 0)
	a = strconv.AppendInt(a, userID, 10)
	a = append(a, 0)
	return append(a, keyID...)
}
