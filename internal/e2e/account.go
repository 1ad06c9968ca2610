package e2e

import (
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/pbkdf2"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/text/unicode/norm"
)

// Login split from unlock, and key recovery (E2E.md §4.4–§4.6).
const (
	// AuthHashSize is the authentication hash's length: what the server receives at
	// login instead of the password.
	AuthHashSize = 32
	infoAuth     = "govchat-auth/1"
	// infoRecovery is the HPKE info of a private key wrapped to the organisation's
	// account-recovery key; its AAD is the password wrap's ("govchat-user-key/1" …).
	infoRecovery = "govchat-account-recovery/1"
	// infoTransfer is the HPKE info, and the AAD's prefix, of a private key sealed to a
	// recovery request's one-time key.
	infoTransfer = "govchat-key-transfer/1"
	// SealedKeySize is a recovery wrap's and a transfer's length: enc ‖ key ‖ tag.
	SealedKeySize = encSize + PrivateKeySize + TagSize
)

// ErrSealed is the refusal of a recovery wrap or a transfer that does not open: made to
// another key or for another person, request or key pair, or altered.
var ErrSealed = errors.New("e2e: the sealed private key does not open with this key and binding")

// Master is PBKDF2-SHA256(NFC(password), salt, iterations, 32): the one slow step of a
// login, from which both the wrap key and the authentication hash follow.
func Master(password string, salt []byte, iterations int) ([]byte, error) {
	switch {
	case len(salt) != SaltSize:
		return nil, fmt.Errorf("e2e: the salt is %d bytes, not %d", len(salt), SaltSize)
	case iterations < MinIterations || iterations > MaxIterations:
		return nil, fmt.Errorf("e2e: %d iterations is outside %d..%d", iterations, MinIterations, MaxIterations)
	}
	return pbkdf2.Key(sha256.New, norm.NFC.String(password), salt, iterations, 32)
}

// AuthHashOf is HKDF(master, info "govchat-auth/1", 32): what a login sends. It
// reveals nothing of the wrap key, which HKDF derives from master under another info.
func AuthHashOf(master []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, master, nil, infoAuth, AuthHashSize)
}

// WrapKeyOf is HKDF(master, info "govchat-wrap-private/1", 32), the key of the
// password wrap (§4.1).
func WrapKeyOf(master []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, master, nil, infoWrap, 32)
}

// AuthHash derives the authentication hash of a password: Master then AuthHashOf. The
// server calls it only for passwords it made or was given (one-time passwords).
func AuthHash(password string, salt []byte, iterations int) ([]byte, error) {
	master, err := Master(password, salt, iterations)
	if err != nil {
		return nil, err
	}
	return AuthHashOf(master)
}

// WrapForRecovery wraps a person's private key to the organisation's account-recovery
// public key (HPKE of §3.1, info "govchat-account-recovery/1", the AAD of §4.1).
func WrapForRecovery(recoveryPublic, private []byte, userID int64, keyID string) (string, error) {
	if err := checkOwnKey(private, keyID); err != nil {
		return "", err
	}
	return hpkeSeal(recoveryPublic, private, infoRecovery, userAAD(userID, keyID))
}

// OpenRecoveryWrap opens a recovery wrap with the account-recovery private key, and
// checks that what it holds is the private key of keyID.
func OpenRecoveryWrap(recoveryPrivate []byte, wrapped string, userID int64, keyID string) ([]byte, error) {
	return hpkeOpen(recoveryPrivate, wrapped, infoRecovery, userAAD(userID, keyID), keyID)
}

// SealTransfer seals a person's private key to a recovery request's one-time public
// key, bound to the request, the person and the key pair.
func SealTransfer(ephemeralPublic, private []byte, requestID, userID int64, keyID string) (string, error) {
	if err := checkOwnKey(private, keyID); err != nil {
		return "", err
	}
	return hpkeSeal(ephemeralPublic, private, infoTransfer, transferAAD(requestID, userID, keyID))
}

// OpenTransfer opens a transfer with the request's one-time private key, and checks
// that what it holds is the private key of keyID.
func OpenTransfer(ephemeralPrivate []byte, sealed string, requestID, userID int64, keyID string) ([]byte, error) {
	return hpkeOpen(ephemeralPrivate, sealed, infoTransfer, transferAAD(requestID, userID, keyID), keyID)
}

// transferAAD is "govchat-key-transfer/1" 0x00 decimal(request_id) 0x00
// decimal(user_id) 0x00 key_id.
func transferAAD(requestID, userID int64, keyID string) []byte {
	a := append([]byte(infoTransfer), 0)
	a = strconv.AppendInt(a, requestID, 10)
	a = append(a, 0)
	a = strconv.AppendInt(a, userID, 10)
	a = append(a, 0)
	return append(a, keyID...)
}

// checkOwnKey refuses to seal anything but the private key of keyID.
func checkOwnKey(private []byte, keyID string) error {
	pub, err := PublicKey(private)
	if err != nil {
		return err
	}
	if id, _ := KeyID(pub); id != keyID {
		return fmt.Errorf("e2e: the private key is key %s, not %s", id, keyID)
	}
	return nil
}

func hpkeSeal(recipientPublic, plaintext []byte, info string, aad []byte) (string, error) {
	pub, err := wrapKEM.NewPublicKey(recipientPublic)
	if err != nil {
		return "", fmt.Errorf("e2e: recipient public key: %w", err)
	}
	enc, sender, err := hpke.NewSender(pub, wrapKDF, wrapAEAD, []byte(info))
	if err != nil {
		return "", err
	}
	ct, err := sender.Seal(aad, plaintext)
	if err != nil {
		return "", err
	}
	return Encode(append(enc, ct...)), nil
}

func hpkeOpen(recipientPrivate []byte, sealed, info string, aad []byte, keyID string) ([]byte, error) {
	priv, err := wrapKEM.NewPrivateKey(recipientPrivate)
	if err != nil {
		return nil, fmt.Errorf("e2e: private key: %w", err)
	}
	raw, err := Decode(sealed)
	if err != nil || len(raw) != SealedKeySize {
		return nil, ErrSealed
	}
	r, err := hpke.NewRecipient(raw[:encSize], priv, wrapKDF, wrapAEAD, []byte(info))
	if err != nil {
		return nil, ErrSealed
	}
	pt, err := r.Open(aad, raw[encSize:])
	if err != nil {
		return nil, ErrSealed
	}
	if checkOwnKey(pt, keyID) != nil {
		return nil, ErrSealed
	}
	return pt, nil
}
