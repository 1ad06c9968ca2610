package audit

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/store"
)

// The transparency log over the trail (docs/audit.md). Leaf i of the tree is the i-th
// entry in id order; its record is LeafData: a domain string, the entry's id and its
// chain hash (which covers every content field and the previous entry's hash). The tree
// is tlog's (RFC 6962): leaf hash SHA-256(0x00 ‖ record), node hash
// SHA-256(0x01 ‖ left ‖ right).

// leafDomain versions the leaf encoding; change it if LeafData ever changes.
const leafDomain = "govchat-audit-leaf/1\n"

// LeafData is the record the log hashes for e.
func LeafData(e store.AuditEvent) []byte {
	b := make([]byte, 0, len(leafDomain)+8+len(e.Hash))
	b = append(b, leafDomain...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.ID))
	return append(b, e.Hash...)
}

// LeafHash is tlog.RecordHash(LeafData(e)).
func LeafHash(e store.AuditEvent) tlog.Hash { return tlog.RecordHash(LeafData(e)) }

// HashStore is the part of the store that reads the log's stored hashes.
type HashStore interface {
	ReadAuditHashes(ctx context.Context, indexes []int64) ([][]byte, error)
}

// StoredHashReader reads the tree's stored hashes from the store, for tlog's proofs.
func StoredHashReader(ctx context.Context, s HashStore) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		raw, err := s.ReadAuditHashes(ctx, indexes)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(raw))
		for i, h := range raw {
			if len(h) != tlog.HashSize {
				return nil, fmt.Errorf("audit: stored hash %d has %d bytes", indexes[i], len(h))
			}
			copy(out[i][:], h)
		}
		return out, nil
	})
}

// Block is the hash of a complete subtree: leaves [Index·2^Level, (Index+1)·2^Level).
type Block struct {
	Level int       `json:"level"`
	Index int64     `json:"index"`
	Hash  tlog.Hash `json:"hash"`
}

// StorageIndex is where tlog keeps the block's hash.
func (b Block) StorageIndex() int64 { return tlog.StoredHashIndex(b.Level, b.Index) }

// ComplementBlocks lists the complete subtrees that, with the leaves [lo, hi), make up
// a tree of n leaves: the fewest aligned blocks covering [0, lo) and [hi, n). Their
// hashes are stored hashes of any tree of n or more leaves.
func ComplementBlocks(lo, hi, n int64) []Block {
	var out []Block
	cover := func(from, to int64) {
		for x := from; x < to; {
			l := 0
			if x > 0 {
				l = bits.TrailingZeros64(uint64(x))
			} else {
				l = 62
			}
			for x+(int64(1)<<l) > to {
				l--
			}
			out = append(out, Block{Level: l, Index: x >> l})
			x += int64(1) << l
		}
	}
	cover(0, lo)
	cover(hi, n)
	return out
}

// errNoHash: a tree hash needs a leaf or block that is not known.
var errNoHash = errors.New("audit: a hash the tree needs is missing")

// rangeRoot computes the root of a tree of n leaves from the leaf hashes [lo, lo+len)
// and the complete subtrees in blocks (keyed by storage index), splitting the way
// RFC 6962 does.
func rangeRoot(n, lo int64, leaves []tlog.Hash, blocks map[int64]tlog.Hash) (tlog.Hash, error) {
	if n == 0 {
		return tlog.Hash{}, nil
	}
	var sub func(a, b int64) (tlog.Hash, error)
	sub = func(a, b int64) (tlog.Hash, error) {
		size := b - a
		if size&(size-1) == 0 && a%size == 0 {
			level := bits.TrailingZeros64(uint64(size))
			if h, ok := blocks[tlog.StoredHashIndex(level, a>>level)]; ok {
				return h, nil
			}
			if size == 1 {
				if a >= lo && a < lo+int64(len(leaves)) {
					return leaves[a-lo], nil
				}
				return tlog.Hash{}, fmt.Errorf("%w: leaf %d", errNoHash, a)
			}
		}
		k := int64(1) << (63 - bits.LeadingZeros64(uint64(size-1)))
		l, err := sub(a, a+k)
		if err != nil {
			return tlog.Hash{}, err
		}
		r, err := sub(a+k, b)
		if err != nil {
			return tlog.Hash{}, err
		}
		return tlog.NodeHash(l, r), nil
	}
	return sub(0, n)
}
