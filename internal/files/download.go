package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/blob"
	"govchat/internal/store"
	"govchat/protocol"
)

// downloadAuditWindow: a person's downloads of one blob within this long of the one
// audited are not audited again. A streaming client fetches a large file as many ranges,
// and a channel's thumbnails are fetched again as people scroll; one entry a minute
// still says who fetched which blob, and when.
const downloadAuditWindow = time.Minute

// EscrowReadWindow is how long after the security officer opened a file for a case
// (POST /files/{id}/escrow-open, PROTOCOL.md §4.17) they may download its ciphertext
// without being one of its readers: long enough to find the escrow key file and start
// the download, short enough that an open is a case's act, not standing access. A
// download begun within it runs to the end; resuming later takes another open.
const EscrowReadWindow = 30 * time.Minute

// Download is a blob the caller may download, and why.
type Download struct {
	store.Blob
	// Escrow: the caller is the security officer who opened it for a case within
	// EscrowReadWindow, not one of its readers.
	Escrow bool
}

// Readable returns the blob the caller may download: they uploaded it, or it was sent
// to a channel they are in or in a notice they received (store.CanReadBlob), or they are
// the security officer and opened it for a case within EscrowReadWindow (the audit
// trail's file.escrow_open entry is the grant, so it holds on every node and cannot
// exist without its record). Anything else answers not_found, alike for a blob that
// does not exist, so nobody learns of one they may not read. A blob whose upload is not
// complete answers upload_incomplete.
func (s *Service) Readable(ctx context.Context, p auth.Principal, id string) (Download, error) {
	if err := checkID(id); err != nil {
		return Download{}, err
	}
	ok, err := s.store.CanReadBlob(ctx, p.User.ID, id)
	if err != nil {
		return Download{}, fmt.Errorf("files: may read: %w", err)
	}
	escrow := false
	if !ok && authz.Can(p.User.Role, authz.OpenEscrow) {
		ok, err = s.store.HasAudit(ctx, store.AuditMatch{ActorID: p.User.ID, Action: audit.FileEscrowOpen, TargetType: "blob",
			TargetID: id, Outcome: audit.OK, Since: s.now().Add(-EscrowReadWindow)})
		if err != nil {
			return Download{}, fmt.Errorf("files: opened for a case: %w", err)
		}
		escrow = ok
	}
	if !ok {
		return Download{}, apperr.New(protocol.CodeNotFound, "no such file")
	}
	b, err := s.store.GetBlob(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Download{}, &apperr.Error{Code: protocol.CodeNotFound, Message: "no such file", Err: err}
	case err != nil:
		return Download{}, fmt.Errorf("files: get blob: %w", err)
	case !b.Live(s.now()):
		return Download{}, apperr.New(protocol.CodeNotFound, "no such file")
	case !b.Complete():
		return Download{}, apperr.New(protocol.CodeUploadIncomplete, "the upload of this file is not complete")
	}
	return Download{Blob: b, Escrow: escrow}, nil
}

// Open streams r of a blob Readable returned, and records the download (file.download:
// the blob, its size, the range's start and length, whether it is the whole, and
// escrow when the security officer downloads it under an escrow open) unless the same
// person's download of the same blob was recorded within the last minute. The entry is
// written before the first byte goes out; if the trail cannot take it, the download is
// refused.
func (s *Service) Open(ctx context.Context, p auth.Principal, b Download, r Range) (io.ReadCloser, error) {
	body, err := s.blobs.OpenRange(ctx, b.ID, r.Start, r.Length)
	if errors.Is(err, blob.ErrNotFound) {
		// Recorded complete, yet the store has no bytes: lost behind the server's back.
		return nil, fmt.Errorf("files: blob %s is complete but missing from the blob store: %w", b.ID, err)
	}
	if err != nil {
		return nil, storageErr("open a blob", err)
	}
	key := strconv.FormatInt(p.User.ID, 10) + "/" + b.ID
	if s.downloads.first(key, s.now()) {
		detail := map[string]any{"size": b.Size, "offset": r.Start, "length": r.Length, "whole": r.Start == 0 && r.Length == b.Size}
		if b.Escrow {
			detail["escrow"] = true
		}
		if err := s.audit.Record(ctx, event(p, audit.FileDownload, b.ID, detail)); err != nil {
			s.downloads.forget(key)
			body.Close()
			return nil, fmt.Errorf("files: audit a download: %w", err)
		}
	}
	return body, nil
}

// recent remembers keys seen within a window, for at most max keys: when full, the
// expired ones go, and if none has expired all go (an extra audit entry is the price of
// a bounded map, never a missed one beyond the window).
type recent struct {
	window time.Duration
	max    int
	mu     sync.Mutex
	seen   map[string]time.Time
}

func newRecent(window time.Duration, max int) *recent {
	return &recent{window: window, max: max, seen: map[string]time.Time{}}
}

// first reports whether key was not seen within the window before now, and marks it.
func (r *recent) first(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at, ok := r.seen[key]; ok && now.Sub(at) < r.window && !now.Before(at) {
		return false
	}
	if len(r.seen) >= r.max {
		for k, at := range r.seen {
			if now.Sub(at) >= r.window {
				delete(r.seen, k)
			}
		}
		if len(r.seen) >= r.max {
			clear(r.seen)
		}
	}
	r.seen[key] = now
	return true
}

func (r *recent) forget(key string) {
	r.mu.Lock()
	delete(r.seen, key)
	r.mu.Unlock()
}
