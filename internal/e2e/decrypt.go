package e2e

import (
	"bytes"
	"errors"
	"io"
)

// Decryptor reads a file's content from its ciphertext, verifying as it goes
// (E2E.md §2.6). NewDecryptor checks the header and the commitment before it decrypts
// anything, then reads record 0. Read returns content bytes only from records that
// authenticated, never the padding, and returns io.EOF only once the final record
// authenticated and nothing follows it; every refusal is a *DamagedError (errors.Is
// ErrDamaged), and sticks. It holds one record in memory whatever the file's size.
//
// A record's bytes are authentic when Read returns them, but the file is whole only at
// io.EOF: a caller that writes to disk must keep the output aside until then (as
// `govchat e2e open` and the browser do).
type Decryptor struct {
	r       io.Reader
	s       *stream
	header  Header
	meta    Meta
	padded  int64 // P
	records int64 // n, the final record's index
	next    int64 // the next record to read
	left    int64 // content bytes not yet read from records
	buf     []byte
	out     []byte // authenticated content not yet returned (aliases buf)
	err     error
}

// NewDecryptor reads the header and record 0 of the file with key K whose message
// carries commitment.
func NewDecryptor(r io.Reader, key, commitment []byte) (*Decryptor, error) {
	hb := make([]byte, HeaderSize)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, short(err, -1)
	}
	h, err := ParseHeader(hb)
	if err != nil {
		return nil, err
	}
	if err := h.Verify(key, commitment); err != nil {
		return nil, err
	}
	s, err := newStream(key, h)
	if err != nil {
		return nil, err
	}
	d := &Decryptor{r: r, s: s, header: h, next: 1, buf: make([]byte, RecordSize+TagSize)}
	rec0 := d.buf[:MetaRecordSize+TagSize]
	if _, err := io.ReadFull(r, rec0); err != nil {
		return nil, short(err, 0)
	}
	pt, err := s.open(nil, rec0, 0, false)
	if err != nil {
		if _, ferr := s.open(nil, rec0, 0, true); ferr == nil {
			return nil, damaged(ReasonFinalZero, 0, "record 0 is sealed as the final record")
		}
		return nil, damaged(ReasonAuth, 0, "the metadata record failed authentication")
	}
	if d.meta, err = DecodeMeta(pt); err != nil {
		return nil, err
	}
	d.padded, d.records = layout(d.meta.Size)
	d.left = d.meta.Size
	return d, nil
}

// ReadMeta reads only the metadata from the first bytes of a file (at least its header
// and record 0, protocol.FileHeaderSize+FileMetaRecordSize+FileRecordOverhead bytes):
// what a list of files needs without downloading them.
func ReadMeta(key, commitment, first []byte) (Meta, error) {
	d, err := NewDecryptor(bytes.NewReader(first), key, commitment)
	if err != nil {
		return Meta{}, err
	}
	return d.meta, nil
}

// Meta is what record 0 says: name, type, real size, thumbnail, pixels.
func (d *Decryptor) Meta() Meta { return d.meta }

// Header is the file's header.
func (d *Decryptor) Header() Header { return d.header }

// Read returns authenticated content.
func (d *Decryptor) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.next > d.records {
			return 0, io.EOF
		}
		if d.err = d.record(); d.err != nil {
			return 0, d.err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// record reads, authenticates and checks the next content record, leaving its content
// bytes in out. The final record's content is released only once nothing follows it.
func (d *Decryptor) record() error {
	i, final := d.next, d.next == d.records
	n := recordLen(d.padded, i)
	sealed := d.buf[:n+TagSize]
	if _, err := io.ReadFull(d.r, sealed); err != nil {
		return short(err, i)
	}
	pt, err := d.s.open(sealed[:0], sealed, i, final)
	if err != nil {
		return damaged(ReasonAuth, i, "the record failed authentication (altered, moved, dropped or cut)")
	}
	content := min(int64(len(pt)), d.left)
	for _, c := range pt[content:] {
		if c != 0 {
			return damaged(ReasonPadding, i, "the padding is not zero")
		}
	}
	if final {
		var one [1]byte
		switch _, err := io.ReadFull(d.r, one[:]); {
		case err == nil:
			return damaged(ReasonTrailing, i, "data follows the final record")
		case err != io.EOF:
			return err
		}
	}
	d.out = pt[:content]
	d.left -= content
	d.next++
	return nil
}

// short turns the end of the data inside a header or record into a refusal; other read
// errors (a dropped connection) pass as they are.
func short(err error, record int64) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if record < 0 {
			return damaged(ReasonTruncated, -1, "the data ends inside the header")
		}
		return damaged(ReasonTruncated, record, "the data ends before the final record")
	}
	return err
}
