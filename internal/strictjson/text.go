package strictjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// invalidText finds text in b that encoding/json would alter: bytes that are not UTF-8,
// or a \u escape of a surrogate that is not half of a pair. It walks b's tokens to name
// the value holding it; an invalid key names the object it is in. It reports nothing
// for JSON it cannot read, leaving the syntax error to the decoder.
func invalidText(b []byte) (field string, bad bool) {
	if utf8.Valid(b) && !bytes.Contains(b, []byte(`\u`)) {
		return "", false // the common case: nothing to substitute
	}
	var p path
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		// Between two tokens there is only JSON punctuation and white space, so
		// anything amiss in this span is in the token's own text.
		if span := b[start:dec.InputOffset()]; !utf8.Valid(span) || loneSurrogate(span) {
			if p.atKey() {
				return p.object(), true
			}
			return p.value(), true
		}
		p.step(tok)
	}
}

// loneSurrogate reports whether a span holding one JSON string has a \u escape of a
// surrogate that is not a high half directly followed by an escaped low half. The
// string is well-formed (the decoder read it), so every escape is complete.
func loneSurrogate(span []byte) bool {
	i := bytes.IndexByte(span, '"')
	if i < 0 {
		return false
	}
	for i++; i < len(span) && span[i] != '"'; i++ {
		if span[i] != '\\' {
			continue
		}
		i++ // the escaped character
		if span[i] != 'u' {
			continue
		}
		r := hex4(span[i+1 : i+5])
		i += 4
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xDC00 || i+6 >= len(span) || span[i+1] != '\\' || span[i+2] != 'u' {
			return true // a low half first, or a high half alone
		}
		if lo := hex4(span[i+3 : i+7]); lo < 0xDC00 || lo > 0xDFFF {
			return true
		}
		i += 6
	}
	return false
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		}
	}
	return r
}

// path follows the decoder through nested objects and arrays.
type path struct{ levels []level }

type level struct {
	object  bool
	key     string // the current key, in an object
	wantKey bool   // the next token of this object is a key
}

func (p *path) top() *level {
	if len(p.levels) == 0 {
		return nil
	}
	return &p.levels[len(p.levels)-1]
}

func (p *path) atKey() bool {
	t := p.top()
	return t != nil && t.object && t.wantKey
}

// step moves past one token.
func (p *path) step(tok json.Token) {
	switch tok {
	case json.Delim('{'):
		p.levels = append(p.levels, level{object: true, wantKey: true})
		return
	case json.Delim('['):
		p.levels = append(p.levels, level{})
		return
	case json.Delim('}'), json.Delim(']'):
		p.levels = p.levels[:len(p.levels)-1]
	default:
		if t := p.top(); p.atKey() {
			t.key, _ = tok.(string)
			t.wantKey = false
			return
		}
	}
	// A value ended: in an object, a key comes next.
	if t := p.top(); t != nil && t.object {
		t.wantKey = true
	}
}

// value is the dotted path of the value the decoder is at.
func (p *path) value() string { return p.join(len(p.levels)) }

// object is the dotted path of the object whose key the decoder is at.
func (p *path) object() string { return p.join(len(p.levels) - 1) }

func (p *path) join(n int) string {
	var keys []string
	for _, l := range p.levels[:n] {
		if l.object {
			keys = append(keys, l.key)
		}
	}
	return strings.Join(keys, ".")
}
