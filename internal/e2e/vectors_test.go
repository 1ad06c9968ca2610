package e2e

import (
	"bytes"
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"testing/cryptotest"

	"golang.org/x/text/unicode/norm"

	"govchat/protocol"
)

// The shared vectors of protocol/testdata/e2e (README.md there says what each field
// means). The browser's Vitest reads the same files.
//
//	go test ./internal/e2e -run TestVectors -update   # rewrite them after a change
//
// Without -update the test remakes every file and compares it byte for byte (except
// hpke.json, whose wraps take randomness), and checks each file on its own terms as the
// browser does: decrypt, refuse, unwrap.

var update = flag.Bool("update", false, "rewrite protocol/testdata/e2e from the code")

var vectorDir = filepath.Join("..", "..", "protocol", "testdata", "e2e")

const patternRule = "i mod 251"

// files.json

type filesFile struct {
	About    string         `json:"about"`
	Key      string         `json:"key"`
	Nonce    string         `json:"nonce"`
	Schedule scheduleVector `json:"schedule"`
	Files    []fileVector   `json:"files"`
}

type scheduleVector struct {
	PayloadKey string        `json:"payload_key"`
	CommitKey  string        `json:"commit_key"`
	Prefix     string        `json:"prefix"`
	Commitment string        `json:"commitment"`
	Header     string        `json:"header"`
	AAD        string        `json:"aad"`
	Nonces     []nonceVector `json:"nonces"`
}

type nonceVector struct {
	Record int64  `json:"record"`
	Final  bool   `json:"final"`
	Hex    string `json:"nonce_hex"`
}

type plaintextVector struct {
	Size   int64   `json:"size"`
	B64u   *string `json:"b64u,omitempty"` // inline (present, possibly "", for small files)
	Rule   string  `json:"rule,omitempty"` // else: byte i = i mod 251
	SHA256 string  `json:"sha256"`
}

