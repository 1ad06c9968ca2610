package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/store"
)

// LogStore is what the checkpointer asks of the store (store.AuditLog).
type LogStore interface {
	HashStore
	ClaimAuditLogLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseAuditLogLease(ctx context.Context, owner string) error
	AuditLogState(ctx context.Context) (store.AuditLogState, error)
	AuditEventsAfter(ctx context.Context, afterID int64, limit int) ([]store.AuditEvent, error)
	AppendAuditLeaves(ctx context.Context, from store.AuditLogState, eventIDs []int64, hashes []store.AuditStoredHash) error
	AddAuditCheckpoint(ctx context.Context, c store.AuditCheckpoint) error
	ListAuditCheckpoints(ctx context.Context, limit int) ([]store.AuditCheckpoint, error)
}

// CheckpointOptions tune a Checkpointer; zero values mean the defaults.
type CheckpointOptions struct {
	// Every: sign a checkpoint once this many entries were hashed since the last
	// (default 1000).
	Every int64
	// Interval: sign one at least this often while entries arrive (default 60 s).
	Interval time.Duration
	// Batch: entries hashed in one transaction (default 1000; 1…store.AuditLogMaxBatch).
	Batch int
	// Poll: how often Run looks for new entries (default 1 s).
	Poll time.Duration
	// LeaseTTL: how long a node that died keeps the others from checkpointing
	// (default 1 minute).
	LeaseTTL time.Duration
}

// CheckpointOptionsFor are the options for a backend: SQLite has one write lock, which
// a batch holds while it inserts its hashes, so its batches are small.
func CheckpointOptionsFor(backend string) CheckpointOptions {
	if backend == "sqlite" {
		return CheckpointOptions{Batch: 200}
	}
	return CheckpointOptions{Batch: 2000}
}

// Checkpointer hashes new entries into the log in batches, outside the appends, and
// signs checkpoints. One node of a cluster works at a time (a lease in the database).
type Checkpointer struct {
	st    LogStore
	key   *Key
	now   func() time.Time
	log   *slog.Logger
	opt   CheckpointOptions
	owner string
	mu    sync.Mutex // one round at a time in this process
}

