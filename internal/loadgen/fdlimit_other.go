//go:build !unix

package loadgen

// FDLimit is the process's open-file limit after RaiseFDLimit.
type FDLimit struct {
	Soft, Hard uint64
	Known      bool
}

// RaiseFDLimit does nothing where there is no RLIMIT_NOFILE; the limit is unknown.
func RaiseFDLimit(want uint64) (FDLimit, error) { return FDLimit{}, nil }
