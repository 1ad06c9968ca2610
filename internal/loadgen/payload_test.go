package loadgen

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"govchat/protocol"
)

func TestPayloadRoundTrip(t *testing.T) {
	const ts = int64(1767225600123456789)
	tests := []struct {
		name string
		size int
		want int // text length
	}{
		{"padded", 64, 64},
		{"raised to the minimum", 1, len("lg 3f2a ") + 19},
		{"large", 4000, 4000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPayload("3f2a", tt.size)
			text := p.Text(ts)
			if len(text) != tt.want {
				t.Errorf("len = %d, want %d: %q", len(text), tt.want, text)
			}
			if !strings.HasPrefix(text, "lg 3f2a 1767225600123456789") {
				t.Errorf("text %q lacks the header", text)
			}
			got, ok := p.SentAt(text)
			if !ok || got != ts {
				t.Errorf("SentAt = %d, %v; want %d", got, ok, ts)
			}
		})
	}
}

func TestPayloadIgnoresOthers(t *testing.T) {
	p := NewPayload("3f2a", 64)
	for _, text := range []string{
		"收到", "", "lg 9999 1767225600123456789 xxx", "lg 3f2a notanumber", "lg 3f2a",
		NewPayload("3f2b", 64).Text(5),
	} {
		if _, ok := p.SentAt(text); ok {
			t.Errorf("SentAt(%q) claimed a foreign text", text)
		}
	}
}

func TestSendFrameIsWhatTheServerDecodes(t *testing.T) {
	b, err := sendFrame("123", protocol.SendData{ChannelID: 7, ClientID: "3f2a-1-0", Text: "lg 3f2a 1"})
	if err != nil {
		t.Fatal(err)
	}
	var f protocol.Frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var d protocol.SendData
	if err := json.Unmarshal(f.Data, &d); err != nil {
		t.Fatal(err)
	}
	if f.V != protocol.Version || f.Type != protocol.TypeSend || f.Ref != "123" || d.ChannelID != 7 || d.ClientID != "3f2a-1-0" {
		t.Errorf("frame %s", b)
	}
}

func TestClockIsMonotonic(t *testing.T) {
	start := time.Now()
	c := NewClock(start)
	later := start.Add(1500 * time.Millisecond)
	if got := c.Since(c.Nanos(start), later); got != 1500*time.Millisecond {
		t.Errorf("Since = %v", got)
	}
	if d := c.Nanos(start) - start.UnixNano(); d != 0 {
		t.Errorf("Nanos(base) off by %d", d)
	}
}

func BenchmarkHandleMessage(b *testing.B) {
	p := NewPayload("3f2a", 64)
	msg := protocol.Message{ChannelID: 12, Seq: 345, SenderID: 99, ClientID: "3f2a-1-2", Text: p.Text(time.Now().UnixNano()), CreatedAt: time.Now()}
	data, _ := json.Marshal(msg)
	frame, _ := json.Marshal(protocol.Frame{V: 1, Type: protocol.TypeMessage, Data: data})
	c := newConn(nil, 0, connDeps{stats: NewStats(1), payload: p, clock: NewClock(time.Now())})
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		c.handle(frame, now)
	}
}