type fileVector struct {
	Name             string          `json:"name"`
	Meta             json.RawMessage `json:"meta"`
	MetaJSON         string          `json:"meta_json"`
	Plaintext        plaintextVector `json:"plaintext"`
	PaddedSize       int64           `json:"padded_size"`
	Records          int64           `json:"records"`
	CiphertextSize   int64           `json:"ciphertext_size"`
	Commitment       string          `json:"commitment"`
	CiphertextSHA256 string          `json:"ciphertext_sha256"`
	Ciphertext       string          `json:"ciphertext,omitempty"`
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func makeFiles(t *testing.T) filesFile {
	key, nonce := vectorKey(), vectorNonce()
	payloadKey, commitKey, err := schedule(key, nonce)
	if err != nil {
		t.Fatal(err)
	}
	h := mustHeader(t, key, nonce)
	f := filesFile{
		About: "The file format of suite 0x01 (E2E.md §2): one K and N, each plaintext's record 0 JSON, sizes, commitment and ciphertext.",
		Key:   Encode(key), Nonce: Encode(nonce),
		Schedule: scheduleVector{
			PayloadKey: Encode(payloadKey), CommitKey: Encode(commitKey), Prefix: Encode(h.prefix()),
			Commitment: Encode(h.Commitment[:]), Header: Encode(h.Bytes()), AAD: Encode(h.AAD()),
		},
	}
	for _, n := range []struct {
		i     int64
		final bool
	}{{0, false}, {1, false}, {1, true}, {4, true}, {65536, false}, {1<<40 + 3, true}} {
		nn := recordNonce(n.i, n.final)
		f.Schedule.Nonces = append(f.Schedule.Nonces, nonceVector{n.i, n.final, hex.EncodeToString(nn[:])})
	}
	for _, c := range fileCases() {
		j, err := c.Meta.JSON()
		if err != nil {
			t.Fatal(err)
		}
		ct := seal(t, key, nonce, c.Meta, c.Content)
		p, n := layout(c.Meta.Size)
		v := fileVector{
			Name: c.Name, Meta: j, MetaJSON: string(j),
			Plaintext:  plaintextVector{Size: c.Meta.Size, SHA256: hexSum(c.Content)},
			PaddedSize: p, Records: n, CiphertextSize: int64(len(ct)),
			Commitment: Encode(h.Commitment[:]), CiphertextSHA256: hexSum(ct),
		}
		if c.Inline {
			s := Encode(c.Content)
			v.Plaintext.B64u = &s
			v.Ciphertext = Encode(ct)
		} else {
			v.Plaintext.Rule = patternRule
		}
		f.Files = append(f.Files, v)
	}
	return f
}

// content is a vector's plaintext from its own description.
func (v fileVector) content(t *testing.T) []byte {
	t.Helper()
	switch {
	case v.Plaintext.B64u != nil:
		b, err := Decode(*v.Plaintext.B64u)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case v.Plaintext.Rule == patternRule:
		return pattern(int(v.Plaintext.Size))
	}
	t.Fatalf("%s: no plaintext", v.Name)
	return nil
}

func checkFiles(t *testing.T, f filesFile) map[string][]byte {
	key, _ := Decode(f.Key)
	nonce, _ := Decode(f.Nonce)
	payloadKey, commitKey, err := schedule(key, nonce)
	if err != nil {
		t.Fatal(err)
	}
	h := mustHeader(t, key, nonce)
	if Encode(payloadKey) != f.Schedule.PayloadKey || Encode(commitKey) != f.Schedule.CommitKey ||
		Encode(h.Bytes()) != f.Schedule.Header || Encode(h.AAD()) != f.Schedule.AAD || Encode(h.prefix()) != f.Schedule.Prefix {
		t.Fatal("the key schedule differs from schedule")
	}
	for _, n := range f.Schedule.Nonces {
		if nn := recordNonce(n.Record, n.Final); hex.EncodeToString(nn[:]) != n.Hex {
			t.Errorf("nonce of record %d final %v", n.Record, n.Final)
		}
	}
	made := map[string][]byte{}
	for _, v := range f.Files {
		t.Run(v.Name, func(t *testing.T) {
			content := v.content(t)
			if hexSum(content) != v.Plaintext.SHA256 || int64(len(content)) != v.Plaintext.Size {
				t.Fatal("plaintext does not match its sha256")
			}
			m, err := DecodeMeta(metaRecord(t, v.MetaJSON))
			if err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, v.Meta); err != nil || compact.String() != v.MetaJSON {
				t.Fatalf("meta is not meta_json: %v", err)
			}
			if j, _ := m.JSON(); string(j) != v.MetaJSON {
				t.Fatalf("canonical JSON %s, vector %s", j, v.MetaJSON)
			}
			ct := seal(t, key, nonce, m, content)
			if hexSum(ct) != v.CiphertextSHA256 || int64(len(ct)) != v.CiphertextSize || CiphertextSize(m.Size) != v.CiphertextSize {
				t.Fatal("the ciphertext differs")
			}
			if p, n := layout(m.Size); p != v.PaddedSize || n != v.Records {
				t.Fatal("padded size or record count differs")
			}
			if v.Ciphertext != "" {
				if Encode(ct) != v.Ciphertext {
					t.Fatal("the inline ciphertext differs")
				}
			}
			commitment, _ := Decode(v.Commitment)
			got, plain, err := open(key, commitment, ct)
			if err != nil || got != m || !bytes.Equal(plain, content) {
				t.Fatalf("decrypt: %v", err)
			}
			made[v.Name] = ct
		})
	}
	return made
}

// damaged.json

type damagedFile struct {
	About string        `json:"about"`
	Cases []damagedCase `json:"cases"`
}

