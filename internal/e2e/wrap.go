package e2e

import (
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/rand"
	"errors"
	"fmt"
)

// The HPKE suite of file-key wraps (E2E.md §3.1): mode base, DHKEM(X25519,
// HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, AES-256-GCM 0x0002.
var (
	wrapKEM  = hpke.DHKEM(ecdh.X25519())
	wrapKDF  = hpke.HKDFSHA256()
	wrapAEAD = hpke.AES256GCM()
)

const encSize = 32 // DHKEM(X25519)'s encapsulated key

// ErrUnwrap is the refusal of a wrapped key that does not open: made for another key
// or another binding, or altered.
var ErrUnwrap = errors.New("e2e: the wrapped key does not open with this private key and binding")

// FileKeys are the keys one wrap carries: the file's and, for a picture, its
// thumbnail's (nil when there is none).
type FileKeys struct {
	File  []byte
	Thumb []byte
}

func (k FileKeys) plaintext() ([]byte, error) {
	if len(k.File) != KeySize || (k.Thumb != nil && len(k.Thumb) != KeySize) {
		return nil, fmt.Errorf("e2e: file and thumbnail keys are %d bytes each", KeySize)
	}
	return append(append(make([]byte, 0, 2*KeySize), k.File...), k.Thumb...), nil
}

// WrapFileKeys wraps K (and K_thumb) to the recipient's X25519 public key, bound to b;
// b.KeyID must be the public key's id. The answer is base64url(enc ‖ ciphertext).
// Each call makes a fresh ephemeral key, so two wraps of the same keys differ.
func WrapFileKeys(recipientPublic []byte, keys FileKeys, b Binding) (string, error) {
	if err := b.Validate(); err != nil {
		return "", err
	}
	id, err := KeyID(recipientPublic)
	if err != nil {
		return "", err
	}
	if id != b.KeyID {
		return "", fmt.Errorf("e2e: the binding names key %s, the public key is %s", b.KeyID, id)
	}
	pt, err := keys.plaintext()
	if err != nil {
		return "", err
	}
	pub, err := wrapKEM.NewPublicKey(recipientPublic)
	if err != nil {
		return "", fmt.Errorf("e2e: recipient public key: %w", err)
	}
	enc, sender, err := hpke.NewSender(pub, wrapKDF, wrapAEAD, []byte(wrapInfo))
	if err != nil {
		return "", err
	}
	ct, err := sender.Seal(b.AAD(), pt)
	if err != nil {
		return "", err
	}
	return Encode(append(enc, ct...)), nil
}

// UnwrapFileKeys opens a wrap with the recipient's X25519 private key under binding b.
// Anything that does not open is ErrUnwrap.
func UnwrapFileKeys(recipientPrivate []byte, wrapped string, b Binding) (FileKeys, error) {
	if err := b.Validate(); err != nil {
		return FileKeys{}, err
	}
	priv, err := wrapKEM.NewPrivateKey(recipientPrivate)
	if err != nil {
		return FileKeys{}, fmt.Errorf("e2e: private key: %w", err)
	}
	if id, _ := KeyID(priv.PublicKey().Bytes()); id != b.KeyID {
		return FileKeys{}, fmt.Errorf("e2e: the wrap is for key %s, this private key is %s", b.KeyID, id)
	}
	raw, err := Decode(wrapped)
	if err != nil {
		return FileKeys{}, ErrUnwrap
	}
	if n := len(raw) - encSize - TagSize; n != KeySize && n != 2*KeySize {
		return FileKeys{}, ErrUnwrap
	}
	r, err := hpke.NewRecipient(raw[:encSize], priv, wrapKDF, wrapAEAD, []byte(wrapInfo))
	if err != nil {
		return FileKeys{}, ErrUnwrap
	}
	pt, err := r.Open(b.AAD(), raw[encSize:])
	if err != nil {
		return FileKeys{}, ErrUnwrap
	}
	keys := FileKeys{File: pt[:KeySize]}
	if len(pt) == 2*KeySize {
		keys.Thumb = pt[KeySize:]
	}
	return keys, nil
}

// PublicKey is the X25519 public key of a private key.
func PublicKey(private []byte) ([]byte, error) {
	priv, err := ecdh.X25519().NewPrivateKey(private)
	if err != nil {
		return nil, fmt.Errorf("e2e: private key: %w", err)
	}
	return priv.PublicKey().Bytes(), nil
}

// GenerateKeyPair makes an X25519 key pair (the browser makes users' own; this one
// serves the escrow key and tests).
func GenerateKeyPair() (private, public []byte, err error) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	return priv.Bytes(), priv.PublicKey().Bytes(), nil
}
