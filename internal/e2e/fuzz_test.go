package e2e

import (
	"bytes"
	"io"
	"testing"
)

func FuzzParseHeader(f *testing.F) {
	h, _ := NewHeader(vectorKey(), vectorNonce())
	f.Add(h.Bytes())
	f.Add(h.Bytes()[:20])
	f.Add(append(h.Bytes(), 0))
	f.Add([]byte("GVCF\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseHeader(b)
		if err != nil {
			return
		}
		if !bytes.Equal(got.Bytes(), b) || got.Suite != 0x01 {
			t.Fatalf("accepted %x as %x", b, got.Bytes())
		}
		// Only the right key opens it.
		if got.Verify(vectorKey(), got.Commitment[:]) == nil && !bytes.Equal(b, h.Bytes()) {
			t.Fatalf("a header the vector key did not make verifies: %x", b)
		}
	})
}

// FuzzDecrypt feeds bytes to the decryptor under the vectors' fixed key: it never
// panics, and every byte it returns is content the key holder sealed — re-sealing what
// came out gives back the very records it came from.
func FuzzDecrypt(f *testing.F) {
	key, nonce := vectorKey(), vectorNonce()
	h, _ := NewHeader(key, nonce)
	for _, size := range []int{0, 1, 541, 70000} {
		ct := seal(f, key, nonce, Meta{Name: "f", Type: "t", Size: int64(size)}, pattern(size))
		f.Add(ct)
		f.Add(ct[:len(ct)-1])
		f.Add(ct[:HeaderSize+MetaRecordSize+TagSize])
	}
	f.Add(h.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewDecryptor(bytes.NewReader(data), key, h.Commitment[:])
		if err != nil {
			return
		}
		m := d.Meta()
		plain, err := io.ReadAll(d)
		if len(plain) == 0 || m.Size > 1<<22 {
			return
		}
		content := append(bytes.Clone(plain), make([]byte, m.Size-int64(len(plain)))...)
		again := seal(t, key, nonce, m, content)
		records := (int64(len(plain)) + RecordSize - 1) / RecordSize
		end := min(RecordOffset(records+1), int64(len(again)))
		if int64(len(data)) < end || !bytes.Equal(data[:end], again[:end]) {
			t.Fatalf("returned %d bytes that are not what the key holder sealed (err %v)", len(plain), err)
		}
		if err == nil && !bytes.Equal(data, again) {
			t.Fatal("a whole file was accepted that is not the one its content seals to")
		}
	})
}

func FuzzDecodeMeta(f *testing.F) {
	for _, m := range validMetas() {
		j, _ := m.JSON()
		f.Add(j)
	}
	for _, c := range append(metaRefusals(), metaAccepted()...) {
		j, _ := Decode(c.JSON)
		f.Add(j)
	}
	f.Fuzz(func(t *testing.T, j []byte) {
		rec := make([]byte, MetaRecordSize)
		copy(rec, j)
		m, err := DecodeMeta(rec)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("a refusal that is not a DamagedError: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted metadata that is not valid: %v", err)
		}
		again, err := EncodeMeta(m)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := DecodeMeta(again); err != nil || back != m {
			t.Fatalf("%+v does not survive its canonical form: %+v, %v", m, back, err)
		}
	})
}
