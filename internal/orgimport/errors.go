package orgimport

import (
	"errors"
	"fmt"
	"sort"

	"govchat/protocol"
)

// Errors for a file that cannot be read at all. Parse wraps them with a message that
// says what to do; test with errors.Is. The messages are safe to show the administrator.
var (
	// ErrTooLarge: the file is over Limits.MaxBytes. Answer 413.
	ErrTooLarge = errors.New("the file is too large")
	// ErrNotUTF8: the bytes are not UTF-8, usually GBK from Excel's plain "CSV".
	ErrNotUTF8 = errors.New("the file is not UTF-8")
	// ErrEmpty: nothing but blank lines, so not even a header.
	ErrEmpty = errors.New("the file is empty")
	// ErrNoRows: a header and no one under it, typically the template sent back unfilled.
	ErrNoRows = errors.New("the file has a header but no rows")
)

// Codes of protocol.ImportRowError. They are part of the wire contract (PROTOCOL.md,
// "CSV import"): clients translate them, so never rename one.
const (
	CodeUnknownColumn         = "unknown_column"
	CodeDuplicateColumn       = "duplicate_column"
	CodeMissingColumn         = "missing_column"
	CodeUnnamedColumn         = "unnamed_column"
	CodeTooManyRows           = "too_many_rows"
	CodeTooManyErrors         = "too_many_errors"
	CodeInvalidCSV            = "invalid_csv"
	CodeWrongFieldCount       = "wrong_field_count"
	CodeMissingField          = "missing_field"
	CodeInvalidUsername       = "invalid_username"
	CodeDuplicateUsername     = "duplicate_username"
	CodeTooLong               = "too_long"
	CodeInvalidPhone          = "invalid_phone"
	CodeInvalidEmail          = "invalid_email"
	CodeUnknownRole           = "unknown_role"
	CodeUnknownPartyRole      = "unknown_party_role"
	CodePartyRoleWithoutParty = "party_role_without_party"
	CodeBadPath               = "bad_path"
	CodeControlCharacters     = "control_characters"
)

// errorList collects row errors up to a cap. Every bad row is worth listing, but a
// 10,000-line file of garbage would otherwise answer with a response of many megabytes
// that nobody reads past the first screen.
type errorList struct {
	max       int
	list      []protocol.ImportRowError
	dropped   int
	firstDrop int // line of the first error left out
}

func (l *errorList) add(e protocol.ImportRowError) {
	if l.full() {
		l.drop(e.Line)
		return
	}
	l.list = append(l.list, e)
}

// full tells callers they may skip building an error that would only be dropped.
func (l *errorList) full() bool { return len(l.list) >= l.max }

// drop counts an error on line that is not listed.
func (l *errorList) drop(line int) {
	if l.dropped == 0 || line < l.firstDrop {
		l.firstDrop = line
	}
	l.dropped++
}

// result returns the errors in line order. Header problems found late (data under an
// unnamed column) are appended when found, hence the sort; it is stable so a row's
// errors keep their column order.
func (l *errorList) result() []protocol.ImportRowError {
	if len(l.list) == 0 {
		return nil
	}
	sort.SliceStable(l.list, func(i, j int) bool { return l.list[i].Line < l.list[j].Line })
	if l.dropped > 0 {
		l.list = append(l.list, protocol.ImportRowError{
			Line: l.firstDrop,
			Code: CodeTooManyErrors,
			Message: fmt.Sprintf("%d more errors not listed (the list stops at %d); fix these and upload again",
				l.dropped, l.max),
		})
	}
	return l.list
}
