package loadgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// A receiver reads every message frame of the run — at a high fan-out, hundreds of
// thousands a second on the same small machine as the server. encoding/json spent
// about 10 µs on one message frame (two Unmarshal passes); this scanner, which only
// finds the few fields the load generator reads and skips the rest without decoding,
// about 1 µs, so the load generator leaves the CPU to the server it measures.

var errBadJSON = errors.New("malformed JSON")

// objectFields calls fn with each key and raw value of the JSON object b, which
// must be all of b but for white space: two frames run together without the
// newline would otherwise pass as the first alone, hiding the second. Keys are raw
// (quotes removed, escapes left as they are: the keys looked for have none).
func objectFields(b []byte, fn func(key, val []byte)) error {
	end, err := objectEach(b, fn)
	if err != nil {
		return err
	}
	if skipSpace(b, end) != len(b) {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("data after the JSON object")

// objectEach walks the object at the start of b and returns the index past it.
func objectEach(b []byte, fn func(key, val []byte)) (int, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, errBadJSON
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, errBadJSON
		}
		end := skipValue(b, i)
		if end < 0 {
			return 0, errBadJSON
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, errBadJSON
		}
		i = skipSpace(b, i+1)
		end = skipValue(b, i)
		if end < 0 {
			return 0, errBadJSON
		}
		fn(key, b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return 0, errBadJSON
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, errBadJSON
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		// Jump from quote to quote; a quote is escaped when an odd number of
		// backslashes precede it.
		for j := i + 1; ; {
			k := bytes.IndexByte(b[j:], '"')
			if k < 0 {
				return -1
			}
			q := j + k
			n := 0
			for p := q - 1; p > i && b[p] == '\\'; p-- {
				n++
			}
			if n%2 == 0 {
				return q + 1
			}
			j = q + 1
		}
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := skipValue(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default: // number, true, false, null
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// jsonString decodes a raw JSON string value; one without escapes is sliced, not
// copied through the decoder.
func jsonString(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", errBadJSON
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

func jsonInt(raw []byte) (int64, error) {
	return strconv.ParseInt(string(raw), 10, 64)
}
