package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoints are C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note)
// signed with Ed25519 through golang.org/x/mod/sumdb/note. The body is three lines:
//
//	<origin>
//	<tree size, decimal>
//	<root hash, standard base64>
//
// and the key's name is the origin, "<deployment>/govchat-audit".

// OriginSuffix ends every origin.
const OriginSuffix = "/govchat-audit"

// maxNote bounds a checkpoint file read from outside.
const maxNote = 16 << 10

// Checkpoint is a checkpoint's body.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Body is the checkpoint's note text (the signed part).
func (c Checkpoint) Body() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseBody reads a checkpoint body; extension lines after the third are ignored.
func ParseBody(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("malformed checkpoint: want origin, size and root hash lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || lines[1] != strconv.FormatInt(size, 10) {
		return Checkpoint{}, fmt.Errorf("malformed checkpoint: size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("malformed checkpoint: root hash %q", lines[2])
	}
	c := Checkpoint{Origin: lines[0], Size: size}
	copy(c.Root[:], root)
	return c, nil
}

// ValidOrigin reports whether origin can name a checkpoint key: non-empty, no spaces
// or '+', ending in OriginSuffix.
func ValidOrigin(origin string) error {
	if !strings.HasSuffix(origin, OriginSuffix) || len(origin) == len(OriginSuffix) || len(origin) > 200 ||
		strings.ContainsAny(origin, "+ \t\n\r") {
		return fmt.Errorf("audit: invalid checkpoint origin %q: want <deployment>%s without spaces or '+'", origin, OriginSuffix)
	}
	return nil
}

// Key signs checkpoints for one deployment.
type Key struct {
	origin string
	signer note.Signer
	vkey   string
}

// NewKey makes the checkpoint key of origin from a 32-byte Ed25519 seed.
func NewKey(origin string, seed []byte) (*Key, error) {
	if err := ValidOrigin(origin); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("audit: checkpoint key seed must be %d bytes", ed25519.SeedSize)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(origin, pub)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key: %w", err)
	}
	// vkey is name+hash+key; the signer key is PRIVATE+KEY+name+hash+(0x01 ‖ seed).
	// The name has no '+' (ValidOrigin); the base64 key may.
	parts := strings.SplitN(vkey, "+", 3)
	skey := "PRIVATE+KEY+" + origin + "+" + parts[1] + "+" +
		base64.StdEncoding.EncodeToString(append([]byte{1}, seed...))
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key: %w", err)
	}
	return &Key{origin: origin, signer: signer, vkey: vkey}, nil
}

// Origin is the deployment's checkpoint origin.
func (k *Key) Origin() string { return k.origin }

// VerifierKey is the note verifier key the auditor keeps: origin+hash+base64 key.
func (k *Key) VerifierKey() string { return k.vkey }

// Sign returns the signed note of a tree of size leaves with root.
func (k *Key) Sign(size int64, root tlog.Hash) (string, error) {
	msg, err := note.Sign(&note.Note{Text: Checkpoint{Origin: k.origin, Size: size, Root: root}.Body()}, k.signer)
	if err != nil {
		return "", fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	return string(msg), nil
}

// Errors OpenCheckpoint names; test with errors.Is.
var (
	ErrBadVerifierKey   = errors.New("not a verifier key")
	ErrOtherDeployment  = errors.New("checkpoint of another deployment")
	ErrOtherKey         = errors.New("checkpoint signed by another key")
	ErrForgedCheckpoint = errors.New("checkpoint signature invalid: forged or altered")
	ErrMalformed        = errors.New("not a signed checkpoint")
)

// OpenCheckpoint checks a signed checkpoint against the verifier key vkey and returns
// its body. The origin is checked first, so another deployment's checkpoint is named
// as such rather than as an unknown key.
func OpenCheckpoint(text []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrBadVerifierKey, err)
	}
	if len(text) > maxNote {
		return Checkpoint{}, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxNote)
	}
	body, _, ok := strings.Cut(string(text), "\n\n")
	if !ok {
		return Checkpoint{}, fmt.Errorf("%w: no signature block", ErrMalformed)
	}
	c, err := ParseBody(body + "\n")
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w (origin %q, this key's is %q)", ErrOtherDeployment, c.Origin, v.Name())
	}
	n, err := note.Open(text, note.VerifierList(v))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return Checkpoint{}, fmt.Errorf("%w (not %s)", ErrOtherKey, v.Name())
	case errors.As(err, &invalid):
		return Checkpoint{}, ErrForgedCheckpoint
	case err != nil:
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return ParseBody(n.Text)
}
