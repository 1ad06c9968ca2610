package e2e

import (
	"bytes"
	"fmt"
	"testing"
)

// The inputs of the vectors (protocol/testdata/e2e), shared by the unit tests so that
// what the vectors promise is what the tests check.

// fileCase is one plaintext of files.json.
type fileCase struct {
	Name    string
	Meta    Meta
	Content []byte
	Inline  bool // small: the plaintext and the whole ciphertext go into the file
}

// inlineText is the content of the small cases: Chinese and ASCII, cut to size.
func inlineText(size int) []byte {
	src := []byte("机密文件 — govchat 端到端加密测试向量 / end-to-end vector. ")
	var b []byte
	for len(b) < size {
		b = append(b, src...)
	}
	return b[:size]
}

const vectorThumb = "0123456789abcdef0123456789abcdef"

func fileCases() []fileCase {
	var cs []fileCase
	add := func(name string, m Meta, content []byte, inline bool) {
		m.Size = int64(len(content))
		cs = append(cs, fileCase{Name: name, Meta: m, Content: content, Inline: inline})
	}
	doc := "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	for _, n := range []int{0, 1, 540, 541, 542} {
		add(fmt.Sprintf("size-%d", n), Meta{Name: fmt.Sprintf("会议纪要-%d.docx", n), Type: doc}, inlineText(n), true)
	}
	for _, n := range []int{65535, 65536, 65537} {
		add(fmt.Sprintf("size-%d", n), Meta{Name: fmt.Sprintf("财政预算表-%d.xlsx", n), Type: "application/vnd.ms-excel"}, pattern(n), false)
	}
	add("size-200000", Meta{Name: "现场照片.jpg", Type: "image/jpeg", Thumb: vectorThumb, W: 4032, H: 3024}, pattern(200000), false)
	// A name with every kind of character the canonical JSON treats specially.
	add("name-escapes", Meta{Name: "引号\"反斜杠\\换行\n制表\t响铃\x07删\x7f行分隔\u2028</script>📎.txt", Type: "text/plain;charset=utf-8"}, inlineText(3), true)
	return cs
}

func fileCaseNamed(t testing.TB, name string) fileCase {
	for _, c := range fileCases() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no file case %q", name)
	return fileCase{}
}

// edit is one change to a base ciphertext (damaged.json). Offset is always given: for
// truncate it is the length kept, for append the length before it.
type edit struct {
	Op     string `json:"op"` // truncate, flip, drop, swap, append
	Offset int64  `json:"offset"`
	Length int64  `json:"length,omitempty"` // drop, swap
	With   int64  `json:"with,omitempty"`   // swap: the other range's offset
	Mask   byte   `json:"mask,omitempty"`   // flip: XORed into the byte
	Data   string `json:"data,omitempty"`   // append: base64url
}

func (e edit) apply(ct []byte) ([]byte, error) {
	switch e.Op {
	case "truncate":
		return ct[:e.Offset], nil
	case "flip":
		ct[e.Offset] ^= e.Mask
		return ct, nil
	case "drop":
		return append(ct[:e.Offset:e.Offset], ct[e.Offset+e.Length:]...), nil
	case "swap":
		a := bytes.Clone(ct[e.Offset : e.Offset+e.Length])
		copy(ct[e.Offset:], ct[e.With:e.With+e.Length])
		copy(ct[e.With:], a)
		return ct, nil
	case "append":
		if int64(len(ct)) != e.Offset {
			return nil, fmt.Errorf("append at %d to %d bytes", e.Offset, len(ct))
		}
		d, err := Decode(e.Data)
		return append(ct, d...), err
	}
	return nil, fmt.Errorf("unknown edit %q", e.Op)
}

// damagedCase is one refusal of damaged.json.
type damagedCase struct {
	Name       string `json:"name"`
	What       string `json:"what"`
	Base       string `json:"base,omitempty"`       // a files.json case whose ciphertext is edited…
	Edits      []edit `json:"edits,omitempty"`      // …by these edits in order
	Ciphertext string `json:"ciphertext,omitempty"` // or the whole damaged ciphertext, base64url
	Key        string `json:"key"`
	Commitment string `json:"commitment"` // what the message carries
	Reason     Reason `json:"reason"`
}

