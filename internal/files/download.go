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
	// Purpose is what the client said it downloads for: protocol.DownloadView (the
	// default) or protocol.DownloadSave, checked by Permit and recorded by Open.
	Purpose string
}

// Permit checks a download's purpose against the file's level and sets it on b. view
// is always allowed to a reader: the browser needs the ciphertext to show the file. save
// is refused with download_not_allowed (audited file.download, outcome denied) when
// the highest level among the messages and notices that carry the blob forbids
// download. An upload not yet sent carries no level. The security officer's download
// under an escrow open is for a case and is not held to the rule.
//
// This binds govchat's clients only: a modified client can save whatever it decrypts
// for "view". The rule keeps honest people from saving by accident, and the trail shows
// who asked for what.
func (s *Service) Permit(ctx context.Context, p auth.Principal, b *Download, purpose string) error {
	switch purpose {
	case "", protocol.DownloadView:
		b.Purpose = protocol.DownloadView
		return nil
	case protocol.DownloadSave:
		b.Purpose = protocol.DownloadSave
	default:
		return apperr.BadField("purpose", "purpose is %s or %s", protocol.DownloadView, protocol.DownloadSave)
	}
	if b.Escrow {
		return nil
	}
	level, ok, err := s.store.MaxBlobSecrecy(ctx, b.ID)
	if err != nil {
		return fmt.Errorf("files: level of blob %s: %w", b.ID, err)
	}
	if !ok {
		return nil
	}
	levels := protocol.DefaultSecrecyLevels()
	if s.secrecy != nil {
		if levels, err = s.secrecy.Levels(ctx); err != nil {
			return fmt.Errorf("files: secrecy levels: %w", err)
		}
	}
	rule := levels[len(levels)-1] // a level outside the ladder gets the strictest
	if level >= 0 && level < len(levels) {
		rule = levels[level]
	}
	if rule.Download {
		return nil
	}
	if err := s.audit.Record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: audit.FileDownload,
		TargetType: "blob", TargetID: b.ID, Outcome: audit.Denied,
		Detail: map[string]any{"purpose": protocol.DownloadSave, "secrecy": level}}); err != nil {
		return fmt.Errorf("files: audit a refused download: %w", err)
	}
	return apperr.New(protocol.CodeDownloadNotAllowed, "this file is %s (level %d): view it in the browser; the original may not be saved", rule.NameEn, level)
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

// Open streams r of a blob Readable returned (and Permit let through), and records the
// download (file.download: the blob, its size, the range's start and length, whether it
// is the whole, its purpose, its level (secrecy) when something carries it, and
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
	purpose := b.Purpose
	if purpose == "" {
		purpose = protocol.DownloadView
	}
	// A save right after a view (or the reverse) is a new entry: the trail says which.
	key := strconv.FormatInt(p.User.ID, 10) + "/" + purpose + "/" + b.ID
	if s.downloads.first(key, s.now()) {
		detail := map[string]any{"size": b.Size, "offset": r.Start, "length": r.Length, "whole": r.Start == 0 && r.Length == b.Size,
			"purpose": purpose}
		if b.Escrow {
			detail["escrow"] = true
		}
		// The file's level (the highest among what carries it), for the console's
		// filters and its off-hours alert (issue 14).
		level, levelled, err := s.store.MaxBlobSecrecy(ctx, b.ID)
		if err != nil {
			s.downloads.forget(key)
			body.Close()
			return nil, fmt.Errorf("files: level of blob %s: %w", b.ID, err)
		}
		if levelled {
			detail["secrecy"] = level
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
