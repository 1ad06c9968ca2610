package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/blob"
	"govchat/internal/store"
	"govchat/protocol"
)

// Create begins an upload of size ciphertext bytes. Every limit is checked before
// anything is stored: the size (file_too_large), the uploads begun per minute
// (rate_limited) and the person's quota (quota_exceeded, checked and taken in one step
// by the store).
func (s *Service) Create(ctx context.Context, p auth.Principal, size int64) (protocol.Upload, error) {
	if size <= 0 {
		return protocol.Upload{}, apperr.BadField("size", "size must be the ciphertext's length in bytes, more than 0")
	}
	if max := s.limits.MaxUpload(); size > max {
		return protocol.Upload{}, apperr.New(protocol.CodeFileTooLarge, "the file is larger than the largest allowed (%d bytes of ciphertext)", max)
	}
	if s.limiter != nil {
		ok, wait, err := s.limiter.Allow(ctx, userKey(p.User.ID))
		if err != nil {
			s.log.Warn("upload rate limiter unavailable", "err", err) // fail open, as sends do
		} else if !ok {
			e := apperr.New(protocol.CodeRateLimited, "you are starting uploads too fast; wait a moment")
			e.RetryAfter = wait
			return protocol.Upload{}, e
		}
	}
	now := s.now()
	b := store.Blob{UploaderID: p.User.ID, Size: size, Parts: partCount(size), CreatedAt: now, ExpiresAt: now.Add(UploadTTL)}
	err := s.store.CreateBlob(ctx, &b, s.limits.Quota)
	if errors.Is(err, store.ErrQuota) {
		return protocol.Upload{}, &apperr.Error{Code: protocol.CodeQuotaExceeded,
			Message: fmt.Sprintf("this upload would take you over your storage quota of %d bytes", s.limits.Quota), Err: err}
	}
	if err != nil {
		return protocol.Upload{}, fmt.Errorf("files: create upload: %w", err)
	}
	return toUpload(b, nil), nil
}

// Status answers the caller's upload with the parts the server holds, so a client
// resumes where it stopped.
func (s *Service) Status(ctx context.Context, p auth.Principal, id string) (protocol.Upload, error) {
	b, err := s.ownUpload(ctx, p, id)
	if err != nil {
		return protocol.Upload{}, err
	}
	parts, err := s.store.ListBlobParts(ctx, id)
	if err != nil {
		return protocol.Upload{}, fmt.Errorf("files: upload status: %w", err)
	}
	return toUpload(b, parts), nil
}

// Part is one part as sent: its length as declared (Content-Length) and the SHA-256
// its uploader vouched for (Content-Digest).
type Part struct {
	N      int
	Body   io.Reader
	Length int64
	Digest []byte
}

