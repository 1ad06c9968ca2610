package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// auditHashDomain separates these hashes from any other SHA-256 use and versions
// the encoding; change it if the field list ever changes.
const auditHashDomain = "govchat-audit-v1"

// HashAuditEvent returns SHA-256 over e's content fields and prev. Every field is
// length-prefixed (8-byte big-endian length), so no two different events encode
// the same: moving text from one field into the next changes the hash. ID, PrevHash
// and Hash of e are not inputs; the chain link is prev.
func HashAuditEvent(e AuditEvent, prev []byte) []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	num := func(v int64) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(v))
		field(b[:])
	}
	field([]byte(auditHashDomain))
	num(e.At.UnixMilli())
	num(e.ActorID)
	for _, s := range []string{e.ActorName, e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.RequestID, e.Detail} {
		field([]byte(s))
	}
	field(prev)
	return h.Sum(nil)
}

// errChainBroken stops ScanAudit at the first bad entry.
var errChainBroken = errors.New("audit chain broken")

// VerifyAuditChain rescans the whole trail and returns the ID of the first entry
// whose hash does not match its content or whose PrevHash is not the previous
// entry's hash (an edited, inserted or deleted row), or 0 when the chain is intact.
func VerifyAuditChain(ctx context.Context, s Audit) (firstBadID int64, err error) {
	var prev []byte
	err = s.ScanAudit(ctx, func(e AuditEvent) error {
		if !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(HashAuditEvent(e, e.PrevHash), e.Hash) {
			firstBadID = e.ID
			return errChainBroken
		}
		prev = e.Hash
		return nil
	})
	if errors.Is(err, errChainBroken) {
		return firstBadID, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: verify audit chain: %w", err)
	}
	return 0, nil
}
