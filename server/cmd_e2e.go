package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"govchat/internal/e2e"
)

// The e2e command is the file encryption of protocol/E2E.md outside the browser: the
// security officer's offline work (make the escrow key pair, unwrap an escrow wrap, open
// a file) and the browser cross tests (Go seals → Chromium opens, and back). It touches
// no store and no configuration, and writes no output file that is not whole: a file
// is written beside its destination under a temporary name and renamed into place only
// once complete (for open: once every record verified). It never overwrites a file.
// Keys are printed on stdout because that is what the operator asked for; nothing is
// logged.

const e2eUsage = `Usage:
  govchat e2e keygen --out PATH
      make an X25519 key pair (e.g. the escrow key); the private key goes to PATH
      (base64url, mode 0600, never overwritten); prints "key_id public_key"
  govchat e2e seal --file-key B64U --nonce B64U --name NAME --type MIME [--thumb BLOB_ID] [--w N --h N] --in PATH --out PATH
      encrypt a file (E2E.md §2); prints the commitment
  govchat e2e open --in PATH --out PATH --commitment B64U (--file-key B64U | --key-file PATH --wrapped B64U BINDING)
      decrypt and verify a file; prints its metadata as JSON. A damaged file leaves no output and exits 1
  govchat e2e wrap --public B64U --file-key B64U [--thumb-key B64U] BINDING
      wrap a file key (and a thumbnail key) to a public key (E2E.md §3); prints the wrap
  govchat e2e unwrap --key-file PATH --wrapped B64U BINDING
      open a wrap; prints "file_key [thumb_key]"

BINDING is --blob-id ID --context (channel:ID|notice) --user-id N (0: the escrow key) --key-id KID.
Every key, nonce, commitment and wrap is base64url without padding.
`

func e2eCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, e2eUsage)
		return fmt.Errorf("%w: e2e needs a subcommand", errUsage)
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "keygen":
		return e2eKeygen(args, stdout, stderr)
	case "seal":
		return e2eSeal(args, stdout, stderr)
	case "open":
		return e2eOpen(args, stdout, stderr)
	case "wrap":
		return e2eWrap(args, stdout, stderr)
	case "unwrap":
		return e2eUnwrap(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, e2eUsage)
		return nil
	}
	fmt.Fprint(stderr, e2eUsage)
	return fmt.Errorf("%w: unknown e2e subcommand %q", errUsage, sub)
}

// e2eFlags is one subcommand's flag set: it parses, refuses positional arguments and
// checks that the required flags were given.
type e2eFlags struct {
	*flag.FlagSet
	stderr io.Writer
}

func newE2EFlags(name string, stderr io.Writer) e2eFlags {
	fs := flag.NewFlagSet("e2e "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, e2eUsage) }
	return e2eFlags{fs, stderr}
}

func (f e2eFlags) parse(args []string, required ...string) error {
	if err := f.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if f.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, f.Arg(0))
	}
	return f.require(required...)
}

