package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// maxRefBytes bounds the client's request id: it is echoed in every reply, so an
// unbounded one would let a client make the server write 16 KiB per error.
const maxRefBytes = 256

// isClientType reports whether a client may send frames of type t.
func isClientType(t string) bool {
	switch t {
	case protocol.TypeHello, protocol.TypeSend, protocol.TypeEdit, protocol.TypeRecall, protocol.TypeRead, protocol.TypeAway, protocol.TypePing:
		return true
	}
	return false
}

// frameError is a client frame the hub refuses; it is answered with an error frame.
type frameError struct {
	ref string
	err protocol.Error
}

func (e *frameError) Error() string { return fmt.Sprintf("%s: %s", e.err.Code, e.err.Message) }

func refuse(ref string, code protocol.Code, field, format string, args ...any) *frameError {
	return &frameError{ref: ref, err: protocol.Error{Code: code, Message: fmt.Sprintf(format, args...), Field: field}}
}

// decodeFrame reads one client frame strictly: exactly one JSON object with only the
// envelope's fields, protocol.Version and a client frame type. A refused frame's ref
// is returned with the error whenever it could be read, so the client can tell which
// request failed.
func decodeFrame(b []byte) (protocol.Frame, *frameError) {
	var f protocol.Frame
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return f, refuse(peekRef(b), protocol.CodeBadRequest, "", "a frame is one JSON object")
	}
	if err := decodeStrict(b, &f); err != nil {
		err.ref = peekRef(b)
		return protocol.Frame{}, err
	}
	if bytes.Equal(f.Data, []byte("null")) {
		f.Data = nil
	}
	if len(f.Ref) > maxRefBytes {
		return protocol.Frame{}, refuse("", protocol.CodeBadRequest, "ref", "ref is longer than %d bytes", maxRefBytes)
	}
	if f.V != protocol.Version {
		return protocol.Frame{}, refuse(f.Ref, protocol.CodeUnsupportedVersion, "v", "this server speaks protocol version %d", protocol.Version)
	}
	if f.Type == "" {
		return protocol.Frame{}, refuse(f.Ref, protocol.CodeBadRequest, "type", "type is required")
	}
	if !isClientType(f.Type) {
		return protocol.Frame{}, refuse(f.Ref, protocol.CodeUnknownType, "type", "unknown frame type")
	}
	return f, nil
}

// decodeStrict unmarshals exactly one JSON value into v, refusing unknown fields and
// trailing data, so a typo in a field name is an error rather than a silent no-op.
func decodeStrict(b []byte, v any) *frameError {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return refuse("", protocol.CodeBadRequest, "", "malformed JSON at byte %d", syntax.Offset)
		case errors.As(err, &typeErr):
			return refuse("", protocol.CodeBadRequest, typeErr.Field, "field %q must be %s", typeErr.Field, typeErr.Type)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return refuse("", protocol.CodeBadRequest, "", "incomplete JSON")
		default:
			return refuse("", protocol.CodeBadRequest, "", "malformed frame: %s", shorten(err.Error()))
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse("", protocol.CodeBadRequest, "", "unexpected data after the JSON object")
	}
	return nil
}

// peekRef reads only "ref" from a frame that failed strict decoding (or was never
// decoded, being too large), so its error can still name the request.
func peekRef(b []byte) string {
	var r struct {
		Ref string `json:"ref"`
	}
	// A decoder, not Unmarshal: it reads the first value and ignores what follows.
	if json.NewDecoder(bytes.NewReader(b)).Decode(&r) != nil || len(r.Ref) > maxRefBytes {
		return ""
	}
	return r.Ref
}

// shorten keeps decoder messages (which quote field names from the frame) short.
func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// encodeFrame encodes a server frame. The envelope and bodies are plain structs, so
// Marshal cannot fail; a failure would be a bug in a protocol type.
func encodeFrame(typ, ref string, data any) []byte {
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			panic(fmt.Sprintf("hub: encode %s body: %v", typ, err))
		}
		raw = b
	}
	b, err := json.Marshal(protocol.Frame{V: protocol.Version, Type: typ, Ref: ref, Data: raw})
	if err != nil {
		panic(fmt.Sprintf("hub: encode %s frame: %v", typ, err))
	}
	return b
}

func errorFrame(ref string, e protocol.Error) []byte {
	return encodeFrame(protocol.TypeError, ref, e)
}

// appErrorFrame turns a service error into an error frame: its code and user-safe
// message for a caller's mistake, a bare "internal error" otherwise.
func appErrorFrame(ref string, err error) []byte {
	e := apperr.From(err)
	body := protocol.Error{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason}
	if e.RetryAfter > 0 {
		body.RetryAfter = int((e.RetryAfter + 999_999_999) / 1_000_000_000)
	}
	return errorFrame(ref, body)
}
