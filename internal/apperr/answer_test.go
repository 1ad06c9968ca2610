package apperr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"govchat/internal/reqinfo"
	"govchat/protocol"
)

func TestRetryAfterSeconds(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want int
	}{
		{"none", 0, 0},
		{"a negative wait is none", -time.Second, 0},
		{"a moment is one second", time.Millisecond, 1},
		{"whole seconds stay", 20 * time.Minute, 1200},
		{"part of a second rounds up, never early", 1500 * time.Millisecond, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := (&Error{RetryAfter: tc.d}).RetryAfterSeconds(); got != tc.want {
				t.Fatalf("RetryAfterSeconds(%s) = %d, want %d", tc.d, got, tc.want)
			}
		})
	}
}

// rateLimited is a caller's error carrying everything the wire can show.
func rateLimited() *Error {
	e := BadField("text", "too fast")
	e.Code, e.Reason, e.RetryAfter = protocol.CodeRateLimited, "why", 2500*time.Millisecond
	return e
}

func TestWriteHTTP(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		status  int
		want    protocol.Error
		header  string // Retry-After
		logged  bool
		logHint string // in the log line, never in the body
	}{
		{"a caller's error with every detail", rateLimited(), http.StatusTooManyRequests,
			protocol.Error{Code: protocol.CodeRateLimited, Message: "too fast", Field: "text", Reason: "why", RetryAfter: 3, RequestID: "req-1"}, "3", false, ""},
		{"an internal error shows nothing of its cause", errors.New("disk on fire"), http.StatusInternalServerError,
			protocol.Error{Code: protocol.CodeInternal, Message: "internal error", RequestID: "req-1"}, "", true, "disk on fire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := httptest.NewRequest("GET", "/api/v1/x", nil)
			r = r.WithContext(reqinfo.With(r.Context(), reqinfo.Info{ID: "req-1"}))
			w := httptest.NewRecorder()
			WriteHTTP(w, r, slog.New(slog.NewTextHandler(&logs, nil)), tc.err)
			var body protocol.ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != tc.status || !equal(body.Error, tc.want) || w.Header().Get("Retry-After") != tc.header {
				t.Fatalf("got %d %+v Retry-After %q", w.Code, body.Error, w.Header().Get("Retry-After"))
			}
			if got := logs.String(); tc.logged != strings.Contains(got, "req-1") || !strings.Contains(got, tc.logHint) {
				t.Fatalf("log %q", got)
			}
		})
	}
}

func TestFrame(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		want    protocol.Error
		logHint string
	}{
		{"a caller's error with every detail", rateLimited(),
			protocol.Error{Code: protocol.CodeRateLimited, Message: "too fast", Field: "text", Reason: "why", RetryAfter: 3}, ""},
		{"an internal error shows nothing of its cause", errors.New("disk on fire"),
			protocol.Error{Code: protocol.CodeInternal, Message: "internal error"}, "disk on fire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			ctx := reqinfo.With(context.Background(), reqinfo.Info{ID: "req-2"})
			b := Frame(ctx, slog.New(slog.NewTextHandler(&logs, nil)), "r1", tc.err)
			var f protocol.Frame
			var e protocol.Error
			if json.Unmarshal(b, &f) != nil || json.Unmarshal(f.Data, &e) != nil {
				t.Fatalf("frame %s", b)
			}
			if f.V != protocol.Version || f.Type != protocol.TypeError || f.Ref != "r1" || !equal(e, tc.want) {
				t.Fatalf("frame %s", b)
			}
			if got := logs.String(); (tc.logHint != "") != strings.Contains(got, "req-2") || !strings.Contains(got, tc.logHint) {
				t.Fatalf("log %q", got)
			}
		})
	}
}

func equal(a, b protocol.Error) bool {
	return a.Code == b.Code && a.Message == b.Message && a.Field == b.Field && a.Reason == b.Reason &&
		a.RetryAfter == b.RetryAfter && a.RequestID == b.RequestID && len(a.Rows) == len(b.Rows)
}
