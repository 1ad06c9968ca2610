package e2e

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

// seeded is a fixed 32-byte value named by a label: the vectors' private keys.
func seeded(label string) []byte {
	s := sha256.Sum256([]byte("govchat e2e vector: " + label))
	return s[:]
}

func keyPair(t testing.TB, label string) (priv, pub []byte, id string) {
	t.Helper()
	priv = seeded(label)
	pub, err := PublicKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if id, err = KeyID(pub); err != nil {
		t.Fatal(err)
	}
	return priv, pub, id
}

func TestWrapRoundTrip(t *testing.T) {
	priv, pub, id := keyPair(t, "李明")
	b := Binding{BlobID: vectorThumb, Context: "channel:42", UserID: 7, KeyID: id}
	for _, keys := range []FileKeys{{File: seeded("K")}, {File: seeded("K"), Thumb: seeded("K_thumb")}} {
		w, err := WrapFileKeys(pub, keys, b)
		if err != nil {
			t.Fatal(err)
		}
		if raw, _ := Decode(w); len(raw) != encSize+len(keys.File)+len(keys.Thumb)+TagSize {
			t.Fatalf("wrapped is %d bytes", len(raw))
		}
		got, err := UnwrapFileKeys(priv, w, b)
		if err != nil || !bytes.Equal(got.File, keys.File) || !bytes.Equal(got.Thumb, keys.Thumb) {
			t.Fatalf("unwrap = %x %x, %v", got.File, got.Thumb, err)
		}
		// Each wrap has a fresh ephemeral key.
		if w2, _ := WrapFileKeys(pub, keys, b); w2 == w {
			t.Fatal("two wraps are equal")
		}
	}
}

func TestUnwrapRefusesAnotherBinding(t *testing.T) {
	priv, pub, id := keyPair(t, "李明")
	b := Binding{BlobID: vectorThumb, Context: "channel:42", UserID: 7, KeyID: id}
	w, err := WrapFileKeys(pub, FileKeys{File: seeded("K")}, b)
	if err != nil {
		t.Fatal(err)
	}
	other, _, otherID := keyPair(t, "王芳")
	raw, _ := Decode(w)
	flip := func(i int) string { r := bytes.Clone(raw); r[i] ^= 1; return Encode(r) }
	for name, c := range map[string]struct {
		priv    []byte
		wrapped string
		b       Binding
	}{
		"another blob":        {priv, w, Binding{"fedcba9876543210fedcba9876543210", b.Context, b.UserID, b.KeyID}},
		"another channel":     {priv, w, Binding{b.BlobID, "channel:43", b.UserID, b.KeyID}},
		"a notice":            {priv, w, Binding{b.BlobID, "notice", b.UserID, b.KeyID}},
		"another person":      {priv, w, Binding{b.BlobID, b.Context, 8, b.KeyID}},
		"the escrow":          {priv, w, Binding{b.BlobID, b.Context, 0, b.KeyID}},
		"enc altered":         {priv, flip(3), b},
		"ciphertext altered":  {priv, flip(40), b},
		"cut short":           {priv, Encode(raw[:len(raw)-1]), b},
		"not base64url":       {priv, w + "=", b},
		"another private key": {other, w, Binding{b.BlobID, b.Context, b.UserID, otherID}},
	} {
		if _, err := UnwrapFileKeys(c.priv, c.wrapped, c.b); !errors.Is(err, ErrUnwrap) {
			t.Errorf("%s: err = %v, want ErrUnwrap", name, err)
		}
	}
	// A binding naming another key than the private key's is refused before HPKE.
	if _, err := UnwrapFileKeys(other, w, b); err == nil || !strings.Contains(err.Error(), "is for key") {
		t.Errorf("unwrap with another key's binding: %v", err)
	}
}

func TestWrapRefusesBadInput(t *testing.T) {
	_, pub, id := keyPair(t, "李明")
	good := Binding{BlobID: vectorThumb, Context: "notice", UserID: 0, KeyID: id}
	k := FileKeys{File: seeded("K")}
	for name, b := range map[string]Binding{
		"blob id uppercase":     {strings.ToUpper(vectorThumb), good.Context, 0, id},
		"blob id a path":        {"../../../../../../../../../etc/pa", good.Context, 0, id},
		"context unknown":       {vectorThumb, "group:1", 0, id},
		"channel zero":          {vectorThumb, "channel:0", 0, id},
		"channel leading zero":  {vectorThumb, "channel:012", 0, id},
		"channel with NUL":      {vectorThumb, "channel:1\x00", 0, id},
		"user negative":         {vectorThumb, good.Context, -1, id},
		"key id of another key": {vectorThumb, good.Context, 0, "0123456789abcdef"},
		"key id short":          {vectorThumb, good.Context, 0, id[:15]},
	} {
		if _, err := WrapFileKeys(pub, k, b); err == nil {
			t.Errorf("%s: wrapped", name)
		}
	}
	for name, keys := range map[string]FileKeys{
		"short file key":  {File: seeded("K")[:31]},
		"short thumb key": {File: seeded("K"), Thumb: []byte{1}},
	} {
		if _, err := WrapFileKeys(pub, keys, good); err == nil {
			t.Errorf("%s: wrapped", name)
		}
	}
	if _, err := WrapFileKeys(pub[:31], k, good); err == nil {
		t.Error("wrapped to a 31-byte public key")
	}
}

func TestBindingAAD(t *testing.T) {
	b := Binding{BlobID: vectorThumb, Context: "channel:42", UserID: 7, KeyID: "0123456789abcdef"}
	want := "govchat-file-key/1\x00" + vectorThumb + "\x00channel:42\x007\x000123456789abcdef"
	if got := string(b.AAD()); got != want {
		t.Fatalf("AAD = %q", got)
	}
}

func TestKeyID(t *testing.T) {
	// SHA-256 of 32 zero bytes is 66687aad…
	if id, err := KeyID(make([]byte, 32)); err != nil || id != "66687aadf862bd77" {
		t.Fatalf("KeyID = %s, %v", id, err)
	}
	if _, err := KeyID(make([]byte, 33)); err == nil {
		t.Fatal("a 33-byte key has an id")
	}
}
