// Package passwdtest gives test servers a Hasher whose derivations of a password
// (PBKDF2, 600,000 rounds) are made once per process: one-time passwords, CSV 初始密码
// and the demo seed would otherwise cost half a second each in every test.
package passwdtest

import (
	"context"
	"crypto/sha256"

	"govchat/internal/authclient"
	"govchat/internal/e2e"
	"govchat/internal/passwd"
	"govchat/protocol"
)

// FixedSalt is the salt Credential and Hasher use for password: the same every time,
// so its derivation is made once. For tests only: a real browser makes a fresh one.
func FixedSalt(password string) []byte {
	s := sha256.Sum256([]byte("govchat test salt/1\x00" + password))
	return s[:e2e.SaltSize]
}

// Credential is password's credential under FixedSalt and the default iterations.
func Credential(password string) (protocol.Credential, error) {
	return authclient.CredentialWithSalt(password, FixedSalt(password))
}

// Hasher is a passwd.Hasher whose derivations are remembered.
type Hasher struct{ *passwd.Hasher }

// NewCredential: see passwd.Hasher.NewCredential, under FixedSalt.
func (h Hasher) NewCredential(ctx context.Context, password string) (string, error) {
	return h.CredentialFor(ctx, password, passwd.KDF{Salt: FixedSalt(password), Iterations: e2e.MinIterations})
}

// CredentialFor: see passwd.Hasher.CredentialFor (the demo seed's).
func (h Hasher) CredentialFor(ctx context.Context, password string, kdf passwd.KDF) (string, error) {
	a, err := authclient.AuthHash(password, kdf.Salt, kdf.Iterations)
	if err != nil {
		return "", err
	}
	return h.HashAuth(ctx, kdf, a)
}
