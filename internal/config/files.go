package config

import (
	"errors"
	"strconv"
	"strings"
)

// Files: the limits on encrypted files (PROTOCOL.md §4.15).
const (
	defaultMaxFileSize      = 2 << 30  // 2 GiB of plaintext
	defaultStorageQuota     = 20 << 30 // 20 GiB per person
	defaultUploadsPerMinute = 60
	// maxMaxFileSize keeps an upload within 16,384 parts of 4 MiB and its arithmetic far
	// from overflowing.
	maxMaxFileSize = 64 << 30
)

func (c Config) validateFiles(bad func(setting, format string, args ...any)) {
	if c.MaxFileSize < 1 || c.MaxFileSize > maxMaxFileSize {
		bad("max-file-size", "must be between 1 byte and 64GiB, got %s", sizeString(c.MaxFileSize))
	}
	if c.StorageQuota < 0 {
		bad("storage-quota", "must be 0 (none) or a size such as 20GiB, got %s", sizeString(c.StorageQuota))
	}
	if c.UploadsPerMinute < 1 || c.UploadsPerMinute > 10_000 {
		bad("uploads-per-minute", "must be between 1 and 10000, got %d", c.UploadsPerMinute)
	}
}

// sizeValue is a number of bytes, written as a whole number with an optional binary
// unit: 2147483648, 2GiB, 500MiB, 64KiB (KB, MB, GB, TB are read as the binary units too,
// as people write them).
type sizeValue int64

var sizeUnits = []struct {
	suffixes []string
	shift    uint
}{
	{[]string{"TIB", "TB", "T"}, 40},
	{[]string{"GIB", "GB", "G"}, 30},
	{[]string{"MIB", "MB", "M"}, 20},
	{[]string{"KIB", "KB", "K"}, 10},
	{[]string{"B", ""}, 0},
}

func (v *sizeValue) Set(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	for _, u := range sizeUnits {
		for _, suffix := range u.suffixes {
			num, ok := strings.CutSuffix(t, suffix)
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil || n < 0 || n > (1<<62)>>u.shift {
				return errors.New("must be a size such as 2GiB, 500MiB or a number of bytes")
			}
			*v = sizeValue(n << u.shift)
			return nil
		}
	}
	return errors.New("must be a size such as 2GiB, 500MiB or a number of bytes")
}

func (v *sizeValue) String() string { return sizeString(int64(*v)) }

// sizeString writes n in the largest binary unit that divides it.
func sizeString(n int64) string {
	for _, u := range sizeUnits[:4] {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffixes[0][:1] + "iB"
		}
	}
	return strconv.FormatInt(n, 10)
}
