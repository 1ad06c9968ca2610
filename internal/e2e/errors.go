package e2e

import (
	"errors"
	"fmt"
)

// ErrDamaged is what every refusal of a ciphertext wraps: the file was damaged in
// transit or storage, or someone tampered with it. errors.Is(err, ErrDamaged) holds
// for each *DamagedError; the reason says which check failed.
var ErrDamaged = errors.New("the file is damaged or was tampered with")

// Reason names the check a ciphertext failed (E2E.md §2.6). The codes appear in the
// damaged vectors (protocol/testdata/e2e/damaged.json); the browser need only refuse.
type Reason string

const (
	ReasonMagic      Reason = "bad_magic"       // the first four bytes are not "GVCF"
	ReasonSuite      Reason = "unknown_suite"   // a suite byte other than 0x01 (0x02 is reserved)
	ReasonCommitment Reason = "commitment"      // the header's commitment is not HMAC(commitKey, prefix), or not the message's
	ReasonTruncated  Reason = "truncated"       // the data ends before the final record
	ReasonAuth       Reason = "record_auth"     // a record fails AES-GCM authentication
	ReasonFinalZero  Reason = "final_record_0"  // record 0 is sealed as the final record
	ReasonTrailing   Reason = "trailing_data"   // bytes follow the final record
	ReasonMeta       Reason = "bad_metadata"    // record 0 holds no valid metadata JSON
	ReasonPadding    Reason = "nonzero_padding" // a padding byte (record 0 or content) is not zero
)

// DamagedError is a refusal of a ciphertext with its reason and, for a record, its
// index (-1 when the header is at fault).
type DamagedError struct {
	Reason Reason
	Record int64
	Detail string
}

func (e *DamagedError) Error() string {
	if e.Record >= 0 {
		return fmt.Sprintf("%v: record %d: %s", ErrDamaged, e.Record, e.Detail)
	}
	return fmt.Sprintf("%v: %s", ErrDamaged, e.Detail)
}

// Is makes errors.Is(err, ErrDamaged) hold.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

func damaged(r Reason, record int64, format string, args ...any) *DamagedError {
	return &DamagedError{Reason: r, Record: record, Detail: fmt.Sprintf(format, args...)}
}

// ReasonOf is the reason of a refusal, or "" when err is not one.
func ReasonOf(err error) Reason {
	var d *DamagedError
	if errors.As(err, &d) {
		return d.Reason
	}
	return ""
}
