package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Local keeps blobs under a folder: <dir>/<id[:2]>/<id>/<part>. A part is written to a
// temporary file, synced and renamed into place, so a crash leaves either the old part
// or the new one.
type Local struct {
	dir string
}

// NewLocal uses (and creates) dir.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	return &Local{dir: dir}, nil
}

func (l *Local) blobDir(id string) string { return filepath.Join(l.dir, id[:2], id) }

func (l *Local) partPath(id string, n int) string {
	return filepath.Join(l.blobDir(id), strconv.Itoa(n))
}

// PutPart implements Store.
func (l *Local) PutPart(ctx context.Context, id string, n int, body io.Reader, size int64) error {
	if err := checkID(id, n); err != nil {
		return err
	}
	if err := checkSize(size); err != nil {
		return err
	}
	dir := l.blobDir(id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return diskErr("create blob folder", err)
	}
	tmp, err := os.CreateTemp(dir, ".part-*")
	if err != nil {
		return diskErr("create part", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	written, err := io.Copy(tmp, io.LimitReader(ctxReader{ctx, body}, size+1))
	if err != nil {
		return diskErr("write part", err)
	}
	if written != size {
		return ErrShortBody
	}
	if err := tmp.Sync(); err != nil {
		return diskErr("sync part", err)
	}
	if err := tmp.Close(); err != nil {
		return diskErr("close part", err)
	}
	if err := os.Rename(tmp.Name(), l.partPath(id, n)); err != nil {
		return diskErr("place part", err)
	}
	done = true
	return nil
}

// StatPart implements Store.
func (l *Local) StatPart(_ context.Context, id string, n int) (int64, error) {
	if err := checkID(id, n); err != nil {
		return 0, err
	}
	fi, err := os.Stat(l.partPath(id, n))
	if errors.Is(err, os.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, diskErr("stat part", err)
	}
	return fi.Size(), nil
}

// OpenRange implements Store: the parts are opened one after another as the reader
// reaches them.
func (l *Local) OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	if err := checkID(id, 0); err != nil {
		return nil, err
	}
	if offset < 0 || length < 0 {
		return nil, fmt.Errorf("blob: invalid range %d+%d", offset, length)
	}
	part, within := partSpan(offset)
	r := &localRange{l: l, ctx: ctx, id: id, part: part, within: within, left: length}
	// Open the first part now, so a missing blob is an error here and not mid-stream.
	if length > 0 {
		if err := r.next(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

type localRange struct {
	l      *Local
	ctx    context.Context
	id     string
	part   int
	within int64
	left   int64
	f      *os.File
}

func (r *localRange) next() error {
	f, err := os.Open(r.l.partPath(r.id, r.part))
	if errors.Is(err, os.ErrNotExist) {
		return ErrNotFound
	}
	if err != nil {
		return diskErr("open part", err)
	}
	if r.within > 0 {
		if _, err := f.Seek(r.within, io.SeekStart); err != nil {
			f.Close()
			return diskErr("seek part", err)
		}
		r.within = 0
	}
	r.f = f
	return nil
}

func (r *localRange) Read(p []byte) (int, error) {
	for {
		if r.left == 0 {
			return 0, io.EOF
		}
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		if r.f == nil {
			if err := r.next(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		n, err := r.f.Read(p)
		r.left -= int64(n)
		if err == io.EOF {
			r.f.Close()
			r.f = nil
			r.part++
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, diskErr("read part", err)
		}
		return n, nil
	}
}

func (r *localRange) Close() error {
	if r.f != nil {
		err := r.f.Close()
		r.f = nil
		return err
	}
	return nil
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, id string) error {
	if err := checkID(id, 0); err != nil {
		return err
	}
	if err := os.RemoveAll(l.blobDir(id)); err != nil {
		return diskErr("delete blob", err)
	}
	return nil
}

// Ping implements Store: the folder is there and writable.
func (l *Local) Ping(_ context.Context) error {
	f, err := os.CreateTemp(l.dir, ".ping-*")
	if err != nil {
		return diskErr("ping", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// diskErr names what failed and marks a full disk as ErrFull.
func diskErr(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("blob: %s: %w: %w", what, ErrFull, err)
	}
	return fmt.Errorf("blob: %s: %w", what, err)
}

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
