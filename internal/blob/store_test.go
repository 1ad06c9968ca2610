package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"govchat/internal/blob/s3test"
	"govchat/protocol"
)

// One versitygw for the package's tests; each test gets its own bucket.
func TestMain(m *testing.M) { s3test.Main(m) }

// newS3 opens an S3 store on a fresh bucket of the test gateway.
func newS3(t testing.TB) *S3 {
	t.Helper()
	srv := s3test.New(t)
	s, err := NewS3(S3Options{Endpoint: srv.Endpoint, Bucket: srv.Bucket, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eachStore runs the same test against every store: the local folder and S3.
func eachStore(t *testing.T, test func(t *testing.T, s Store)) {
	t.Run("local", func(t *testing.T) {
		s, err := NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		test(t, s)
	})
	t.Run("s3", func(t *testing.T) { test(t, newS3(t)) })
}

const otherID = "01abcdefabcdefabcdefabcdefabcdef" // shares testID's folder (01)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// putBlob stores whole as parts of protocol.FilePartSize.
func putBlob(t *testing.T, s Store, id string, whole []byte) {
	t.Helper()
	ctx := context.Background()
	for n := 0; n*protocol.FilePartSize < len(whole); n++ {
		part := whole[n*protocol.FilePartSize : min(len(whole), (n+1)*protocol.FilePartSize)]
		if err := s.PutPart(ctx, id, n, bytes.NewReader(part), int64(len(part))); err != nil {
			t.Fatalf("PutPart(%d): %v", n, err)
		}
	}
}

func readRange(s Store, id string, off, n int64) ([]byte, error) {
	r, err := s.OpenRange(context.Background(), id, off, n)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestStoreRoundTripAcrossParts(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		const P = protocol.FilePartSize
		whole := randomBytes(2*P + 1234)
		putBlob(t, s, testID, whole)
		for n, want := range []int64{P, P, 1234} {
			if size, err := s.StatPart(ctx, testID, n); err != nil || size != want {
				t.Errorf("StatPart(%d) = %d, %v; want %d", n, size, err, want)
			}
		}
		end := int64(len(whole))
		for _, c := range []struct {
			name   string
			off, n int64
		}{
			{"the whole blob", 0, end},
			{"the first bytes", 0, 10},
			{"across the first boundary", P - 5, 10},
			{"the last byte of a part", P - 1, 1},
			{"the first byte of a part", P, 1},
			{"a whole part, exactly", P, P},
			{"across two boundaries", 17, 2 * P},
			{"the last part", 2 * P, 1234},
			{"the last byte", end - 1, 1},
			{"nothing", P, 0},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := readRange(s, testID, c.off, c.n)
				if err != nil || !bytes.Equal(got, whole[c.off:c.off+c.n]) {
					t.Fatalf("OpenRange(%d, %d): %d bytes, %v; want the blob's bytes", c.off, c.n, len(got), err)
				}
			})
		}
		t.Run("small reads across a boundary", func(t *testing.T) {
			r, err := s.OpenRange(ctx, testID, P-100, 300)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := io.ReadAll(iotest.OneByteReader(r))
			if err != nil || !bytes.Equal(got, whole[P-100:P+200]) {
				t.Fatalf("%d bytes, %v", len(got), err)
			}
		})
		t.Run("a range past the end ends in ErrNotFound", func(t *testing.T) {
			got, err := readRange(s, testID, end-10, 20)
			if !errors.Is(err, ErrNotFound) || !bytes.Equal(got, whole[end-10:]) {
				t.Fatalf("%d bytes, %v; want the last 10 bytes, then ErrNotFound", len(got), err)
			}
		})
		t.Run("closing half-way", func(t *testing.T) {
			r, err := s.OpenRange(ctx, testID, 0, end)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(r, make([]byte, P+10)); err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestStoreOverwriteIsAtomic(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		const P = protocol.FilePartSize
		versions := [][]byte{bytes.Repeat([]byte{'a'}, P), bytes.Repeat([]byte{'b'}, P-7)}
		put := func(v []byte) error { return s.PutPart(ctx, testID, 0, bytes.NewReader(v), int64(len(v))) }
		if err := put(versions[0]); err != nil {
			t.Fatal(err)
		}
		// whole reports whether got is one version entire.
		whole := func(got []byte) bool { return bytes.Equal(got, versions[0]) || bytes.Equal(got, versions[1]) }

		t.Run("a reader part-way through keeps reading one version", func(t *testing.T) {
			r, err := s.OpenRange(ctx, testID, 0, P)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			head := make([]byte, 1000)
			if _, err := io.ReadFull(r, head); err != nil {
				t.Fatal(err)
			}
			if err := put(versions[1]); err != nil {
				t.Fatal(err)
			}
			rest, err := io.ReadAll(r)
			// The old version to its end; or, where a store opened the new one, its end.
			if got := append(head, rest...); !bytes.Equal(got, versions[0]) && !(err == nil && len(got) <= P && allOf(rest, 'b')) {
				t.Fatalf("read %d bytes mixing versions (%v)", len(got), err)
			}
		})
		t.Run("readers during overwrites see old or new, never half", func(t *testing.T) {
			stop := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						got, err := readRange(s, testID, 0, P)
						// A read may end at the shorter version's end: that is the new part, entire.
						if err != nil && !(errors.Is(err, ErrNotFound) && bytes.Equal(got, versions[1])) {
							errs <- fmt.Errorf("read: %w", err)
							return
						}
						if !whole(got) {
							errs <- fmt.Errorf("read %d bytes that are neither version", len(got))
							return
						}
					}
				}()
			}
			for i := range 8 {
				if err := put(versions[i%2]); err != nil {
					t.Error(err)
					break
				}
			}
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	})
}

func allOf(b []byte, c byte) bool {
	return len(bytes.Trim(b, string(c))) == 0
}

func TestStoreRefusesBodiesOfTheWrongSize(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		big := randomBytes(protocol.FilePartSize)
		for _, c := range []struct {
			name string
			body io.Reader
			size int64
		}{
			{"short", strings.NewReader("abc"), 4},
			{"long", strings.NewReader("abcdef"), 4},
			{"empty for one byte", strings.NewReader(""), 1},
			{"a byte for none", strings.NewReader("x"), 0},
			{"a whole part less one byte", bytes.NewReader(big[1:]), protocol.FilePartSize},
			{"a whole part and one byte more", io.MultiReader(bytes.NewReader(big), strings.NewReader("x")), protocol.FilePartSize},
		} {
			t.Run(c.name, func(t *testing.T) {
				if err := s.PutPart(ctx, testID, 0, c.body, c.size); !errors.Is(err, ErrShortBody) {
					t.Fatalf("PutPart: %v, want ErrShortBody", err)
				}
				if _, err := s.StatPart(ctx, testID, 0); !errors.Is(err, ErrNotFound) {
					t.Fatalf("a part was left behind (%v)", err)
				}
			})
		}
		t.Run("a body whose reader fails at its end", func(t *testing.T) {
			// What a handler checking the part's digest as it streams does on a mismatch.
			bad := errors.New("digest mismatch")
			body := io.MultiReader(bytes.NewReader(big), iotest.ErrReader(bad))
			if err := s.PutPart(ctx, testID, 1, body, protocol.FilePartSize); !errors.Is(err, bad) {
				t.Fatalf("PutPart: %v, want the reader's error", err)
			}
			if _, err := s.StatPart(ctx, testID, 1); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a part was left behind (%v)", err)
			}
		})
		t.Run("a refused overwrite keeps the earlier part", func(t *testing.T) {
			if err := s.PutPart(ctx, testID, 2, bytes.NewReader(big), protocol.FilePartSize); err != nil {
				t.Fatal(err)
			}
			if err := s.PutPart(ctx, testID, 2, bytes.NewReader(big[:100]), protocol.FilePartSize); !errors.Is(err, ErrShortBody) {
				t.Fatalf("PutPart: %v, want ErrShortBody", err)
			}
			got, err := readRange(s, testID, 2*protocol.FilePartSize, protocol.FilePartSize)
			if err != nil || !bytes.Equal(got, big) {
				t.Fatalf("the earlier part: %d bytes, %v", len(got), err)
			}
		})
		t.Run("a part larger than a part may be", func(t *testing.T) {
			const size = protocol.FilePartSize + 1
			if err := s.PutPart(ctx, testID, 3, io.LimitReader(rand.Reader, size), size); err == nil {
				t.Fatal("stored a part larger than protocol.FilePartSize")
			}
		})
		t.Run("a cancelled request", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := s.PutPart(cctx, testID, 4, bytes.NewReader(big), protocol.FilePartSize); !errors.Is(err, context.Canceled) {
				t.Fatalf("PutPart: %v, want context.Canceled", err)
			}
			if _, err := s.StatPart(ctx, testID, 4); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a part was left behind (%v)", err)
			}
		})
	})
}

