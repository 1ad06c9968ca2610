package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/store"
)

// ErrTampered is what every finding of VerifyLog wraps: the trail or export is not
// what the checkpoint signed. The message names the first entry at fault.
var ErrTampered = errors.New("audit trail altered")

// Finding is one precise finding: "entry 512 altered", "entry 513 missing" …
type Finding struct{ Msg string }

func (f *Finding) Error() string        { return f.Msg }
func (f *Finding) Is(target error) bool { return target == ErrTampered }

func found(format string, args ...any) error { return &Finding{Msg: fmt.Sprintf(format, args...)} }

// Range is a run of consecutive leaves of the log to check against a checkpoint: the
// whole trail in the database, or the entries of an exported bundle.
type Range struct {
	// What names it in findings: "the trail" or "the bundle".
	What string
	// FirstLeaf is the leaf of the first entry (the purged leaves before it, or the
	// leaves before an export's range, are covered by Blocks).
	FirstLeaf int64
	// End is the leaf the range must reach at least (exclusive): the checkpoint's size
	// for the database, the manifest's end for a bundle.
	End int64
	// Scan calls fn for each entry, in id order.
	Scan func(fn func(store.AuditEvent) error) error
	// Blocks are the complete subtrees of the leaves outside the range.
	Blocks []Block
	// StoredLeaves, when set, reads the log's stored leaf hashes [lo, hi): the database
	// has them, and they name an entry rewritten with recomputed hashes.
	StoredLeaves func(lo, hi int64) ([]tlog.Hash, error)
}

// Report is what a successful verification covered.
type Report struct {
	Entries        int64 // entries read
	FirstID        int64
	LastID         int64
	CheckpointSize int64
}

// VerifyLog checks r against the checkpoint cp: every entry's hash and link (the
// chain), and the tree's root at cp.Size from the entries' leaves and r.Blocks. It
// returns a *Finding (errors.Is ErrTampered) naming the first entry at fault, or
// another error when the range could not be read.
func VerifyLog(ctx context.Context, r Range, cp Checkpoint) (Report, error) {
	v := verifier{r: r, cp: cp, leaf: r.FirstLeaf}
	var pending *store.AuditEvent
	err := r.Scan(func(e store.AuditEvent) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if pending != nil {
			if err := v.entry(*pending, &e); err != nil {
				return err
			}
		}
		pending = &e
		return nil
	})
	if err == nil && pending != nil {
		err = v.entry(*pending, nil)
	}
	if err != nil {
		return Report{}, err
	}
	rep := Report{Entries: v.leaf - r.FirstLeaf, FirstID: v.firstID, LastID: v.prev.ID, CheckpointSize: cp.Size}
	if v.leaf < r.End || v.leaf < cp.Size && r.What != "the bundle" {
		if r.What == "the bundle" {
			return rep, found("bundle truncated: it holds %d entries, its manifest lists %d", v.leaf-r.FirstLeaf, r.End-r.FirstLeaf)
		}
		if v.leaf == r.FirstLeaf {
			return rep, found("truncated: the trail is empty but the checkpoint covers %d entries", cp.Size)
		}
		return rep, found("truncated: the trail ends at entry %d (%d entries) but the checkpoint covers %d", v.prev.ID, v.leaf, cp.Size)
	}
	blocks := make(map[int64]tlog.Hash, len(r.Blocks))
	for _, b := range r.Blocks {
		blocks[b.StorageIndex()] = b.Hash
	}
	root, err := rangeRoot(cp.Size, r.FirstLeaf, v.leaves, blocks)
	if errors.Is(err, errNoHash) {
		return rep, found("%s lacks the proof hashes its checkpoint needs: %v", r.What, err)
	}
	if err != nil {
		return rep, err
	}
	if root != cp.Root {
		return rep, v.diagnose()
	}
	return rep, nil
}

type verifier struct {
	r       Range
	cp      Checkpoint
	leaf    int64 // the next entry's leaf
	prev    store.AuditEvent
	firstID int64
	leaves  []tlog.Hash // leaf hashes [FirstLeaf, cp.Size)
	ids     []int64     // their entries
}

func selfOK(e store.AuditEvent) bool { return bytes.Equal(Hash(e, e.PrevHash), e.Hash) }

// entry checks e, given the entry after it (nil at the end), and adds its leaf.
func (v *verifier) entry(e store.AuditEvent, next *store.AuditEvent) error {
	first := v.leaf == v.r.FirstLeaf
	if !first && e.ID <= v.prev.ID {
		return found("entries %d and %d out of order", v.prev.ID, e.ID)
	}
	if !selfOK(e) {
		return found("entry %d altered: its content does not match its hash", e.ID)
	}
	var want []byte
	linked := true
	switch {
	case v.leaf == 0:
		linked = len(e.PrevHash) == 0
	case !first:
		want = v.prev.Hash
		linked = bytes.Equal(e.PrevHash, want)
	}
	if !linked {
		if err := v.broken(e, next, first, want); err != nil {
			return err
		}
	}
	if first {
		v.firstID = e.ID
	}
	if v.leaf < v.cp.Size {
		v.leaves = append(v.leaves, LeafHash(e))
		v.ids = append(v.ids, e.ID)
	}
	v.prev = e
	v.leaf++
	return nil
}

