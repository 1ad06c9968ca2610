package passwd

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"govchat/internal/e2e"
)

// A credential is what an account logs in with since issue 12 (E2E.md §4.4): the
// browser derives authHash = HKDF(PBKDF2-SHA256(NFC(password), salt, iterations),
// "govchat-auth/1") and sends that, never the password. The server stores
// argon2id(authHash) together with the salt and iterations it serves at prelogin:
//
//	$gcauth1$i=<iterations>$<salt, unpadded standard base64>$argon2id$v=19$m=…,t=…,p=…$<salt>$<key>
//
// A stored hash without the prefix is a legacy argon2id(password), from before; it is
// replaced at the account's next login (auth.Service).

const credPrefix = "$gcauth1$"

// ErrNotCredential is VerifyAuth's answer for a legacy hash (and ParseKDF's).
var ErrNotCredential = errors.New("passwd: not an authentication-hash credential")

// KDF is how a browser derives the master key of an account: PBKDF2-SHA256 with Salt
// (16 bytes) and Iterations.
type KDF struct {
	Salt       []byte
	Iterations int
}

// IsCredential reports whether encoded is a credential (not a legacy password hash).
func IsCredential(encoded string) bool { return strings.HasPrefix(encoded, credPrefix) }

// ParseKDF returns the derivation stored in a credential.
func ParseKDF(encoded string) (KDF, error) {
	k, _, err := splitCredential(encoded)
	return k, err
}

func splitCredential(encoded string) (KDF, string, error) {
	rest, ok := strings.CutPrefix(encoded, credPrefix)
	if !ok {
		return KDF{}, "", ErrNotCredential
	}
	iter, rest, ok1 := strings.Cut(rest, "$")
	salt, phcRest, ok2 := strings.Cut(rest, "$")
	if !ok1 || !ok2 {
		return KDF{}, "", fmt.Errorf("%w: credential layout", ErrMalformedHash)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(iter, "i="))
	if err != nil || !strings.HasPrefix(iter, "i=") || n < e2e.MinIterations || n > e2e.MaxIterations {
		return KDF{}, "", fmt.Errorf("%w: credential iterations", ErrMalformedHash)
	}
	s, err := decodeBase64(salt)
	if err != nil || len(s) != e2e.SaltSize {
		return KDF{}, "", fmt.Errorf("%w: credential salt", ErrMalformedHash)
	}
	return KDF{Salt: s, Iterations: n}, "$" + phcRest, nil
}

// HashAuth stores an authentication hash derived under kdf: argon2id with a fresh salt,
// the derivation in front.
func (h *Hasher) HashAuth(ctx context.Context, kdf KDF, authHash []byte) (string, error) {
	if len(authHash) != e2e.AuthHashSize || len(kdf.Salt) != e2e.SaltSize ||
		kdf.Iterations < e2e.MinIterations || kdf.Iterations > e2e.MaxIterations {
		return "", fmt.Errorf("passwd: credential of the wrong shape")
	}
	phc, err := h.HashContext(ctx, string(authHash))
	if err != nil {
		return "", err
	}
	return credPrefix + "i=" + strconv.Itoa(kdf.Iterations) + "$" + base64.RawStdEncoding.EncodeToString(kdf.Salt) + phc, nil
}

// VerifyAuth reports whether authHash matches a credential, in constant time, and
// whether its argon2id parameters are older than the Hasher's (store HashAuth again
// with the same KDF). A legacy hash is ErrNotCredential.
func (h *Hasher) VerifyAuth(ctx context.Context, authHash []byte, encoded string) (ok, needsRehash bool, err error) {
	_, phc, err := splitCredential(encoded)
	if err != nil {
		return false, false, err
	}
	return h.VerifyContext(ctx, string(authHash), phc)
}

// NewCredential derives and stores the credential of a password the server made or was
// given (a one-time password, an 初始密码), with a fresh salt and the default
// iterations: one PBKDF2 and one argon2id.
func (h *Hasher) NewCredential(ctx context.Context, password string) (string, error) {
	salt := make([]byte, e2e.SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passwd: reading salt: %w", err)
	}
	return h.CredentialFor(ctx, password, KDF{Salt: salt, Iterations: e2e.MinIterations})
}

// CredentialFor is NewCredential under a given derivation: the demo seed gives all its
// accounts (whose password is printed) one salt, so seeding costs one PBKDF2.
func (h *Hasher) CredentialFor(ctx context.Context, password string, kdf KDF) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("%w: over %d bytes", ErrPasswordTooLong, MaxPasswordBytes)
	}
	auth, err := e2e.AuthHash(password, kdf.Salt, kdf.Iterations)
	if err != nil {
		return "", fmt.Errorf("passwd: derive: %w", err)
	}
	return h.HashAuth(ctx, kdf, auth)
}
