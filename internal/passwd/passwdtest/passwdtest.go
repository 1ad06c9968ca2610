// Package passwdtest helps tests (and the load generator) log in the way a browser
// does (PROTOCOL.md §4.2) without paying PBKDF2's 600,000 rounds for every login: the
// derivation of each (password, salt, iterations) is made once per process.
package passwdtest

import (
	"context"
	"crypto/sha256"
	"strconv"
	"sync"

	"govchat/internal/e2e"
	"govchat/internal/passwd"
	"govchat/protocol"
)

var cache sync.Map // password 0 salt 0 iterations → []byte auth hash

// AuthHash is e2e.AuthHash, remembered.
func AuthHash(password string, salt []byte, iterations int) ([]byte, error) {
	key := password + "\x00" + string(salt) + "\x00" + strconv.Itoa(iterations)
	if v, ok := cache.Load(key); ok {
		return v.([]byte), nil
	}
	a, err := e2e.AuthHash(password, salt, iterations)
	if err != nil {
		return nil, err
	}
	cache.Store(key, a)
	return a, nil
}

// LoginRequest is the body a browser would send after prelogin answered pre.
func LoginRequest(username, password string, pre protocol.PreloginResponse) (protocol.LoginRequest, error) {
	salt, err := e2e.Decode(pre.Salt)
	if err != nil {
		return protocol.LoginRequest{}, err
	}
	if pre.Legacy {
		c, err := Credential(password)
		if err != nil {
			return protocol.LoginRequest{}, err
		}
		return protocol.LoginRequest{Username: username, Password: password, Upgrade: &c}, nil
	}
	a, err := AuthHash(password, salt, pre.Iterations)
	if err != nil {
		return protocol.LoginRequest{}, err
	}
	return protocol.LoginRequest{Username: username, AuthHash: e2e.Encode(a)}, nil
}

// FixedSalt is the salt Credential uses for password: the same every time, so its
// derivation is made once. For tests and the load generator only: a real browser makes
// a fresh one.
func FixedSalt(password string) []byte {
	s := sha256.Sum256([]byte("govchat test salt/1\x00" + password))
	return s[:e2e.SaltSize]
}

// Credential is password's credential under FixedSalt and the default iterations.
func Credential(password string) (protocol.Credential, error) {
	salt := FixedSalt(password)
	a, err := AuthHash(password, salt, e2e.MinIterations)
	if err != nil {
		return protocol.Credential{}, err
	}
	return protocol.Credential{Salt: e2e.Encode(salt), Iterations: e2e.MinIterations, AuthHash: e2e.Encode(a)}, nil
}

// Hasher is a passwd.Hasher whose NewCredential uses FixedSalt and the cache: a test
// server that makes one-time passwords and seeds the demo pays each derivation once.
type Hasher struct{ *passwd.Hasher }

// NewCredential: see passwd.Hasher.NewCredential.
func (h Hasher) NewCredential(ctx context.Context, password string) (string, error) {
	salt := FixedSalt(password)
	a, err := AuthHash(password, salt, e2e.MinIterations)
	if err != nil {
		return "", err
	}
	return h.HashAuth(ctx, passwd.KDF{Salt: salt, Iterations: e2e.MinIterations}, a)
}

// CredentialFor: see passwd.Hasher.CredentialFor (the demo seed's), with the cache.
func (h Hasher) CredentialFor(ctx context.Context, password string, kdf passwd.KDF) (string, error) {
	a, err := AuthHash(password, kdf.Salt, kdf.Iterations)
	if err != nil {
		return "", err
	}
	return h.HashAuth(ctx, kdf, a)
}
