// Package passwd owns how govchat stores and checks passwords: argon2id hashes in
// PHC string form, a bounded number of concurrent hashes, a dummy verify for unknown
// accounts, and the password policy applied when a password is set.
package passwd

import (
	"errors"
	"fmt"
)

// ErrInvalidParams reports argon2id parameters outside the bounds below, whether they
// come from configuration or from a stored hash.
var ErrInvalidParams = errors.New("passwd: argon2id parameters out of range")

// Params are the argon2id cost parameters. They are encoded into every hash, so
// changing them affects only new hashes; old ones are upgraded on the next login
// (see Hasher.Verify's needsRehash).
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLen     uint32 // bytes
	KeyLen      uint32 // bytes
}

// DefaultParams returns the parameters for new hashes on govchat's reference server
// (2 cores): m=48 MiB, t=2, p=2, a 16-byte salt and a 32-byte key.
//
// Memory is what makes GPU/ASIC guessing expensive, so we take as much as a ~100 ms
// login allows, then passes. Measured with BenchmarkVerify on a 2-core Xeon
// (2.8 GHz): m=64 MiB/t=3 (RFC 9106's second recommendation) costs 120–155 ms and
// m=64 MiB/t=2 about 90–140 ms, both over budget once the rest of the login is added;
// m=48 MiB/t=2 costs about 62–76 ms. That is twice the work of OWASP's strongest
// argon2id row (m=46 MiB, t=1, p=1). We keep two passes rather than a larger m at
// t=1 because RFC 9106 reserves t=1 for its 2 GiB option and asks for more passes
// when memory is far smaller. p=2 lets one login use both cores; more lanes than
// cores would only add scheduling. The salt and key lengths are RFC 9106's. The
// Hasher's concurrency limit keeps the worst case at GOMAXPROCS × 48 MiB.
func DefaultParams() Params {
	return Params{
		Memory:      48 * 1024,
		Iterations:  2,
		Parallelism: 2,
		SaltLen:     16,
		KeyLen:      32,
	}
}

// Bounds for parameters. They apply to stored hashes as well as configuration: a
// tampered or corrupted row must not make one login allocate gigabytes or run for
// minutes. The ceilings leave room to raise the defaults about fivefold.
const (
	maxMemory      = 256 * 1024 // KiB (256 MiB)
	maxIterations  = 16
	maxParallelism = 16
	// maxCost bounds memory × passes, which verify time is proportional to: about
	// 5× the default, i.e. under half a second per verify.
	maxCost    = 1 << 19 // KiB-passes (512 MiB-passes)
	minSaltLen = 8       // RFC 9106 minimum
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Validate reports whether p is within the bounds the Hasher accepts. Configuration
// code should call it at startup; NewHasher panics on parameters it rejects.
func (p Params) Validate() error {
	switch {
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Errorf("%w: parallelism %d not in [1, %d]", ErrInvalidParams, p.Parallelism, maxParallelism)
	// argon2 needs at least 8 KiB per lane (RFC 9106 §3.1).
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemory:
		return fmt.Errorf("%w: memory %d KiB not in [%d, %d]", ErrInvalidParams, p.Memory, 8*uint32(p.Parallelism), maxMemory)
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("%w: iterations %d not in [1, %d]", ErrInvalidParams, p.Iterations, maxIterations)
	case uint64(p.Memory)*uint64(p.Iterations) > maxCost:
		return fmt.Errorf("%w: memory × iterations %d exceeds %d", ErrInvalidParams, uint64(p.Memory)*uint64(p.Iterations), maxCost)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("%w: salt length %d not in [%d, %d]", ErrInvalidParams, p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("%w: key length %d not in [%d, %d]", ErrInvalidParams, p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}