func (c damagedCase) materialise(t testing.TB) (ct, key, commitment []byte) {
	t.Helper()
	var err error
	if key, err = Decode(c.Key); err != nil {
		t.Fatal(err)
	}
	if commitment, err = Decode(c.Commitment); err != nil {
		t.Fatal(err)
	}
	if c.Base == "" {
		if ct, err = Decode(c.Ciphertext); err != nil {
			t.Fatal(err)
		}
		return ct, key, commitment
	}
	base := fileCaseNamed(t, c.Base)
	ct = seal(t, vectorKey(), vectorNonce(), base.Meta, base.Content)
	for _, e := range c.Edits {
		if ct, err = e.apply(ct); err != nil {
			t.Fatal(err)
		}
	}
	return ct, key, commitment
}

// craft seals a file as a faulty writer would: record 0's plaintext as given (sealed
// final when final0), then the content records as given, the last flagged final.
func craft(t testing.TB, rec0 []byte, final0 bool, records ...[]byte) []byte {
	t.Helper()
	h := mustHeader(t, vectorKey(), vectorNonce())
	s, err := newStream(vectorKey(), h)
	if err != nil {
		t.Fatal(err)
	}
	out := h.Bytes()
	out = s.seal(out, rec0, 0, final0)
	for i, r := range records {
		out = s.seal(out, r, int64(i+1), i == len(records)-1)
	}
	return out
}

func metaRecord(t testing.TB, json string) []byte {
	t.Helper()
	rec := make([]byte, MetaRecordSize)
	copy(rec, json)
	return rec
}

