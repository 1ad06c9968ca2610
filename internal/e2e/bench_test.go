package e2e

import (
	"bytes"
	"io"
	"testing"
)

// The throughput of the file format on one core (go test -run '^$' -bench . -benchmem
// ./internal/e2e): AES-256-GCM dominates; allocations stay at one record whatever the
// size.

const benchSize = 64 << 20

func BenchmarkEncrypt64MiB(b *testing.B) {
	content := pattern(benchSize)
	m := Meta{Name: "bench.bin", Type: "application/octet-stream", Size: benchSize}
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		e, err := NewEncryptor(io.Discard, vectorKey(), vectorNonce(), m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Write(content); err != nil {
			b.Fatal(err)
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt64MiB(b *testing.B) {
	m := Meta{Name: "bench.bin", Type: "application/octet-stream", Size: benchSize}
	ct := seal(b, vectorKey(), vectorNonce(), m, pattern(benchSize))
	commitment := commitmentOf(b, vectorKey(), vectorNonce())
	buf := make([]byte, 256<<10)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		d, err := NewDecryptor(bytes.NewReader(ct), vectorKey(), commitment)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{d}, buf); err != nil || n != benchSize {
			b.Fatal(n, err)
		}
	}
}
