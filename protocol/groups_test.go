package protocol

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGroupNameFromMembers(t *testing.T) {
	long := strings.Repeat("长", 32)
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"nobody", nil, ""},
		{"the creator alone", []string{"张静"}, "张静"},
		{"three people", []string{"张静", "李华", "王建国"}, "张静、李华、王建国"},
		{"more than three", []string{"张静", "李华", "王建国", "赵敏"}, "张静、李华、王建国…"},
		{"empty names skipped", []string{"张静", " ", "李华"}, "张静、李华"},
		{"long names within 64 characters", []string{long, long, "李华"}, long + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GroupNameFromMembers(tt.names)
			if got != tt.want {
				t.Fatalf("GroupNameFromMembers(%q) = %q, want %q", tt.names, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > GroupNameMaxRunes {
				t.Fatalf("%d characters, over %d", n, GroupNameMaxRunes)
			}
		})
	}
}