func checkDamaged(t *testing.T, f damagedFile, bases map[string][]byte) {
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			key, _ := Decode(c.Key)
			commitment, _ := Decode(c.Commitment)
			var ct []byte
			if c.Base != "" {
				ct = bytes.Clone(bases[c.Base])
				if ct == nil {
					t.Fatalf("no base %s", c.Base)
				}
				for _, e := range c.Edits {
					var err error
					if ct, err = e.apply(ct); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				ct, _ = Decode(c.Ciphertext)
			}
			_, _, err := open(key, commitment, ct)
			if !errors.Is(err, ErrDamaged) || ReasonOf(err) != c.Reason {
				t.Fatalf("err = %v, want %s", err, c.Reason)
			}
		})
	}
}

// padding.json

type paddingFile struct {
	About   string          `json:"about"`
	Rule    string          `json:"rule"`
	Buckets []int64         `json:"first_buckets"`
	Sizes   []paddingVector `json:"sizes"`
}

type paddingVector struct {
	Size           int64 `json:"size"`
	PaddedSize     int64 `json:"padded_size"`
	Records        int64 `json:"records"`
	CiphertextSize int64 `json:"ciphertext_size"`
	LastRecordAt   int64 `json:"last_record_offset"`
}

func makePadding() paddingFile {
	f := paddingFile{
		About: "paddedSize, the content record count and ciphertextSize (E2E.md §2.4, §2.5).",
		Rule:  "b0 = 541; b(k+1) = b(k) + max(1, floor(b(k) / 20)); paddedSize(n) = the smallest bucket >= n",
	}
	for b := int64(541); len(f.Buckets) < 40; b += max(1, b/20) {
		f.Buckets = append(f.Buckets, b)
	}
	for _, n := range []int64{0, 1, 540, 541, 542, 567, 568, 569, 1000, 4096, 65535, 65536, 65537,
		131072, 200000, 1 << 20, protocol.FilePartSize, 100 << 20, 1 << 30, protocol.DefaultMaxFileSize, MaxSize} {
		p, r := layout(n)
		f.Sizes = append(f.Sizes, paddingVector{n, p, r, CiphertextSize(n), RecordOffset(r)})
	}
	return f
}

// meta.json

type metaFile struct {
	About     string          `json:"about"`
	Canonical []canonicalMeta `json:"canonical"`
	Accepted  []metaCase      `json:"accepted"`
	Refused   []metaCase      `json:"refused"`
}

type canonicalMeta struct {
	Meta Meta   `json:"meta"`
	JSON string `json:"json"`
}

func makeMeta(t *testing.T) metaFile {
	f := metaFile{
		About:    "Record 0's JSON (E2E.md §2.3): canonical encodings, other texts readers accept, texts they refuse.",
		Accepted: metaAccepted(), Refused: metaRefusals(),
	}
	for _, m := range validMetas() {
		j, err := m.JSON()
		if err != nil {
			t.Fatal(err)
		}
		f.Canonical = append(f.Canonical, canonicalMeta{m, string(j)})
	}
	return f
}

func checkMeta(t *testing.T, f metaFile) {
	for _, c := range f.Canonical {
		if j, err := c.Meta.JSON(); err != nil || string(j) != c.JSON {
			t.Errorf("canonical %s: %s, %v", c.JSON, j, err)
		}
	}
	for _, c := range append(f.Accepted, f.Refused...) {
		j, _ := Decode(c.JSON)
		m, err := DecodeMeta(metaRecord(t, string(j)))
		switch {
		case c.Meta != nil && (err != nil || m != *c.Meta):
			t.Errorf("%s: %+v, %v", c.Name, m, err)
		case c.Meta == nil && ReasonOf(err) != c.Reason:
			t.Errorf("%s: %v, want %s", c.Name, err, c.Reason)
		}
	}
}

// hpke.json

type hpkeFile struct {
	About    string        `json:"about"`
	Suite    hpkeSuite     `json:"suite"`
	Info     string        `json:"info"`
	Cases    []hpkeVector  `json:"cases"`
	Refusals []hpkeRefusal `json:"refusals"`
}

