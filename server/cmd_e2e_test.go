package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govchat/internal/e2e"
)

// e2eRun runs `govchat e2e …` as main would, answering stdout, stderr and the error.
func e2eRun(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"e2e"}, args...), &out, &errOut, noEnv)
	return out.String(), errOut.String(), err
}

func mustE2E(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := e2eRun(t, args...)
	if err != nil {
		t.Fatalf("e2e %s: %v\n%s", args[0], err, errOut)
	}
	return strings.TrimSpace(out)
}

// readVectors reads one of the shared vector files.
func readVectors(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "protocol", "testdata", "e2e", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestE2EKeygen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "escrow.key")
	out := mustE2E(t, "keygen", "--out", path)
	id, pubB64, ok := strings.Cut(out, " ")
	if !ok {
		t.Fatalf("keygen printed %q", out)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, st.Mode())
	}
	raw, _ := os.ReadFile(path)
	priv, err := e2e.Decode(strings.TrimSuffix(string(raw), "\n"))
	if err != nil || len(priv) != 32 || bytes.Count(raw, []byte("\n")) != 1 {
		t.Fatalf("key file holds %q", raw)
	}
	pub, _ := e2e.PublicKey(priv)
	if wantID, _ := e2e.KeyID(pub); e2e.Encode(pub) != pubB64 || id != wantID {
		t.Fatalf("printed %s %s, the file's key is %s %s", id, pubB64, wantID, e2e.Encode(pub))
	}
	t.Run("never overwrites", func(t *testing.T) {
		_, _, err := e2eRun(t, "keygen", "--out", path)
		if err == nil || !strings.Contains(err.Error(), "exists") {
			t.Fatalf("second keygen: %v", err)
		}
		if again, _ := os.ReadFile(path); !bytes.Equal(again, raw) {
			t.Fatal("the key file changed")
		}
	})
}

// TestE2ESealMatchesVectors: the command makes, byte for byte, the ciphertext the
// vectors hold, and opens it back to the plaintext and metadata.
func TestE2ESealMatchesVectors(t *testing.T) {
	var files struct {
		Key, Nonce string
		Files      []struct {
			Name     string
			MetaJSON string `json:"meta_json"`
			Meta     e2e.Meta
			Plain    struct {
				B64u *string `json:"b64u"`
			} `json:"plaintext"`
			Commitment       string
			CiphertextSHA256 string `json:"ciphertext_sha256"`
		}
	}
	readVectors(t, "files.json", &files)
	dir := t.TempDir()
	tried := 0
	for _, v := range files.Files {
		if v.Plain.B64u == nil || v.Meta.Thumb != "" {
			continue
		}
		tried++
		plain, _ := e2e.Decode(*v.Plain.B64u)
		in, sealed, opened := filepath.Join(dir, v.Name), filepath.Join(dir, v.Name+".gvcf"), filepath.Join(dir, v.Name+".out")
		os.WriteFile(in, plain, 0o600)
		commitment := mustE2E(t, "seal", "--file-key", files.Key, "--nonce", files.Nonce,
			"--name", v.Meta.Name, "--type", v.Meta.Type, "--in", in, "--out", sealed)
		if commitment != v.Commitment {
			t.Fatalf("%s: commitment %s, want %s", v.Name, commitment, v.Commitment)
		}
		ct, _ := os.ReadFile(sealed)
		if sum := sha256.Sum256(ct); hex.EncodeToString(sum[:]) != v.CiphertextSHA256 {
			t.Fatalf("%s: the ciphertext differs from the vector", v.Name)
		}
		meta := mustE2E(t, "open", "--in", sealed, "--out", opened, "--commitment", commitment, "--file-key", files.Key)
		if meta != v.MetaJSON {
			t.Fatalf("%s: open printed %s, want %s", v.Name, meta, v.MetaJSON)
		}
		if got, _ := os.ReadFile(opened); !bytes.Equal(got, plain) {
			t.Fatalf("%s: opened %d bytes, want %d", v.Name, len(got), len(plain))
		}
	}
	if tried < 5 {
		t.Fatalf("only %d inline vectors", tried)
	}
}

func TestE2EPictureMetadata(t *testing.T) {
	dir := t.TempDir()
	in, sealed, opened := filepath.Join(dir, "p.jpg"), filepath.Join(dir, "p.gvcf"), filepath.Join(dir, "p.out")
	os.WriteFile(in, bytes.Repeat([]byte{0xff, 0xd8}, 100000), 0o600)
	key, nonce := e2e.Encode(bytes.Repeat([]byte{1}, 32)), e2e.Encode(bytes.Repeat([]byte{2}, 16))
	thumb := "0123456789abcdef0123456789abcdef"
	c := mustE2E(t, "seal", "--file-key", key, "--nonce", nonce, "--name", "现场照片.jpg", "--type", "image/jpeg",
		"--thumb", thumb, "--w", "4032", "--h", "3024", "--in", in, "--out", sealed)
	meta := mustE2E(t, "open", "--in", sealed, "--out", opened, "--commitment", c, "--file-key", key)
	want := `{"v":1,"name":"现场照片.jpg","type":"image/jpeg","size":200000,"thumb":"` + thumb + `","w":4032,"h":3024}`
	if meta != want {
		t.Fatalf("meta %s", meta)
	}
}

