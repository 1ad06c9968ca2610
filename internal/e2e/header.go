package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"govchat/protocol"
)

// HeaderSize is the header's length: magic, suite, nonce, commitment.
const HeaderSize = protocol.FileHeaderSize

// magic opens every file: "GVCF".
var magic = [4]byte{'G', 'V', 'C', 'F'}

const prefixSize = len(magic) + 1 + NonceSize // what the commitment covers

// Header is a file's first 53 bytes (E2E.md §2.1): "GVCF" ‖ suite ‖ N ‖ commitment.
type Header struct {
	Suite      byte
	Nonce      [NonceSize]byte
	Commitment [CommitmentSize]byte
}

// NewHeader is the suite 0x01 header of a file with key K and nonce N.
func NewHeader(key, nonce []byte) (Header, error) {
	_, commitKey, err := schedule(key, nonce)
	if err != nil {
		return Header{}, err
	}
	h := Header{Suite: protocol.FileSuiteV1}
	copy(h.Nonce[:], nonce)
	copy(h.Commitment[:], commit(commitKey, h.prefix()))
	return h, nil
}

func (h Header) prefix() []byte {
	b := make([]byte, 0, HeaderSize)
	b = append(b, magic[:]...)
	b = append(b, h.Suite)
	return append(b, h.Nonce[:]...)
}

// Bytes is the header as written.
func (h Header) Bytes() []byte {
	return append(h.prefix(), h.Commitment[:]...)
}

// AAD is every record's additional data: SHA-256 of the header, so a record cannot be
// moved into another file.
func (h Header) AAD() []byte {
	sum := sha256.Sum256(h.Bytes())
	return sum[:]
}

// ParseHeader reads a header of exactly HeaderSize bytes, refusing bad magic and any
// suite but 0x01. It does not check the commitment: that needs the key (Verify).
func ParseHeader(b []byte) (Header, error) {
	switch {
	case len(b) < HeaderSize:
		return Header{}, damaged(ReasonTruncated, -1, "the header is %d bytes, not %d", len(b), HeaderSize)
	case len(b) > HeaderSize:
		return Header{}, fmt.Errorf("e2e: a header is %d bytes, not %d", HeaderSize, len(b))
	case [4]byte(b[:4]) != magic:
		return Header{}, damaged(ReasonMagic, -1, "this is not a govchat file")
	case b[4] == protocol.FileSuiteSM:
		return Header{}, damaged(ReasonSuite, -1, "suite 0x02 (SM2/SM3/SM4) is reserved and not implemented")
	case b[4] != protocol.FileSuiteV1:
		return Header{}, damaged(ReasonSuite, -1, "unknown suite 0x%02x", b[4])
	}
	h := Header{Suite: b[4]}
	copy(h.Nonce[:], b[5:5+NonceSize])
	copy(h.Commitment[:], b[5+NonceSize:])
	return h, nil
}

// Verify checks the commitment before anything is decrypted: it must be
// HMAC(commitKey, prefix) for this key, and the one the message carries (want). The
// first fails for a wrong key or an altered header; the second for a blob swapped
// under a message. Both compare in constant time.
func (h Header) Verify(key, want []byte) error {
	_, commitKey, err := schedule(key, h.Nonce[:])
	if err != nil {
		return err
	}
	if !hmac.Equal(commit(commitKey, h.prefix()), h.Commitment[:]) {
		return damaged(ReasonCommitment, -1, "the key commitment does not match the key (wrong key or altered header)")
	}
	if !hmac.Equal(h.Commitment[:], want) {
		return damaged(ReasonCommitment, -1, "the key commitment is not the one the message carries")
	}
	return nil
}
