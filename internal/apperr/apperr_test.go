package apperr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"

	"govchat/internal/store"
	"govchat/protocol"
)

func TestFrom(t *testing.T) {
	cases := []struct {
		name string
		err  error
		code protocol.Code
	}{
		{"app error passes through", fmt.Errorf("wrap: %w", New(protocol.CodeForbidden, "no")), protocol.CodeForbidden},
		{"store not found", fmt.Errorf("get: %w", store.ErrNotFound), protocol.CodeNotFound},
		{"store conflict", fmt.Errorf("put: %w", store.ErrConflict), protocol.CodeConflict},
		{"anything else is internal", errors.New("disk on fire"), protocol.CodeInternal},
		{"refused connection is unavailable", fmt.Errorf("query: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), protocol.CodeUnavailable},
		{"timeout is unavailable", fmt.Errorf("query: %w", context.DeadlineExceeded), protocol.CodeUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := From(tc.err).Code; got != tc.code {
				t.Errorf("code = %s, want %s", got, tc.code)
			}
		})
	}
	if From(nil) != nil {
		t.Error("From(nil) should be nil")
	}
}

func TestInternalMessageHidesCause(t *testing.T) {
	e := From(errors.New("pq: password authentication failed for user x"))
	if e.Message != "internal error" {
		t.Errorf("internal cause leaked into the message: %q", e.Message)
	}
}

func TestStatus(t *testing.T) {
	cases := map[protocol.Code]int{
		protocol.CodeBadRequest:         http.StatusBadRequest,
		protocol.CodeInvalidCredentials: http.StatusUnauthorized,
		protocol.CodeForbidden:          http.StatusForbidden,
		protocol.CodeAccountLocked:      http.StatusTooManyRequests,
		protocol.CodeTooLarge:           http.StatusRequestEntityTooLarge,
		protocol.CodeInternal:           http.StatusInternalServerError,
		protocol.CodeUnavailable:        http.StatusServiceUnavailable,
	}
	for code, want := range cases {
		if got := Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}
