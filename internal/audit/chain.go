package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"govchat/internal/store"
)

// The trail is a hash chain: each entry's hash covers its content and the previous
// entry's hash, so an edited, inserted or deleted row breaks every link after it. This
// file defines the chain; the store applies Hash when it appends (under its cross-node
// lock, so concurrent appends form one chain) and keeps the result.

// hashDomain separates these hashes from any other SHA-256 use and versions the
// encoding; change it if the field list ever changes.
const hashDomain = "govchat-audit-v1"

// Hash returns SHA-256 over e's content fields and prev. Every field is
// length-prefixed (8-byte big-endian length), so no two different events encode
// the same: moving text from one field into the next changes the hash. ID, PrevHash
// and Hash of e are not inputs; the chain link is prev. It is the store.AuditHash that
// Recorder hands to AppendAudit.
func Hash(e store.AuditEvent, prev []byte) []byte {
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
	field([]byte(hashDomain))
	num(e.At.UnixMilli())
	num(e.ActorID)
	for _, s := range []string{e.ActorName, e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.RequestID, e.Detail} {
		field([]byte(s))
	}
	field(prev)
	return h.Sum(nil)
}

var _ store.AuditHash = Hash

// Scanner reads the whole trail in ID order; the store has it.
type Scanner interface {
	ScanAudit(ctx context.Context, fn func(store.AuditEvent) error) error
}

// errChainBroken stops ScanAudit at the first bad entry.
var errChainBroken = errors.New("audit chain broken")

// Verify rescans the whole trail and returns the ID of the first entry whose hash
// does not match its content or whose PrevHash is not the previous entry's hash (an
// edited, inserted or deleted row), or 0 when the chain is intact.
func Verify(ctx context.Context, s Scanner) (firstBadID int64, err error) {
	var prev []byte
	err = s.ScanAudit(ctx, func(e store.AuditEvent) error {
		if !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(Hash(e, e.PrevHash), e.Hash) {
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
		return 0, fmt.Errorf("audit: verify chain: %w", err)
	}
	return 0, nil
}
