package blob

import (
	"bytes"
	"context"
	"io"
	"testing"

	"govchat/protocol"
)

// benchStores runs a benchmark on the local folder (t.TempDir, so the disk under /tmp)
// and on S3 (versitygw on the loopback, over a folder on the same disk).
func benchStores(b *testing.B, bench func(b *testing.B, s Store)) {
	b.Run("local", func(b *testing.B) {
		s, err := NewLocal(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		bench(b, s)
	})
	b.Run("s3", func(b *testing.B) { bench(b, newS3(b)) })
}

// BenchmarkPutPart stores 4 MiB parts (the local store syncs each to disk).
func BenchmarkPutPart(b *testing.B) {
	body := randomBytes(protocol.FilePartSize)
	benchStores(b, func(b *testing.B, s Store) {
		ctx := context.Background()
		b.SetBytes(protocol.FilePartSize)
		for i := 0; b.Loop(); i++ {
			if err := s.PutPart(ctx, testID, i%64, bytes.NewReader(body), protocol.FilePartSize); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenRange reads 4 MiB ranges that start half-way into a part, so each
// spans two parts, as a download's Range requests may.
func BenchmarkOpenRange(b *testing.B) {
	const parts = 16
	body := randomBytes(protocol.FilePartSize)
	benchStores(b, func(b *testing.B, s Store) {
		ctx := context.Background()
		for n := range parts {
			if err := s.PutPart(ctx, testID, n, bytes.NewReader(body), protocol.FilePartSize); err != nil {
				b.Fatal(err)
			}
		}
		buf := make([]byte, 256<<10)
		b.SetBytes(protocol.FilePartSize)
		for i := 0; b.Loop(); i++ {
			off := int64(i%(parts-1))*protocol.FilePartSize + protocol.FilePartSize/2
			r, err := s.OpenRange(ctx, testID, off, protocol.FilePartSize)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.CopyBuffer(io.Discard, r, buf); err != nil || n != protocol.FilePartSize {
				b.Fatalf("read %d bytes: %v", n, err)
			}
			r.Close()
		}
	})
}