type hpkeSuite struct {
	Mode int    `json:"mode"`
	KEM  uint16 `json:"kem"`
	KDF  uint16 `json:"kdf"`
	AEAD uint16 `json:"aead"`
}

type bindingVector struct {
	BlobID  string `json:"blob_id"`
	Context string `json:"context"`
	UserID  int64  `json:"user_id"`
	KeyID   string `json:"key_id"`
}

func (b bindingVector) binding() Binding { return Binding{b.BlobID, b.Context, b.UserID, b.KeyID} }

type keysVector struct {
	File  string `json:"file"`
	Thumb string `json:"thumb,omitempty"`
}

type hpkeVector struct {
	Name             string        `json:"name"`
	RecipientPrivate string        `json:"recipient_private"`
	RecipientPublic  string        `json:"recipient_public"`
	Binding          bindingVector `json:"binding"`
	AAD              string        `json:"aad"`
	Keys             keysVector    `json:"keys"`
	Wrapped          string        `json:"wrapped"`
}

type hpkeRefusal struct {
	Name             string         `json:"name"`
	Case             string         `json:"case"` // the case whose private key, binding and wrap are used, but for:
	RecipientPrivate string         `json:"recipient_private,omitempty"`
	Binding          *bindingVector `json:"binding,omitempty"`
	Wrapped          string         `json:"wrapped,omitempty"`
}

func makeHPKE(t *testing.T) hpkeFile {
	cryptotest.SetGlobalRandom(t, 11) // the ephemeral keys: -update rewrites the same wraps
	f := hpkeFile{
		About: "HPKE wraps of file keys (E2E.md §3): each wrap opens to keys under its binding; every refusal must fail to open.",
		Suite: hpkeSuite{0, wrapKEM.ID(), wrapKDF.ID(), wrapAEAD.ID()}, Info: wrapInfo,
	}
	add := func(name, who string, keys FileKeys, b Binding) {
		priv, pub, id := keyPair(t, who)
		b.KeyID = id
		w, err := WrapFileKeys(pub, keys, b)
		if err != nil {
			t.Fatal(err)
		}
		kv := keysVector{File: Encode(keys.File)}
		if keys.Thumb != nil {
			kv.Thumb = Encode(keys.Thumb)
		}
		f.Cases = append(f.Cases, hpkeVector{name, Encode(priv), Encode(pub),
			bindingVector{b.BlobID, b.Context, b.UserID, b.KeyID}, Encode(b.AAD()), kv, w})
	}
	blob := "5f0c1e2d3a4b59687f8e9dacbbcadbe9"
	add("channel-member-picture", "李明", FileKeys{File: seeded("K"), Thumb: seeded("K_thumb")}, Binding{BlobID: blob, Context: "channel:42", UserID: 7})
	add("notice-recipient-file", "王芳", FileKeys{File: seeded("K2")}, Binding{BlobID: blob, Context: "notice", UserID: 1000})
	add("escrow", "escrow", FileKeys{File: seeded("K"), Thumb: seeded("K_thumb")}, Binding{BlobID: blob, Context: "channel:42", UserID: 0})

	c := f.Cases[0]
	raw, _ := Decode(c.Wrapped)
	flip := func(i int) string { r := bytes.Clone(raw); r[i] ^= 1; return Encode(r) }
	with := func(edit func(*bindingVector)) *bindingVector { b := c.Binding; edit(&b); return &b }
	other, _, _ := keyPair(t, "王芳")
	f.Refusals = []hpkeRefusal{
		{Name: "another-blob", Case: c.Name, Binding: with(func(b *bindingVector) { b.BlobID = "00000000000000000000000000000000" })},
		{Name: "another-channel", Case: c.Name, Binding: with(func(b *bindingVector) { b.Context = "channel:43" })},
		{Name: "notice-context", Case: c.Name, Binding: with(func(b *bindingVector) { b.Context = "notice" })},
		{Name: "another-user", Case: c.Name, Binding: with(func(b *bindingVector) { b.UserID = 8 })},
		{Name: "as-escrow", Case: c.Name, Binding: with(func(b *bindingVector) { b.UserID = 0 })},
		{Name: "enc-altered", Case: c.Name, Wrapped: flip(5)},
		{Name: "ciphertext-altered", Case: c.Name, Wrapped: flip(len(raw) - 20)},
		{Name: "tag-altered", Case: c.Name, Wrapped: flip(len(raw) - 1)},
		{Name: "cut-short", Case: c.Name, Wrapped: Encode(raw[:len(raw)-1])},
		{Name: "another-private-key", Case: c.Name, RecipientPrivate: Encode(other)},
	}
	return f
}

