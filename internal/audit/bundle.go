package audit

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/store"
	"govchat/protocol"
)

// A signed bundle (docs/audit.md) is a zip of
//
//	manifest.json   protocol.AuditBundleManifest: case number, exporter, range
//	events.ndjson   the range's entries, one protocol.AuditRecord a line, in id order
//	checkpoint.txt  the signed checkpoint the range is proved against
//	proof.json      protocol.AuditBundleProof: the subtrees outside the range
//	vkey.txt        the verifier key of the deployment
//
// enough to verify the range offline against the checkpoint, with only the verifier key.

// Bundle file names.
const (
	bundleManifest   = "manifest.json"
	bundleEvents     = "events.ndjson"
	bundleCheckpoint = "checkpoint.txt"
	bundleProof      = "proof.json"
	bundleVKey       = "vkey.txt"
)

// Record is e as exported.
func Record(e store.AuditEvent) protocol.AuditRecord {
	return protocol.AuditRecord{ID: e.ID, AtMS: e.At.UnixMilli(), ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Outcome: e.Outcome, IP: e.IP, RequestID: e.RequestID, Detail: e.Detail,
		PrevHash: e.PrevHash, Hash: e.Hash}
}

// FromRecord is the entry an exported record stands for.
func FromRecord(r protocol.AuditRecord) store.AuditEvent {
	return store.AuditEvent{ID: r.ID, At: time.UnixMilli(r.AtMS).UTC(), ActorID: r.ActorID, ActorName: r.ActorName, Action: r.Action,
		TargetType: r.TargetType, TargetID: r.TargetID, Outcome: r.Outcome, IP: r.IP, RequestID: r.RequestID, Detail: r.Detail,
		PrevHash: r.PrevHash, Hash: r.Hash}
}

// ExportStore is what an export reads.
type ExportStore interface {
	HashStore
	AuditEventsAfter(ctx context.Context, afterID int64, limit int) ([]store.AuditEvent, error)
	AuditEventOfLeaf(ctx context.Context, leaf int64) (int64, error)
	AuditLeafOf(ctx context.Context, eventID int64) (int64, error)
	AuditIDRange(ctx context.Context, since, until time.Time, maxID int64) (first, last int64, err error)
}

// BundleRequest says what to export and for whom.
type BundleRequest struct {
	Since, Until time.Time // zero: unbounded
	CaseNumber   string
	OfficerID    int64
	OfficerName  string
	At           time.Time
}

// ErrNothingToExport: no checkpointed entry lies in the range.
var ErrNothingToExport = errors.New("audit: no checkpointed entry in the range")

// WriteBundle writes the bundle of the entries in req's range that the checkpoint cp
// covers.
func WriteBundle(ctx context.Context, s ExportStore, key *Key, cp store.AuditCheckpoint, req BundleRequest, w io.Writer) (protocol.AuditBundleManifest, error) {
	var m protocol.AuditBundleManifest
	if cp.Size == 0 {
		return m, ErrNothingToExport
	}
	maxID, err := s.AuditEventOfLeaf(ctx, cp.Size-1)
	if err != nil {
		return m, err
	}
	firstID, lastID, err := s.AuditIDRange(ctx, req.Since, req.Until, maxID)
	if err != nil {
		return m, err
	}
	if firstID == 0 {
		return m, ErrNothingToExport
	}
	firstLeaf, err := s.AuditLeafOf(ctx, firstID)
	if err != nil {
		return m, err
	}
	lastLeaf, err := s.AuditLeafOf(ctx, lastID)
	if err != nil {
		return m, err
	}
	blocks := ComplementBlocks(firstLeaf, lastLeaf+1, cp.Size)
	proof := protocol.AuditBundleProof{TreeSize: cp.Size, Blocks: []protocol.AuditBundleBlock{}}
	if len(blocks) > 0 {
		idx := make([]int64, len(blocks))
		for i, b := range blocks {
			idx[i] = b.StorageIndex()
		}
		hs, err := StoredHashReader(ctx, s).ReadHashes(idx)
		if err != nil {
			return m, err
		}
		for i, b := range blocks {
			proof.Blocks = append(proof.Blocks, protocol.AuditBundleBlock{Level: b.Level, Index: b.Index, Hash: hs[i][:]})
		}
	}

	zw := zip.NewWriter(w)
	ew, err := zw.Create(bundleEvents)
	if err != nil {
		return m, err
	}
	sum := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(ew, sum))
	enc := json.NewEncoder(bw)
	var count int64
	for after := firstID - 1; after < lastID; {
		es, err := s.AuditEventsAfter(ctx, after, 1000)
		if err != nil {
			return m, err
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			if e.ID > lastID {
				break
			}
			if err := enc.Encode(Record(e)); err != nil {
				return m, err
			}
			count++
			after = e.ID
		}
	}
	if err := bw.Flush(); err != nil {
		return m, err
	}
	m = protocol.AuditBundleManifest{
		Format: protocol.AuditBundleFormat, CaseNumber: req.CaseNumber, ExportedBy: req.OfficerID, ExportedName: req.OfficerName,
		ExportedAt: req.At.UTC().Format(time.RFC3339), Origin: key.Origin(), TreeSize: cp.Size,
		FirstLeaf: firstLeaf, Count: lastLeaf - firstLeaf + 1, FirstID: firstID, LastID: lastID,
		EventsSHA256: hex.EncodeToString(sum.Sum(nil)),
	}
	if !req.Since.IsZero() {
		m.Since = req.Since.UTC().Format(time.RFC3339)
	}
	if !req.Until.IsZero() {
		m.Until = req.Until.UTC().Format(time.RFC3339)
	}
	files := []struct {
		name string
		body any
	}{{bundleManifest, m}, {bundleProof, proof}, {bundleCheckpoint, cp.Body}, {bundleVKey, key.VerifierKey() + "\n"}}
	for _, f := range files {
		fw, err := zw.Create(f.name)
		if err != nil {
			return m, err
		}
		switch b := f.body.(type) {
		case string:
			_, err = io.WriteString(fw, b)
		default:
			raw, merr := json.MarshalIndent(b, "", "  ")
			if merr != nil {
				return m, merr
			}
			_, err = fw.Write(append(raw, '\n'))
		}
		if err != nil {
			return m, err
		}
	}
	if err := zw.Close(); err != nil {
		return m, err
	}
	_ = count
	return m, nil
}

