package apperr

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"govchat/internal/reqinfo"
	"govchat/protocol"
)

// The two functions below are the only places an error becomes a wire answer: a REST
// response (WriteHTTP, also used for refused WebSocket handshakes) and a WebSocket
// error frame (Frame). They live beside Status so a code's status, its body and its
// frame change together.

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up so a client that waits
// exactly this long is never early; 0 when the error carries no wait.
func (e *Error) RetryAfterSeconds() int {
	if e.RetryAfter <= 0 {
		return 0
	}
	return int((e.RetryAfter + time.Second - 1) / time.Second)
}

// body is the error as clients see it; the cause (Err) never leaves the server.
func (e *Error) body() protocol.Error {
	return protocol.Error{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason,
		Rows: e.Rows, Rules: e.Rules, RetryAfter: e.RetryAfterSeconds()}
}

// WriteHTTP answers a request with err: the status of its code, the error body with the
// request id, and a Retry-After header when the error carries a wait. A 5xx is logged
// with the request id and its cause, which the body never shows.
func WriteHTTP(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e := From(err)
	status := Status(e.Code)
	id := reqinfo.From(r.Context()).ID
	if status >= 500 {
		log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := protocol.ErrorBody{Error: e.body()}
	body.Error.RequestID = id
	if s := body.Error.RetryAfter; s > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// Frame is the error frame answering the client frame ref with err. A cause the client
// may not see (any code answered with a 5xx over REST) is logged with the connection's
// request id.
func Frame(ctx context.Context, log *slog.Logger, ref string, err error) []byte {
	e := From(err)
	if Status(e.Code) >= 500 {
		log.Error("frame failed", "request_id", reqinfo.From(ctx).ID, "ref", ref, "err", err)
	}
	b, encErr := protocol.EncodeFrame(protocol.TypeError, ref, e.body())
	if encErr != nil {
		// protocol.Error holds only strings and numbers; reaching here is a bug in it.
		log.Error("error frame failed to encode", "request_id", reqinfo.From(ctx).ID, "err", encErr)
		return fmt.Appendf(nil, `{"v":%d,"type":%q,"data":{"code":%q,"message":"internal error"}}`,
			protocol.Version, protocol.TypeError, protocol.CodeInternal)
	}
	return b
}