// broken names why e does not link to the entry before it.
func (v *verifier) broken(e store.AuditEvent, next *store.AuditEvent, first bool, want []byte) error {
	if next != nil && selfOK(*next) && bytes.Equal(next.PrevHash, want) && bytes.Equal(e.PrevHash, next.Hash) {
		return found("entries %d and %d swapped (out of order)", e.ID, next.ID)
	}
	if first {
		if e.ID > 1 {
			return missing(1, e.ID-1)
		}
		return found("entry %d altered: the first entry links to an earlier one", e.ID)
	}
	if v.r.StoredLeaves != nil {
		if st, err := v.r.StoredLeaves(v.leaf-1, v.leaf); err == nil && len(st) == 1 && st[0] != LeafHash(v.prev) {
			return found("entry %d altered: rewritten with a recomputed hash (entry %d no longer links to it)", v.prev.ID, e.ID)
		}
	}
	if e.ID > v.prev.ID+1 {
		return missing(v.prev.ID+1, e.ID-1)
	}
	return found("entry %d does not link to entry %d: an entry between them was removed or replaced", e.ID, v.prev.ID)
}

func missing(from, to int64) error {
	if from == to {
		return found("entry %d missing", from)
	}
	return found("entries %d to %d missing", from, to)
}

// diagnose names the entry at fault when the chain holds but the root differs: with
// the stored leaves, the first entry whose leaf changed; else the range as a whole.
func (v *verifier) diagnose() error {
	if v.r.StoredLeaves != nil {
		const chunk = 4096
		for lo := int64(0); lo < int64(len(v.leaves)); lo += chunk {
			hi := min(lo+chunk, int64(len(v.leaves)))
			st, err := v.r.StoredLeaves(v.r.FirstLeaf+lo, v.r.FirstLeaf+hi)
			if err != nil {
				break
			}
			for i, h := range st {
				if h != v.leaves[lo+int64(i)] {
					return found("entry %d altered: the chain was recomputed from it on, but its leaf differs from the log's", v.ids[lo+int64(i)])
				}
			}
		}
		return found("%s does not match the checkpoint of %d entries: the log's own hashes were rewritten too", v.r.What, v.cp.Size)
	}
	return found("%s does not match the checkpoint of %d entries (its root hash differs)", v.r.What, v.cp.Size)
}

// DBSource is what VerifyStore reads.
type DBSource interface {
	Scanner
	HashStore
	AuditLogState(ctx context.Context) (store.AuditLogState, error)
}

// VerifyStore checks the trail in the database against cp. The leaves retention purged
// are covered by their stored hashes.
func VerifyStore(ctx context.Context, s DBSource, cp Checkpoint) (Report, error) {
	st, err := s.AuditLogState(ctx)
	if err != nil {
		return Report{}, err
	}
	first := min(st.PurgedLeaves, cp.Size)
	blocks := ComplementBlocks(first, cp.Size, cp.Size)
	if len(blocks) > 0 {
		idx := make([]int64, len(blocks))
		for i, b := range blocks {
			idx[i] = b.StorageIndex()
		}
		hs, err := StoredHashReader(ctx, s).ReadHashes(idx)
		if err != nil {
			return Report{}, found("the log's hashes of the %d purged entries are missing: %v", st.PurgedLeaves, err)
		}
		for i := range blocks {
			blocks[i].Hash = hs[i]
		}
	}
	r := Range{
		What: "the trail", FirstLeaf: st.PurgedLeaves, End: cp.Size, Blocks: blocks,
		Scan: func(fn func(store.AuditEvent) error) error { return s.ScanAudit(ctx, fn) },
		StoredLeaves: func(lo, hi int64) ([]tlog.Hash, error) {
			idx := make([]int64, 0, hi-lo)
			for i := lo; i < hi; i++ {
				idx = append(idx, tlog.StoredHashIndex(0, i))
			}
			return StoredHashReader(ctx, s).ReadHashes(idx)
		},
	}
	return VerifyLog(ctx, r, cp)
}

// ProveConsistency checks that the tree of newer extends the tree of older, with the
// proof from the store's hashes: the log was only appended to between them.
func ProveConsistency(ctx context.Context, s HashStore, older, newer Checkpoint) (tlog.TreeProof, error) {
	if older.Origin != newer.Origin {
		return nil, found("the checkpoints are of different deployments (%q, %q)", older.Origin, newer.Origin)
	}
	if older.Size > newer.Size {
		older, newer = newer, older
	}
	p, err := tlog.ProveTree(newer.Size, older.Size, StoredHashReader(ctx, s))
	if err != nil {
		return nil, fmt.Errorf("audit: consistency proof %d→%d: %w", older.Size, newer.Size, err)
	}
	if err := tlog.CheckTree(p, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return p, found("the checkpoint of %d entries does not extend the checkpoint of %d: the log was rewritten between them", newer.Size, older.Size)
	}
	return p, nil
}