// Bundle limits when reading one from outside.
const (
	maxBundleSmallFile = 1 << 20  // manifest, proof, checkpoint, key
	maxBundleLine      = 64 << 10 // one entry of events.ndjson
)

// BundleResult is what VerifyBundle checked.
type BundleResult struct {
	Manifest    protocol.AuditBundleManifest
	Report      Report
	VerifierKey string // the key it was checked with
	KeyInside   bool   // that key came from the bundle itself (compare it with the one kept)
}

// VerifyBundle checks a bundle (its bytes) offline: the checkpoint's signature and
// origin with vkey (or, when vkey is empty, the key inside the bundle — say so), then
// every entry and the root. Findings wrap ErrTampered or name the checkpoint's fault.
func VerifyBundle(ctx context.Context, data []byte, vkey string) (BundleResult, error) {
	var res BundleResult
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return res, found("bundle truncated or damaged: not a complete zip archive (%v)", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	small := func(name string) ([]byte, error) {
		f, ok := files[name]
		if !ok {
			return nil, found("bundle incomplete: %s missing", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, found("bundle damaged: %s: %v", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxBundleSmallFile+1))
		if err != nil {
			return nil, found("bundle damaged: %s: %v", name, err)
		}
		if len(b) > maxBundleSmallFile {
			return nil, found("bundle damaged: %s larger than %d bytes", name, maxBundleSmallFile)
		}
		return b, nil
	}
	raw, err := small(bundleManifest)
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(raw, &res.Manifest); err != nil || res.Manifest.Format != protocol.AuditBundleFormat {
		return res, found("bundle damaged: manifest.json is not a %s manifest", protocol.AuditBundleFormat)
	}
	m := res.Manifest
	if vkey == "" {
		b, err := small(bundleVKey)
		if err != nil {
			return res, err
		}
		vkey, res.KeyInside = string(bytes.TrimSpace(b)), true
	}
	res.VerifierKey = vkey
	text, err := small(bundleCheckpoint)
	if err != nil {
		return res, err
	}
	cp, err := OpenCheckpoint(text, vkey)
	if err != nil {
		return res, err
	}
	if cp.Size != m.TreeSize {
		return res, found("bundle damaged: the manifest names a tree of %d entries, the checkpoint %d", m.TreeSize, cp.Size)
	}
	if m.FirstLeaf < 0 || m.Count < 0 || m.FirstLeaf+m.Count > cp.Size {
		return res, found("bundle damaged: the manifest's range [%d, %d) lies outside the checkpoint's %d entries", m.FirstLeaf, m.FirstLeaf+m.Count, cp.Size)
	}
	raw, err = small(bundleProof)
	if err != nil {
		return res, err
	}
	var proof protocol.AuditBundleProof
	if err := json.Unmarshal(raw, &proof); err != nil {
		return res, found("bundle damaged: proof.json: %v", err)
	}
	var blocks []Block
	for _, b := range proof.Blocks {
		if len(b.Hash) != tlog.HashSize || b.Level < 0 || b.Level > 62 || b.Index < 0 {
			return res, found("bundle damaged: proof.json holds a malformed block")
		}
		var h tlog.Hash
		copy(h[:], b.Hash)
		blocks = append(blocks, Block{Level: b.Level, Index: b.Index, Hash: h})
	}
	ef, ok := files[bundleEvents]
	if !ok {
		return res, found("bundle incomplete: %s missing", bundleEvents)
	}
	r := Range{What: "the bundle", FirstLeaf: m.FirstLeaf, End: m.FirstLeaf + m.Count, Blocks: blocks,
		Scan: func(fn func(store.AuditEvent) error) error { return scanEvents(ef, m.Count, fn) }}
	res.Report, err = VerifyLog(ctx, r, cp)
	return res, err
}

// scanEvents reads events.ndjson, one record a line; a line cut off or a record more
// than the manifest lists is a finding.
func scanEvents(f *zip.File, count int64, fn func(store.AuditEvent) error) error {
	rc, err := f.Open()
	if err != nil {
		return found("bundle damaged: %s: %v", bundleEvents, err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 0, 4096), maxBundleLine)
	var n int64
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec protocol.AuditRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			return found("bundle truncated: line %d of %s is not a whole entry", n+1, bundleEvents)
		}
		if n++; n > count {
			return found("bundle damaged: %s holds more entries than the manifest's %d", bundleEvents, count)
		}
		if err := fn(FromRecord(rec)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return found("bundle truncated or damaged: %s: %v", bundleEvents, err)
	}
	return nil
}

// ProofStore is what an inclusion proof reads.
type ProofStore interface {
	HashStore
	AuditLeafOf(ctx context.Context, eventID int64) (int64, error)
	AuditEventsAfter(ctx context.Context, afterID int64, limit int) ([]store.AuditEvent, error)
}

// ErrNotCheckpointed: the entry is not covered by the checkpoint yet.
var ErrNotCheckpointed = errors.New("audit: the entry is not in a checkpoint yet")

// Prove returns the inclusion proof of the entry id in the checkpoint cp.
func Prove(ctx context.Context, s ProofStore, key *Key, cp store.AuditCheckpoint, id int64) (protocol.AuditInclusionProof, error) {
	var out protocol.AuditInclusionProof
	es, err := s.AuditEventsAfter(ctx, id-1, 1)
	if err != nil {
		return out, err
	}
	if len(es) == 0 || es[0].ID != id {
		return out, fmt.Errorf("audit: entry %d: %w", id, store.ErrNotFound)
	}
	leaf, err := s.AuditLeafOf(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && leaf >= cp.Size {
		return out, ErrNotCheckpointed
	}
	if err != nil {
		return out, err
	}
	p, err := tlog.ProveRecord(cp.Size, leaf, StoredHashReader(ctx, s))
	if err != nil {
		return out, fmt.Errorf("audit: prove entry %d: %w", id, err)
	}
	out = protocol.AuditInclusionProof{Format: protocol.AuditProofFormat, Event: Record(es[0]), LeafIndex: leaf, TreeSize: cp.Size,
		Checkpoint: cp.Body, VerifierKey: key.VerifierKey()}
	for _, h := range p {
		out.Proof = append(out.Proof, h[:])
	}
	return out, nil
}

// VerifyProof checks an inclusion proof offline with vkey (empty: the key inside it).
func VerifyProof(p protocol.AuditInclusionProof, vkey string) error {
	if p.Format != protocol.AuditProofFormat {
		return found("not a %s file", protocol.AuditProofFormat)
	}
	if vkey == "" {
		vkey = p.VerifierKey
	}
	cp, err := OpenCheckpoint([]byte(p.Checkpoint), vkey)
	if err != nil {
		return err
	}
	e := FromRecord(p.Event)
	if !selfOK(e) {
		return found("entry %d altered: its content does not match its hash", e.ID)
	}
	var proof tlog.RecordProof
	for _, h := range p.Proof {
		if len(h) != tlog.HashSize {
			return found("proof damaged: a hash of %d bytes", len(h))
		}
		proof = append(proof, tlog.Hash(h))
	}
	if cp.Size != p.TreeSize || tlog.CheckRecord(proof, cp.Size, cp.Root, p.LeafIndex, LeafHash(e)) != nil {
		return found("entry %d is not leaf %d of the checkpoint of %d entries: altered, or the proof is", e.ID, p.LeafIndex, cp.Size)
	}
	return nil
}
