package e2e

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"testing/cryptotest"

	"golang.org/x/text/unicode/norm"
)

// recovery.json (E2E.md §4.4–§4.6): the authentication hash, the account-recovery wrap
// and the key transfer.

type authVector struct {
	Name        string `json:"name"`
	Password    string `json:"password"`
	PasswordHex string `json:"password_utf8_hex"`
	Salt        string `json:"salt"`
	Iterations  int    `json:"iterations"`
	Master      string `json:"master"`
	AuthHash    string `json:"auth_hash"`
	WrapKey     string `json:"wrap_key"`
}

type sealedVector struct {
	Name             string `json:"name"`
	Info             string `json:"info"`
	RecipientPrivate string `json:"recipient_private"` // the recovery key's, or the request's one-time key's
	RecipientPublic  string `json:"recipient_public"`
	RecipientKeyID   string `json:"recipient_key_id"`
	RequestID        int64  `json:"request_id,omitempty"` // transfers only
	UserID           int64  `json:"user_id"`
	KeyID            string `json:"key_id"`  // the person's key pair
	Private          string `json:"private"` // what it opens to
	AAD              string `json:"aad"`
	Sealed           string `json:"sealed"`
}

type sealedRefusal struct {
	Name             string `json:"name"`
	Case             string `json:"case"` // opened with the case's values but for:
	RecipientPrivate string `json:"recipient_private,omitempty"`
	RequestID        int64  `json:"request_id,omitempty"`
	UserID           int64  `json:"user_id,omitempty"`
	KeyID            string `json:"key_id,omitempty"`
	Sealed           string `json:"sealed,omitempty"`
}

type recoveryFile struct {
	About    string          `json:"about"`
	AuthInfo string          `json:"auth_info"`
	Auth     []authVector    `json:"auth"`
	Sealed   []sealedVector  `json:"sealed"`
	Refusals []sealedRefusal `json:"refusals"`
}

func makeRecovery(t *testing.T) recoveryFile {
	cryptotest.SetGlobalRandom(t, 12) // the HPKE ephemeral keys
	f := recoveryFile{About: "Login and recovery (E2E.md §4.4–§4.6): auth hashes with fixed salts; recovery wraps and transfers with their bindings; every refusal must fail to open.",
		AuthInfo: infoAuth}
	for _, c := range []struct{ name, password string }{
		{"chinese", "政务通讯·安全口令2026！"},
		{"needs-nfc", "Cafe\u0301 密码 \u212b"},
		{"demo", "Govchat#2026"},
	} {
		salt := seeded("auth salt " + c.name)[:SaltSize]
		master, err := Master(c.password, salt, MinIterations)
		if err != nil {
			t.Fatal(err)
		}
		auth, _ := AuthHashOf(master)
		wrap, _ := WrapKeyOf(master)
		f.Auth = append(f.Auth, authVector{c.name, c.password, hex.EncodeToString([]byte(c.password)), Encode(salt), MinIterations,
			Encode(master), Encode(auth), Encode(wrap)})
	}
	priv, _, keyID := keyPair(t, "李明")
	recPriv, recPub, recID := keyPair(t, "account-recovery")
	w, err := WrapForRecovery(recPub, priv, 7, keyID)
	if err != nil {
		t.Fatal(err)
	}
	f.Sealed = append(f.Sealed, sealedVector{"recovery-wrap", infoRecovery, Encode(recPriv), Encode(recPub), recID, 0, 7, keyID,
		Encode(priv), Encode(userAAD(7, keyID)), w})
	ePriv, ePub, eID := keyPair(t, "one-time request key")
	s, err := SealTransfer(ePub, priv, 31, 7, keyID)
	if err != nil {
		t.Fatal(err)
	}
	f.Sealed = append(f.Sealed, sealedVector{"transfer", infoTransfer, Encode(ePriv), Encode(ePub), eID, 31, 7, keyID,
		Encode(priv), Encode(transferAAD(31, 7, keyID)), s})

	flip := func(v string, i int) string { r, _ := Decode(v); r[i] ^= 1; return Encode(r) }
	other, _, _ := keyPair(t, "王芳")
	f.Refusals = []sealedRefusal{
		{Name: "recovery-another-user", Case: "recovery-wrap", UserID: 8},
		{Name: "recovery-another-key-id", Case: "recovery-wrap", KeyID: "0123456789abcdef"},
		{Name: "recovery-another-private-key", Case: "recovery-wrap", RecipientPrivate: Encode(other)},
		{Name: "recovery-tag-altered", Case: "recovery-wrap", Sealed: flip(w, SealedKeySize-1)},
		{Name: "recovery-as-transfer", Case: "transfer", Sealed: w, RecipientPrivate: Encode(recPriv)},
		{Name: "transfer-another-request", Case: "transfer", RequestID: 32},
		{Name: "transfer-another-user", Case: "transfer", UserID: 8},
		{Name: "transfer-enc-altered", Case: "transfer", Sealed: flip(s, 3)},
		{Name: "transfer-another-private-key", Case: "transfer", RecipientPrivate: Encode(other)},
	}
	return f
}

