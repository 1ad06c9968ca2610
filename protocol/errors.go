// Package protocol is govchat's wire contract: every REST body and (later) every
// WebSocket frame is a type here, written up in PROTOCOL.md. The server, the load
// generator and the tests share these definitions.
package protocol

// Code is a stable, machine-readable error code. Clients switch on it and show their
// own localised text; the message beside it is for developers and logs.
type Code string

// The error vocabulary. Adding a code is a protocol change: document it in PROTOCOL.md.
const (
	CodeBadRequest          Code = "bad_request"           // malformed JSON, missing or invalid field
	CodeTooLarge            Code = "too_large"             // request body over the limit
	CodeUnauthenticated     Code = "unauthenticated"       // no session, or it expired or was revoked
	CodeInvalidCredentials  Code = "invalid_credentials"   // wrong username or password
	CodeTOTPRequired        Code = "totp_required"         // password right; now send totp_code
	CodeTOTPInvalid         Code = "totp_invalid"          // wrong, expired or replayed code
	CodeTOTPSetupRequired   Code = "totp_setup_required"   // privileged account must enrol a second factor first
	CodeAccountLocked       Code = "account_locked"        // too many failures; see retry_after
	CodeAccountDisabled     Code = "account_disabled"      // the administrator disabled the account
	CodePasswordPolicy      Code = "password_policy"       // new password too short, too long or too weak
	CodeForbidden           Code = "forbidden"             // authenticated, but the role may not do this
	CodeNotFound            Code = "not_found"             // no such resource (or not visible to you)
	CodeConflict            Code = "conflict"              // name taken, department not empty, cycle in the tree
	CodeMethodNotAllowed    Code = "method_not_allowed"    // wrong HTTP method for the path
	CodeCrossOrigin         Code = "cross_origin"          // cookie-authenticated write from another origin
	CodeUnsupportedMedia    Code = "unsupported_media"     // body is not the content type the endpoint takes
	CodeRateLimited         Code = "rate_limited"          // too many requests; see retry_after
	CodeImportInvalid       Code = "import_invalid"        // CSV rejected whole; see rows
	CodeUnavailable         Code = "unavailable"           // store or bus unreachable
	CodeUnknownType         Code = "unknown_type"          // WebSocket frame type the server does not know
	CodeUnsupportedVersion  Code = "unsupported_version"   // WebSocket frame "v" is not 1
	CodeNotMember           Code = "not_member"            // the channel does not exist or you are not in it
	CodeWindowExpired       Code = "window_expired"        // recall or edit after the allowed window
	CodeHelloFirst          Code = "hello_first"           // a WebSocket frame before hello, or a second hello
	CodeStaleRevision       Code = "stale_revision"        // a notice was revised since the revision you confirm; read it again
	CodeNoticeWithdrawn     Code = "notice_withdrawn"      // the notice was withdrawn: nothing more to confirm or revise
	CodeSecrecyAboveCeiling Code = "secrecy_above_ceiling" // a forward's secrecy is above a target channel's ceiling; field names the target
	CodeMessageRecalled     Code = "message_recalled"      // a message chosen to forward was recalled; field names it
	CodeQuotaExceeded       Code = "quota_exceeded"        // the upload would take the person over their storage quota
	CodeFileTooLarge        Code = "file_too_large"        // larger than the largest file allowed
	CodeDigestMismatch      Code = "digest_mismatch"       // a part's or the whole upload's SHA-256 is not what was sent
	CodeUploadIncomplete    Code = "upload_incomplete"     // complete, attach or download before every part arrived; field lists what is missing
	CodeBlobNotYours        Code = "blob_not_yours"        // attaching a blob someone else uploaded (and that you may not forward)
	CodeKeyMissing          Code = "key_missing"           // no wrapped key for a recipient, or the escrow wrap is missing
	CodeInsufficientStorage Code = "insufficient_storage"  // the blob store is full (disk or bucket)
	CodeRangeNotSatisfiable Code = "range_not_satisfiable" // a download's Range is not one range within the file; Content-Range gives its size
	CodeForwardNotAllowed   Code = "forward_not_allowed"   // the level of a message chosen to forward forbids forwarding; field names it
	CodeDownloadNotAllowed  Code = "download_not_allowed"  // the file's level allows viewing in the browser only, not saving the original
	CodeTwoPersonRule       Code = "two_person_rule"       // releasing a hold needs a second person: the one who asked cannot countersign
	CodeCollectionClosed    Code = "collection_closed"     // the collection was closed by its author: nothing more to submit, return or remind
	CodePastDeadline        Code = "past_deadline"         // the collection's deadline has passed: only a returned answer may still be resubmitted
	CodeInternal            Code = "internal"              // a bug; the request id finds it in the log

	// Data-loss prevention (§4.25): rules lists the ids of the rules that decided it.
	CodeDLPBlocked Code = "dlp_blocked" // the text matches a rule whose action at its level is block
	CodeDLPWarning Code = "dlp_warning" // the text matches a warn rule: send again with dlp_ack to send it anyway
)

// ErrorBody is every error response: {"error": {...}}.
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error is the detail of an error response.
type Error struct {
	Code      Code   `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
	// RetryAfter is set with account_locked and rate_limited, in seconds, and
	// mirrors the Retry-After header.
	RetryAfter int `json:"retry_after,omitempty"`
	// Field names the offending request field for bad_request and password_policy.
	Field string `json:"field,omitempty"`
	// Reason refines password_policy: too_short, too_long, same_as_username, too_simple.
	Reason string `json:"reason,omitempty"`
	// Rows lists every bad row with import_invalid.
	Rows []ImportRowError `json:"rows,omitempty"`
	// Rules lists the ids of the data-loss-prevention rules behind dlp_blocked and
	// dlp_warning (§4.25).
	Rules []string `json:"rules,omitempty"`
}
