// Package authclient is the client side of login without the password (PROTOCOL.md
// §4.2, E2E.md §4.4) for Go callers that are not a browser: the `govchat login`
// command, the load generator and tests. It derives the authentication hash from a
// password and the prelogin answer, remembering each derivation (PBKDF2, 600,000
// rounds) for the life of the process.
package authclient

import (
	"crypto/rand"
	"strconv"
	"sync"

	"govchat/internal/e2e"
	"govchat/protocol"
)

var cache sync.Map // password 0 salt 0 iterations → auth hash

// AuthHash is e2e.AuthHash, remembered per (password, salt, iterations).
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

// CredentialWithSalt is password's credential under salt and the default iterations.
func CredentialWithSalt(password string, salt []byte) (protocol.Credential, error) {
	a, err := AuthHash(password, salt, e2e.MinIterations)
	if err != nil {
		return protocol.Credential{}, err
	}
	return protocol.Credential{Salt: e2e.Encode(salt), Iterations: e2e.MinIterations, AuthHash: e2e.Encode(a)}, nil
}

// NewCredential is password's credential under a fresh random salt.
func NewCredential(password string) (protocol.Credential, error) {
	salt := make([]byte, e2e.SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return protocol.Credential{}, err
	}
	return CredentialWithSalt(password, salt)
}

// LoginRequest is the body a browser sends after prelogin answered pre: the
// authentication hash, or for a legacy account the password once with its upgrade (a
// fresh credential).
func LoginRequest(username, password, totpCode string, pre protocol.PreloginResponse) (protocol.LoginRequest, error) {
	if pre.Legacy {
		c, err := NewCredential(password)
		if err != nil {
			return protocol.LoginRequest{}, err
		}
		return protocol.LoginRequest{Username: username, Password: password, Upgrade: &c, TOTPCode: totpCode}, nil
	}
	salt, err := e2e.Decode(pre.Salt)
	if err != nil {
		return protocol.LoginRequest{}, err
	}
	a, err := AuthHash(password, salt, pre.Iterations)
	if err != nil {
		return protocol.LoginRequest{}, err
	}
	return protocol.LoginRequest{Username: username, AuthHash: e2e.Encode(a), TOTPCode: totpCode}, nil
}