// require refuses a command line that lacks one of the flags named.
func (f e2eFlags) require(required ...string) error {
	given := f.given()
	var missing []string
	for _, name := range required {
		if !given[name] {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: e2e %s needs %s", errUsage, strings.TrimPrefix(f.Name(), "e2e "), strings.Join(missing, ", "))
	}
	return nil
}

func (f e2eFlags) given() map[string]bool {
	given := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	return given
}

// bytesFlag reads a base64url flag of exactly n bytes.
func bytesFlag(name, value string, n int) ([]byte, error) {
	b, err := e2e.Decode(value)
	if err != nil || len(b) != n {
		return nil, fmt.Errorf("%w: --%s must be base64url (no padding) of %d bytes", errUsage, name, n)
	}
	return b, nil
}

// bindingFlags are the four flags that name what a wrap is bound to.
type bindingFlags struct {
	blobID, context, keyID string
	userID                 int64
}

var bindingNames = []string{"blob-id", "context", "user-id", "key-id"}

func (b *bindingFlags) register(f e2eFlags) {
	f.StringVar(&b.blobID, "blob-id", "", "the blob's id (32 lowercase hex digits)")
	f.StringVar(&b.context, "context", "", `"channel:<id>" or "notice"`)
	f.Int64Var(&b.userID, "user-id", -1, "the recipient's user id; 0 for the escrow key")
	f.StringVar(&b.keyID, "key-id", "", "the recipient key's id (16 lowercase hex digits)")
}

func (b *bindingFlags) binding() (e2e.Binding, error) {
	bd := e2e.Binding{BlobID: b.blobID, Context: b.context, UserID: b.userID, KeyID: b.keyID}
	if err := bd.Validate(); err != nil {
		return e2e.Binding{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	return bd, nil
}

// readKeyFile reads a private key written by keygen: one base64url line.
func readKeyFile(path string, stderr io.Writer) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := e2e.Decode(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != e2e.PrivateKeySize {
		return nil, fmt.Errorf("%s holds no private key (one line of base64url, %d bytes)", path, e2e.PrivateKeySize)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "warning: %s can be read by others (mode %04o); chmod 600 it\n", path, st.Mode().Perm())
	}
	return key, nil
}

func e2eKeygen(args []string, stdout, stderr io.Writer) error {
	f := newE2EFlags("keygen", stderr)
	out := f.String("out", "", "write the private key to this `path`")
	if err := f.parse(args, "out"); err != nil {
		return err
	}
	priv, pub, err := e2e.GenerateKeyPair()
	if err != nil {
		return err
	}
	id, err := e2e.KeyID(pub)
	if err != nil {
		return err
	}
	// O_EXCL: a key pair is never replaced by accident; losing the escrow private key
	// loses every escrow wrap made to it.
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists; keygen never overwrites a key", *out)
		}
		return err
	}
	if _, err = fmt.Fprintln(file, e2e.Encode(priv)); err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintln(stdout, id, e2e.Encode(pub))
	return nil
}

func e2eSeal(args []string, stdout, stderr io.Writer) error {
	f := newE2EFlags("seal", stderr)
	keyB64 := f.String("file-key", "", "the file key K (32 bytes)")
	nonceB64 := f.String("nonce", "", "the file nonce N (16 bytes)")
	var m e2e.Meta
	f.StringVar(&m.Name, "name", "", "the file's name, as record 0 carries it")
	f.StringVar(&m.Type, "type", "", "the file's MIME type")
	f.StringVar(&m.Thumb, "thumb", "", "the thumbnail's blob id, for a picture")
	f.Int64Var(&m.W, "w", 0, "the picture's width in pixels")
	f.Int64Var(&m.H, "h", 0, "the picture's height in pixels")
	in := f.String("in", "", "the plaintext `path`")
	out := f.String("out", "", "the ciphertext `path` (must not exist)")
	if err := f.parse(args, "file-key", "nonce", "name", "type", "in", "out"); err != nil {
		return err
	}
	key, err := bytesFlag("file-key", *keyB64, e2e.KeySize)
	if err != nil {
		return err
	}
	nonce, err := bytesFlag("nonce", *nonceB64, e2e.NonceSize)
	if err != nil {
		return err
	}
	src, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: --in must be a regular file (its size goes into record 0)", errUsage)
	}
	m.Size = st.Size()
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var header e2e.Header
	err = writeWhole(*out, func(w io.Writer) error {
		enc, err := e2e.NewEncryptor(w, key, nonce, m)
		if err != nil {
			return err
		}
		header = enc.Header()
		if _, err := io.Copy(enc, src); err != nil {
			return err
		}
		return enc.Close()
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, e2e.Encode(header.Commitment[:]))
	return nil
}

