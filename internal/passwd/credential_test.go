package passwd

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"govchat/internal/e2e"
)

func TestCredential(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fastParams())
	kdf := KDF{Salt: bytes.Repeat([]byte{7}, 16), Iterations: e2e.MinIterations}
	auth := bytes.Repeat([]byte{1}, 32)
	enc, err := h.HashAuth(ctx, kdf, auth)
	if err != nil {
		t.Fatal(err)
	}
	if !IsCredential(enc) || !strings.HasPrefix(enc, "$gcauth1$i=600000$BwcHBwcHBwcHBwcHBwcHBw$argon2id$") {
		t.Fatalf("encoded %q", enc)
	}
	if got, err := ParseKDF(enc); err != nil || !bytes.Equal(got.Salt, kdf.Salt) || got.Iterations != kdf.Iterations {
		t.Fatalf("ParseKDF = %+v, %v", got, err)
	}
	t.Run("the hash verifies", func(t *testing.T) {
		if ok, _, err := h.VerifyAuth(ctx, auth, enc); !ok || err != nil {
			t.Fatalf("ok %v err %v", ok, err)
		}
	})
	t.Run("another hash does not", func(t *testing.T) {
		if ok, _, err := h.VerifyAuth(ctx, bytes.Repeat([]byte{2}, 32), enc); ok || err != nil {
			t.Fatalf("ok %v err %v", ok, err)
		}
	})
	t.Run("a legacy hash is told apart", func(t *testing.T) {
		legacy, _ := h.Hash("Govchat#2026")
		if IsCredential(legacy) {
			t.Fatal("legacy hash taken for a credential")
		}
		if _, _, err := h.VerifyAuth(ctx, auth, legacy); !errors.Is(err, ErrNotCredential) {
			t.Fatalf("err %v", err)
		}
		// and the legacy verifier does not accept a credential
		if ok, _, err := h.Verify(string(auth), enc); ok || err == nil {
			t.Fatalf("legacy Verify of a credential: ok %v err %v", ok, err)
		}
	})
	t.Run("a one-time password's credential is the browser's derivation", func(t *testing.T) {
		enc, err := h.NewCredential(ctx, "4wZk-yXhY-QqvM")
		if err != nil {
			t.Fatal(err)
		}
		k, _ := ParseKDF(enc)
		a, _ := e2e.AuthHash("4wZk-yXhY-QqvM", k.Salt, k.Iterations)
		if ok, _, err := h.VerifyAuth(ctx, a, enc); !ok || err != nil {
			t.Fatalf("ok %v err %v", ok, err)
		}
		enc2, _ := h.NewCredential(ctx, "4wZk-yXhY-QqvM")
		if k2, _ := ParseKDF(enc2); bytes.Equal(k2.Salt, k.Salt) {
			t.Fatal("two credentials share a salt")
		}
	})
	for _, bad := range []struct {
		name string
		kdf  KDF
		auth []byte
	}{
		{"short salt", KDF{Salt: make([]byte, 15), Iterations: e2e.MinIterations}, auth},
		{"few iterations", KDF{Salt: kdf.Salt, Iterations: e2e.MinIterations - 1}, auth},
		{"many iterations", KDF{Salt: kdf.Salt, Iterations: e2e.MaxIterations + 1}, auth},
		{"short hash", kdf, auth[:31]},
	} {
		t.Run("refuses "+bad.name, func(t *testing.T) {
			if _, err := h.HashAuth(ctx, bad.kdf, bad.auth); err == nil {
				t.Fatal("stored")
			}
		})
	}
}

// FuzzParseCredential: what the database holds never panics the parser, and whatever
// it accepts has a derivation within bounds.
func FuzzParseCredential(f *testing.F) {
	f.Add("$gcauth1$i=600000$BwcHBwcHBwcHBwcHBwcHBw$argon2id$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyxZpt/oCJnxAxnM8k9yl0MjBv1RgnNP1dveAR5zG0")
	f.Add("$gcauth1$i=0600000$BwcHBwcHBwcHBwcHBwcHBw$x")
	f.Add("$gcauth1$$$")
	f.Add("$argon2id$v=19$m=256,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ewyx")
	h := NewHasher(fastParams())
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKDF(s)
		if err == nil && (len(k.Salt) != e2e.SaltSize || k.Iterations < e2e.MinIterations || k.Iterations > e2e.MaxIterations) {
			t.Fatalf("accepted %+v", k)
		}
		if len(s) < 400 {
			_, _, _ = h.VerifyAuth(context.Background(), make([]byte, 32), s)
		}
	})
}
