package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"govchat/internal/strictjson"
	"govchat/protocol"
)

// Limits of the metadata record (E2E.md §2.3). Characters are Unicode code points
// (in JavaScript, [...s].length, not s.length).
const (
	MaxNameChars = 255
	MaxTypeChars = 127
	// MaxSize is the largest size record 0 may state, 2⁵⁰ (1 PiB): far beyond any
	// limit, and low enough that paddedSize and ciphertextSize stay below 2⁵³, where
	// JavaScript numbers are exact, so both readers agree on every layout.
	MaxSize = 1 << 50
	// maxPixels bounds w and h: a 32-bit signed integer, as image decoders take.
	maxPixels = 1<<31 - 1
)

// Meta is what record 0 carries: the file's name, type and real size, and for a
// picture its thumbnail's blob id and its pixels. W and H are 0 when unknown.
type Meta struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Size  int64  `json:"size"`
	Thumb string `json:"thumb,omitempty"`
	W     int64  `json:"w,omitempty"`
	H     int64  `json:"h,omitempty"`
}

// Validate checks the limits every writer keeps and every reader enforces.
func (m Meta) Validate() error {
	switch {
	case !utf8.ValidString(m.Name):
		return fmt.Errorf("the name is not valid UTF-8")
	case utf8.RuneCountInString(m.Name) > MaxNameChars:
		return fmt.Errorf("the name is longer than %d characters", MaxNameChars)
	case !utf8.ValidString(m.Type):
		return fmt.Errorf("the type is not valid UTF-8")
	case utf8.RuneCountInString(m.Type) > MaxTypeChars:
		return fmt.Errorf("the type is longer than %d characters", MaxTypeChars)
	case m.Size < 0 || m.Size > MaxSize:
		return fmt.Errorf("the size %d is outside 0..2⁵⁰", m.Size)
	case m.Thumb != "" && !isBlobID(m.Thumb):
		return fmt.Errorf("the thumbnail is not a blob id (%d lowercase hex digits)", protocol.BlobIDLen)
	case m.W < 0 || m.W > maxPixels || m.H < 0 || m.H > maxPixels:
		return fmt.Errorf("the picture's width or height is outside 0..2³¹−1")
	}
	return nil
}

// JSON is record 0's JSON text in its one canonical form, byte for byte what the
// browser's JSON.stringify writes for {v, name, type, size, thumb?, w?, h?} built in
// this order: no white space, optional fields left out when empty or zero, strings
// escaped as JSON.stringify escapes them. Encryption is deterministic given K, N and
// the content, so Go and the browser must agree on these bytes too.
func (m Meta) JSON() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("e2e: metadata: %w", err)
	}
	b := []byte(`{"v":1,"name":`)
	b = appendJSONString(b, m.Name)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, m.Type)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, m.Size, 10)
	if m.Thumb != "" {
		b = append(b, `,"thumb":`...)
		b = appendJSONString(b, m.Thumb)
	}
	if m.W != 0 {
		b = append(b, `,"w":`...)
		b = strconv.AppendInt(b, m.W, 10)
	}
	if m.H != 0 {
		b = append(b, `,"h":`...)
		b = strconv.AppendInt(b, m.H, 10)
	}
	return append(b, '}'), nil
}

// appendJSONString quotes s as ECMAScript's JSON.stringify does (QuoteJSONString):
// the two-character escapes for \b \t \n \f \r " and \, \u00xx (lowercase hex) for the
// other control characters, everything else as it is — U+2028, U+2029, '<' and '/'
// included, which encoding/json would escape.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// EncodeMeta is record 0's plaintext: the canonical JSON followed by zero bytes to
// MetaRecordSize.
func EncodeMeta(m Meta) ([]byte, error) {
	j, err := m.JSON()
	if err != nil {
		return nil, err
	}
	if len(j) > MetaRecordSize {
		// Unreachable within the limits (255 characters escaped are at most 1,530
		// bytes), but a record cannot grow.
		return nil, fmt.Errorf("e2e: metadata of %d bytes does not fit record 0", len(j))
	}
	rec := make([]byte, MetaRecordSize)
	copy(rec, j)
	return rec, nil
}

// metaFields reads record 0's JSON field by field. Keys match exactly, as in
// JavaScript (encoding/json alone would take "NAME" for "name"); a repeated key keeps
// its last value, as JSON.parse does. Fields it does not know are ignored, as clients
// ignore unknown fields everywhere in govchat; a change old readers must not misread
// bumps v.
func metaFields(j []byte) (m Meta, err error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(j, &obj); err != nil || obj == nil {
		return Meta{}, fmt.Errorf("the metadata is not a JSON object")
	}
	var v int
	if err := field(obj, "v", &v, true); err != nil {
		return Meta{}, err
	}
	if v != 1 {
		return Meta{}, fmt.Errorf("the metadata's version is %d, not 1", v)
	}
	for _, f := range []struct {
		key      string
		to       any
		required bool
	}{
		{"name", &m.Name, true}, {"type", &m.Type, true}, {"size", &m.Size, true},
		{"thumb", &m.Thumb, false}, {"w", &m.W, false}, {"h", &m.H, false},
	} {
		if err := field(obj, f.key, f.to, f.required); err != nil {
			return Meta{}, err
		}
	}
	if raw, ok := obj["thumb"]; ok && string(raw) != "null" && m.Thumb == "" {
		return Meta{}, fmt.Errorf("the metadata's thumbnail is empty")
	}
	return m, nil
}

// field decodes obj[key] into to; null counts as missing.
func field(obj map[string]json.RawMessage, key string, to any, required bool) error {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		if required {
			return fmt.Errorf("the metadata has no %s", key)
		}
		return nil
	}
	if err := json.Unmarshal(raw, to); err != nil {
		return fmt.Errorf("the metadata's %s has the wrong type", key)
	}
	return nil
}

// DecodeMeta reads record 0's plaintext (exactly MetaRecordSize bytes): the JSON ends
// at the first zero byte and every byte after it must be zero. Any fault is a
// *DamagedError (bad_metadata or nonzero_padding): the record authenticated, so the
// sender wrote it so.
func DecodeMeta(rec []byte) (Meta, error) {
	if len(rec) != MetaRecordSize {
		return Meta{}, damaged(ReasonMeta, 0, "record 0 is %d bytes, not %d", len(rec), MetaRecordSize)
	}
	j := rec
	if end := bytes.IndexByte(rec, 0); end >= 0 {
		j = rec[:end]
		for _, c := range rec[end:] {
			if c != 0 {
				return Meta{}, damaged(ReasonPadding, 0, "record 0's padding is not zero")
			}
		}
	}
	// encoding/json would turn bytes that are not UTF-8 and lone surrogate escapes into
	// U+FFFD; a name must be shown as the sender wrote it, or not at all.
	if strictjson.Text(j) != nil {
		return Meta{}, damaged(ReasonMeta, 0, "the metadata is not valid UTF-8")
	}
	m, err := metaFields(j)
	if err != nil {
		return Meta{}, damaged(ReasonMeta, 0, "%v", err)
	}
	if err := m.Validate(); err != nil {
		return Meta{}, damaged(ReasonMeta, 0, "%v", err)
	}
	return m, nil
}

// isBlobID: 32 lowercase hex digits, so a thumbnail reference can never name a path.
func isBlobID(s string) bool {
	if len(s) != protocol.BlobIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
