package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// ErrQuota is CreateBlob's refusal: the uploader's blobs plus the new one would exceed
// the quota it was given. Nothing was created.
var ErrQuota = errors.New("store: storage quota exceeded")

// Blob is an upload of ciphertext (protocol/E2E.md): who sent how many bytes in how many
// parts, and whether it is complete and sent anywhere. The bytes are in the blob store
// (internal/blob) under the same id; names, types and real sizes are inside them.
type Blob struct {
	ID          string // 32 lowercase hex digits of 16 random bytes, made by CreateBlob
	UploaderID  int64
	Size        int64 // ciphertext bytes
	Parts       int   // ⌈Size / protocol.FilePartSize⌉
	SHA256      string
	CreatedAt   time.Time
	CompletedAt time.Time // zero until every part arrived and the whole hash matched
	AttachedAt  time.Time // first sent in a message or notice; zero while never
	// ExpiresAt is when the sweeper removes the blob unless it was attached by then. A
	// cancelled upload expires at once (zero): it is gone for every reader and writer,
	// and a sweep finishes removing it if the cancel could not.
	ExpiresAt time.Time
}

// Complete reports whether every part arrived and the whole hash was checked.
func (b Blob) Complete() bool { return !b.CompletedAt.IsZero() }

// Live reports whether the blob is still there for its uploader at now: attached, or
// neither cancelled nor past its expiry.
func (b Blob) Live(now time.Time) bool { return !b.AttachedAt.IsZero() || b.ExpiresAt.After(now) }

// BlobPart is one part the blob store holds, as its uploader's digest vouched for it.
type BlobPart struct {
	BlobID string
	Part   int // 0-based
	Size   int64
	SHA256 string // lowercase hex
}

// Files keeps the uploads of end-to-end encrypted files: the blobs, their parts, and who
// may read them (the blob_refs rows are written with the messages and notices that
// carry a blob).
type Files interface {
	// CreateBlob adds b (ID, CreatedAt set here; CompletedAt and AttachedAt ignored)
	// unless quota > 0 and the uploader's bytes in use plus b.Size exceed it: then
	// ErrQuota. The check and the insert are one step, so two uploads started at once
	// cannot both squeeze under the quota.
	CreateBlob(ctx context.Context, b *Blob, quota int64) error
	// GetBlob returns a blob; ErrNotFound when there is none (cancelled ones included
	// until removed: see Blob.Live).
	GetBlob(ctx context.Context, id string) (Blob, error)
	// PutBlobPart records a part the blob store now holds, replacing an earlier record
	// of the same part. ErrNotFound, and nothing recorded, unless the blob is still being
	// uploaded at now: not complete, not attached, not expired or cancelled.
	PutBlobPart(ctx context.Context, p BlobPart, now time.Time) error
	// DeleteBlobPart forgets a part the blob store turned out not to hold, so its
	// uploader is asked for it again; no error when it was not recorded.
	DeleteBlobPart(ctx context.Context, blobID string, part int) error
	// ListBlobParts lists the parts recorded, by part number.
	ListBlobParts(ctx context.Context, blobID string) ([]BlobPart, error)
	// CompleteBlob records the whole ciphertext's hash and completion at `at`.
	// ErrNotFound unless the blob is still being uploaded at `at` (see PutBlobPart).
	CompleteBlob(ctx context.Context, id, sha256 string, at time.Time) error
	// CancelBlob marks an unattached blob expired now (ExpiresAt zero), so nothing more
	// is recorded for it and the sweeper removes whatever a failed cancel leaves.
	// ErrNotFound when there is no such blob or it is attached.
	CancelBlob(ctx context.Context, id string) error
	// DeleteBlob removes an unattached blob's row and its parts' records (the bytes are
	// the blob store's: delete them first). ErrNotFound when there is no such blob or it
	// is attached.
	DeleteBlob(ctx context.Context, id string) error
	// BlobBytesInUse is the size of every blob of the uploader not yet removed, complete
	// or not, attached or not: what counts against the quota.
	BlobBytesInUse(ctx context.Context, uploaderID int64) (int64, error)
	// ListExpiredBlobs lists up to limit unattached blobs whose ExpiresAt is not after
	// now, those expired longest first: the sweeper's work.
	ListExpiredBlobs(ctx context.Context, now time.Time, limit int) ([]Blob, error)
	// CanReadBlob reports whether userID may download the blob: its uploader; a member
	// of a channel holding a message, not recalled, that carries it; a recipient of a
	// notice, not withdrawn, that carries it. Membership is read as it is now, so a
	// removed member loses access at once.
	CanReadBlob(ctx context.Context, userID int64, blobID string) (bool, error)
}

