package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"govchat/internal/apperr"
	"govchat/internal/reqinfo"
	"govchat/internal/strictjson"
	"govchat/protocol"
)

// maxJSONBody bounds every JSON request body; the CSV import has its own bound.
const maxJSONBody = 64 << 10

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	writeJSONBody(w, v)
}

func writeJSONBody(w http.ResponseWriter, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with err through the one error edge (apperr.WriteHTTP).
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	apperr.WriteHTTP(w, r, a.log, err)
}

// decodeJSON reads a bounded JSON body into v through the one strict decoder: exactly
// one value, no unknown fields, text that is valid UTF-8 as sent, and a refusal that
// names the field at fault.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONMax(w, r, v, maxJSONBody)
}

// decodeJSONMax is decodeJSON with a bound of its own, for the one body that is larger
// by nature (a file's wrapped keys for a whole channel).
func decodeJSONMax(w http.ResponseWriter, r *http.Request, v any, max int64) error {
	b, err := readJSONMax(w, r, max)
	if err != nil {
		return err
	}
	return strictjson.Decode(b, v)
}

// readJSON reads a bounded, non-empty JSON body as sent. decodeJSON decodes it; the
// calendar upload hands it to internal/quiet, whose strict reading of the file it is.
func readJSON(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readJSONMax(w, r, maxJSONBody)
}

func readJSONMax(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return nil, apperr.New(protocol.CodeUnsupportedMedia, "send the body as application/json")
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, apperr.New(protocol.CodeTooLarge, "request body is larger than %d bytes", max)
	case err != nil:
		return nil, apperr.New(protocol.CodeBadRequest, "the request body could not be read")
	case len(bytes.TrimSpace(b)) == 0:
		return nil, apperr.New(protocol.CodeBadRequest, "request body is empty")
	}
	return b, nil
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(protocol.CodeNotFound, "no such %s", name)
	}
	return id, nil
}

// queryInt reads a whole-number query parameter within [min, max], or def when absent.
func queryInt(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, apperr.BadField(name, "%s must be a whole number from %d to %d", name, min, max)
	}
	return n, nil
}

// logAttrs is what a request log line carries: never bodies, cookies or tokens.
func logAttrs(r *http.Request, status int, route string) []any {
	return []any{"request_id", reqinfo.From(r.Context()).ID, "method", r.Method, "route", route, "status", status, "ip", reqinfo.From(r.Context()).IP}
}

// endpoint is a handler written as a function from the request to its answer: a
// status and a body to encode as JSON (nil for none), or an error for writeError.
type endpoint func(w http.ResponseWriter, r *http.Request) (status int, body any, err error)

// serve adapts an endpoint, so each handler states only what differs.
func (a *API) serve(e endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := e(w, r)
		switch {
		case err != nil:
			a.writeError(w, r, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, body)
		}
	}
}

// bodyOf decodes a bounded JSON body into a fresh T.
func bodyOf[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	err := decodeJSON(w, r, &v)
	return v, err
}
