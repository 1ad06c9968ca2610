//go:build unix

package loadgen

import (
	"fmt"
	"syscall"
)

// FDLimit is the process's open-file limit after RaiseFDLimit.
type FDLimit struct {
	Soft, Hard uint64
	Known      bool
}

// RaiseFDLimit lifts RLIMIT_NOFILE so that want descriptors fit: the soft limit up to
// the hard one (always allowed), and the hard one too when want needs it and the
// process may (root or CAP_SYS_RESOURCE). The Go runtime already raises the soft
// limit at start-up; doing it here makes the outcome explicit and reportable.
func RaiseFDLimit(want uint64) (FDLimit, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return FDLimit{}, fmt.Errorf("read the open-file limit: %w", err)
	}
	if want > rl.Max {
		// Allowed only with privilege; without it the hard limit stays and the
		// caller reports that want does not fit.
		up := rl
		up.Cur, up.Max = want, want
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &up) == nil {
			rl = up
		}
	}
	if rl.Cur < rl.Max {
		up := rl
		up.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &up); err != nil {
			return FDLimit{Soft: rl.Cur, Hard: rl.Max, Known: true}, fmt.Errorf("raise the open-file limit: %w", err)
		}
	}
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return FDLimit{}, fmt.Errorf("read the open-file limit: %w", err)
	}
	return FDLimit{Soft: rl.Cur, Hard: rl.Max, Known: true}, nil
}
