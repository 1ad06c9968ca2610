package protocol

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestEncodeFrame(t *testing.T) {
	tests := []struct {
		name, typ, ref string
		data           any
		want           string
	}{
		{"body and ref", TypeAck, "r1", AckData{ChannelID: 3, Seq: 7}, `{"v":1,"type":"ack","ref":"r1","data":`},
		{"no body", TypePong, "", nil, `{"v":1,"type":"pong"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeFrame(tt.typ, tt.ref, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), tt.want) {
				t.Fatalf("got %s, want prefix %s", b, tt.want)
			}
			var f Frame
			if err := json.Unmarshal(b, &f); err != nil || f.V != Version || f.Type != tt.typ {
				t.Fatalf("round trip: %+v, %v", f, err)
			}
		})
	}
}

func TestEncodeFrameRefusesUnencodableBody(t *testing.T) {
	b, err := EncodeFrame(TypeMessage, "", math.NaN())
	if err == nil || b != nil {
		t.Fatalf("got %s, %v; want no frame and an error", b, err)
	}
	if !strings.Contains(err.Error(), TypeMessage) {
		t.Fatalf("error %q does not name the frame type", err)
	}
}