const blobCols = `id, uploader_id, size, parts, sha256, created_at, completed_at, attached_at, expires_at`

func scanBlob(row scanner) (Blob, error) {
	var b Blob
	var created, completed, attached, expires int64
	if err := row.Scan(&b.ID, &b.UploaderID, &b.Size, &b.Parts, &b.SHA256, &created, &completed, &attached, &expires); err != nil {
		return Blob{}, err
	}
	b.CreatedAt, b.CompletedAt, b.AttachedAt, b.ExpiresAt = fromMillis(created), fromMillis(completed), fromMillis(attached), fromMillis(expires)
	return b, nil
}

// newBlobID is 16 bytes from crypto/rand as lowercase hex: unguessable, so an id alone
// lets nobody find a blob, and made only of characters that can never name a path.
func newBlobID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: blob id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// CreateBlob implements Files.
func (s *DB) CreateBlob(ctx context.Context, b *Blob, quota int64) error {
	id, err := newBlobID()
	if err != nil {
		return err
	}
	created := s.stamp(b.CreatedAt)
	err = s.inTx(ctx, func(tx *DB) error {
		// Lock the uploader's row (PostgreSQL; SQLite's transaction already holds the
		// write lock), so one person's concurrent creates see each other's sizes.
		var one int64
		if err := tx.queryRow(ctx, `SELECT id FROM users WHERE id = ?`+tx.d.rowLock, b.UploaderID).Scan(&one); err != nil {
			return err
		}
		if quota > 0 {
			used, err := tx.BlobBytesInUse(ctx, b.UploaderID)
			if err != nil {
				return err
			}
			if used+b.Size > quota {
				return ErrQuota
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO blobs (id, uploader_id, size, parts, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, b.UploaderID, b.Size, b.Parts, toMillis(created), toMillis(b.ExpiresAt))
		return err
	})
	if errors.Is(err, ErrQuota) {
		return fmt.Errorf("store: create blob of user %d: %w", b.UploaderID, ErrQuota)
	}
	if err != nil {
		return s.fail(err, "create blob of user %d", b.UploaderID)
	}
	b.ID, b.CreatedAt, b.SHA256, b.CompletedAt, b.AttachedAt = id, created, "", time.Time{}, time.Time{}
	b.ExpiresAt = fromMillis(toMillis(b.ExpiresAt))
	return nil
}

// GetBlob implements Files.
func (s *DB) GetBlob(ctx context.Context, id string) (Blob, error) {
	b, err := scanBlob(s.queryRow(ctx, `SELECT `+blobCols+` FROM blobs WHERE id = ?`, id))
	if err != nil {
		return Blob{}, s.fail(err, "get blob")
	}
	return b, nil
}

// uploading is the condition on blobs under which parts and completion may still be
// recorded; its one parameter is now in milliseconds.
const uploading = `completed_at = 0 AND attached_at = 0 AND expires_at > ?`

// PutBlobPart implements Files. The condition on the blob and the write are one
// statement, so a part cannot be recorded for a blob cancelled or completed meanwhile.
func (s *DB) PutBlobPart(ctx context.Context, p BlobPart, now time.Time) error {
	err := s.execOne(ctx, `INSERT INTO blob_parts (blob_id, part, size, sha256)
		SELECT id, ?, ?, ? FROM blobs WHERE id = ? AND `+uploading+`
		ON CONFLICT (blob_id, part) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256`,
		p.Part, p.Size, p.SHA256, p.BlobID, toMillis(now))
	if err != nil {
		return s.fail(err, "record part %d of a blob", p.Part)
	}
	return nil
}

// DeleteBlobPart implements Files.
func (s *DB) DeleteBlobPart(ctx context.Context, blobID string, part int) error {
	if _, err := s.exec(ctx, `DELETE FROM blob_parts WHERE blob_id = ? AND part = ?`, blobID, part); err != nil {
		return s.fail(err, "forget part %d of a blob", part)
	}
	return nil
}

// ListBlobParts implements Files.
func (s *DB) ListBlobParts(ctx context.Context, blobID string) ([]BlobPart, error) {
	rows, err := s.query(ctx, `SELECT blob_id, part, size, sha256 FROM blob_parts WHERE blob_id = ? ORDER BY part`, blobID)
	if err != nil {
		return nil, s.fail(err, "list parts of a blob")
	}
	defer rows.Close()
	var out []BlobPart
	for rows.Next() {
		var p BlobPart
		if err := rows.Scan(&p.BlobID, &p.Part, &p.Size, &p.SHA256); err != nil {
			return nil, s.fail(err, "list parts of a blob")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list parts of a blob")
	}
	return out, nil
}

// CompleteBlob implements Files.
func (s *DB) CompleteBlob(ctx context.Context, id, sha256 string, at time.Time) error {
	at = s.stamp(at)
	err := s.execOne(ctx, `UPDATE blobs SET sha256 = ?, completed_at = ? WHERE id = ? AND `+uploading,
		sha256, toMillis(at), id, toMillis(at))
	if err != nil {
		return s.fail(err, "complete a blob")
	}
	return nil
}

// CancelBlob implements Files.
func (s *DB) CancelBlob(ctx context.Context, id string) error {
	if err := s.execOne(ctx, `UPDATE blobs SET expires_at = 0 WHERE id = ? AND attached_at = 0`, id); err != nil {
		return s.fail(err, "cancel a blob")
	}
	return nil
}

// DeleteBlob implements Files; the parts' records go with the row (ON DELETE CASCADE).
func (s *DB) DeleteBlob(ctx context.Context, id string) error {
	if err := s.execOne(ctx, `DELETE FROM blobs WHERE id = ? AND attached_at = 0`, id); err != nil {
		return s.fail(err, "delete a blob")
	}
	return nil
}

// BlobBytesInUse implements Files (the blobs_by_uploader index).
func (s *DB) BlobBytesInUse(ctx context.Context, uploaderID int64) (int64, error) {
	var n int64
	if err := s.queryRow(ctx, `SELECT coalesce(sum(size), 0) FROM blobs WHERE uploader_id = ?`, uploaderID).Scan(&n); err != nil {
		return 0, s.fail(err, "bytes in use by user %d", uploaderID)
	}
	return n, nil
}

// ListExpiredBlobs implements Files (the partial index blobs_unattached).
func (s *DB) ListExpiredBlobs(ctx context.Context, now time.Time, limit int) ([]Blob, error) {
	rows, err := s.query(ctx, `SELECT `+blobCols+` FROM blobs WHERE attached_at = 0 AND expires_at <= ? ORDER BY expires_at, id LIMIT ?`,
		toMillis(now), limit)
	if err != nil {
		return nil, s.fail(err, "list expired blobs")
	}
	defer rows.Close()
	var out []Blob
	for rows.Next() {
		b, err := scanBlob(rows)
		if err != nil {
			return nil, s.fail(err, "list expired blobs")
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list expired blobs")
	}
	return out, nil
}

// readableBlob is the one condition that the user of its five parameters
// (readableArgs) may read blob b: they uploaded it; a reference names a channel they
// are a member of and a message there that is not recalled; it names an active notice
// they received; or it names a collection answer of their unit, or to a collection
// they wrote (the file's key is wrapped to the author: PROTOCOL.md §4.21). Each
// branch is an indexed lookup and EXISTS stops at the first row. Downloads
// (CanReadBlob) and the file keys a person is given (ListMyFileKeys) both use it.
const readableBlob = `(b.uploader_id = ?
	OR EXISTS (SELECT 1 FROM blob_refs r
		JOIN channel_members cm ON cm.channel_id = r.channel_id AND cm.user_id = ?
		JOIN messages m ON m.channel_id = r.channel_id AND m.seq = r.seq AND m.recalled_at = 0
		WHERE r.blob_id = b.id AND r.channel_id > 0)
	OR EXISTS (SELECT 1 FROM blob_refs r
		JOIN notice_recipients nr ON nr.notice_id = r.notice_id AND nr.user_id = ?
		JOIN notices n ON n.id = r.notice_id AND n.status = 'active'
		WHERE r.blob_id = b.id AND r.notice_id > 0)
	OR EXISTS (SELECT 1 FROM collection_blob_refs cr
		JOIN collections c ON c.id = cr.collection_id
		LEFT JOIN collection_recipients cu ON cu.collection_id = cr.collection_id
			AND cu.unit_dept = cr.unit_dept AND cu.unit_user = cr.unit_user AND cu.user_id = ?
		WHERE cr.blob_id = b.id AND (c.author_id = ? OR cu.user_id IS NOT NULL)))`

// readableArgs are readableBlob's parameters for userID.
func readableArgs(userID int64) []any { return []any{userID, userID, userID, userID, userID} }

// CanReadBlob implements Files: readableBlob for one blob; false for none.
func (s *DB) CanReadBlob(ctx context.Context, userID int64, blobID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM blobs b WHERE b.id = ? AND `+readableBlob, append([]any{blobID}, readableArgs(userID)...)...).Scan(&n)
	if err != nil {
		return false, s.fail(err, "may user %d read a blob", userID)
	}
	return n > 0, nil
}