func damagedCases(t testing.TB) []damagedCase {
	key, nonce := vectorKey(), vectorNonce()
	k, c := Encode(key), Encode(commitmentOf(t, key, nonce))
	big := fileCaseNamed(t, "size-200000")
	total := CiphertextSize(big.Meta.Size)
	_, n := layout(big.Meta.Size) // 4 content records
	rec := int64(RecordSize + TagSize)
	s, err := newStream(key, mustHeader(t, key, nonce))
	if err != nil {
		t.Fatal(err)
	}
	extra := s.seal(nil, []byte{0}, n+1, true)
	on := func(name, what string, reason Reason, edits ...edit) damagedCase {
		return damagedCase{Name: name, What: what, Base: big.Name, Edits: edits, Key: k, Commitment: c, Reason: reason}
	}
	inline := func(name, what string, reason Reason, ct []byte) damagedCase {
		return damagedCase{Name: name, What: what, Ciphertext: Encode(ct), Key: k, Commitment: c, Reason: reason}
	}
	metaOf := func(size int64) []byte {
		r, err := EncodeMeta(Meta{Name: "a.txt", Type: "text/plain", Size: size})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	padded := func(content []byte, p int) []byte {
		return append(bytes.Clone(content), make([]byte, p-len(content))...)
	}
	nonzeroPad := padded([]byte("x"), 541)
	nonzeroPad[540] = 1
	nonzeroMeta := metaOf(1)
	nonzeroMeta[MetaRecordSize-1] = 1

	cs := []damagedCase{
		on("truncated-in-header", "the data ends inside the header", ReasonTruncated, edit{Op: "truncate", Offset: 20}),
		on("truncated-after-header", "only the header", ReasonTruncated, edit{Op: "truncate", Offset: HeaderSize}),
		on("truncated-after-record-0", "the header and the metadata, no content", ReasonTruncated, edit{Op: "truncate", Offset: HeaderSize + MetaRecordSize + TagSize}),
		on("truncated-before-final", "cut at the start of the final record", ReasonTruncated, edit{Op: "truncate", Offset: RecordOffset(n)}),
		on("truncated-in-final", "the final record's last byte missing", ReasonTruncated, edit{Op: "truncate", Offset: total - 1}),
		on("record-dropped", "content record 2 removed", ReasonAuth, edit{Op: "drop", Offset: RecordOffset(2), Length: rec}),
		on("final-record-dropped", "the final record removed", ReasonTruncated, edit{Op: "drop", Offset: RecordOffset(n), Length: total - RecordOffset(n)}),
		on("records-swapped", "content records 1 and 2 swapped", ReasonAuth, edit{Op: "swap", Offset: RecordOffset(1), Length: rec, With: RecordOffset(2)}),
		on("record-after-final", "an authentic record (index n+1, final) appended after the final one", ReasonTrailing, edit{Op: "append", Offset: total, Data: Encode(extra)}),
		on("byte-after-final", "one byte appended", ReasonTrailing, edit{Op: "append", Offset: total, Data: Encode([]byte{0})}),
		on("flip-magic", "a bit of the magic flipped", ReasonMagic, edit{Op: "flip", Offset: 0, Mask: 0x01}),
		on("suite-sm", "suite 0x02, reserved for SM2/SM3/SM4", ReasonSuite, edit{Op: "flip", Offset: 4, Mask: 0x03}),
		on("suite-unknown", "suite 0x00", ReasonSuite, edit{Op: "flip", Offset: 4, Mask: 0x01}),
		on("flip-nonce", "a bit of the header's nonce flipped", ReasonCommitment, edit{Op: "flip", Offset: 12, Mask: 0x80}),
		on("flip-commitment", "a bit of the header's commitment flipped", ReasonCommitment, edit{Op: "flip", Offset: 40, Mask: 0x01}),
		on("flip-record-0", "a bit of the sealed metadata flipped", ReasonAuth, edit{Op: "flip", Offset: HeaderSize + 100, Mask: 0x04}),
		on("flip-record-2", "a bit inside content record 2 flipped", ReasonAuth, edit{Op: "flip", Offset: RecordOffset(2) + 1000, Mask: 0x10}),
		on("flip-final-tag", "a bit of the final record's tag flipped", ReasonAuth, edit{Op: "flip", Offset: total - 1, Mask: 0x01}),
	}
	wrong := on("wrong-commitment", "the message carries another commitment (a blob swapped under it)", ReasonCommitment)
	other := bytes.Clone(commitmentOf(t, key, nonce))
	other[0] ^= 1
	wrong.Commitment = Encode(other)
	wrongKey := on("wrong-key", "opened with another file key", ReasonCommitment)
	wrongKey.Key = Encode(bytes.Repeat([]byte{7}, KeySize))
	cs = append(cs, wrong, wrongKey,
		inline("final-record-0", "record 0 sealed with the final flag (a file of no records)", ReasonFinalZero,
			craft(t, metaOf(0), true)),
		inline("final-record-0-then-content", "record 0 sealed final, a content record after it", ReasonFinalZero,
			craft(t, metaOf(0), true, make([]byte, 541))),
		inline("nonzero-padding", "authentic content record whose padding ends in 0x01", ReasonPadding,
			craft(t, metaOf(1), false, nonzeroPad)),
		inline("nonzero-meta-padding", "authentic record 0 whose last byte is 0x01", ReasonPadding,
			craft(t, nonzeroMeta, false, padded([]byte("x"), 541))),
		inline("bad-metadata-json", "record 0 holds JSON cut short", ReasonMeta,
			craft(t, metaRecord(t, `{"v":1,"name":"a.txt","type":"text/plain","size":`), false, make([]byte, 541))),
		inline("metadata-version-2", "record 0 says v 2", ReasonMeta,
			craft(t, metaRecord(t, `{"v":2,"name":"a.txt","type":"text/plain","size":0}`), false, make([]byte, 541))),
		inline("padded-beyond-bucket", "542 padding bytes where paddedSize(0) = 541", ReasonAuth,
			craft(t, metaOf(0), false, make([]byte, 542))),
		inline("size-beyond-content", "record 0 says 600 bytes, the content records hold 541", ReasonTruncated,
			craft(t, metaOf(600), false, make([]byte, 541))),
	)
	return cs
}
