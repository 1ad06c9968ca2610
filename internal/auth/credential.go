package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"govchat/internal/apperr"
	"govchat/internal/e2e"
	"govchat/internal/passwd"
	"govchat/internal/store"
	"govchat/protocol"
)

// Login without the password (PROTOCOL.md §4.2, E2E.md §4.4): the browser sends an
// authentication hash; only a legacy account's last login sends its password.

// wrappedPrivateBytes is a password wrap's size: nonce ‖ key ‖ tag.
const wrappedPrivateBytes = 12 + e2e.PrivateKeySize + e2e.TagSize

// secret is what a request proves itself with: an authentication hash, or (a legacy
// account only) the password.
type secret struct {
	authHash []byte
	password string
}

// parseSecret checks the shape of the one of the two a request carries.
func parseSecret(authHash, password, hashField, passwordField string) (secret, error) {
	switch {
	case authHash != "" && password != "":
		return secret{}, apperr.BadField(passwordField, "send %s or %s, not both", hashField, passwordField)
	case password != "":
		if len(password) > maxPasswordLen {
			return secret{}, apperr.BadField(passwordField, "password is longer than %d bytes", maxPasswordLen)
		}
		return secret{password: password}, nil
	case authHash == "":
		return secret{}, apperr.BadField(hashField, "%s is required", hashField)
	}
	b, err := decodeB64(hashField, authHash)
	if err != nil {
		return secret{}, err
	}
	if len(b) != e2e.AuthHashSize {
		return secret{}, apperr.BadField(hashField, "an authentication hash is %d bytes", e2e.AuthHashSize)
	}
	return secret{authHash: b}, nil
}

// credential is a checked protocol.Credential.
type credential struct {
	kdf      passwd.KDF
	authHash []byte
}

// parseCredential checks a credential's shape; fields are named under prefix.
func parseCredential(prefix string, c protocol.Credential) (credential, error) {
	salt, err := decodeB64(prefix+".salt", c.Salt)
	if err != nil {
		return credential{}, err
	}
	if len(salt) != e2e.SaltSize {
		return credential{}, apperr.BadField(prefix+".salt", "the salt is %d bytes", e2e.SaltSize)
	}
	if c.Iterations < e2e.MinIterations || c.Iterations > e2e.MaxIterations {
		return credential{}, apperr.BadField(prefix+".iterations", "iterations must be %d to %d", e2e.MinIterations, e2e.MaxIterations)
	}
	auth, err := decodeB64(prefix+".auth_hash", c.AuthHash)
	if err != nil {
		return credential{}, err
	}
	if len(auth) != e2e.AuthHashSize {
		return credential{}, apperr.BadField(prefix+".auth_hash", "an authentication hash is %d bytes", e2e.AuthHashSize)
	}
	return credential{kdf: passwd.KDF{Salt: salt, Iterations: c.Iterations}, authHash: auth}, nil
}

// HashCredential checks a credential an administrator's tool derived (POST
// /admin/users, reset-password; field names it) and returns what to store.
func (s *Service) HashCredential(ctx context.Context, field string, c protocol.Credential) (string, error) {
	cred, err := parseCredential(field, c)
	if err != nil {
		return "", err
	}
	return s.hasher.HashAuth(ctx, cred.kdf, cred.authHash)
}

func decodeB64(field, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || base64.RawURLEncoding.EncodeToString(b) != s {
		return nil, apperr.BadField(field, "%s is not unpadded base64url", field)
	}
	return b, nil
}

func authHashRequired(field string) *apperr.Error {
	e := apperr.BadField(field, "this account logs in with an authentication hash, not the password")
	e.Reason = "auth_hash_required"
	return e
}

// checkSecret checks sec against the user's stored hash. A password for an account that
// has a credential is refused as auth_hash_required (after the same work as a wrong
// one); an authentication hash for a legacy account cannot match.
func (s *Service) checkSecret(ctx context.Context, u store.User, sec secret, passwordField string) (ok, rehash bool, err error) {
	upgraded := passwd.IsCredential(u.PasswordHash)
	switch {
	case upgraded && sec.password != "":
		s.hasher.VerifyDummy(sec.password)
		return false, false, authHashRequired(passwordField)
	case upgraded:
		ok, rehash, err = s.hasher.VerifyAuth(ctx, sec.authHash, u.PasswordHash)
	case sec.password != "":
		ok, rehash, err = s.hasher.Verify(sec.password, u.PasswordHash)
	default:
		s.hasher.VerifyDummy(string(sec.authHash))
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("auth: verify credential of user %d: %w", u.ID, err)
	}
	return ok, rehash, nil
}

// preloginSecretKey names the meta row holding the secret of unknown users' salts.
const preloginSecretKey = "prelogin_secret"

// preloginSecret is the server secret, read (or made) once.
type preloginSecret struct {
	mu  sync.Mutex
	key []byte
}

func (s *Service) preloginKey(ctx context.Context) ([]byte, error) {
	s.secret.mu.Lock()
	defer s.secret.mu.Unlock()
	if s.secret.key != nil {
		return s.secret.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	v, err := s.store.EnsureMeta(ctx, preloginSecretKey, hex.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("auth: prelogin secret: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != 32 {
		return nil, errors.New("auth: the stored prelogin secret is not 32 bytes of hex")
	}
	s.secret.key = key
	return key, nil
}

// Prelogin answers how the browser derives the master key for username: the account's
// salt and iterations, or for an unknown name a salt made from the server secret and
// the name, stable across calls, and the default iterations.
func (s *Service) Prelogin(ctx context.Context, req protocol.PreloginRequest) (protocol.PreloginResponse, error) {
	username := strings.ToLower(strings.TrimSpace(req.Username))
	switch {
	case username == "":
		return protocol.PreloginResponse{}, apperr.BadField("username", "username is required")
	case len(username) > maxUsernameLen:
		return protocol.PreloginResponse{}, apperr.BadField("username", "username is longer than %d bytes", maxUsernameLen)
	}
	key, err := s.preloginKey(ctx)
	if err != nil {
		return protocol.PreloginResponse{}, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("govchat-prelogin/1\x00" + username))
	fake := protocol.PreloginResponse{KDF: protocol.KDFPBKDF2SHA256, Salt: e2e.Encode(mac.Sum(nil)[:e2e.SaltSize]), Iterations: e2e.MinIterations}

	u, err := s.store.GetUserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return fake, nil
	}
	if err != nil {
		return protocol.PreloginResponse{}, fmt.Errorf("auth: prelogin: %w", err)
	}
	kdf, err := passwd.ParseKDF(u.PasswordHash)
	if err != nil {
		// A legacy hash: the browser logs in with the password once and upgrades.
		fake.Legacy = true
		return fake, nil
	}
	return protocol.PreloginResponse{KDF: protocol.KDFPBKDF2SHA256, Salt: e2e.Encode(kdf.Salt), Iterations: kdf.Iterations}, nil
}
