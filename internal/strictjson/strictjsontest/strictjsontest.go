// Package strictjsontest checks, for fuzz targets, that decoded text is the client's
// text: nothing strictjson accepts may come out altered.
package strictjsontest

import (
	"bytes"
	"reflect"
	"testing"
	"unicode/utf8"
)

// Unaltered fails t if a string reachable from v is not valid UTF-8, or holds U+FFFD
// that input did not send (as the character or as its \u escape): encoding/json puts
// U+FFFD in place of text it could not read, and that must never be accepted.
func Unaltered(t testing.TB, input []byte, v any) {
	t.Helper()
	sent := bytes.Contains(input, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(input), []byte(`\ufffd`))
	walk(reflect.ValueOf(v), func(s string) {
		if !utf8.ValidString(s) {
			t.Fatalf("decoded %q, which is not valid UTF-8, from %q", s, input)
		}
		if !sent && bytes.ContainsRune([]byte(s), utf8.RuneError) {
			t.Fatalf("decoded %q with a replacement character the input %q did not send", s, input)
		}
	})
}

func walk(v reflect.Value, visit func(string)) {
	switch v.Kind() {
	case reflect.String:
		visit(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), visit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			walk(v.Field(i), visit)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // raw bytes (json.RawMessage) are decoded, and checked, later
		}
		for i := range v.Len() {
			walk(v.Index(i), visit)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walk(it.Key(), visit)
			walk(it.Value(), visit)
		}
	}
}
