package e2e

import (
	"bytes"
	"errors"
	"testing"
)

func TestUserKeyRoundTrip(t *testing.T) {
	priv, _, id := keyPair(t, "李明")
	salt := seeded("salt")[:SaltSize]
	// Typed decomposed on one system (e + U+0301) and composed on another: NFC makes
	// them one password.
	w, err := WrapPrivateKey(priv, "Cafe\u0301 政务 2026", 7, id, salt, MinIterations)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnwrapPrivateKey(w, "Caf\u00e9 政务 2026", 7, id)
	if err != nil || !bytes.Equal(got, priv) {
		t.Fatalf("unwrap = %x, %v", got, err)
	}
	for name, c := range map[string]struct {
		password string
		user     int64
		keyID    string
		w        WrappedPrivate
	}{
		"wrong password":        {"Caf\u00e9 政务 2027", 7, id, w},
		"another user":          {"Caf\u00e9 政务 2026", 8, id, w},
		"another key id":        {"Caf\u00e9 政务 2026", 7, "0123456789abcdef", w},
		"another salt":          {"Caf\u00e9 政务 2026", 7, id, WrappedPrivate{w.Wrapped, seeded("other")[:16], w.Iterations}},
		"other iteration count": {"Caf\u00e9 政务 2026", 7, id, WrappedPrivate{w.Wrapped, salt, w.Iterations + 1}},
		"wrapped cut short":     {"Caf\u00e9 政务 2026", 7, id, WrappedPrivate{w.Wrapped[:20], salt, w.Iterations}},
	} {
		if _, err := UnwrapPrivateKey(c.w, c.password, c.user, c.keyID); !errors.Is(err, ErrPassword) {
			t.Errorf("%s: err = %v, want ErrPassword", name, err)
		}
	}
}

func TestUserKeyRefusesWeakParameters(t *testing.T) {
	priv, _, id := keyPair(t, "李明")
	salt := seeded("salt")[:SaltSize]
	for name, c := range map[string]struct {
		salt []byte
		iter int
		id   string
	}{
		"short salt":     {salt[:15], MinIterations, id},
		"too few rounds": {salt, MinIterations - 1, id},
		"absurd rounds":  {salt, MaxIterations + 1, id},
		"key id not hex": {salt, MinIterations, "zzzzzzzzzzzzzzzz"},
	} {
		if _, err := WrapPrivateKey(priv, "pw", 1, c.id, c.salt, c.iter); err == nil {
			t.Errorf("%s: wrapped", name)
		}
	}
}
