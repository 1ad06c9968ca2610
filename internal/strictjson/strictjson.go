// Package strictjson is the one reader of JSON from clients: REST bodies, WebSocket
// frames and frame data. It takes exactly one JSON value, refuses fields the target
// does not have and data after the value, and refuses text that is not valid UTF-8 as
// sent — encoding/json would silently turn invalid bytes and lone surrogate escapes
// into U+FFFD, and the altered text would be stored. Every refusal is a bad_request
// whose Field is the dotted path of the value at fault when there is one (array
// indexes left out, as encoding/json names fields: "resume.channel_id").
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// Decode unmarshals b, which must hold exactly one JSON value, into v. The error is an
// *apperr.Error with code bad_request.
func Decode(b []byte, v any) error {
	if err := Text(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return refusal(err, b, v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.New(protocol.CodeBadRequest, "unexpected data after the JSON value")
	}
	return nil
}

// Text refuses JSON holding text that encoding/json would alter (see the package
// comment), naming the field where it can: for a reader with a strict decoding of its
// own (internal/quiet's calendar file) that must not store altered text either.
func Text(b []byte) error {
	field, bad := invalidText(b)
	switch {
	case !bad:
		return nil
	case field == "":
		return apperr.New(protocol.CodeBadRequest, "the JSON is not valid UTF-8")
	}
	return apperr.BadField(field, "field %q is not valid UTF-8", field)
}

// unknownField is how encoding/json words a field the target does not have; it has
// no error type for it.
const unknownField = "json: unknown field "

// refusal classifies a decoding error, naming the field wherever it can be found.
func refusal(err error, b []byte, v any) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return apperr.New(protocol.CodeBadRequest, "malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(protocol.CodeBadRequest, "incomplete JSON")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return apperr.BadField(typeErr.Field, "field %q must be %s", typeErr.Field, typeErr.Type)
	case errors.As(err, &typeErr):
		return apperr.New(protocol.CodeBadRequest, "the JSON value must be %s", typeErr.Type)
	case strings.HasPrefix(err.Error(), unknownField):
		return apperr.New(protocol.CodeBadRequest, "unknown field %s", short(strings.TrimPrefix(err.Error(), unknownField)))
	}
	// What is left comes from a type's own UnmarshalJSON or UnmarshalText (a time that
	// is not RFC 3339), and encoding/json passes it on without the field: find it.
	if field, ok := locate(b, v); ok && field != "" {
		return apperr.BadField(field, "field %q has the wrong form: %s", field, short(err.Error()))
	}
	return apperr.New(protocol.CodeBadRequest, "malformed JSON: %s", short(err.Error()))
}

// short keeps decoder messages, which quote the client's input, short.
func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
