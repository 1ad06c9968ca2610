package textcheck

import (
	"errors"
	"strings"
	"testing"

	"govchat/internal/apperr"
)

func TestField(t *testing.T) {
	tests := []struct {
		name      string
		v         string
		max       int
		required  bool
		multiline bool
		want      string
		wantErr   bool
	}{
		{"trimmed", "  保密检查 ", 10, true, false, "保密检查", false},
		{"empty but required", "   ", 10, true, false, "", true},
		{"empty and optional", "", 10, false, false, "", false},
		{"counts characters, not bytes", strings.Repeat("案", 10), 10, true, false, strings.Repeat("案", 10), false},
		{"too long", strings.Repeat("案", 11), 10, true, false, "", true},
		{"invalid UTF-8", "\xff", 10, true, false, "", true},
		{"a line break in one line", "甲\n乙", 10, true, false, "", true},
		{"a line break where lines are allowed", "甲\n乙", 10, true, true, "甲\n乙", false},
		{"a control character even in many lines", "甲\x00乙", 10, true, true, "", true},
		{"a right-to-left override", "abc\u202Efdp.exe", 20, true, false, "", true},
		{"a direction isolate", "a\u2066b", 20, true, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Field("reason", tt.v, tt.max, tt.required, tt.multiline)
			if tt.wantErr {
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Field != "reason" {
					t.Fatalf("err = %v, want a bad_request naming reason", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Field = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