// PutPart stores part.N of the caller's upload and records it, replacing an earlier
// copy (a resumed upload sends a part again). The body streams into the blob store
// through a SHA-256; the read that delivers its last byte compares the digest and fails
// on a mismatch, so the store drops the part before it takes the place of anything.
// Nothing is recorded unless the store holds the part.
func (s *Service) PutPart(ctx context.Context, p auth.Principal, id string, part Part) error {
	if err := checkID(id); err != nil {
		return err
	}
	// Completion and cancellation wait for parts in flight on this node, and parts
	// begun after them see what they did, so a part cannot land after the whole was
	// checked or removed. Parts of one upload run in parallel.
	unlock := s.locks.read(id)
	defer unlock()
	b, err := s.ownUpload(ctx, p, id)
	if err != nil {
		return err
	}
	switch {
	case b.Complete():
		return apperr.New(protocol.CodeConflict, "the upload is complete; it takes no more parts")
	case part.N < 0 || part.N >= b.Parts:
		return apperr.BadField("n", "part must be from 0 to %d", b.Parts-1)
	case len(part.Digest) != sha256.Size:
		return apperr.BadField("Content-Digest", "%s", ErrDigestHeader)
	}
	want := partSize(b, part.N)
	switch {
	case part.Length > want:
		return apperr.New(protocol.CodeTooLarge, "part %d is %d bytes, not %d", part.N, want, part.Length)
	case part.Length != want:
		return apperr.BadField("Content-Length", "part %d is %d bytes, not %d", part.N, want, part.Length)
	}

	d := newDigestReader(part.Body, want, part.Digest)
	err = s.blobs.PutPart(ctx, id, part.N, d, want)
	switch {
	case d.mismatch:
		return apperr.New(protocol.CodeDigestMismatch, "part %d does not match its Content-Digest; it was not stored", part.N)
	case d.short || errors.Is(err, blob.ErrShortBody):
		return &apperr.Error{Code: protocol.CodeBadRequest, Field: "Content-Length", Message: fmt.Sprintf("part %d ended before its %d bytes", part.N, want), Err: err}
	case d.bodyErr != nil:
		// The client's side of the transfer failed, not the store: nothing was stored.
		return &apperr.Error{Code: protocol.CodeBadRequest, Message: fmt.Sprintf("part %d could not be read to its end; send it again", part.N), Err: err}
	case err != nil:
		return storageErr("store a part", err)
	case !d.verified:
		// The store took the part without reading it to its end: a broken store.
		return fmt.Errorf("files: the blob store stored part %d without reading all of it", part.N)
	}

	rec := store.BlobPart{BlobID: id, Part: part.N, Size: want, SHA256: hex.EncodeToString(part.Digest)}
	err = s.store.PutBlobPart(ctx, rec, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return s.orphanedPart(ctx, id, err)
	}
	if err != nil {
		// The part is in the blob store, unrecorded: a retry replaces it, else the sweeper
		// removes it with its upload.
		return fmt.Errorf("files: record part %d: %w", part.N, err)
	}
	s.pre.recorded(id, b.Size, b.Parts, part.N, rec.SHA256)
	return nil
}

// orphanedPart handles a part stored for an upload that stopped taking parts while it
// streamed (another node cancelled, completed or swept it). A cancelled or removed
// upload's bytes are deleted now, so nothing outlives its row.
func (s *Service) orphanedPart(ctx context.Context, id string, cause error) error {
	b, err := s.store.GetBlob(ctx, id)
	switch {
	case err == nil && b.Complete():
		s.log.Warn("a part arrived for an upload completed meanwhile", "blob_id", id)
		return &apperr.Error{Code: protocol.CodeConflict, Message: "the upload was completed while this part was sent", Err: cause}
	case err == nil && !b.Live(s.now()), errors.Is(err, store.ErrNotFound):
		if derr := s.blobs.Delete(ctx, id); derr != nil {
			s.log.Warn("could not remove a part of a cancelled upload", "blob_id", id, "err", derr)
		}
		return errNoUpload(cause)
	case err != nil:
		return fmt.Errorf("files: record a part: %w", err)
	}
	return fmt.Errorf("files: record a part: %w", cause)
}

// Complete checks that every part arrived and that the SHA-256 of the whole ciphertext,
// read back from the blob store, is sha256Hex; then the upload is complete (audited as
// file.upload). Completing again with the same hash answers the same. Most of the
// reading back was done while the parts arrived (prehash.go).
func (s *Service) Complete(ctx context.Context, p auth.Principal, id, sha256Hex string) (protocol.Upload, error) {
	if len(sha256Hex) != 2*sha256.Size || strings.Trim(sha256Hex, "0123456789abcdef") != "" {
		return protocol.Upload{}, apperr.BadField("sha256", "sha256 must be the ciphertext's SHA-256 in %d lowercase hexadecimal digits", 2*sha256.Size)
	}
	if err := checkID(id); err != nil {
		return protocol.Upload{}, err
	}
	unlock := s.locks.write(id)
	defer unlock()
	b, err := s.ownUpload(ctx, p, id)
	if err != nil {
		return protocol.Upload{}, err
	}

	parts, err := s.store.ListBlobParts(ctx, id)
	if err != nil {
		return protocol.Upload{}, fmt.Errorf("files: complete: %w", err)
	}
	if b.Complete() {
		s.pre.drop(id)
		if b.SHA256 != sha256Hex {
			return protocol.Upload{}, apperr.New(protocol.CodeDigestMismatch, "the upload was completed with another SHA-256")
		}
		return toUpload(b, parts), nil
	}
	if missing := missingParts(b, parts); len(missing) > 0 {
		return protocol.Upload{}, incomplete(missing, b.Parts)
	}
	sum, err := s.wholeHash(ctx, b, parts)
	if err != nil {
		return protocol.Upload{}, err
	}
	if hex.EncodeToString(sum) != sha256Hex {
		return protocol.Upload{}, apperr.New(protocol.CodeDigestMismatch, "the parts held do not make a ciphertext with that SHA-256; it is not complete")
	}
	now := s.now()
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CompleteBlob(ctx, id, sha256Hex, now); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(p, audit.FileUpload, id, map[string]any{"size": b.Size, "parts": b.Parts}))
	})
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Upload{}, errNoUpload(err) // cancelled or expired meanwhile
	}
	if err != nil {
		return protocol.Upload{}, fmt.Errorf("files: complete: %w", err)
	}
	b.SHA256, b.CompletedAt = sha256Hex, now
	return toUpload(b, parts), nil
}

