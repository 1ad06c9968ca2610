package files

import (
	"context"
	"errors"
	"fmt"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
)

// SweepEvery is how often the server sweeps: an unattached upload is removed at most
// this long after it expired.
const SweepEvery = 10 * time.Minute

// sweepBatch is how many expired uploads one pass of Sweep takes at a time.
const sweepBatch = 100

// SweepResult counts what one sweep removed.
type SweepResult struct {
	Removed   int   // uploads, rows and bytes
	Cancelled int   // of which cancelled by their uploader (the cancel could not finish)
	Bytes     int64 // ciphertext bytes freed
	Failed    int   // uploads the blob store or the database would not let go this time
}

// RunSweeper sweeps every interval until ctx is done. Every node may run it: removing
// a blob twice is harmless and each is counted by the node whose delete took its row.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("file sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sweep removes every upload still unattached past its expiry (a day after it began, or
// at once when cancelled): its bytes first, then its row, so an interruption leaves a
// row to try again, never bytes nothing points to. One audit entry (file.sweep, actor
// system) counts what a sweep removed; a sweep that removed nothing writes none.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.now()
	skip := map[string]bool{} // failed this sweep: do not take them again
	for {
		asked := sweepBatch + len(skip)
		batch, err := s.store.ListExpiredBlobs(ctx, now, asked)
		if err != nil {
			return res, s.reportSweep(ctx, res, fmt.Errorf("files: sweep: %w", err))
		}
		took := 0
		for _, b := range batch {
			if skip[b.ID] {
				continue
			}
			took++
			switch err := s.removeExpired(ctx, b.ID); {
			case err == nil:
				res.Removed++
				res.Bytes += b.Size
				if b.ExpiresAt.IsZero() {
					res.Cancelled++
				}
			case errors.Is(err, store.ErrNotFound):
				// Another node took it, or it was attached at the last moment.
			default:
				if ctx.Err() != nil {
					return res, s.reportSweep(ctx, res, ctx.Err())
				}
				res.Failed++
				skip[b.ID] = true
				s.log.Warn("could not sweep an expired upload", "blob_id", b.ID, "err", err)
			}
		}
		if took == 0 || len(batch) < asked {
			break
		}
	}
	return res, s.reportSweep(ctx, res, nil)
}

// removeExpired removes one expired upload under its lock, so a part in flight on this
// node finishes (and is refused) first. It is first marked cancelled, a write that waits
// for a transaction attaching it (which locks the row) and then finds it attached: the
// bytes of a blob being sent are never touched.
func (s *Service) removeExpired(ctx context.Context, id string) error {
	unlock := s.locks.write(id)
	defer unlock()
	if err := s.store.CancelBlob(ctx, id); err != nil {
		return err
	}
	s.pre.drop(id)
	return s.remove(ctx, id)
}

// reportSweep writes the sweep's audit entry when it removed anything, and returns err
// joined with any failure to write it.
func (s *Service) reportSweep(ctx context.Context, res SweepResult, err error) error {
	if res.Removed > 0 {
		ev := audit.Event{ActorName: "system", Action: audit.FileSweep, TargetType: "blob",
			Detail: map[string]any{"removed": res.Removed, "cancelled": res.Cancelled, "bytes": res.Bytes, "failed": res.Failed}}
		if aerr := s.audit.Record(context.WithoutCancel(ctx), ev); aerr != nil {
			err = errors.Join(err, aerr)
		}
	}
	if res.Removed > 0 || res.Failed > 0 {
		s.log.Info("file sweep", "removed", res.Removed, "cancelled", res.Cancelled, "bytes", res.Bytes, "failed", res.Failed)
	}
	return err
}