func checkHPKE(t *testing.T, f hpkeFile) {
	if f.Suite != (hpkeSuite{0, 0x0020, 0x0001, 0x0002}) || f.Info != "govchat-file-key/1" {
		t.Fatalf("suite %+v info %q", f.Suite, f.Info)
	}
	cases := map[string]hpkeVector{}
	for _, c := range f.Cases {
		cases[c.Name] = c
		priv, _ := Decode(c.RecipientPrivate)
		pub, err := PublicKey(priv)
		if err != nil || Encode(pub) != c.RecipientPublic {
			t.Fatalf("%s: public key", c.Name)
		}
		if id, _ := KeyID(pub); id != c.Binding.KeyID {
			t.Fatalf("%s: key id", c.Name)
		}
		if Encode(c.Binding.binding().AAD()) != c.AAD {
			t.Fatalf("%s: aad", c.Name)
		}
		keys, err := UnwrapFileKeys(priv, c.Wrapped, c.Binding.binding())
		if err != nil || Encode(keys.File) != c.Keys.File || (keys.Thumb != nil) != (c.Keys.Thumb != "") || (keys.Thumb != nil && Encode(keys.Thumb) != c.Keys.Thumb) {
			t.Fatalf("%s: unwrap: %v", c.Name, err)
		}
	}
	for _, r := range f.Refusals {
		c := cases[r.Case]
		priv, _ := Decode(c.RecipientPrivate)
		b, w := c.Binding, c.Wrapped
		if r.RecipientPrivate != "" {
			priv, _ = Decode(r.RecipientPrivate)
			pub, _ := PublicKey(priv)
			b.KeyID, _ = KeyID(pub) // the binding a holder of that key would use
		}
		if r.Binding != nil {
			b = *r.Binding
		}
		if r.Wrapped != "" {
			w = r.Wrapped
		}
		if _, err := UnwrapFileKeys(priv, w, b.binding()); !errors.Is(err, ErrUnwrap) {
			t.Errorf("%s: err = %v, want ErrUnwrap", r.Name, err)
		}
	}
}

// keyids.json

type keyIDVector struct {
	Public string `json:"public"`
	KeyID  string `json:"key_id"`
}

type keyIDsFile struct {
	About string        `json:"about"`
	Keys  []keyIDVector `json:"keys"`
}