// TestE2EOpenRefusesDamage: a damaged file exits 1 with a clear message and leaves no
// output, not even a partial one, in the destination's directory.
func TestE2EOpenRefusesDamage(t *testing.T) {
	src := t.TempDir()
	in, sealed := filepath.Join(src, "f"), filepath.Join(src, "f.gvcf")
	os.WriteFile(in, bytes.Repeat([]byte("机密"), 100000), 0o600)
	key, nonce := e2e.Encode(bytes.Repeat([]byte{3}, 32)), e2e.Encode(bytes.Repeat([]byte{4}, 16))
	c := mustE2E(t, "seal", "--file-key", key, "--nonce", nonce, "--name", "f", "--type", "text/plain", "--in", in, "--out", sealed)
	good, _ := os.ReadFile(sealed)
	for name, damage := range map[string]func([]byte) []byte{
		"a bit flipped in the last record": func(b []byte) []byte { b[len(b)-40] ^= 1; return b },
		"truncated":                        func(b []byte) []byte { return b[:len(b)-100] },
		"extended":                         func(b []byte) []byte { return append(b, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			bad := filepath.Join(dir, "bad.gvcf")
			os.WriteFile(bad, damage(bytes.Clone(good)), 0o600)
			out := filepath.Join(dir, "out")
			_, _, err := e2eRun(t, "open", "--in", bad, "--out", out, "--commitment", c, "--file-key", key)
			if !errors.Is(err, e2e.ErrDamaged) || exitCode(err) != 1 || !strings.Contains(err.Error(), "damaged or was tampered with") {
				t.Fatalf("err = %v (exit %d)", err, exitCode(err))
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Fatalf("left behind: %v", entries)
			}
		})
	}
	t.Run("another commitment", func(t *testing.T) {
		other := e2e.Encode(bytes.Repeat([]byte{9}, 32))
		_, _, err := e2eRun(t, "open", "--in", sealed, "--out", filepath.Join(t.TempDir(), "o"), "--commitment", other, "--file-key", key)
		if !errors.Is(err, e2e.ErrDamaged) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("never overwrites", func(t *testing.T) {
		existing := filepath.Join(t.TempDir(), "o")
		os.WriteFile(existing, []byte("keep"), 0o600)
		_, _, err := e2eRun(t, "open", "--in", sealed, "--out", existing, "--commitment", c, "--file-key", key)
		if got, _ := os.ReadFile(existing); err == nil || string(got) != "keep" {
			t.Fatalf("err = %v, file %q", err, got)
		}
	})
}

// TestE2EWrapUnwrap: the escrow officer's path — keygen, a wrap to the public key, an
// unwrap and an open with the key file and the wrap.
func TestE2EWrapUnwrap(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "escrow.key")
	id, pub, _ := strings.Cut(mustE2E(t, "keygen", "--out", keyFile), " ")
	fileKey, thumbKey := e2e.Encode(bytes.Repeat([]byte{5}, 32)), e2e.Encode(bytes.Repeat([]byte{6}, 32))
	blob := "5f0c1e2d3a4b59687f8e9dacbbcadbe9"
	binding := []string{"--blob-id", blob, "--context", "channel:42", "--user-id", "0", "--key-id", id}
	wrapped := mustE2E(t, append([]string{"wrap", "--public", pub, "--file-key", fileKey, "--thumb-key", thumbKey}, binding...)...)
	if got := mustE2E(t, append([]string{"unwrap", "--key-file", keyFile, "--wrapped", wrapped}, binding...)...); got != fileKey+" "+thumbKey {
		t.Fatalf("unwrap printed %q", got)
	}
	// Bound to the escrow (user 0) in channel 42: not to a person, not to a notice.
	for _, other := range [][]string{
		{"--blob-id", blob, "--context", "channel:42", "--user-id", "7", "--key-id", id},
		{"--blob-id", blob, "--context", "notice", "--user-id", "0", "--key-id", id},
	} {
		_, _, err := e2eRun(t, append([]string{"unwrap", "--key-file", keyFile, "--wrapped", wrapped}, other...)...)
		if !errors.Is(err, e2e.ErrUnwrap) || exitCode(err) != 1 {
			t.Fatalf("unwrap under another binding: %v", err)
		}
	}
	// open with --key-file and --wrapped.
	in, sealed, opened := filepath.Join(dir, "f"), filepath.Join(dir, "f.gvcf"), filepath.Join(dir, "f.out")
	os.WriteFile(in, []byte("案卷材料"), 0o600)
	c := mustE2E(t, "seal", "--file-key", fileKey, "--nonce", e2e.Encode(make([]byte, 16)), "--name", "案卷.txt", "--type", "text/plain", "--in", in, "--out", sealed)
	meta := mustE2E(t, append([]string{"open", "--in", sealed, "--out", opened, "--commitment", c, "--key-file", keyFile, "--wrapped", wrapped}, binding...)...)
	if got, _ := os.ReadFile(opened); string(got) != "案卷材料" || !strings.Contains(meta, `"name":"案卷.txt"`) {
		t.Fatalf("opened %q, meta %s", got, meta)
	}
}

// TestE2EUnwrapsVectors: the wraps of hpke.json open with the command, as the browser's
// wraps will in the cross tests.
func TestE2EUnwrapsVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			RecipientPrivate string `json:"recipient_private"`
			Binding          struct {
				BlobID  string `json:"blob_id"`
				Context string
				UserID  int64  `json:"user_id"`
				KeyID   string `json:"key_id"`
			}
			Keys    struct{ File, Thumb string }
			Wrapped string
		}
	}
	readVectors(t, "hpke.json", &v)
	dir := t.TempDir()
	for i, c := range v.Cases {
		keyFile := filepath.Join(dir, "k"+string(rune('0'+i)))
		os.WriteFile(keyFile, []byte(c.RecipientPrivate+"\n"), 0o600)
		got := mustE2E(t, "unwrap", "--key-file", keyFile, "--wrapped", c.Wrapped, "--blob-id", c.Binding.BlobID,
			"--context", c.Binding.Context, "--user-id", jsonInt(c.Binding.UserID), "--key-id", c.Binding.KeyID)
		if want := strings.TrimSpace(c.Keys.File + " " + c.Keys.Thumb); got != want {
			t.Fatalf("case %d: unwrap printed %q, want %q", i, got, want)
		}
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestE2EUsage(t *testing.T) {
	dir := t.TempDir()
	key := e2e.Encode(make([]byte, 32))
	in := filepath.Join(dir, "in")
	os.WriteFile(in, []byte("x"), 0o600)
	for name, args := range map[string][]string{
		"no subcommand":        {},
		"unknown subcommand":   {"frobnicate"},
		"keygen without --out": {"keygen"},
		"a stray argument":     {"keygen", "--out", filepath.Join(dir, "k"), "extra"},
		"seal without nonce":   {"seal", "--file-key", key, "--name", "a", "--type", "b", "--in", in, "--out", filepath.Join(dir, "o")},
		"seal with a short key": {"seal", "--file-key", key[:10], "--nonce", e2e.Encode(make([]byte, 16)), "--name", "a", "--type", "b",
			"--in", in, "--out", filepath.Join(dir, "o")},
		"seal with padded base64": {"seal", "--file-key", key + "=", "--nonce", e2e.Encode(make([]byte, 16)), "--name", "a", "--type", "b",
			"--in", in, "--out", filepath.Join(dir, "o")},
		"seal with a thumb that is a path": {"seal", "--file-key", key, "--nonce", e2e.Encode(make([]byte, 16)), "--name", "a", "--type", "b",
			"--thumb", "../../etc/passwd", "--in", in, "--out", filepath.Join(dir, "o")},
		"open with both keys": {"open", "--in", in, "--out", filepath.Join(dir, "o"), "--commitment", key, "--file-key", key,
			"--key-file", in, "--wrapped", "x"},
		"open with no key": {"open", "--in", in, "--out", filepath.Join(dir, "o"), "--commitment", key},
		"open with a wrap and no binding": {"open", "--in", in, "--out", filepath.Join(dir, "o"), "--commitment", key,
			"--key-file", in, "--wrapped", "x"},
		"wrap without user id": {"wrap", "--public", key, "--file-key", key, "--blob-id", "5f0c1e2d3a4b59687f8e9dacbbcadbe9",
			"--context", "notice", "--key-id", "66687aadf862bd77"},
		"wrap with a bad context": {"wrap", "--public", key, "--file-key", key, "--blob-id", "5f0c1e2d3a4b59687f8e9dacbbcadbe9",
			"--context", "group:1", "--user-id", "1", "--key-id", "66687aadf862bd77"},
		"wrap with another key's id": {"wrap", "--public", key, "--file-key", key, "--blob-id", "5f0c1e2d3a4b59687f8e9dacbbcadbe9",
			"--context", "notice", "--user-id", "1", "--key-id", "0123456789abcdef"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := e2eRun(t, args...); !errors.Is(err, errUsage) || exitCode(err) != 2 {
				t.Fatalf("err = %v, want a usage error", err)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a refused command left files: %v", entries)
	}
}
