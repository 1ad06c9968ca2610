// Package atrest is the cryptography of govchat's encryption at rest: a master key
// read from a secret file wraps one random data key per bucket (secrecy level, UTC
// month); a data key seals message text and notice bodies with AES-256-GCM and keys
// the hashes that stand in for search terms. Destroying a bucket's wrapped key makes
// everything sealed or hashed under it meaningless, wherever copies of the rows
// survive (dead row versions, WAL, free pages, backups). docs/at-rest.md is the
// specification, with test vectors that atrest_test.go checks.
//
// Only the standard library: crypto/aes, crypto/cipher, crypto/hkdf, crypto/hmac.
package atrest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// KeySize is the size of the master key and of every data key.
	KeySize = 32
	// NonceSize is AES-GCM's standard 96-bit nonce, drawn at random for every seal.
	NonceSize = 12
	// TokenSize is how many bytes of HMAC-SHA256 a search token keeps. Every hit is
	// confirmed against the decrypted text, so a collision only costs one extra row
	// read; 64 bits make that one in 2^64 per comparison, while the postings — the
	// largest table — stay a quarter of the full 32 bytes.
	TokenSize = 8
	// WrappedSize is a wrapped data key: nonce, key, GCM tag.
	WrappedSize = NonceSize + KeySize + 16

	// sealPrefix versions the text encoding of a sealed value.
	sealPrefix = "v1:"

	infoSeal   = "govchat/atrest/v1 seal"
	infoSearch = "govchat/atrest/v1 search"
	wrapAAD    = "govchat/atrest/v1 data key|"
)

// Errors a caller tells apart with errors.Is.
var (
	// ErrOpen means a sealed value or wrapped key failed authentication: the wrong
	// key, a tampered ciphertext, or a value moved to another row or bucket.
	ErrOpen = errors.New("atrest: cannot open: wrong key, tampered, or moved")
	// ErrFormat means a stored value is not in the versioned encoding.
	ErrFormat = errors.New("atrest: not a sealed value")
)

// Bucket names a data key: a secrecy level and a period of UTC time — a day at the
// levels from DayBucketLevel up, a month below. A key is destroyed once its whole
// period is past the level's retention, so the period bounds how long after its
// retention a deleted row's leftovers (dead row versions, WAL, backups) stay
// readable with the master key: a day at 敏感 and 秘密, a month at 公开 and 内部. Day
// buckets cost search more keys to hash under (about 90 + 30 at the default
// retentions, against 36 + 12 month keys below), which is why the long-kept levels
// keep month buckets.
type Bucket struct {
	Level  int
	Period int // YYYYMM for a month bucket, e.g. 202607; YYYYMMDD for a day bucket
}

// DayBucketLevel is the lowest level whose buckets span a day rather than a month.
const DayBucketLevel = 2

// BucketOf is the bucket of something of level made (or counted from) at t.
func BucketOf(level int, t time.Time) Bucket {
	u := t.UTC()
	month := u.Year()*100 + int(u.Month())
	if level >= DayBucketLevel {
		return Bucket{Level: level, Period: month*100 + u.Day()}
	}
	return Bucket{Level: level, Period: month}
}

// daily reports whether the bucket spans a day (an eight-digit period).
func (b Bucket) daily() bool { return b.Period >= 1_000_000 }