func checkRecovery(t *testing.T, f recoveryFile) {
	if f.AuthInfo != "govchat-auth/1" {
		t.Fatalf("auth info %q", f.AuthInfo)
	}
	for _, c := range f.Auth {
		salt, _ := Decode(c.Salt)
		master, err := Master(c.Password, salt, c.Iterations)
		if err != nil || Encode(master) != c.Master {
			t.Fatalf("%s: master: %v", c.Name, err)
		}
		// Composed or as typed, the same.
		if m, _ := Master(norm.NFC.String(c.Password), salt, c.Iterations); !bytes.Equal(m, master) {
			t.Fatalf("%s: NFC", c.Name)
		}
		if a, _ := AuthHash(c.Password, salt, c.Iterations); Encode(a) != c.AuthHash || len(c.AuthHash) != 43 {
			t.Fatalf("%s: auth hash", c.Name)
		}
		if w, _ := WrapKeyOf(master); Encode(w) != c.WrapKey || c.WrapKey == c.AuthHash {
			t.Fatalf("%s: wrap key", c.Name)
		}
	}
	cases := map[string]sealedVector{}
	openCase := func(c sealedVector, recipient []byte, sealed string, req, user int64, keyID string) ([]byte, error) {
		if c.Info == infoRecovery {
			return OpenRecoveryWrap(recipient, sealed, user, keyID)
		}
		return OpenTransfer(recipient, sealed, req, user, keyID)
	}
	for _, c := range f.Sealed {
		cases[c.Name] = c
		rp, _ := Decode(c.RecipientPrivate)
		if pub, _ := PublicKey(rp); Encode(pub) != c.RecipientPublic {
			t.Fatalf("%s: recipient public key", c.Name)
		}
		if id, _ := KeyID(mustDecode(c.RecipientPublic)); id != c.RecipientKeyID {
			t.Fatalf("%s: recipient key id", c.Name)
		}
		aad := userAAD(c.UserID, c.KeyID)
		if c.Info == infoTransfer {
			aad = transferAAD(c.RequestID, c.UserID, c.KeyID)
		}
		if Encode(aad) != c.AAD {
			t.Fatalf("%s: aad", c.Name)
		}
		got, err := openCase(c, rp, c.Sealed, c.RequestID, c.UserID, c.KeyID)
		if err != nil || Encode(got) != c.Private {
			t.Fatalf("%s: open: %v", c.Name, err)
		}
	}
	for _, r := range f.Refusals {
		c := cases[r.Case]
		rp, _ := Decode(c.RecipientPrivate)
		sealed, req, user, keyID := c.Sealed, c.RequestID, c.UserID, c.KeyID
		if r.RecipientPrivate != "" {
			rp, _ = Decode(r.RecipientPrivate)
		}
		if r.Sealed != "" {
			sealed = r.Sealed
		}
		if r.RequestID != 0 {
			req = r.RequestID
		}
		if r.UserID != 0 {
			user = r.UserID
		}
		if r.KeyID != "" {
			keyID = r.KeyID
		}
		if _, err := openCase(c, rp, sealed, req, user, keyID); !errors.Is(err, ErrSealed) {
			t.Errorf("%s: err = %v, want ErrSealed", r.Name, err)
		}
	}
}

func mustDecode(s string) []byte { b, _ := Decode(s); return b }

func TestSealRefusesAnotherKey(t *testing.T) {
	priv, _, _ := keyPair(t, "李明")
	_, recPub, _ := keyPair(t, "account-recovery")
	if _, err := WrapForRecovery(recPub, priv, 7, "0123456789abcdef"); err == nil {
		t.Fatal("wrapped a private key under another key's id")
	}
	if _, err := SealTransfer(recPub, priv[:31], 1, 7, "0123456789abcdef"); err == nil {
		t.Fatal("sealed a short private key")
	}
	if _, err := Master("x", make([]byte, SaltSize), MinIterations-1); err == nil {
		t.Fatal("derived with too few iterations")
	}
}