// NewCheckpointer returns a Checkpointer signing with key.
func NewCheckpointer(st LogStore, key *Key, now func() time.Time, log *slog.Logger, o CheckpointOptions) *Checkpointer {
	if o.Every <= 0 {
		o.Every = 1000
	}
	if o.Interval <= 0 {
		o.Interval = time.Minute
	}
	if o.Batch <= 0 || o.Batch > store.AuditLogMaxBatch {
		o.Batch = 1000
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = time.Minute
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Checkpointer{st: st, key: key, now: now, log: log, opt: o, owner: "checkpointer-" + hex.EncodeToString(b[:])}
}

// Key is the key the checkpointer signs with.
func (c *Checkpointer) Key() *Key { return c.key }

// Run hashes and signs every Poll until ctx is done.
func (c *Checkpointer) Run(ctx context.Context) {
	t := time.NewTicker(c.opt.Poll)
	defer t.Stop()
	for {
		if _, err := c.Round(ctx, false); err != nil && ctx.Err() == nil && !errors.Is(err, ErrBusy) {
			c.log.Error("audit checkpointer failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ErrBusy: another node holds the checkpointer's lease.
var ErrBusy = errors.New("audit: another node is checkpointing")

// Round hashes every entry not yet in the log and signs a checkpoint when Every
// entries or Interval passed since the last — or, with force, whenever the log grew
// past the last checkpoint. It returns the latest checkpoint (zero Size: none yet).
func (c *Checkpointer) Round(ctx context.Context, force bool) (store.AuditCheckpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	got, err := c.st.ClaimAuditLogLease(ctx, c.owner, c.now(), c.opt.LeaseTTL)
	if err != nil {
		return store.AuditCheckpoint{}, fmt.Errorf("audit: checkpointer lease: %w", err)
	}
	if !got {
		return store.AuditCheckpoint{}, ErrBusy
	}
	defer func() {
		if err := c.st.ReleaseAuditLogLease(context.WithoutCancel(ctx), c.owner); err != nil {
			c.log.Warn("audit checkpointer lease not released; it lapses by itself", "err", err)
		}
	}()
	st, err := c.st.AuditLogState(ctx)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	last, err := c.latest(ctx)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	renewed := c.now()
	for {
		if err := ctx.Err(); err != nil {
			return last, err
		}
		if c.now().Sub(renewed) > c.opt.LeaseTTL/4 {
			if ok, err := c.st.ClaimAuditLogLease(ctx, c.owner, c.now(), c.opt.LeaseTTL); err != nil || !ok {
				return last, errors.Join(ErrBusy, err)
			}
			renewed = c.now()
		}
		n, err := c.batch(ctx, &st)
		if err != nil {
			return last, err
		}
		if st.Leaves-last.Size >= c.opt.Every {
			if last, err = c.sign(ctx, st.Leaves); err != nil {
				return last, err
			}
		}
		if n < c.opt.Batch {
			break
		}
	}
	if st.Leaves > last.Size && (force || c.now().Sub(last.At) >= c.opt.Interval) {
		return c.sign(ctx, st.Leaves)
	}
	return last, nil
}

func (c *Checkpointer) latest(ctx context.Context) (store.AuditCheckpoint, error) {
	cs, err := c.st.ListAuditCheckpoints(ctx, 1)
	if err != nil || len(cs) == 0 {
		return store.AuditCheckpoint{}, err
	}
	return cs[0], nil
}

// batch hashes up to Batch new entries into the tree and records them; it returns how
// many.
func (c *Checkpointer) batch(ctx context.Context, st *store.AuditLogState) (int, error) {
	es, err := c.st.AuditEventsAfter(ctx, st.LastEventID, c.opt.Batch)
	if err != nil || len(es) == 0 {
		return 0, err
	}
	fresh := map[int64]tlog.Hash{}
	db := StoredHashReader(ctx, c.st)
	r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		for i, x := range indexes {
			h, ok := fresh[x]
			if !ok {
				missing = append(missing, x)
				continue
			}
			out[i] = h
		}
		if len(missing) == 0 {
			return out, nil
		}
		got, err := db.ReadHashes(missing)
		if err != nil {
			return nil, err
		}
		for i, x := range indexes {
			if _, ok := fresh[x]; !ok {
				out[i], got = got[0], got[1:]
			}
		}
		return out, nil
	})
	ids := make([]int64, 0, len(es))
	var hashes []store.AuditStoredHash
	for i, e := range es {
		n := st.Leaves + int64(i)
		hs, err := tlog.StoredHashesForRecordHash(n, LeafHash(e), r)
		if err != nil {
			return 0, fmt.Errorf("audit: hash leaf %d: %w", n, err)
		}
		base := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			fresh[base+int64(j)] = h
			hashes = append(hashes, store.AuditStoredHash{Index: base + int64(j), Hash: h[:]})
		}
		ids = append(ids, e.ID)
	}
	if err := c.st.AppendAuditLeaves(ctx, *st, ids, hashes); err != nil {
		return 0, err
	}
	st.Leaves += int64(len(es))
	st.LastEventID = ids[len(ids)-1]
	return len(es), nil
}

// sign signs and stores the checkpoint of the tree of size leaves.
func (c *Checkpointer) sign(ctx context.Context, size int64) (store.AuditCheckpoint, error) {
	root, err := tlog.TreeHash(size, StoredHashReader(ctx, c.st))
	if err != nil {
		return store.AuditCheckpoint{}, fmt.Errorf("audit: tree hash at %d: %w", size, err)
	}
	text, err := c.key.Sign(size, root)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	cp := store.AuditCheckpoint{Size: size, At: c.now(), Body: text}
	if err := c.st.AddAuditCheckpoint(ctx, cp); err != nil {
		return store.AuditCheckpoint{}, err
	}
	return cp, nil
}
