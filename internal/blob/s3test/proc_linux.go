package s3test

import (
	"os/exec"
	"syscall"
)

// setDeathSignal ends the gateway if the test binary dies without stopping it (a
// panic, a test timeout), so no server outlives its tests.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
