package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"govchat/internal/store"
)

// PurgeStore is what the audit retention job asks of the store, beside the log.
type PurgeStore interface {
	PurgeAudit(ctx context.Context, cut time.Time, limit int) (int, int64, error)
}

// purgeBatch is how many entries one purge transaction removes at most.
const purgeBatch = 1000

// PurgeEvery is how often the server runs the audit retention job.
const PurgeEvery = time.Hour

// Purge removes the entries older than retention, in batches, under the checkpointer's
// lease and after hashing every entry into the log (only hashed entries are purged, so
// their hashes stay). It records one audit.purge event when it removed any.
func (c *Checkpointer) Purge(ctx context.Context, ps PurgeStore, rec *Recorder, retention time.Duration) (int, error) {
	if retention < 180*24*time.Hour {
		return 0, fmt.Errorf("audit: retention of %s is shorter than 180 days", retention)
	}
	if _, err := c.Round(ctx, false); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	got, err := c.st.ClaimAuditLogLease(ctx, c.owner, c.now(), c.opt.LeaseTTL)
	if err != nil || !got {
		return 0, fmt.Errorf("audit: purge: %w", errors.Join(ErrBusy, err))
	}
	defer func() { _ = c.st.ReleaseAuditLogLease(context.WithoutCancel(ctx), c.owner) }()
	cut := c.now().Add(-retention)
	total, lastID := 0, int64(0)
	for ctx.Err() == nil {
		n, last, err := ps.PurgeAudit(ctx, cut, purgeBatch)
		if err != nil {
			return total, err
		}
		if n == 0 {
			break
		}
		total, lastID = total+n, last
		if _, err := c.st.ClaimAuditLogLease(ctx, c.owner, c.now(), c.opt.LeaseTTL); err != nil {
			return total, err
		}
	}
	if total > 0 {
		c.log.Info("audit retention purged old entries", "entries", total, "last_id", lastID)
		err := rec.Record(context.WithoutCancel(ctx), Event{ActorName: "system", Action: TrailPurge, TargetType: "audit",
			Detail: map[string]any{"entries": total, "last_id": lastID, "before": cut.UTC().Format(time.RFC3339),
				"retention_days": int(retention / (24 * time.Hour))}})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// RunPurge runs Purge at once and then every interval until ctx is done.
func (c *Checkpointer) RunPurge(ctx context.Context, ps PurgeStore, rec *Recorder, retention, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := c.Purge(ctx, ps, rec, retention); err != nil && ctx.Err() == nil && !errors.Is(err, ErrBusy) {
			c.log.Error("audit retention failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

var _ PurgeStore = (*store.DB)(nil)
