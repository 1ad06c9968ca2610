package files_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/blob"
	"govchat/internal/files"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// gatedBlobs holds every PutPart at its start until the test lets it go, so a test can
// act while a part is in flight.
type gatedBlobs struct {
	blob.Store
	entered chan struct{}
	release chan struct{}
}

func (g *gatedBlobs) PutPart(ctx context.Context, id string, n int, body io.Reader, size int64) error {
	g.entered <- struct{}{}
	<-g.release
	return g.Store.PutPart(ctx, id, n, body, size)
}

func newService(t *testing.T, s store.Store, blobs blob.Store) *files.Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return files.New(files.Deps{
		Store: store.Narrow(s, func(tx store.Store) files.Tx { return tx }),
		Blobs: blobs, Audit: audit.New(s, time.Now, log), Log: log, Now: time.Now,
	}, files.Limits{MaxFileSize: protocol.DefaultMaxFileSize})
}

func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCancelWhileAPartIsInFlight: a part that is streaming when its upload is cancelled
// leaves nothing behind, whether the cancel comes through the same node (it waits for
// the part, then removes it) or another (the part, refused when it is recorded, removes
// its own bytes).
func TestCancelWhileAPartIsInFlight(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		u := store.User{Username: "zhangjing", DisplayName: "张静", Role: store.RoleStaff}
		if err := s.CreateUser(t.Context(), &u); err != nil {
			t.Fatal(err)
		}
		p := auth.Principal{User: u}
		part := bytes.Repeat([]byte("密文"), 1000)
		sum := sha256.Sum256(part)

		for _, sameNode := range []bool{true, false} {
			dir := t.TempDir()
			local, err := blob.NewLocal(dir)
			if err != nil {
				t.Fatal(err)
			}
			gated := &gatedBlobs{Store: local, entered: make(chan struct{}), release: make(chan struct{})}
			a := newService(t, s, gated)
			b := a
			if !sameNode {
				b = newService(t, s, local)
			}
			up, err := a.Create(t.Context(), p, int64(len(part)))
			if err != nil {
				t.Fatal(err)
			}
			putErr := make(chan error, 1)
			go func() {
				putErr <- a.PutPart(context.Background(), p, up.ID, files.Part{N: 0, Body: bytes.NewReader(part), Length: int64(len(part)), Digest: sum[:]})
			}()
			<-gated.entered
			cancelErr := make(chan error, 1)
			go func() { cancelErr <- b.Cancel(context.Background(), p, up.ID) }()
			if sameNode {
				select {
				case err := <-cancelErr:
					t.Fatalf("same node: the cancel did not wait for the part in flight (%v)", err)
				case <-time.After(100 * time.Millisecond):
				}
			} else if err := <-cancelErr; err != nil {
				t.Fatalf("other node: cancel: %v", err)
			}
			close(gated.release)
			err = <-putErr
			if sameNode {
				if err != nil {
					t.Fatalf("same node: the part in flight: %v", err)
				}
				if err := <-cancelErr; err != nil {
					t.Fatalf("same node: cancel: %v", err)
				}
			} else if apperr.From(err).Code != protocol.CodeNotFound {
				t.Fatalf("other node: the part in flight: %v, want not_found", err)
			}
			if _, err := s.GetBlob(t.Context(), up.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("same node %v: the row is left: %v", sameNode, err)
			}
			if got := filesIn(t, dir); len(got) != 0 {
				t.Fatalf("same node %v: bytes left behind: %v", sameNode, got)
			}
		}
	})
}

// countingBlobs counts the bytes read out of the store.
type countingBlobs struct {
	blob.Store
	mu   sync.Mutex
	read int64
}

func (c *countingBlobs) OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	r, err := c.Store.OpenRange(ctx, id, offset, length)
	if err != nil {
		return nil, err
	}
	return &countingReader{r, c}, nil
}

func (c *countingBlobs) bytesRead() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read
}

type countingReader struct {
	io.ReadCloser
	c *countingBlobs
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.c.mu.Lock()
	r.c.read += int64(n)
	r.c.mu.Unlock()
	return n, err
}

// TestCompletionReadsBack: the whole hash is of what the store holds, read back once —
// mostly while the parts arrive — and a part sent again with other bytes after it was
// hashed sends completion back to reading it all.
func TestCompletionReadsBack(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		u := store.User{Username: "zhangjing", DisplayName: "张静", Role: store.RoleStaff}
		if err := s.CreateUser(t.Context(), &u); err != nil {
			t.Fatal(err)
		}
		p := auth.Principal{User: u}
		local, err := blob.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		counted := &countingBlobs{Store: local}
		svc := newService(t, s, counted)
		t.Cleanup(svc.Close)
		data := make([]byte, 3*protocol.FilePartSize-5)
		rand.Read(data)
		part := func(n int) []byte { return data[n*protocol.FilePartSize : min(len(data), (n+1)*protocol.FilePartSize)] }
		put := func(id string, n int, body []byte) {
			t.Helper()
			sum := sha256.Sum256(body)
			if err := svc.PutPart(t.Context(), p, id, files.Part{N: n, Body: bytes.NewReader(body), Length: int64(len(body)), Digest: sum[:]}); err != nil {
				t.Fatalf("part %d: %v", n, err)
			}
		}
		whole := func(b []byte) string { sum := sha256.Sum256(b); return hex.EncodeToString(sum[:]) }

		// In order, then out of order: every byte is read back exactly once.
		for _, order := range [][]int{{0, 1, 2}, {2, 0, 1}} {
			before := counted.bytesRead()
			up, err := svc.Create(t.Context(), p, int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range order {
				put(up.ID, n, part(n))
			}
			if _, err := svc.Complete(t.Context(), p, up.ID, whole(data)); err != nil {
				t.Fatalf("order %v: %v", order, err)
			}
			if got := counted.bytesRead() - before; got != int64(len(data)) {
				t.Fatalf("order %v: %d bytes read back, want the %d of the upload once", order, got, len(data))
			}
		}

		// Part 0 is hashed, then replaced by other bytes (a client that is not
		// deterministic, or a malicious one): the hash is of what is there now.
		up, err := svc.Create(t.Context(), p, int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		put(up.ID, 0, part(0))
		put(up.ID, 1, part(1))
		time.Sleep(50 * time.Millisecond) // the worker has hashed part 0
		other := bytes.Clone(part(0))
		other[7] ^= 1
		put(up.ID, 0, other)
		put(up.ID, 2, part(2))
		if _, err := svc.Complete(t.Context(), p, up.ID, whole(data)); apperr.From(err).Code != protocol.CodeDigestMismatch {
			t.Fatalf("completing with the hash of the bytes replaced: %v, want digest_mismatch", err)
		}
		now := append(append(bytes.Clone(other), part(1)...), part(2)...)
		if _, err := svc.Complete(t.Context(), p, up.ID, whole(now)); err != nil {
			t.Fatalf("completing with the hash of what is stored: %v", err)
		}
	})
}
