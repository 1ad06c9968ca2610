package hub

import (
	"bytes"
	"encoding/json"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/strictjson"
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
	case protocol.TypeReact:
		return true
	}
	return false
}

// frameError is a client frame the hub refuses; it is answered with an error frame.
type frameError struct {
	ref string
	err error // an *apperr.Error
}

func (e *frameError) Error() string { return e.err.Error() }

func refuse(ref string, code protocol.Code, field, format string, args ...any) *frameError {
	return &frameError{ref: ref, err: &apperr.Error{Code: code, Message: fmt.Sprintf(format, args...), Field: field}}
}

// decodeFrame reads one client frame strictly (strictjson: exactly one JSON object with
// only the envelope's fields, its text valid UTF-8 as sent, data included), at
// protocol.Version and of a client frame type. A refused frame's ref is returned with
// the error whenever it could be read, so the client can tell which request failed.
func decodeFrame(b []byte) (protocol.Frame, *frameError) {
	var f protocol.Frame
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return f, refuse(peekRef(b), protocol.CodeBadRequest, "", "a frame is one JSON object")
	}
	if err := strictjson.Decode(b, &f); err != nil {
		return protocol.Frame{}, &frameError{ref: peekRef(b), err: err}
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

// decodeData reads a frame's data into v strictly; a refusal's field is named from the
// frame's top (data.resume), as the client wrote it.
func decodeData(raw json.RawMessage, v any) error {
	err := strictjson.Decode(raw, v)
	if err != nil {
		e := apperr.From(err)
		e.Field = "data" + dotted(e.Field)
	}
	return err
}

// peekRef reads only "ref" from a frame that failed strict decoding (or was never
// decoded, being too large), so its error can still name the request. A ref that is
// not valid UTF-8 is not echoed.
func peekRef(b []byte) string {
	var r struct {
		Ref json.RawMessage `json:"ref"`
	}
	// A decoder, not Unmarshal: it reads the first value and ignores what follows.
	if json.NewDecoder(bytes.NewReader(b)).Decode(&r) != nil {
		return ""
	}
	var ref string
	if strictjson.Decode(r.Ref, &ref) != nil || len(ref) > maxRefBytes {
		return ""
	}
	return ref
}

// reply sends a frame answering this connection. A body that cannot be encoded is a
// bug; the client gets an internal error in its place and the cause is logged.
func (c *conn) reply(typ, ref string, data any) bool {
	b, err := protocol.EncodeFrame(typ, ref, data)
	if err != nil {
		return c.replyError(ref, err)
	}
	return c.send(b)
}

// replyError answers ref with err through the one error edge (apperr.Frame).
func (c *conn) replyError(ref string, err error) bool {
	return c.send(apperr.Frame(c.ctx, c.hub.log, ref, err))
}
