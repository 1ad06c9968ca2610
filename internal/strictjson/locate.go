package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// locate finds the value of b that v's type cannot take, by decoding it again field
// by field: the deepest value that fails on its own is the one at fault. It follows
// encoding/json's field names (the json tag, else the Go name; embedded structs
// promoted; keys matched exactly, else case-insensitively) and reports the JSON
// names, as json.UnmarshalTypeError does.
func locate(b []byte, v any) (string, bool) {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return "", false
	}
	keys, ok := fault(t.Elem(), b, nil)
	return strings.Join(keys, "."), ok
}

// fault returns the path below at of the value in raw that t cannot take, and false
// when raw decodes into t.
func fault(t reflect.Type, raw json.RawMessage, at []string) ([]string, bool) {
	if json.Unmarshal(raw, reflect.New(t).Interface()) == nil {
		return nil, false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return at, true // the type reads the value itself: this value is at fault
	}
	switch t.Kind() {
	case reflect.Struct:
		for key, val := range members(raw) {
			if f, ok := fieldFor(t, key); ok {
				if keys, bad := fault(f.typ, val, append(at[:len(at):len(at)], f.name)); bad {
					return keys, true
				}
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for _, item := range items {
				if keys, bad := fault(t.Elem(), item, at); bad {
					return keys, true
				}
			}
		}
	case reflect.Map:
		for _, val := range members(raw) {
			if keys, bad := fault(t.Elem(), val, at); bad {
				return keys, true
			}
		}
	}
	return at, true
}

// members yields an object's keys and values in the order sent.
func members(raw json.RawMessage) func(yield func(string, json.RawMessage) bool) {
	return func(yield func(string, json.RawMessage) bool) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return
		}
		for dec.More() {
			tok, err := dec.Token()
			key, ok := tok.(string)
			if err != nil || !ok {
				return
			}
			var val json.RawMessage
			if dec.Decode(&val) != nil || !yield(key, val) {
				return
			}
		}
	}
}

type field struct {
	name string // as JSON names it
	typ  reflect.Type
}

// fieldFor is the field of struct t that encoding/json fills from key.
func fieldFor(t reflect.Type, key string) (field, bool) {
	fields := fieldsOf(t)
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

func fieldsOf(t reflect.Type) []field {
	var out []field
	for sf := range t.Fields() {
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, fieldsOf(ft)...) // promoted, as encoding/json does
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, typ: sf.Type})
	}
	return out
}
