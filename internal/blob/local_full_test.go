package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"govchat/internal/tmpfstest"
	"govchat/protocol"
)

// TestLocalDiskFull fills a real 1 MiB disk (tmpfstest), so the write gets ENOSPC from
// the kernel. Where the machine allows no namespace it skips; TestDiskErr still checks
// the mapping.
func TestLocalDiskFull(t *testing.T) {
	tmpfstest.Run(t, "1m", localFull)
}

func localFull(t *testing.T, dir string) {
	ctx := context.Background()
	s, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("an earlier copy")
	if err := s.PutPart(ctx, testID, 0, bytes.NewReader(small), int64(len(small))); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{7}, protocol.FilePartSize)
	for n := range 2 {
		if err := s.PutPart(ctx, testID, n, bytes.NewReader(big), protocol.FilePartSize); !errors.Is(err, ErrFull) {
			t.Fatalf("PutPart(%d) of 4 MiB on a 1 MiB disk: %v, want ErrFull", n, err)
		}
	}
	if got, err := readRange(s, testID, 0, int64(len(small))); err != nil || !bytes.Equal(got, small) {
		t.Fatalf("the earlier copy of part 0: %q, %v", got, err)
	}
	if _, err := s.StatPart(ctx, testID, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("part 1 was left behind (%v)", err)
	}
	// No temporary file holds the space: only the one part is there.
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.Base(p))
		}
		return err
	})
	if fmt.Sprint(files) != "[0]" {
		t.Fatalf("files on the disk: %v, want only part 0", files)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on a full disk: %v", err)
	}
}

func TestDiskErr(t *testing.T) {
	for _, c := range []struct {
		errno syscall.Errno
		full  bool
	}{
		{syscall.ENOSPC, true},
		{syscall.EDQUOT, true},
		// A file-size limit (RLIMIT_FSIZE) is the process's setting, not a full disk:
		// parts are 4 MiB, far below any file system's largest file.
		{syscall.EFBIG, false},
		{syscall.EIO, false},
		{syscall.EACCES, false},
	} {
		err := diskErr("write part", &fs.PathError{Op: "write", Path: "/x", Err: c.errno})
		if errors.Is(err, ErrFull) != c.full {
			t.Errorf("%v: %v; full = %v, want %v", c.errno, err, errors.Is(err, ErrFull), c.full)
		}
		if !errors.Is(err, c.errno) {
			t.Errorf("%v: the cause is lost: %v", c.errno, err)
		}
	}
}