// Start is the first instant of the bucket's period (UTC).
func (b Bucket) Start() time.Time {
	if b.daily() {
		return time.Date(b.Period/10000, time.Month(b.Period/100%100), b.Period%100, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(b.Period/100, time.Month(b.Period%100), 1, 0, 0, 0, 0, time.UTC)
}

// End is the first instant after the bucket's period.
func (b Bucket) End() time.Time {
	if b.daily() {
		return b.Start().AddDate(0, 0, 1)
	}
	return b.Start().AddDate(0, 1, 0)
}

func (b Bucket) String() string { return fmt.Sprintf("%d|%06d", b.Level, b.Period) }

// MasterKey wraps and unwraps data keys. Its bytes never leave the value.
type MasterKey struct {
	aead cipher.AEAD
	// auditSeed is the Ed25519 seed of the audit checkpoint key, derived once
	// (AuditCheckpointSeed).
	auditSeed []byte
}

// AuditCheckpointInfo is the HKDF info under which the audit trail's checkpoint
// signing key (an Ed25519 seed, docs/audit.md) is derived from the master key, so a
// deployment signs with no secret file of its own and every node has the key.
const AuditCheckpointInfo = "govchat-audit-checkpoint/1"

// AuditCheckpointSeed returns a copy of HKDF-SHA256(master key, no salt,
// AuditCheckpointInfo), 32 bytes: the Ed25519 seed of the audit checkpoint key.
func (m *MasterKey) AuditCheckpointSeed() []byte { return append([]byte(nil), m.auditSeed...) }

// NewMasterKey builds a master key from its 32 bytes.
func NewMasterKey(k []byte) (*MasterKey, error) {
	if len(k) != KeySize {
		return nil, fmt.Errorf("atrest: master key must be %d bytes, got %d", KeySize, len(k))
	}
	aead, err := newGCM(k)
	if err != nil {
		return nil, err
	}
	seed, err := hkdf.Key(sha256.New, k, nil, AuditCheckpointInfo, KeySize)
	if err != nil {
		return nil, fmt.Errorf("atrest: derive the audit checkpoint seed: %w", err)
	}
	return &MasterKey{aead: aead, auditSeed: seed}, nil
}

// ParseMasterKey reads a key file's contents: 32 bytes written as 64 hex digits or
// as base64 (standard or URL alphabet, padded or not), surrounding space ignored.
func ParseMasterKey(text []byte) (*MasterKey, error) {
	s := strings.TrimSpace(string(text))
	var raw []byte
	switch {
	case len(s) == 2*KeySize:
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, errors.New("atrest: the key file holds 64 characters but not hex digits")
		}
		raw = b
	default:
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				raw = b
				break
			}
		}
		if raw == nil {
			return nil, errors.New("atrest: the key file must hold 32 bytes as 64 hex digits or as base64")
		}
	}
	defer clear(raw)
	return NewMasterKey(raw)
}

// GenerateKeyText returns a new random master key in the key file's format
// (standard base64 and a newline).
func GenerateKeyText() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("atrest: random key: %w", err)
	}
	defer clear(k)
	return []byte(base64.StdEncoding.EncodeToString(k) + "\n"), nil
}

// NewDataKey draws a random data key.
func NewDataKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("atrest: random data key: %w", err)
	}
	return k, nil
}

// Wrap seals a data key for bucket b under the master key.
func (m *MasterKey) Wrap(b Bucket, dataKey []byte) ([]byte, error) {
	return m.wrap(rand.Reader, b, dataKey)
}

func (m *MasterKey) wrap(random io.Reader, b Bucket, dataKey []byte) ([]byte, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("atrest: data key must be %d bytes", KeySize)
	}
	nonce := make([]byte, NonceSize, WrappedSize)
	if _, err := io.ReadFull(random, nonce); err != nil {
		return nil, fmt.Errorf("atrest: random nonce: %w", err)
	}
	return m.aead.Seal(nonce, nonce, dataKey, []byte(wrapAAD+b.String())), nil
}

// Unwrap opens a wrapped data key of bucket b. ErrOpen for another master key, a
// tampered wrap or one moved to another bucket.
func (m *MasterKey) Unwrap(b Bucket, wrapped []byte) ([]byte, error) {
	if len(wrapped) != WrappedSize {
		return nil, fmt.Errorf("atrest: wrapped key of bucket %s: %d bytes, want %d: %w", b, len(wrapped), WrappedSize, ErrOpen)
	}
	k, err := m.aead.Open(nil, wrapped[:NonceSize], wrapped[NonceSize:], []byte(wrapAAD+b.String()))
	if err != nil {
		return nil, fmt.Errorf("atrest: unwrap key of bucket %s: %w", b, ErrOpen)
	}
	return k, nil
}

// DataKey seals values and makes search tokens for one bucket. It holds only the
// two subkeys derived from the data key, never the data key itself.
type DataKey struct {
	aead cipher.AEAD
	mac  sync.Pool // of hash.Hash (HMAC-SHA256 under the search subkey)
}

