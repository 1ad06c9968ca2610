package audit

import (
	"context"
	"errors"
	"io"
	"time"

	"govchat/internal/store"
	"govchat/protocol"
)

// TrailStore is what the Trail service reads.
type TrailStore interface {
	LogStore
	ExportStore
	AuditCheckpointAt(ctx context.Context, size int64) (store.AuditCheckpoint, error)
	AuditStatus(ctx context.Context) (store.AuditStatus, error)
}

// Trail answers the console's questions about the tamper-evident trail: how far back
// it goes, its checkpoints, one entry's inclusion proof, a signed bundle.
type Trail struct {
	st            TrailStore
	cp            *Checkpointer
	retentionDays int
}

// NewTrail returns the service; cp signs the checkpoints proofs and bundles need.
func NewTrail(st TrailStore, cp *Checkpointer, retentionDays int) *Trail {
	return &Trail{st: st, cp: cp, retentionDays: retentionDays}
}

// Key is the deployment's checkpoint key.
func (t *Trail) Key() *Key { return t.cp.Key() }

// CheckpointJSON is c on the wire.
func CheckpointJSON(c store.AuditCheckpoint) protocol.AuditCheckpoint {
	return protocol.AuditCheckpoint{Size: c.Size, At: c.At.UTC().Format(time.RFC3339), Text: c.Body}
}

// Status says how far back the trail goes, with the latest checkpoint.
func (t *Trail) Status(ctx context.Context) (protocol.AuditStatus, error) {
	st, err := t.st.AuditStatus(ctx)
	if err != nil {
		return protocol.AuditStatus{}, err
	}
	ls, err := t.st.AuditLogState(ctx)
	if err != nil {
		return protocol.AuditStatus{}, err
	}
	out := protocol.AuditStatus{Events: st.Events, OldestID: st.OldestID, NewestID: st.NewestID,
		RetentionDays: t.retentionDays, PurgedLeaves: ls.PurgedLeaves, VerifierKey: t.Key().VerifierKey()}
	if st.Events > 0 {
		out.OldestAt, out.NewestAt = st.OldestAt.Format(time.RFC3339), st.NewestAt.Format(time.RFC3339)
	}
	cs, err := t.st.ListAuditCheckpoints(ctx, 1)
	if err != nil {
		return protocol.AuditStatus{}, err
	}
	if len(cs) > 0 {
		c := CheckpointJSON(cs[0])
		out.Checkpoint = &c
	}
	return out, nil
}

// Checkpoints lists up to limit checkpoints, largest first.
func (t *Trail) Checkpoints(ctx context.Context, limit int) ([]store.AuditCheckpoint, error) {
	return t.st.ListAuditCheckpoints(ctx, limit)
}

// Latest is the latest checkpoint, signed now if the log grew since the last (another
// node checkpointing meanwhile: the latest it signed). ErrNotFound when the trail is
// empty.
func (t *Trail) Latest(ctx context.Context) (store.AuditCheckpoint, error) {
	c, err := t.cp.Round(ctx, true)
	if errors.Is(err, ErrBusy) {
		c, err = t.cp.latest(ctx)
	}
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	if c.Size == 0 {
		return store.AuditCheckpoint{}, store.ErrNotFound
	}
	return c, nil
}

// Proof is the inclusion proof of entry id in the latest checkpoint.
func (t *Trail) Proof(ctx context.Context, id int64) (protocol.AuditInclusionProof, error) {
	c, err := t.Latest(ctx)
	if err != nil {
		return protocol.AuditInclusionProof{}, err
	}
	return Prove(ctx, t.st, t.Key(), c, id)
}

// Export writes the signed bundle of req's range to w, against the latest checkpoint.
func (t *Trail) Export(ctx context.Context, req BundleRequest, w io.Writer) (protocol.AuditBundleManifest, error) {
	c, err := t.Latest(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.AuditBundleManifest{}, ErrNothingToExport
	}
	if err != nil {
		return protocol.AuditBundleManifest{}, err
	}
	return WriteBundle(ctx, t.st, t.Key(), c, req, w)
}

var _ TrailStore = (*store.DB)(nil)
