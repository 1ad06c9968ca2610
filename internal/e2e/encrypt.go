package e2e

import (
	"errors"
	"fmt"
	"io"
)

// Encryptor writes one file's ciphertext as its content is written to it: the header
// and record 0 at once, then each content record as it fills, the padding and the
// final record on Close. It holds one record in memory whatever the file's size.
//
// Exactly meta.Size bytes must be written before Close: the size is in record 0 and
// sets the padding, so it is known up front (a file picked from disk has a size).
type Encryptor struct {
	w       io.Writer
	s       *stream
	header  Header
	size    int64 // content bytes meta promised
	padded  int64 // P
	records int64 // n, the final record's index
	written int64 // content bytes taken so far
	next    int64 // the index of the record being filled
	buf     []byte
	err     error // sticky: after a failed write, nothing more is written
	closed  bool
}

// NewEncryptor starts the file with key K and nonce N (fresh random values for every
// file; the vectors use fixed ones) and writes its header and record 0 to w.
func NewEncryptor(w io.Writer, key, nonce []byte, meta Meta) (*Encryptor, error) {
	h, err := NewHeader(key, nonce)
	if err != nil {
		return nil, err
	}
	rec0, err := EncodeMeta(meta)
	if err != nil {
		return nil, err
	}
	s, err := newStream(key, h)
	if err != nil {
		return nil, err
	}
	e := &Encryptor{w: w, s: s, header: h, size: meta.Size, next: 1,
		buf: make([]byte, 0, RecordSize+TagSize)}
	e.padded, e.records = layout(meta.Size)
	if _, err := w.Write(h.Bytes()); err != nil {
		return nil, err
	}
	if _, err := w.Write(s.seal(rec0[:0], rec0, 0, false)); err != nil {
		return nil, err
	}
	return e, nil
}

// Header is the file's header; its Commitment goes into the message.
func (e *Encryptor) Header() Header { return e.header }

// Write takes content bytes, sealing each record as it fills.
func (e *Encryptor) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.closed {
		return 0, errors.New("e2e: write after close")
	}
	if int64(len(p)) > e.size-e.written {
		return 0, fmt.Errorf("e2e: more content than the %d bytes the metadata states", e.size)
	}
	n := 0
	for len(p) > 0 {
		k := copy(e.buf[len(e.buf):e.cur()], p)
		e.buf = e.buf[:len(e.buf)+k]
		p, n, e.written = p[k:], n+k, e.written+int64(k)
		if len(e.buf) == e.cur() && e.next < e.records {
			if err := e.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// cur is the plaintext length of the record being filled.
func (e *Encryptor) cur() int { return recordLen(e.padded, e.next) }

// flush seals the full record in buf and writes it.
func (e *Encryptor) flush() error {
	final := e.next == e.records
	sealed := e.s.seal(e.buf[:0], e.buf, e.next, final)
	if _, err := e.w.Write(sealed); err != nil {
		e.err = err
		return err
	}
	e.next++
	e.buf = e.buf[:0]
	return nil
}

// Close pads the content with zero bytes to P and writes the remaining records, the
// last one flagged final. It fails when fewer bytes than meta.Size were written. It
// does not close the underlying writer.
func (e *Encryptor) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return nil
	}
	if e.written != e.size {
		e.err = fmt.Errorf("e2e: %d bytes of content written, the metadata states %d", e.written, e.size)
		return e.err
	}
	e.closed = true
	for e.next <= e.records {
		fill := e.buf[len(e.buf):e.cur()]
		clear(fill)
		e.buf = e.buf[:e.cur()]
		if err := e.flush(); err != nil {
			return err
		}
	}
	return nil
}
