// Package tmpfstest lets a test fill a real disk: the test binary runs the test again in
// a mount namespace of its own (unshare(1); a user namespace too when not root) over a
// small tmpfs, so writes get ENOSPC from the kernel and nothing outside the test sees
// the mount.
package tmpfstest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// dirEnv names the folder the child test process finds its tmpfs mounted on.
const dirEnv = "GOVCHAT_TMPFS_TEST_DIR"

// Run runs body with a folder on a tmpfs of size (mount's size option: "1m", "6m") in a
// child copy of the test binary, and fails t when body fails there. It must be called
// from a top-level test; where the machine allows no namespace, t is skipped.
func Run(t *testing.T, size string, body func(t *testing.T, dir string)) {
	t.Helper()
	if dir := os.Getenv(dirEnv); dir != "" {
		body(t, dir)
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
	script := `mount -t tmpfs -o size=` + size + ` govchat-test "$1" || exit 97; shift; exec "$@"`
	cmd := exec.Command(unshare, flags, "sh", "-c", script, "sh", dir, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), dirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && (exit.ExitCode() == 97 || !strings.Contains(string(out), "=== RUN")) {
		t.Skipf("no mount namespace with a tmpfs here: %s", bytes.TrimSpace(out))
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("on a full disk: %v\n%s", err, out)
	}
}