// missingParts lists the parts of b not recorded (or recorded with another size, which
// only a change of part size could make).
func missingParts(b store.Blob, parts []store.BlobPart) []int {
	have := make(map[int]bool, len(parts))
	for _, p := range parts {
		if p.Part < b.Parts && p.Size == partSize(b, p.Part) {
			have[p.Part] = true
		}
	}
	var missing []int
	for n := range b.Parts {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	return missing
}

// incomplete names the missing parts (the first 20; GET /uploads/{id} has them all).
func incomplete(missing []int, parts int) error {
	shown := missing[:min(len(missing), 20)]
	list := make([]string, len(shown))
	for i, n := range shown {
		list[i] = strconv.Itoa(n)
	}
	more := ""
	if len(missing) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
	}
	e := apperr.New(protocol.CodeUploadIncomplete, "%d of %d parts are missing: %s%s", len(missing), parts, strings.Join(list, ", "), more)
	e.Field = "parts"
	return e
}

// hashBuffers are the read-back buffers: large reads keep the disk and SHA-256 busy,
// pooled so that concurrent completions do not each allocate one.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// wholeHash reads the blob back from the store in order through a SHA-256, from where
// the upload's worker stopped if every part it hashed is still recorded with the digest
// it hashed it under (parts lists every part, in order). A part the store does not have
// after all is forgotten, so the answer names it and the client sends it again.
func (s *Service) wholeHash(ctx context.Context, b store.Blob, parts []store.BlobPart) ([]byte, error) {
	h, from := sha256.New(), 0
	if ph, labels, ok := s.pre.take(b.ID); ok && labelsMatch(labels, parts) {
		h, from = ph, len(labels)
	}
	if from == b.Parts {
		return h.Sum(nil), nil
	}
	offset := int64(from) * protocol.FilePartSize
	r, err := s.blobs.OpenRange(ctx, b.ID, offset, b.Size-offset)
	if err == nil {
		buf := hashBuffers.Get().(*[]byte)
		_, err = io.CopyBuffer(h, r, *buf)
		hashBuffers.Put(buf)
		r.Close()
		if err == nil {
			return h.Sum(nil), nil
		}
	}
	if !errors.Is(err, blob.ErrNotFound) {
		return nil, storageErr("read an upload back", err)
	}
	var lost []int
	for n := range b.Parts {
		size, serr := s.blobs.StatPart(ctx, b.ID, n)
		if errors.Is(serr, blob.ErrNotFound) || (serr == nil && size != partSize(b, n)) {
			lost = append(lost, n)
			if derr := s.store.DeleteBlobPart(ctx, b.ID, n); derr != nil {
				return nil, fmt.Errorf("files: forget a lost part: %w", derr)
			}
		} else if serr != nil {
			return nil, storageErr("look for a lost part", serr)
		}
	}
	if len(lost) == 0 {
		return nil, fmt.Errorf("files: read an upload back: %w", err)
	}
	s.log.Warn("parts recorded but missing from the blob store", "blob_id", b.ID, "parts", lost)
	return nil, incomplete(lost, b.Parts)
}

