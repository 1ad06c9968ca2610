package e2e

import (
	"crypto/cipher"
	"encoding/binary"

	"govchat/protocol"
)

// Record sizes (E2E.md §2.2).
const (
	RecordSize     = protocol.FileRecordSize     // plaintext bytes of a full content record
	MetaRecordSize = protocol.FileMetaRecordSize // plaintext bytes of record 0
	TagSize        = protocol.FileRecordOverhead // the AES-GCM tag each record adds
	gcmNonceSize   = 12
)

// recordNonce is record i's AES-GCM nonce: i as an 11-byte big-endian counter followed
// by the final flag (0x01 for the last record, else 0x00), as in age v1's STREAM. The
// counter is int64 here: a file of 2⁶³ records is beyond any limit, and the top three
// bytes stay zero.
func recordNonce(i int64, final bool) [gcmNonceSize]byte {
	var n [gcmNonceSize]byte
	binary.BigEndian.PutUint64(n[3:11], uint64(i))
	if final {
		n[11] = 0x01
	}
	return n
}

// stream seals and opens the records of one file: payloadKey's AEAD and the header's
// hash as every record's additional data.
type stream struct {
	aead  cipher.AEAD
	aad   []byte
	nonce [gcmNonceSize]byte // reused: a nonce passed through the interface escapes
}

func newStream(key []byte, h Header) (*stream, error) {
	payloadKey, _, err := schedule(key, h.Nonce[:])
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(payloadKey)
	if err != nil {
		return nil, err
	}
	return &stream{aead: aead, aad: h.AAD()}, nil
}

// seal appends record i sealed from plaintext to dst (which may be plaintext[:0]: AES-GCM
// seals in place when dst has room for the tag).
func (s *stream) seal(dst, plaintext []byte, i int64, final bool) []byte {
	s.nonce = recordNonce(i, final)
	return s.aead.Seal(dst, s.nonce[:], plaintext, s.aad)
}

// open authenticates and decrypts record i into dst (which may be sealed[:0]).
func (s *stream) open(dst, sealed []byte, i int64, final bool) ([]byte, error) {
	s.nonce = recordNonce(i, final)
	return s.aead.Open(dst, s.nonce[:], sealed, s.aad)
}

// layout is the content of a file of size bytes: P = paddedSize(size) bytes in records
// 1..n, the last one 1..RecordSize bytes. P ≥ 541, so n ≥ 1.
func layout(size int64) (padded, records int64) {
	padded = protocol.PaddedSize(size)
	return padded, (padded + RecordSize - 1) / RecordSize
}

// recordLen is the plaintext length of content record r (1..n) of padded bytes.
func recordLen(padded, r int64) int {
	return int(min(RecordSize, padded-(r-1)*RecordSize))
}

// CiphertextSize is the size of the encrypted file of size plaintext bytes.
func CiphertextSize(size int64) int64 { return protocol.CiphertextSize(size) }

// RecordOffset is where content record r (r ≥ 1) starts in the ciphertext, for range
// reads aligned to records.
func RecordOffset(r int64) int64 {
	return HeaderSize + MetaRecordSize + TagSize + (r-1)*(RecordSize+TagSize)
}
