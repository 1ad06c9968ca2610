package loadgen

import (
	"slices"
	"testing"
)

func TestFrames(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"one frame", `{"v":1,"type":"ack"}`, []string{`{"v":1,"type":"ack"}`}},
		{"two frames", "{\"a\":1}\n{\"b\":2}", []string{`{"a":1}`, `{"b":2}`}},
		{"trailing newline", "{\"a\":1}\n", []string{`{"a":1}`}},
		{"blank lines", "\n\n{\"a\":1}\n\n\n{\"b\":2}\n\n", []string{`{"a":1}`, `{"b":2}`}},
		{"crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", []string{`{"a":1}`, `{"b":2}`}},
		{"spaces around", "  {\"a\":1}  \n\t{\"b\":2}", []string{`{"a":1}`, `{"b":2}`}},
		{"escaped newline stays inside", `{"text":"a\nb"}` + "\n" + `{"x":1}`, []string{`{"text":"a\nb"}`, `{"x":1}`}},
		{"only newlines", "\n\r\n\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for f := range Frames([]byte(tt.in)) {
				got = append(got, string(f))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Frames(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFramesStopsEarly(t *testing.T) {
	n := 0
	for range Frames([]byte("{}\n{}\n{}")) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("iterated %d frames after break at 2", n)
	}
}