// OpenDataKey derives a bucket's seal and search subkeys from its data key with
// HKDF-SHA256 (no salt; distinct info strings), so a token never reveals anything
// about the encryption subkey or the other way round.
func OpenDataKey(dataKey []byte) (*DataKey, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("atrest: data key must be %d bytes", KeySize)
	}
	sealKey, err := hkdf.Key(sha256.New, dataKey, nil, infoSeal, KeySize)
	if err != nil {
		return nil, fmt.Errorf("atrest: derive seal key: %w", err)
	}
	defer clear(sealKey)
	searchKey, err := hkdf.Key(sha256.New, dataKey, nil, infoSearch, KeySize)
	if err != nil {
		return nil, fmt.Errorf("atrest: derive search key: %w", err)
	}
	aead, err := newGCM(sealKey)
	if err != nil {
		return nil, err
	}
	dk := &DataKey{aead: aead}
	dk.mac.New = func() any { return hmac.New(sha256.New, searchKey) }
	return dk, nil
}

// Seal encrypts plaintext bound to aad (which row and field it belongs to) and
// returns the versioned text encoding "v1:" + base64url(nonce ‖ ciphertext ‖ tag).
// The empty string stays empty: it has nothing to hide, and recall writes it.
func (k *DataKey) Seal(plaintext, aad string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	return k.seal(rand.Reader, plaintext, aad)
}

func (k *DataKey) seal(random io.Reader, plaintext, aad string) (string, error) {
	buf := make([]byte, NonceSize, NonceSize+len(plaintext)+k.aead.Overhead())
	if _, err := io.ReadFull(random, buf); err != nil {
		return "", fmt.Errorf("atrest: random nonce: %w", err)
	}
	buf = k.aead.Seal(buf, buf[:NonceSize], []byte(plaintext), []byte(aad))
	return sealPrefix + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open reverses Seal. ErrFormat when sealed is not in the encoding, ErrOpen when it
// fails authentication (another key, tampering, or another row's aad).
func (k *DataKey) Open(sealed, aad string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", ErrFormat
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil || len(raw) < NonceSize+k.aead.Overhead() {
		return "", ErrFormat
	}
	pt, err := k.aead.Open(raw[NonceSize:NonceSize], raw[:NonceSize], raw[NonceSize:], []byte(aad))
	if err != nil {
		return "", ErrOpen
	}
	return string(pt), nil
}

// Token is the search posting of term in this bucket: HMAC-SHA256 under the search
// subkey, truncated to TokenSize bytes.
func (k *DataKey) Token(term string) []byte {
	return k.AppendToken(make([]byte, 0, TokenSize), term)
}

// AppendToken appends term's token to dst.
func (k *DataKey) AppendToken(dst []byte, term string) []byte {
	h := k.mac.Get().(hash.Hash)
	h.Reset()
	io.WriteString(h, term)
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	k.mac.Put(h)
	return append(dst, out[:TokenSize]...)
}

// IsSealed reports whether a stored value is in the sealed encoding.
func IsSealed(s string) bool { return strings.HasPrefix(s, sealPrefix) }

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("atrest: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("atrest: %w", err)
	}
	return aead, nil
}

// AAD strings bind a sealed value to its row and field, so a ciphertext copied to
// another row or column does not open.

// MessageAAD binds a message's field ("text" or "forward").
func MessageAAD(channelID, seq int64, field string) string {
	return "messages|" + strconv.FormatInt(channelID, 10) + "|" + strconv.FormatInt(seq, 10) + "|" + field
}

// NoticeAAD binds a field (title, body, change_note) of a notice's current row at
// revision rev.
func NoticeAAD(noticeID int64, rev int, field string) string {
	return "notices|" + strconv.FormatInt(noticeID, 10) + "|" + strconv.Itoa(rev) + "|" + field
}

// RevisionAAD binds a field of one stored revision of a notice.
func RevisionAAD(noticeID int64, rev int, field string) string {
	return "notice_revisions|" + strconv.FormatInt(noticeID, 10) + "|" + strconv.Itoa(rev) + "|" + field
}

// ReplyAAD binds a recipient's reply to a notice.
func ReplyAAD(noticeID, userID int64) string {
	return "notice_recipients|" + strconv.FormatInt(noticeID, 10) + "|" + strconv.FormatInt(userID, 10) + "|reply"
}