// labelsMatch reports whether the parts a worker hashed are recorded with the digests
// it hashed them under.
func labelsMatch(labels []string, parts []store.BlobPart) bool {
	if len(labels) > len(parts) {
		return false
	}
	for i, l := range labels {
		if parts[i].Part != i || parts[i].SHA256 != l {
			return false
		}
	}
	return true
}

// Cancel removes the caller's upload that was never attached (audited as
// file.upload_cancel): first it is marked cancelled, so nothing more is recorded for it
// and it is gone for every reader; then its bytes and its row are removed. If the blob
// store cannot be reached, the sweeper finishes the removal; the cancel stands.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	unlock := s.locks.write(id)
	defer unlock()
	b, err := s.ownUpload(ctx, p, id)
	if err != nil {
		return err
	}
	if !b.AttachedAt.IsZero() {
		return apperr.New(protocol.CodeConflict, "the file was sent; it can no longer be cancelled")
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CancelBlob(ctx, id); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, event(p, audit.FileUploadCancel, id, map[string]any{"size": b.Size, "complete": b.Complete()}))
	})
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(protocol.CodeConflict, "the file was sent; it can no longer be cancelled")
	}
	if err != nil {
		return fmt.Errorf("files: cancel: %w", err)
	}
	s.pre.drop(id)
	if err := s.remove(ctx, id); err != nil {
		s.log.Warn("cancelled upload left for the sweeper", "blob_id", id, "err", err)
	}
	return nil
}

// remove deletes an unattached blob: its bytes first, then its row, so that a failure
// between the two leaves a row the sweeper finds, never bytes nothing points to.
func (s *Service) remove(ctx context.Context, id string) error {
	if err := s.blobs.Delete(ctx, id); err != nil {
		return err
	}
	return s.store.DeleteBlob(ctx, id)
}

// digestReader passes exactly size bytes through a SHA-256. The read that delivers the
// last byte compares the sum with want and, on a mismatch, fails instead of ending, so
// the blob store drops the part rather than placing it.
type digestReader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
	left int64

	mismatch, short, verified bool
	bodyErr                   error // the body could not be read (the client went, or stalled)
}

var errDigestMismatch = errors.New("files: the part does not match its digest")

func newDigestReader(r io.Reader, size int64, want []byte) *digestReader {
	return &digestReader{r: r, h: sha256.New(), want: want, left: size}
}

func (d *digestReader) Read(p []byte) (int, error) {
	switch {
	case d.mismatch:
		return 0, errDigestMismatch
	case d.left == 0:
		return 0, io.EOF
	}
	if int64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.left -= int64(n)
	if d.left == 0 {
		if !bytes.Equal(d.h.Sum(nil), d.want) {
			d.mismatch = true
			return n, errDigestMismatch
		}
		d.verified = true
		return n, io.EOF
	}
	switch {
	case err == io.EOF:
		d.short = true
		return n, io.ErrUnexpectedEOF
	case err != nil:
		d.bodyErr = err
	}
	return n, err
}

// blobLocks serialise, per blob and on this node, completion and cancellation against
// parts in flight (parts among themselves run in parallel).
type blobLocks struct {
	mu sync.Mutex
	m  map[string]*blobLock
}

type blobLock struct {
	sync.RWMutex
	users int
}

func (l *blobLocks) take(id string) *blobLock {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := l.m[id]
	if k == nil {
		k = &blobLock{}
		l.m[id] = k
	}
	k.users++
	return k
}

func (l *blobLocks) release(id string, k *blobLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k.users--; k.users == 0 {
		delete(l.m, id)
	}
}

func (l *blobLocks) read(id string) func() {
	k := l.take(id)
	k.RLock()
	return func() { k.RUnlock(); l.release(id, k) }
}

func (l *blobLocks) write(id string) func() {
	k := l.take(id)
	k.Lock()
	return func() { k.Unlock(); l.release(id, k) }
}
