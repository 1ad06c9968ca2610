package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"govchat/protocol"
)

// The folder a child test process finds its tmpfs mounted on.
const fullDirEnv = "GOVCHAT_BLOB_TEST_FULL_DIR"

// TestLocalDiskFull fills a real disk: the test binary runs itself again in a mount
// namespace of its own (unshare(1); a user namespace too when not root) over a 1 MiB
// tmpfs, so the write gets ENOSPC from the kernel and nothing outside the test sees
// the mount. Where the machine allows no namespace it skips; TestDiskErr still checks
// the mapping.
func TestLocalDiskFull(t *testing.T) {
	if dir := os.Getenv(fullDirEnv); dir != "" {
		localFull(t, dir)
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare(1) to make a small full disk with")
	}
	dir := t.TempDir()
	flags := "-m"
	if os.Getuid() != 0 {
		flags = "-Urm"
	}
	script := `mount -t tmpfs -o size=1m govchat-test "$1" || exit 97; shift; exec "$@"`
	cmd := exec.Command(unshare, flags, "sh", "-c", script, "sh", dir, os.Args[0], "-test.run=^TestLocalDiskFull$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), fullDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && (exit.ExitCode() == 97 || !strings.Contains(string(out), "=== RUN")) {
		t.Skipf("no mount namespace with a tmpfs here: %s", bytes.TrimSpace(out))
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestLocalDiskFull") {
		t.Fatalf("on a full disk: %v\n%s", err, out)
	}
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
