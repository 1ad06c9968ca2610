// Package blob stores the ciphertext of files (protocol/E2E.md) as numbered parts of
// protocol.FilePartSize bytes: on the local filesystem for the embedded default, or in
// S3-compatible object storage for a cluster. It never sees plaintext and never parses
// what it holds.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"

	"govchat/protocol"
)

// Store holds a blob as numbered parts (protocol.FilePartSize bytes, the last shorter).
type Store interface {
	// PutPart stores part n of blob id from body (exactly size bytes), replacing any
	// earlier copy atomically: a reader never sees half a part.
	PutPart(ctx context.Context, id string, n int, body io.Reader, size int64) error
	// OpenRange reads length bytes from offset of the whole blob (its parts in order).
	OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error)
	// StatPart answers a part's size, or ErrNotFound.
	StatPart(ctx context.Context, id string, n int) (int64, error)
	// Delete removes every part of the blob; no error when there is none.
	Delete(ctx context.Context, id string) error
	// Ping checks that the store can be reached (for /readyz).
	Ping(ctx context.Context) error
}

var (
	// ErrNotFound: no such blob or part.
	ErrNotFound = errors.New("blob: not found")
	// ErrFull: the disk or bucket has no room.
	ErrFull = errors.New("blob: storage full")
	// ErrUnavailable: the store cannot be reached.
	ErrUnavailable = errors.New("blob: storage unavailable")
	// ErrShortBody: the body ended before, or ran past, the size declared.
	ErrShortBody = errors.New("blob: body does not match its declared size")
)

// ValidID reports whether id is a blob id: 32 lowercase hex digits, so it can never name
// a path outside the store.
func ValidID(id string) bool {
	if len(id) != protocol.BlobIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func checkID(id string, n int) error {
	if !ValidID(id) {
		return fmt.Errorf("blob: invalid id")
	}
	if n < 0 {
		return fmt.Errorf("blob: invalid part %d", n)
	}
	return nil
}

// checkSize refuses a part larger than protocol.FilePartSize: OpenRange finds byte
// offsets by dividing by it, so a longer part would hide the next one's first bytes.
func checkSize(size int64) error {
	if size < 0 || size > protocol.FilePartSize {
		return fmt.Errorf("blob: invalid part size %d", size)
	}
	return nil
}

// partSpan maps an offset of the whole blob onto a part and the offset within it.
func partSpan(offset int64) (part int, within int64) {
	return int(offset / protocol.FilePartSize), offset % protocol.FilePartSize
}