func e2eOpen(args []string, stdout, stderr io.Writer) error {
	f := newE2EFlags("open", stderr)
	in := f.String("in", "", "the ciphertext `path`")
	out := f.String("out", "", "the plaintext `path` (must not exist)")
	commitmentB64 := f.String("commitment", "", "the commitment the message carries")
	keyB64 := f.String("file-key", "", "the file key K, or:")
	keyFile := f.String("key-file", "", "a private key `path` (from keygen) to unwrap --wrapped with")
	wrapped := f.String("wrapped", "", "the wrapped key")
	var bf bindingFlags
	bf.register(f)
	if err := f.parse(args, "in", "out", "commitment"); err != nil {
		return err
	}
	commitment, err := bytesFlag("commitment", *commitmentB64, e2e.CommitmentSize)
	if err != nil {
		return err
	}
	given := f.given()
	var key []byte
	switch {
	case given["file-key"] && !given["key-file"] && !given["wrapped"]:
		if key, err = bytesFlag("file-key", *keyB64, e2e.KeySize); err != nil {
			return err
		}
	case !given["file-key"] && given["key-file"] && given["wrapped"]:
		if err := f.require(bindingNames...); err != nil {
			return err
		}
		keys, err := unwrapWith(*keyFile, *wrapped, &bf, stderr)
		if err != nil {
			return err
		}
		key = keys.File
	default:
		return fmt.Errorf("%w: e2e open needs either --file-key or --key-file with --wrapped", errUsage)
	}
	src, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer src.Close()
	var meta e2e.Meta
	err = writeWhole(*out, func(w io.Writer) error {
		dec, err := e2e.NewDecryptor(bufio.NewReaderSize(src, 1<<20), key, commitment)
		if err != nil {
			return err
		}
		meta = dec.Meta()
		_, err = io.Copy(w, dec)
		return err
	})
	if err != nil {
		return err
	}
	j, err := meta.JSON()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(j))
	return nil
}

func e2eWrap(args []string, stdout, stderr io.Writer) error {
	f := newE2EFlags("wrap", stderr)
	pubB64 := f.String("public", "", "the recipient's public key (32 bytes)")
	keyB64 := f.String("file-key", "", "the file key (32 bytes)")
	thumbB64 := f.String("thumb-key", "", "the thumbnail's key (32 bytes), for a picture")
	var bf bindingFlags
	bf.register(f)
	if err := f.parse(args, append([]string{"public", "file-key"}, bindingNames...)...); err != nil {
		return err
	}
	pub, err := bytesFlag("public", *pubB64, e2e.PublicKeySize)
	if err != nil {
		return err
	}
	var keys e2e.FileKeys
	if keys.File, err = bytesFlag("file-key", *keyB64, e2e.KeySize); err != nil {
		return err
	}
	if f.given()["thumb-key"] {
		if keys.Thumb, err = bytesFlag("thumb-key", *thumbB64, e2e.KeySize); err != nil {
			return err
		}
	}
	b, err := bf.binding()
	if err != nil {
		return err
	}
	w, err := e2e.WrapFileKeys(pub, keys, b)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	fmt.Fprintln(stdout, w)
	return nil
}

func e2eUnwrap(args []string, stdout, stderr io.Writer) error {
	f := newE2EFlags("unwrap", stderr)
	keyFile := f.String("key-file", "", "the private key `path` (from keygen)")
	wrapped := f.String("wrapped", "", "the wrapped key")
	var bf bindingFlags
	bf.register(f)
	if err := f.parse(args, append([]string{"key-file", "wrapped"}, bindingNames...)...); err != nil {
		return err
	}
	keys, err := unwrapWith(*keyFile, *wrapped, &bf, stderr)
	if err != nil {
		return err
	}
	if keys.Thumb != nil {
		fmt.Fprintln(stdout, e2e.Encode(keys.File), e2e.Encode(keys.Thumb))
	} else {
		fmt.Fprintln(stdout, e2e.Encode(keys.File))
	}
	return nil
}

func unwrapWith(keyFile, wrapped string, bf *bindingFlags, stderr io.Writer) (e2e.FileKeys, error) {
	b, err := bf.binding()
	if err != nil {
		return e2e.FileKeys{}, err
	}
	priv, err := readKeyFile(keyFile, stderr)
	if err != nil {
		return e2e.FileKeys{}, err
	}
	return e2e.UnwrapFileKeys(priv, wrapped, b)
}

// writeWhole makes path from write, or nothing: write fills a temporary file beside
// path (mode 0600), which is synced and renamed to path only when write succeeded. A
// path that exists is refused before anything is read.
func writeWhole(path string, write func(io.Writer) error) (err error) {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists; e2e never overwrites a file", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<20)
	if err = write(buf); err != nil {
		return err
	}
	if err = buf.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	// Link, not rename: it fails rather than replace a file made at path meanwhile.
	// Where the file system has no hard links, rename.
	switch lerr := os.Link(tmp.Name(), path); {
	case errors.Is(lerr, os.ErrExist):
		return fmt.Errorf("%s exists; e2e never overwrites a file", path)
	case lerr != nil:
		return os.Rename(tmp.Name(), path)
	}
	os.Remove(tmp.Name())
	return nil
}
