package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"

	"govchat/protocol"
)

const testID = "0123456789abcdef0123456789abcdef"

func TestLocalRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	whole := make([]byte, 2*protocol.FilePartSize+1234)
	rand.Read(whole)
	for n := 0; n*protocol.FilePartSize < len(whole); n++ {
		part := whole[n*protocol.FilePartSize : min(len(whole), (n+1)*protocol.FilePartSize)]
		if err := s.PutPart(ctx, testID, n, bytes.NewReader(part), int64(len(part))); err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
	}
	if size, err := s.StatPart(ctx, testID, 2); err != nil || size != 1234 {
		t.Fatalf("StatPart(2) = %d, %v", size, err)
	}
	cases := []struct{ off, n int64 }{
		{0, int64(len(whole))}, {0, 10}, {protocol.FilePartSize - 5, 10}, {int64(len(whole)) - 1, 1}, {17, 2 * protocol.FilePartSize},
	}
	for _, c := range cases {
		r, err := s.OpenRange(ctx, testID, c.off, c.n)
		if err != nil {
			t.Fatalf("OpenRange(%d, %d): %v", c.off, c.n, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, whole[c.off:c.off+c.n]) {
			t.Fatalf("OpenRange(%d, %d): %d bytes, %v; want the blob's bytes", c.off, c.n, len(got), err)
		}
	}
	if err := s.Delete(ctx, testID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StatPart(ctx, testID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, testID); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestLocalRefuses(t *testing.T) {
	ctx := context.Background()
	s, _ := NewLocal(t.TempDir())
	for _, id := range []string{"", "../../etc/passwd", strings.Repeat("A", 32), strings.Repeat("a", 31) + "/", strings.Repeat("g", 32)} {
		if err := s.PutPart(ctx, id, 0, strings.NewReader("x"), 1); err == nil {
			t.Errorf("PutPart(%q) stored it", id)
		}
	}
	// A body shorter or longer than declared stores nothing.
	for _, body := range []string{"abc", "abcdef"} {
		if err := s.PutPart(ctx, testID, 0, strings.NewReader(body), 4); !errors.Is(err, ErrShortBody) {
			t.Errorf("body %q for 4 bytes: %v, want ErrShortBody", body, err)
		}
		if _, err := s.StatPart(ctx, testID, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("body %q: a part was left behind (%v)", body, err)
		}
	}
	if _, err := s.OpenRange(ctx, testID, 0, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("OpenRange of nothing: %v, want ErrNotFound", err)
	}
}
