package orgimport

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// saveAsUTF8 is the fix for every encoding problem, in the words of the Chinese menus.
const saveAsUTF8 = "In Excel or WPS choose 文件 → 另存为, pick the type \"CSV UTF-8 (逗号分隔) (*.csv)\", and upload that file"

// decode checks that data is UTF-8 and returns it ready for encoding/csv: without a
// byte-order mark (Excel's CSV UTF-8 writes one, and it would otherwise stick to the
// first column's name) and with line ends encoding/csv understands.
func decode(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("%w: it is UTF-16, which Excel writes for \"Unicode 文本\". %s",
			ErrNotUTF8, saveAsUTF8)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if off := invalidUTF8(data); off >= 0 {
		guess := ""
		if looksGBK(data) {
			guess = " It looks like GBK, which Excel and WPS write when the type is the plain \"CSV (逗号分隔)\"."
		}
		return nil, fmt.Errorf("%w: line %d (byte %d) is not valid UTF-8.%s %s",
			ErrNotUTF8, 1+bytes.Count(data[:off], []byte{'\n'}), off+1, guess, saveAsUTF8)
	}
	// encoding/csv handles LF and CRLF but not a bare CR, which old Mac spreadsheets
	// still write; with no LF anywhere, every CR is a line end.
	if bytes.IndexByte(data, '\n') < 0 {
		data = bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
	}
	return data, nil
}

// invalidUTF8 returns the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// looksGBK reports whether every line that is not UTF-8 is GBK (or GB18030): all its
// non-ASCII bytes form valid multi-byte sequences. Lines are checked apart because a
// header typed in UTF-8 above rows pasted from a GBK file is a common mix, and a line
// break is a safe place to realign: no GBK byte sequence contains a newline. It is only
// a hint for the message, which ends in "save as CSV UTF-8" either way.
func looksGBK(data []byte) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !utf8.Valid(line) && !gbkLine(line) {
			return false
		}
	}
	return true
}

func gbkLine(b []byte) bool {
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c < 0x80:
			i++
		case c >= 0x81 && c <= 0xFE && i+1 < len(b) && b[i+1] >= 0x40 && b[i+1] <= 0xFE && b[i+1] != 0x7F:
			i += 2
		case c >= 0x81 && c <= 0xFE && i+3 < len(b) &&
			isDigit(b[i+1]) && b[i+2] >= 0x81 && b[i+2] <= 0xFE && isDigit(b[i+3]):
			i += 4
		default:
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
