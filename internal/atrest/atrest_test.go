package atrest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// seq returns n bytes counting up from start: the fixed inputs of docs/at-rest.md.
func seq(start, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(start + i)
	}
	return b
}

// The vectors of docs/at-rest.md §Test vectors, computed independently (Python's
// cryptography package) from master = 00..1f, data key = 20..3f, wrap nonce =
// 40..4b, seal nonce = 50..5b.
const (
	vecWrapped   = "404142434445464748494a4bc2988c000219a124e5ed3d1db7493d7449f7606f830039144f7e74deab2ed3e4117b73fda1cc6571475017f6432cca3c"
	vecSealed    = "v1:UFFSU1RVVldYWVpbqbAbZEmGWuGUJTx4oy5w2C-jR8W5W5swpIK_PnAHvlNJ1M0pVcGf9F3_ZTeUPyNN0yo"
	vecPlaintext = "关于2026年预算编制的通知"
)

var vecTokens = map[string]string{"预算": "0f970cff49484476", "预": "caa26c64cdc3b788", "budget": "d9c1c70c6c4076ef"}

func TestVectors(t *testing.T) {
	mk, err := NewMasterKey(seq(0x00, 32))
	if err != nil {
		t.Fatal(err)
	}
	b := Bucket{Level: 2, Period: 202607}
	wrapped, err := mk.wrap(bytes.NewReader(seq(0x40, 12)), b, seq(0x20, 32))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(wrapped); got != vecWrapped {
		t.Errorf("wrapped = %s\nwant      %s", got, vecWrapped)
	}
	dkBytes, err := mk.Unwrap(b, wrapped)
	if err != nil || !bytes.Equal(dkBytes, seq(0x20, 32)) {
		t.Fatalf("unwrap = %x, %v", dkBytes, err)
	}
	dk, err := OpenDataKey(dkBytes)
	if err != nil {
		t.Fatal(err)
	}
	aad := MessageAAD(7, 42, "text")
	if aad != "messages|7|42|text" {
		t.Fatalf("aad %q", aad)
	}
	sealed, err := dk.seal(bytes.NewReader(seq(0x50, 12)), vecPlaintext, aad)
	if err != nil {
		t.Fatal(err)
	}
	if sealed != vecSealed {
		t.Errorf("sealed = %s\nwant     %s", sealed, vecSealed)
	}
	if pt, err := dk.Open(vecSealed, aad); err != nil || pt != vecPlaintext {
		t.Errorf("open = %q, %v", pt, err)
	}
	for term, want := range vecTokens {
		if got := hex.EncodeToString(dk.Token(term)); got != want {
			t.Errorf("token(%q) = %s, want %s", term, got, want)
		}
	}
}

func TestRefusals(t *testing.T) {
	mk, _ := NewMasterKey(seq(0, 32))
	other, _ := NewMasterKey(seq(1, 32))
	b := Bucket{Level: 3, Period: 202601}
	raw, _ := NewDataKey()
	wrapped, err := mk.Wrap(b, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("unwrap with another master key", func(t *testing.T) {
		if _, err := other.Unwrap(b, wrapped); !errors.Is(err, ErrOpen) {
			t.Fatalf("err %v, want ErrOpen", err)
		}
	})
	t.Run("unwrap as another bucket", func(t *testing.T) {
		if _, err := mk.Unwrap(Bucket{Level: 3, Period: 202602}, wrapped); !errors.Is(err, ErrOpen) {
			t.Fatalf("err %v, want ErrOpen", err)
		}
		if _, err := mk.Unwrap(Bucket{Level: 2, Period: 202601}, wrapped); !errors.Is(err, ErrOpen) {
			t.Fatalf("err %v, want ErrOpen", err)
		}
	})
	dk, _ := OpenDataKey(raw)
	otherRaw, _ := NewDataKey()
	otherDK, _ := OpenDataKey(otherRaw)
	aad := MessageAAD(1, 2, "text")
	sealed, err := dk.Seal("机密内容", aad)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		key    *DataKey
		sealed string
		aad    string
		want   error
	}{
		{"another data key", otherDK, sealed, aad, ErrOpen},
		{"moved to another row", dk, sealed, MessageAAD(1, 3, "text"), ErrOpen},
		{"moved to another field", dk, sealed, MessageAAD(1, 2, "forward"), ErrOpen},
		{"tampered ciphertext", dk, flipLastByte(t, sealed), aad, ErrOpen},
		{"truncated", dk, sealed[:10], aad, ErrFormat},
		{"plaintext, not sealed", dk, "机密内容", aad, ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.key.Open(c.sealed, c.aad); !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
	t.Run("every seal draws a fresh nonce", func(t *testing.T) {
		again, _ := dk.Seal("机密内容", aad)
		if again == sealed {
			t.Fatal("two seals of one plaintext are equal")
		}
	})
	t.Run("tokens differ between buckets", func(t *testing.T) {
		if bytes.Equal(dk.Token("预算"), otherDK.Token("预算")) {
			t.Fatal("same token under two data keys")
		}
	})
}

func flipLastByte(t *testing.T, sealed string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, sealPrefix))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1
	return sealPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

func TestParseMasterKey(t *testing.T) {
	k := seq(0, 32)
	good := []string{
		hex.EncodeToString(k),
		"  " + strings.ToUpper(hex.EncodeToString(k)) + "\n",
		base64.StdEncoding.EncodeToString(k) + "\n",
		base64.RawURLEncoding.EncodeToString(k),
	}
	for _, g := range good {
		if _, err := ParseMasterKey([]byte(g)); err != nil {
			t.Errorf("ParseMasterKey(%q): %v", g, err)
		}
	}
	bad := []string{"", "short", hex.EncodeToString(k[:31]), base64.StdEncoding.EncodeToString(append(k, 0)), strings.Repeat("z", 64)}
	for _, b := range bad {
		if _, err := ParseMasterKey([]byte(b)); err == nil {
			t.Errorf("ParseMasterKey(%q) accepted", b)
		}
	}
	gen, err := GenerateKeyText()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseMasterKey(gen); err != nil {
		t.Fatalf("a generated key does not parse: %v", err)
	}
}

func TestBucket(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	// 08:00 on 1 August in Shanghai is still July in UTC.
	b := BucketOf(1, time.Date(2026, 8, 1, 7, 59, 0, 0, sh))
	if b != (Bucket{1, 202607}) {
		t.Fatalf("bucket %v", b)
	}
	if !b.Start().Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) || !b.End().Equal(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("bounds %v %v", b.Start(), b.End())
	}
	if BucketOf(0, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)).End() != time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Fatal("December's end")
	}
}

func TestBucketPeriods(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("CST", 8*3600)) // 15:30 UTC
	tests := []struct {
		level      int
		want       Bucket
		start, end time.Time
	}{
		{0, Bucket{0, 202612}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{1, Bucket{1, 202612}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{2, Bucket{2, 20261231}, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{3, Bucket{3, 20261231}, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		b := BucketOf(tt.level, at)
		if b != tt.want || !b.Start().Equal(tt.start) || !b.End().Equal(tt.end) {
			t.Errorf("level %d: %v [%v, %v), want %v [%v, %v)", tt.level, b, b.Start(), b.End(), tt.want, tt.start, tt.end)
		}
	}
}