func TestStoreMissing(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		if _, err := s.StatPart(ctx, testID, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("StatPart of no blob: %v", err)
		}
		if _, err := s.OpenRange(ctx, testID, 0, 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("OpenRange of no blob: %v", err)
		}
		putBlob(t, s, testID, []byte("one small part"))
		if _, err := s.StatPart(ctx, testID, 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("StatPart of a missing part: %v", err)
		}
		if _, err := s.OpenRange(ctx, testID, protocol.FilePartSize, 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("OpenRange in a missing part: %v", err)
		}
		// Past the end: ErrNotFound, when opened or at the first read.
		for _, off := range []int64{14, 100} {
			if got, err := readRange(s, testID, off, 1); !errors.Is(err, ErrNotFound) || len(got) > 0 {
				t.Errorf("a range from %d, past the blob's end (14): %q, %v", off, got, err)
			}
		}
		if _, err := s.StatPart(ctx, otherID, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("StatPart of a neighbour: %v", err)
		}
	})
}

func TestStoreRefusesInvalidIDs(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		for _, id := range []string{"", "../../etc/passwd", strings.Repeat("A", 32), strings.Repeat("a", 31) + "/",
			strings.Repeat("g", 32), "../" + testID[3:], testID + "0", testID[:31]} {
			if err := s.PutPart(ctx, id, 0, strings.NewReader("x"), 1); err == nil {
				t.Errorf("PutPart(%q) stored it", id)
			}
			if _, err := s.StatPart(ctx, id, 0); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("StatPart(%q): %v, want a refusal", id, err)
			}
			if _, err := s.OpenRange(ctx, id, 0, 1); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("OpenRange(%q): %v, want a refusal", id, err)
			}
			if err := s.Delete(ctx, id); err == nil {
				t.Errorf("Delete(%q) accepted it", id)
			}
		}
		if err := s.PutPart(ctx, testID, -1, strings.NewReader("x"), 1); err == nil {
			t.Error("PutPart took part -1")
		}
		if _, err := s.OpenRange(ctx, testID, -1, 1); err == nil {
			t.Error("OpenRange took offset -1")
		}
	})
}

func TestStoreDelete(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		if err := s.Delete(ctx, testID); err != nil {
			t.Fatalf("Delete of no blob: %v", err)
		}
		whole := randomBytes(protocol.FilePartSize + 10)
		putBlob(t, s, testID, whole)
		putBlob(t, s, otherID, []byte("the neighbour"))
		if err := s.Delete(ctx, testID); err != nil {
			t.Fatal(err)
		}
		for n := range 2 {
			if _, err := s.StatPart(ctx, testID, n); !errors.Is(err, ErrNotFound) {
				t.Errorf("part %d after Delete: %v", n, err)
			}
		}
		if _, err := s.OpenRange(ctx, testID, 0, 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("OpenRange after Delete: %v", err)
		}
		if got, err := readRange(s, otherID, 0, 13); err != nil || string(got) != "the neighbour" {
			t.Errorf("the neighbour after Delete: %q, %v", got, err)
		}
		if err := s.Delete(ctx, testID); err != nil {
			t.Fatalf("second Delete: %v", err)
		}
	})
}

func TestStorePing(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
