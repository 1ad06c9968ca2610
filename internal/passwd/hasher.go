package passwd

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// MaxPasswordBytes bounds the argon2 input. Policy refuses longer passwords when one
// is set, so a longer one at login cannot be right and is refused without hashing.
const MaxPasswordBytes = 512

// ErrPasswordTooLong is returned by Hash for a password over MaxPasswordBytes.
var ErrPasswordTooLong = errors.New("passwd: password too long")

// Hasher hashes and verifies passwords with argon2id. It is safe for concurrent use.
type Hasher struct {
	params Params
	// sem bounds concurrent hashes. Each one allocates its memory parameter and
	// keeps its lanes busy, so without a bound a flood of N logins would allocate
	// N × 48 MiB and slow every login alike; with it, the excess waits (or gives up
	// with its context) and hashing memory stays under GOMAXPROCS × the largest
	// memory parameter in use (maxMemory at worst).
	sem chan struct{}
	// dummySalt feeds VerifyDummy. Its value does not matter, only its length.
	dummySalt []byte
}

// NewHasher returns a Hasher that hashes new passwords with p and allows GOMAXPROCS
// hashes at a time. It panics if p.Validate fails: parameters come from configuration,
// which must validate them at startup, so a bad value here is a programming error.
func NewHasher(p Params) *Hasher {
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("passwd.NewHasher: %v", err))
	}
	return &Hasher{
		params:    p,
		sem:       make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		dummySalt: make([]byte, p.SaltLen),
	}
}

// Hash is HashContext without a deadline.
func (h *Hasher) Hash(password string) (string, error) {
	return h.HashContext(context.Background(), password)
}

// HashContext returns the PHC string for password with a fresh random salt. It waits
// for a hashing slot until ctx is done.
func (h *Hasher) HashContext(ctx context.Context, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("%w: over %d bytes", ErrPasswordTooLong, MaxPasswordBytes)
	}
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passwd: reading salt: %w", err)
	}
	key, err := h.derive(ctx, password, salt, h.params)
	if err != nil {
		return "", err
	}
	return phc{params: h.params, salt: salt, key: key}.encode(), nil
}

// Verify is VerifyContext without a deadline.
func (h *Hasher) Verify(password, encoded string) (ok, needsRehash bool, err error) {
	return h.VerifyContext(context.Background(), password, encoded)
}

// VerifyContext reports whether password matches the stored hash encoded, comparing
// in constant time. When it matches, needsRehash says the hash was made with other
// parameters than the Hasher's, so the caller should store a fresh Hash of password.
//
// A wrong password is (false, false, nil). An error means the stored hash is unusable
// (ErrMalformedHash, ErrUnsupportedHash, ErrInvalidParams — the latter also for
// costs beyond the bounds, so a tampered row cannot exhaust the server) or ctx ended
// while waiting for a hashing slot.
func (h *Hasher) VerifyContext(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	// No stored password can be this long (see MaxPasswordBytes). VerifyDummy takes
	// the same shortcut, so it reveals nothing about the account.
	if len(password) > MaxPasswordBytes {
		return false, false, nil
	}
	stored, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	key, err := h.derive(ctx, password, stored.salt, stored.params)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(key, stored.key) != 1 {
		return false, false, nil
	}
	return true, stored.params != h.params, nil
}

// VerifyDummy is VerifyDummyContext without a deadline.
func (h *Hasher) VerifyDummy(password string) {
	_ = h.VerifyDummyContext(context.Background(), password)
}

// VerifyDummyContext does the work of a VerifyContext against a hash made with the
// Hasher's parameters, and throws the result away. Call it when the login names no
// account, so that an unknown username takes as long as a wrong password and login
// timing does not reveal which accounts exist. (A user whose hash still has older
// parameters takes their time until the rehash on next login; that cannot be hidden.)
// It returns an error only when ctx ends while waiting for a hashing slot, as
// VerifyContext would.
func (h *Hasher) VerifyDummyContext(ctx context.Context, password string) error {
	if len(password) > MaxPasswordBytes {
		return nil
	}
	key, err := h.derive(ctx, password, h.dummySalt, h.params)
	if err != nil {
		return err
	}
	// Mirror the comparison too, so the two paths differ by nothing measurable.
	subtle.ConstantTimeCompare(key, make([]byte, len(key)))
	return nil
}

// derive runs argon2id once a hashing slot is free.
func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p Params) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("passwd: waiting to hash: %w", err)
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("passwd: waiting to hash: %w", ctx.Err())
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen), nil
}
