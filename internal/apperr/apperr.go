// Package apperr is govchat's one error vocabulary: an error with a stable protocol code
// and a user-safe message, and the single mapping from codes to HTTP status. Services
// return *Error for anything a caller did wrong; everything else is internal and is
// logged, never shown.
package apperr

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	"govchat/internal/store"
	"govchat/protocol"
)

// Error is an error a client may see.
type Error struct {
	Code       protocol.Code
	Message    string
	Field      string
	Reason     string // refines the code (password_policy: which rule)
	RetryAfter time.Duration
	Rows       []protocol.ImportRowError
	Rules      []string // dlp_blocked, dlp_warning: the rules' ids
	Err        error    // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and a message.
func New(code protocol.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// BadField is a bad_request naming the field at fault.
func BadField(field, format string, args ...any) *Error {
	return &Error{Code: protocol.CodeBadRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

// From classifies any error: an *Error passes through, the store's not-found and
// conflict become their codes, anything else is internal.
func From(err error) *Error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: protocol.CodeNotFound, Message: "not found", Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Code: protocol.CodeConflict, Message: "conflicts with existing data", Err: err}
	case unreachable(err):
		return &Error{Code: protocol.CodeUnavailable, Message: "a backing service is unreachable; try again shortly", Err: err}
	default:
		return &Error{Code: protocol.CodeInternal, Message: "internal error", Err: err}
	}
}

// unreachable recognises a database or bus that did not answer, as opposed to a bug:
// the client may retry, and a load balancer should look at /readyz.
func unreachable(err error) bool {
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &netErr)
}

// Status is the HTTP status for a code.
func Status(code protocol.Code) int {
	switch code {
	case protocol.CodeBadRequest, protocol.CodePasswordPolicy, protocol.CodeImportInvalid,
		protocol.CodeUnknownType, protocol.CodeUnsupportedVersion, protocol.CodeHelloFirst:
		return http.StatusBadRequest
	case protocol.CodeUnauthenticated, protocol.CodeInvalidCredentials, protocol.CodeTOTPRequired, protocol.CodeTOTPInvalid:
		return http.StatusUnauthorized
	case protocol.CodeForbidden, protocol.CodeAccountDisabled, protocol.CodeCrossOrigin, protocol.CodeTOTPSetupRequired,
		protocol.CodeNotMember, protocol.CodeWindowExpired, protocol.CodeSecrecyAboveCeiling, protocol.CodeBlobNotYours,
		protocol.CodeForwardNotAllowed, protocol.CodeDownloadNotAllowed:
		return http.StatusForbidden
	case protocol.CodeTwoPersonRule:
		return http.StatusForbidden
	case protocol.CodeDLPBlocked:
		return http.StatusForbidden
	case protocol.CodeDLPWarning:
		return http.StatusConflict
	case protocol.CodeNotFound:
		return http.StatusNotFound
	case protocol.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case protocol.CodeConflict, protocol.CodeStaleRevision, protocol.CodeNoticeWithdrawn, protocol.CodeMessageRecalled,
		protocol.CodeUploadIncomplete, protocol.CodeKeyMissing, protocol.CodeCollectionClosed, protocol.CodePastDeadline:
		return http.StatusConflict
	case protocol.CodeDigestMismatch:
		return http.StatusUnprocessableEntity
	case protocol.CodeQuotaExceeded, protocol.CodeInsufficientStorage:
		return http.StatusInsufficientStorage
	case protocol.CodeTooLarge, protocol.CodeFileTooLarge:
		return http.StatusRequestEntityTooLarge
	case protocol.CodeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case protocol.CodeRangeNotSatisfiable:
		return http.StatusRequestedRangeNotSatisfiable
	case protocol.CodeAccountLocked, protocol.CodeRateLimited:
		return http.StatusTooManyRequests
	case protocol.CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
