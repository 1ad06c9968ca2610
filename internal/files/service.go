// Package files is the server side of end-to-end encrypted files (PROTOCOL.md §4.15):
// resumable uploads of ciphertext in 4 MiB parts, each checked against the SHA-256 its
// uploader sent, completion against the whole ciphertext's hash, downloads (whole or a
// range) for whoever may read a blob, the limits, and the sweeper that removes uploads
// never attached to a message or notice. It never sees a key, a name or a plaintext
// byte, and never parses what it stores.
package files

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/blob"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// UploadTTL is how long an upload may stay unattached: the sweeper removes it then.
const UploadTTL = 24 * time.Hour

// Store is the part of the store the Service reads and writes outside a transaction,
// and transactions that see only Tx (store.Narrow makes one).
type Store interface {
	CreateBlob(ctx context.Context, b *store.Blob, quota int64) error
	GetBlob(ctx context.Context, id string) (store.Blob, error)
	PutBlobPart(ctx context.Context, p store.BlobPart, now time.Time) error
	DeleteBlobPart(ctx context.Context, blobID string, part int) error
	ListBlobParts(ctx context.Context, blobID string) ([]store.BlobPart, error)
	CancelBlob(ctx context.Context, id string) error
	DeleteBlob(ctx context.Context, id string) error
	ListExpiredBlobs(ctx context.Context, now time.Time, limit int) ([]store.Blob, error)
	CanReadBlob(ctx context.Context, userID int64, blobID string) (bool, error)
	MaxBlobSecrecy(ctx context.Context, blobID string) (level int, ok bool, err error)
	HasAudit(ctx context.Context, m store.AuditMatch) (bool, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is what changes an upload's state together with its audit entry, so the two commit
// or roll back together.
type Tx interface {
	CompleteBlob(ctx context.Context, id, sha256 string, at time.Time) error
	CancelBlob(ctx context.Context, id string) error
	audit.Appender
}

// Limits are the operator's settings (--max-file-size, --storage-quota,
// --uploads-per-minute; the last is the Limiter's).
type Limits struct {
	// MaxFileSize is the largest file in plaintext bytes; an upload may be up to
	// protocol.CiphertextSize(MaxFileSize) bytes of ciphertext.
	MaxFileSize int64
	// Quota bounds the bytes of one person's uploads not yet removed; 0: none.
	Quota int64
}

// MaxUpload is the largest upload, in ciphertext bytes.
func (l Limits) MaxUpload() int64 { return protocol.CiphertextSize(l.MaxFileSize) }

// Deps are the Service's dependencies.
type Deps struct {
	Store Store
	Blobs blob.Store
	Audit *audit.Recorder
	// Limiter counts uploads begun per person (key "upload:<user id>"); nil: no limit.
	Limiter ratelimit.Allower
	Log     *slog.Logger
	Now     func() time.Time
	// Secrecy is the secrecy ladder, whose download rule a save obeys. Nil: the
	// default ladder.
	Secrecy Ladder
}

// Ladder is the secrecy ladder (internal/secrecy), level 0 first.
type Ladder interface {
	Levels(ctx context.Context) ([]protocol.SecrecyLevel, error)
}

// Service carries out uploads, downloads and the sweep.
type Service struct {
	store   Store
	blobs   blob.Store
	audit   *audit.Recorder
	limiter ratelimit.Allower
	log     *slog.Logger
	now     func() time.Time
	limits  Limits
	secrecy Ladder

	locks     blobLocks
	downloads *recent
	pre       *prehashes
}

// New returns a Service with the given limits.
func New(d Deps, l Limits) *Service {
	return &Service{
		store: d.Store, blobs: d.Blobs, audit: d.Audit, limiter: d.Limiter, log: d.Log, now: d.Now, limits: l, secrecy: d.Secrecy,
		locks: blobLocks{m: map[string]*blobLock{}}, downloads: newRecent(downloadAuditWindow, 10_000),
		pre: newPrehashes(d.Blobs, d.Now),
	}
}

// Close stops the workers that read uploads back as their parts arrive, and waits for
// them.
func (s *Service) Close() { s.pre.close() }

// Limits returns the limits the Service enforces (GET /api/v1/info tells clients).
func (s *Service) Limits() Limits { return s.limits }

// partCount is how many parts an upload of size bytes has.
func partCount(size int64) int {
	return int((size + protocol.FilePartSize - 1) / protocol.FilePartSize)
}

// partSize is the size of part n of a blob: FilePartSize, the last one shorter.
func partSize(b store.Blob, n int) int64 {
	if n == b.Parts-1 {
		return b.Size - int64(n)*protocol.FilePartSize
	}
	return protocol.FilePartSize
}

// checkID refuses an id that is not a blob id (path characters, wrong length or case)
// before it reaches the store or the blob store.
func checkID(id string) error {
	if !blob.ValidID(id) {
		return apperr.BadField("id", "id must be a blob id: %d lowercase hexadecimal digits", protocol.BlobIDLen)
	}
	return nil
}

// errNoUpload answers for an upload that does not exist, is not the caller's, or was
// cancelled or expired — alike, so nobody learns of another person's upload.
func errNoUpload(err error) error {
	return &apperr.Error{Code: protocol.CodeNotFound, Message: "no such upload", Err: err}
}

// ownUpload returns the caller's upload that is still there at now.
func (s *Service) ownUpload(ctx context.Context, p auth.Principal, id string) (store.Blob, error) {
	if err := checkID(id); err != nil {
		return store.Blob{}, err
	}
	b, err := s.store.GetBlob(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Blob{}, errNoUpload(err)
	case err != nil:
		return store.Blob{}, fmt.Errorf("files: get upload: %w", err)
	case b.UploaderID != p.User.ID || !b.Live(s.now()):
		return store.Blob{}, errNoUpload(nil)
	}
	return b, nil
}

// storageErr names what the blob store said: full (507), unreachable (503), or
// anything else (internal, logged).
func storageErr(what string, err error) error {
	switch {
	case errors.Is(err, blob.ErrFull):
		return &apperr.Error{Code: protocol.CodeInsufficientStorage, Message: "the file storage is full; tell the administrator", Err: err}
	case errors.Is(err, blob.ErrUnavailable):
		return &apperr.Error{Code: protocol.CodeUnavailable, Message: "the file storage cannot be reached; try again shortly", Err: err}
	}
	return fmt.Errorf("files: %s: %w", what, err)
}

func event(p auth.Principal, action, blobID string, detail map[string]any) audit.Event {
	return audit.Event{ActorID: p.User.ID, ActorName: p.User.Username, Action: action, TargetType: "blob", TargetID: blobID, Detail: detail}
}

func userKey(id int64) string { return "upload:" + strconv.FormatInt(id, 10) }

// toUpload is the wire form of an upload with the parts the server holds.
func toUpload(b store.Blob, parts []store.BlobPart) protocol.Upload {
	received := make([]int, 0, len(parts))
	for _, p := range parts {
		received = append(received, p.Part)
	}
	return protocol.Upload{
		ID: b.ID, Size: b.Size, PartSize: protocol.FilePartSize, Parts: b.Parts, Received: received,
		Complete: b.Complete(), ExpiresAt: b.ExpiresAt,
	}
}