func makeKeyIDs(t *testing.T) keyIDsFile {
	f := keyIDsFile{About: "Key ids (E2E.md §3.3): the first 16 lowercase hex digits of SHA-256 of the raw 32-byte public key."}
	basepoint := make([]byte, 32)
	basepoint[0] = 9
	pubs := [][]byte{make([]byte, 32), basepoint}
	for _, who := range []string{"李明", "王芳", "escrow"} {
		_, pub, _ := keyPair(t, who)
		pubs = append(pubs, pub)
	}
	for _, p := range pubs {
		id, err := KeyID(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Keys = append(f.Keys, keyIDVector{Encode(p), id})
	}
	return f
}

// userkeys.json

type userKeyVector struct {
	Name        string `json:"name"`
	Password    string `json:"password"` // as typed
	PasswordHex string `json:"password_utf8_hex"`
	PasswordNFC string `json:"password_nfc"` // what PBKDF2 takes
	NFCHex      string `json:"password_nfc_utf8_hex"`
	UserID      int64  `json:"user_id"`
	Private     string `json:"private"`
	Public      string `json:"public"`
	KeyID       string `json:"key_id"`
	Salt        string `json:"salt"`
	Iterations  int    `json:"iterations"`
	Master      string `json:"master"`
	WrapKey     string `json:"wrap_key"`
	AAD         string `json:"aad"`
	Nonce       string `json:"nonce"`
	Wrapped     string `json:"wrapped"`
}

type userKeyRefusal struct {
	Name     string `json:"name"`
	Case     string `json:"case"` // the case's record, opened with the case's values but for:
	Password string `json:"password,omitempty"`
	UserID   int64  `json:"user_id,omitempty"`
	KeyID    string `json:"key_id,omitempty"`
	Wrapped  string `json:"wrapped,omitempty"`
}

type userKeysFile struct {
	About    string           `json:"about"`
	Info     string           `json:"info"`
	Cases    []userKeyVector  `json:"cases"`
	Refusals []userKeyRefusal `json:"refusals"`
}

func makeUserKeys(t *testing.T) userKeysFile {
	f := userKeysFile{About: "Password wrap of a private key (E2E.md §4.1), with fixed salt and nonce.", Info: infoWrap}
	add := func(name, password, who string, user int64) {
		priv, pub, id := keyPair(t, who)
		salt, nonce := seeded("salt " + name)[:SaltSize], seeded("nonce " + name)[:gcmNonceSize]
		nfc := norm.NFC.String(password)
		master, _ := pbkdf2.Key(sha256.New, nfc, salt, MinIterations, 32)
		wrapKey, _ := hkdf.Key(sha256.New, master, nil, infoWrap, 32)
		w, err := wrapPrivateKey(priv, password, user, id, salt, MinIterations, nonce)
		if err != nil {
			t.Fatal(err)
		}
		f.Cases = append(f.Cases, userKeyVector{name, password, hex.EncodeToString([]byte(password)), nfc, hex.EncodeToString([]byte(nfc)), user, Encode(priv), Encode(pub), id,
			Encode(salt), MinIterations, Encode(master), Encode(wrapKey), Encode(userAAD(user, id)), Encode(nonce), w.Wrapped})
	}
	add("chinese", "政务通讯·安全口令2026！", "李明", 7)
	add("needs-nfc", "Cafe\u0301 密码 \u212b", "王芳", 1000) // e + combining acute → é; Ångström sign → Å
	w := f.Cases[0]
	raw, _ := Decode(w.Wrapped)
	raw[len(raw)-1] ^= 1
	f.Refusals = []userKeyRefusal{
		{Name: "wrong-password", Case: w.Name, Password: "政务通讯·安全口令2027！"},
		{Name: "nfkc-is-not-nfc", Case: w.Name, Password: "政务通讯·安全口令2026!"}, // ASCII "!" for the fullwidth one: NFC keeps them apart
		{Name: "another-user", Case: w.Name, UserID: 8},
		{Name: "another-key-id", Case: w.Name, KeyID: "0123456789abcdef"},
		{Name: "tag-altered", Case: w.Name, Wrapped: Encode(raw)},
	}
	return f
}

func checkUserKeys(t *testing.T, f userKeysFile) {
	cases := map[string]userKeyVector{}
	for _, c := range f.Cases {
		cases[c.Name] = c
		salt, _ := Decode(c.Salt)
		nonce, _ := Decode(c.Nonce)
		priv, _ := Decode(c.Private)
		if norm.NFC.String(c.Password) != c.PasswordNFC || hex.EncodeToString([]byte(c.Password)) != c.PasswordHex || hex.EncodeToString([]byte(c.PasswordNFC)) != c.NFCHex {
			t.Fatalf("%s: NFC", c.Name)
		}
		// The composed and the typed form wrap alike.
		for _, pw := range []string{c.Password, c.PasswordNFC} {
			w, err := wrapPrivateKey(priv, pw, c.UserID, c.KeyID, salt, c.Iterations, nonce)
			if err != nil || w.Wrapped != c.Wrapped {
				t.Fatalf("%s: wrapped differs: %v", c.Name, err)
			}
		}
		if Encode(userAAD(c.UserID, c.KeyID)) != c.AAD {
			t.Fatalf("%s: aad", c.Name)
		}
		got, err := UnwrapPrivateKey(WrappedPrivate{c.Wrapped, salt, c.Iterations}, c.Password, c.UserID, c.KeyID)
		if err != nil || !bytes.Equal(got, priv) {
			t.Fatalf("%s: unwrap: %v", c.Name, err)
		}
	}
	for _, r := range f.Refusals {
		c := cases[r.Case]
		salt, _ := Decode(c.Salt)
		pw, user, id, w := c.Password, c.UserID, c.KeyID, c.Wrapped
		if r.Password != "" {
			pw = r.Password
		}
		if r.UserID != 0 {
			user = r.UserID
		}
		if r.KeyID != "" {
			id = r.KeyID
		}
		if r.Wrapped != "" {
			w = r.Wrapped
		}
		if _, err := UnwrapPrivateKey(WrappedPrivate{w, salt, c.Iterations}, pw, user, id); !errors.Is(err, ErrPassword) {
			t.Errorf("%s: err = %v, want ErrPassword", r.Name, err)
		}
	}
}

// The files and the test.

func encodeVector(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.Bytes(), err
}

// vectorFile writes v to name under -update; otherwise it compares (when compare) and
// reads the file back into out, so that the checks run on what is stored.
func vectorFile(t *testing.T, name string, v any, compare bool, out any) {
	t.Helper()
	want, err := encodeVector(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(vectorDir, name)
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/e2e -run TestVectors -update)", err)
	}
	if compare && !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what the code makes (run go test ./internal/e2e -run TestVectors -update)", name)
	}
	dec := json.NewDecoder(bytes.NewReader(got))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestVectors(t *testing.T) {
	if *update {
		if err := os.MkdirAll(vectorDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var files filesFile
	vectorFile(t, "files.json", makeFiles(t), true, &files)
	bases := checkFiles(t, files)

	var damaged damagedFile
	vectorFile(t, "damaged.json", damagedFile{
		About: "Damaged ciphertexts (E2E.md §2.6): each must be refused; reason is the Go reader's code.",
		Cases: damagedCases(t)}, true, &damaged)
	t.Run("damaged", func(t *testing.T) { checkDamaged(t, damaged, bases) })

	var padding paddingFile
	vectorFile(t, "padding.json", makePadding(), true, &padding)
	for _, s := range padding.Sizes {
		if p, r := layout(s.Size); p != s.PaddedSize || r != s.Records || CiphertextSize(s.Size) != s.CiphertextSize {
			t.Errorf("padding of %d", s.Size)
		}
	}

	var meta metaFile
	vectorFile(t, "meta.json", makeMeta(t), true, &meta)
	t.Run("meta", func(t *testing.T) { checkMeta(t, meta) })

	var hpkeV hpkeFile
	vectorFile(t, "hpke.json", makeHPKE(t), false, &hpkeV)
	t.Run("hpke", func(t *testing.T) { checkHPKE(t, hpkeV) })

	var ids keyIDsFile
	vectorFile(t, "keyids.json", makeKeyIDs(t), true, &ids)
	for _, k := range ids.Keys {
		p, _ := Decode(k.Public)
		if id, _ := KeyID(p); id != k.KeyID {
			t.Errorf("key id of %s", k.Public)
		}
	}

	var users userKeysFile
	vectorFile(t, "userkeys.json", makeUserKeys(t), true, &users)
	t.Run("userkeys", func(t *testing.T) { checkUserKeys(t, users) })

	var rec recoveryFile
	vectorFile(t, "recovery.json", makeRecovery(t), false, &rec)
	t.Run("recovery", func(t *testing.T) { checkRecovery(t, rec) })
}
