package e2e

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// vectorKey and vectorNonce are the fixed K and N of the vectors: 00 01 … 1f and
// f0 f1 … ff, easy to type into another implementation.
func vectorKey() []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

func vectorNonce() []byte {
	n := make([]byte, NonceSize)
	for i := range n {
		n[i] = 0xf0 + byte(i)
	}
	return n
}

// pattern is the vectors' generator rule for content: byte i = i mod 251 (a prime, so
// records never repeat one another).
func pattern(size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func seal(t testing.TB, key, nonce []byte, m Meta, content []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	e, err := NewEncryptor(&out, key, nonce, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func commitmentOf(t testing.TB, key, nonce []byte) []byte {
	t.Helper()
	h, err := NewHeader(key, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return h.Commitment[:]
}

// open decrypts the whole ciphertext, answering the content and the error; it reads
// through a one-byte reader so that every record boundary is crossed in pieces.
func open(key, commitment, ct []byte) (Meta, []byte, error) {
	d, err := NewDecryptor(iotest.HalfReader(bytes.NewReader(ct)), key, commitment)
	if err != nil {
		return Meta{}, nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, iotest.OneByteReader(d))
	return d.Meta(), out.Bytes(), err
}

func TestRoundTrip(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	commitment := commitmentOf(t, key, nonce)
	for _, size := range []int{0, 1, 540, 541, 542, 65535, 65536, 65537, 131072, 200000} {
		content := pattern(size)
		m := Meta{Name: "会议纪要.docx", Type: "application/octet-stream", Size: int64(size)}
		ct := seal(t, key, nonce, m, content)
		if got, want := int64(len(ct)), CiphertextSize(int64(size)); got != want {
			t.Fatalf("size %d: ciphertext is %d bytes, CiphertextSize says %d", size, got, want)
		}
		got, plain, err := open(key, commitment, ct)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if got != m || !bytes.Equal(plain, content) {
			t.Fatalf("size %d: decrypted %d bytes (meta %+v), want the %d written", size, len(plain), got, size)
		}
	}
}

func TestEncryptorWritesInAnyPieces(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	content := pattern(200000)
	m := Meta{Name: "a", Type: "b", Size: int64(len(content))}
	whole := seal(t, key, nonce, m, content)
	for _, piece := range []int{1, 7, 4096, 65535, 65537} {
		var out bytes.Buffer
		e, err := NewEncryptor(&out, key, nonce, m)
		if err != nil {
			t.Fatal(err)
		}
		for rest := content; len(rest) > 0; {
			n := min(piece, len(rest))
			if _, err := e.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), whole) {
			t.Fatalf("writes of %d bytes made another ciphertext", piece)
		}
	}
}

func TestEncryptorHoldsToTheStatedSize(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	t.Run("refuses more content than stated", func(t *testing.T) {
		e, err := NewEncryptor(io.Discard, key, nonce, Meta{Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Write([]byte("four")); err == nil {
			t.Fatal("wrote 4 bytes into a file of 3")
		}
	})
	t.Run("refuses to close short", func(t *testing.T) {
		e, err := NewEncryptor(io.Discard, key, nonce, Meta{Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		e.Write([]byte("ab"))
		if err := e.Close(); err == nil {
			t.Fatal("closed a file of 3 bytes after 2")
		}
	})
	t.Run("refuses bad keys and metadata", func(t *testing.T) {
		for _, c := range []struct {
			key, nonce []byte
			m          Meta
		}{
			{key[:31], nonce, Meta{}},
			{key, nonce[:15], Meta{}},
			{key, nonce, Meta{Size: -1}},
			{key, nonce, Meta{Name: string(bytes.Repeat([]byte("名"), 256))}},
			{key, nonce, Meta{Thumb: "../etc/passwd"}},
		} {
			if _, err := NewEncryptor(io.Discard, c.key, c.nonce, c.m); err == nil {
				t.Errorf("NewEncryptor(%d-byte key, %d-byte nonce, %+v) succeeded", len(c.key), len(c.nonce), c.m.Size)
			}
		}
	})
	t.Run("a failed write sticks", func(t *testing.T) {
		e, err := NewEncryptor(&failAfter{n: HeaderSize + MetaRecordSize + TagSize}, key, nonce, Meta{Size: 70000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Write(pattern(70000)); err == nil {
			t.Fatal("a write failure was lost")
		}
		if err := e.Close(); err == nil {
			t.Fatal("Close after a failed write succeeded")
		}
	})
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// TestDecryptorRefusals covers each check of E2E.md §2.6 on the damaged variants the
// vectors hold (damage.go), so the Go reader and the vectors cannot drift apart.
func TestDecryptorRefusals(t *testing.T) {
	for _, c := range damagedCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			ct, key, commitment := c.materialise(t)
			_, plain, err := open(key, commitment, ct)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("err = %v, want ErrDamaged", err)
			}
			if got := ReasonOf(err); got != c.Reason {
				t.Fatalf("reason %q (%v), want %q", got, err, c.Reason)
			}
			// What was returned came from records that authenticated: a prefix of the
			// real content, never a byte of the damage.
			base := pattern(len(plain))
			if c.Base == "" || !bytes.Equal(plain, base) {
				if len(plain) != 0 {
					t.Fatalf("returned %d bytes that are not a prefix of the content", len(plain))
				}
			}
		})
	}
}

func TestDecryptorPassesReadErrors(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	ct := seal(t, key, nonce, Meta{Size: 100000}, pattern(100000))
	broken := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(ct[:70000]), iotest.ErrReader(broken))
	d, err := NewDecryptor(r, key, commitmentOf(t, key, nonce))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, d); !errors.Is(err, broken) || errors.Is(err, ErrDamaged) {
		t.Fatalf("err = %v, want the read error itself", err)
	}
}

func TestReadMeta(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	m := Meta{Name: "现场照片.jpg", Type: "image/jpeg", Size: 200000, Thumb: "0123456789abcdef0123456789abcdef", W: 4032, H: 3024}
	ct := seal(t, key, nonce, m, pattern(200000))
	got, err := ReadMeta(key, commitmentOf(t, key, nonce), ct[:HeaderSize+MetaRecordSize+TagSize])
	if err != nil || got != m {
		t.Fatalf("ReadMeta = %+v, %v", got, err)
	}
}

func TestRecordOffset(t *testing.T) {
	key, nonce := vectorKey(), vectorNonce()
	ct := seal(t, key, nonce, Meta{Size: 200000}, pattern(200000))
	s, err := newStream(key, mustHeader(t, key, nonce))
	if err != nil {
		t.Fatal(err)
	}
	// Record 2 read alone from its offset opens: range reads align to records.
	off := RecordOffset(2)
	if _, err := s.open(nil, ct[off:off+RecordSize+TagSize], 2, false); err != nil {
		t.Fatalf("record 2 at %d: %v", off, err)
	}
}

func mustHeader(t testing.TB, key, nonce []byte) Header {
	t.Helper()
	h, err := NewHeader(key, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
