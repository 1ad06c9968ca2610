package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseContentDigest(t *testing.T) {
	sum := sha256.Sum256([]byte("part"))
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	cases := []struct {
		name, v string
		ok      bool
	}{
		{"the one form", "sha-256=:" + b64 + ":", true},
		{"spaces around the whole", "  sha-256=:" + b64 + ":\t", true},
		{"empty", "", false},
		{"another algorithm", "sha-512=:" + base64.StdEncoding.EncodeToString(make([]byte, 64)) + ":", false},
		{"sha-256 beside another", "sha-256=:" + b64 + ":, sha-512=:AAAA:", false},
		{"another beside sha-256", "sha-512=:AAAA:, sha-256=:" + b64 + ":", false},
		{"upper-case key", "SHA-256=:" + b64 + ":", false},
		{"a parameter", "sha-256=:" + b64 + ":;x=1", false},
		{"not a byte sequence", "sha-256=" + b64, false},
		{"a string", `sha-256="` + b64 + `"`, false},
		{"base64url's alphabet", "sha-256=:-" + b64[1:] + ":", false},
		{"no padding", "sha-256=:" + strings.TrimRight(b64, "=") + ":", false},
		{"too short", "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:31]) + ":", false},
		{"too long", "sha-256=:" + base64.StdEncoding.EncodeToString(append(sum[:], 0)) + ":", false},
		{"non-canonical last character", "sha-256=:" + b64[:42] + "B=:", false}, // 'B' leaves a 1 in the bits past the data
		{"space inside", "sha-256= :" + b64 + ":", false},
		{"the legacy Digest form", "SHA-256=" + b64, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseContentDigest(c.v)
			if c.ok != (err == nil) {
				t.Fatalf("ParseContentDigest(%q) = %x, %v; want ok %v", c.v, got, err, c.ok)
			}
			if c.ok && !bytes.Equal(got, sum[:]) {
				t.Fatalf("digest %x, want %x", got, sum)
			}
		})
	}
}

func TestParseRange(t *testing.T) {
	const size = 1000
	cases := []struct {
		v       string
		size    int64
		want    Range
		partial bool
		ok      bool
	}{
		{"", size, Range{0, size}, false, true},
		{"bytes=0-499", size, Range{0, 500}, true, true},
		{"bytes=500-", size, Range{500, 500}, true, true},
		{"bytes=-100", size, Range{900, 100}, true, true},
		{"bytes=-5000", size, Range{0, size}, true, true},
		{"bytes=990-5000", size, Range{990, 10}, true, true},
		{"bytes=999-999", size, Range{999, 1}, true, true},
		{"BYTES=0-0", size, Range{0, 1}, true, true},
		{" bytes=0-0 ", size, Range{0, 1}, true, true},
		{"bytes=1000-", size, Range{}, false, false}, // starts past the end
		{"bytes=1000-1001", size, Range{}, false, false},
		{"bytes=5-4", size, Range{}, false, false},
		{"bytes=-0", size, Range{}, false, false},
		{"bytes=0-1,5-6", size, Range{}, false, false}, // several ranges
		{"bytes=-", size, Range{}, false, false},
		{"bytes=", size, Range{}, false, false},
		{"bytes 0-1", size, Range{}, false, false},
		{"items=0-1", size, Range{}, false, false},
		{"bytes=+1-2", size, Range{}, false, false},
		{"bytes=0x1-2", size, Range{}, false, false},
		{"bytes= 0-1", size, Range{}, false, false},
		{"bytes=0-1 ", size, Range{0, 2}, true, true},
		{"bytes=-1-2", size, Range{}, false, false},
		{"bytes=99999999999999999999-", size, Range{}, false, false},
		{"bytes=0-99999999999999999999", size, Range{}, false, false},
		{"bytes=0-9223372036854775807", size, Range{0, size}, true, true},
	}
	for _, c := range cases {
		got, partial, err := ParseRange(c.v, c.size)
		if c.ok != (err == nil) || got != c.want || partial != c.partial {
			t.Errorf("ParseRange(%q, %d) = %+v, %v, %v; want %+v, %v, ok %v", c.v, c.size, got, partial, err, c.want, c.partial, c.ok)
		}
	}
}

// FuzzParseContentDigest: never a panic, and whatever is accepted is the one form, 32
// bytes that encode back to exactly what was sent.
func FuzzParseContentDigest(f *testing.F) {
	sum := sha256.Sum256(nil)
	f.Add("sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":")
	f.Add("sha-512=:AAAA:, sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":")
	f.Add(" sha-256=:" + strings.Repeat("A", 43) + "=:")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		got, err := ParseContentDigest(v)
		if err != nil {
			return
		}
		if len(got) != sha256.Size {
			t.Fatalf("%q gave %d bytes", v, len(got))
		}
		if want := "sha-256=:" + base64.StdEncoding.EncodeToString(got) + ":"; strings.Trim(v, " \t") != want {
			t.Fatalf("%q accepted, but its digest reads %q", v, want)
		}
	})
}

// FuzzParseRange: never a panic, and an accepted range is non-empty and inside the blob.
func FuzzParseRange(f *testing.F) {
	for _, v := range []string{"", "bytes=0-1", "bytes=5-", "bytes=-7", "bytes=1-2,3-4", "bytes=9223372036854775807-"} {
		f.Add(v, int64(1000))
	}
	f.Add("bytes=-1", int64(0))
	f.Fuzz(func(t *testing.T, v string, size int64) {
		if size <= 0 {
			return // a blob has at least one byte
		}
		r, partial, err := ParseRange(v, size)
		if err != nil {
			return
		}
		if r.Start < 0 || r.Length <= 0 || r.Start > size-r.Length {
			t.Fatalf("ParseRange(%q, %d) = %+v: outside the blob", v, size, r)
		}
		if !partial && (v != "" || r != (Range{0, size})) {
			t.Fatalf("ParseRange(%q, %d) = %+v, whole", v, size, r)
		}
	})
}

// BenchmarkSHA256 is the hashing every byte of an upload costs twice (its part's digest,
// and the whole hash read back at completion): what a running hash at upload time would
// move rather than save.
//
//	go test ./internal/files -run '^$' -bench SHA256
func BenchmarkSHA256(b *testing.B) {
	part := make([]byte, 4<<20)
	b.SetBytes(int64(len(part)))
	for b.Loop() {
		sha256.Sum256(part)
	}
}
