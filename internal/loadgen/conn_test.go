package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/gorilla/websocket"
)

func TestErrorKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&websocket.CloseError{Code: 4008, Text: "too slow"}, "close:4008"},
		{fmt.Errorf("read: %w", &websocket.CloseError{Code: 1001}), "close:1001"},
		{&handshakeError{status: 403, code: "cross_origin"}, "dial:cross_origin"},
		{&frameError{code: "hello_first"}, "dial:hello_first"},
		{&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}, "dial:connection_refused"},
		{fmt.Errorf("x: %w", syscall.EMFILE), "dial:too_many_open_files"},
		{io.ErrUnexpectedEOF, "dial:eof"},
		{context.DeadlineExceeded, "dial:timeout"},
		{errors.New("something else"), "dial:other"},
	}
	for _, tt := range tests {
		if got := errorKind("dial", tt.err); got != tt.want {
			t.Errorf("errorKind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
