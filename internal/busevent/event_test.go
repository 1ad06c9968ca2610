package busevent

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	frame := []byte(`{"v":1,"type":"message","data":{}}`)
	tests := []struct {
		name string
		ev   Event
	}{
		{"a message with its sequence", Event{Seq: 42, Frame: frame}},
		{"a frame outside the sequence", Event{Frame: frame}},
		{"the largest sequence the header holds", Event{Seq: maxNumber, Frame: frame}},
		{"a user joining a channel", Event{Change: Joined, Channel: 7, Frame: frame}},
		{"a user leaving a channel", Event{Change: Left, Channel: maxNumber, Frame: frame}},
		{"an empty frame", Event{Seq: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := Encode(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			if got.Seq != tt.ev.Seq || got.Change != tt.ev.Change || got.Channel != tt.ev.Channel || !bytes.Equal(got.Frame, tt.ev.Frame) {
				t.Fatalf("decoded %+v, encoded %+v", got, tt.ev)
			}
			if got.Since != NoSince {
				t.Fatalf("decoded since %d from a frame without last_seq", got.Since)
			}
		})
	}
}

// A join says where in the channel the user joined, in its frame's data.last_seq.
func TestJoinedSince(t *testing.T) {
	tests := []struct {
		name   string
		change Change
		frame  string
		want   int64
	}{
		{"a new channel, joined at 0", Joined, `{"v":1,"type":"channel","data":{"channel_id":9,"event":"joined","last_seq":0}}`, 0},
		{"a channel with history", Joined, `{"v":1,"type":"channel","data":{"channel_id":9,"event":"joined","last_seq":4211}}`, 4211},
		{"a join from a node of the previous version", Joined, `{"v":1,"type":"channel","data":{"channel_id":9,"event":"joined"}}`, NoSince},
		{"a negative position", Joined, `{"v":1,"type":"channel","data":{"channel_id":9,"event":"joined","last_seq":-3}}`, NoSince},
		{"a frame that is not JSON is still followed", Joined, `not json`, NoSince},
		{"only a join has one", Left, `{"v":1,"type":"channel","data":{"channel_id":9,"event":"left","last_seq":7}}`, NoSince},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := Encode(Event{Change: tt.change, Channel: 9, Frame: []byte(tt.frame)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(payload)
			if err != nil {
				t.Fatal(err)
			}
			if got.Change != tt.change || got.Channel != 9 || got.Since != tt.want {
				t.Fatalf("decoded %+v, want %s of channel 9 since %d", got, tt.change, tt.want)
			}
		})
	}
}

// The bytes nodes exchanged before membership changes were typed: the sequence as a
// big-endian int64, then the frame.
func oldEvent(seq int64, frame []byte) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(seq)), frame...)
}

func TestCompatibleWithTheUntypedEnvelope(t *testing.T) {
	frame := []byte(`{"v":1,"type":"channel","data":{"channel_id":9,"event":"joined"}}`)
	t.Run("a frame event is the same bytes as before", func(t *testing.T) {
		for _, seq := range []int64{0, 1, 1 << 40} {
			payload, err := Encode(Event{Seq: seq, Frame: frame})
			if err != nil {
				t.Fatal(err)
			}
			if want := oldEvent(seq, frame); !bytes.Equal(payload, want) {
				t.Fatalf("seq %d: %x, before %x", seq, payload, want)
			}
		}
	})
	t.Run("an old node's event decodes with its sequence and no change", func(t *testing.T) {
		got, err := Decode(oldEvent(5, frame))
		if err != nil {
			t.Fatal(err)
		}
		if got.Seq != 5 || got.Change != NoChange || !bytes.Equal(got.Frame, frame) {
			t.Fatalf("decoded %+v", got)
		}
	})
	t.Run("a membership event keeps the frame where an old node reads it", func(t *testing.T) {
		payload, err := Encode(Event{Change: Joined, Channel: 9, Frame: frame})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(payload[8:], frame) {
			t.Fatalf("frame after an 8-byte header: %q", payload[8:])
		}
	})
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
	}{
		{"a negative sequence", Event{Seq: -1}},
		{"a sequence over 56 bits", Event{Seq: maxNumber + 1}},
		{"a channel without a change", Event{Channel: 3}},
		{"a change with a sequence", Event{Change: Joined, Channel: 3, Seq: 4}},
		{"a change without a channel", Event{Change: Left}},
		{"a channel over 56 bits", Event{Change: Joined, Channel: maxNumber + 1}},
		{"an unknown change", Event{Change: 3, Channel: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if payload, err := Encode(tt.ev); err == nil {
				t.Fatalf("encoded %+v as %x", tt.ev, payload)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
	}{
		{"nothing", nil},
		{"less than the header", []byte{0, 0, 0, 1}},
		{"an unknown change", []byte{9, 0, 0, 0, 0, 0, 0, 1, '{', '}'}},
		{"a change of channel 0", []byte{byte(Left), 0, 0, 0, 0, 0, 0, 0, '{', '}'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ev, err := Decode(tt.payload); !errors.Is(err, ErrMalformed) {
				t.Fatalf("decoded %+v, err %v", ev, err)
			}
		})
	}
}

func TestTopics(t *testing.T) {
	if got := ChannelTopic(42); got != "chan:42" {
		t.Errorf("ChannelTopic(42) = %q", got)
	}
	if got := UserTopic(7); got != "user:7" {
		t.Errorf("UserTopic(7) = %q", got)
	}
}

// FuzzDecode: any bytes either are refused or are an event that encodes back to them,
// so nothing a node receives is read two ways.
func FuzzDecode(f *testing.F) {
	f.Add(oldEvent(7, []byte(`{"v":1}`)))
	f.Add([]byte{byte(Joined), 0, 0, 0, 0, 0, 0, 9, '{', '}'})
	f.Add([]byte{byte(Left), 0, 0, 0, 0, 0, 0, 0})
	f.Add(append([]byte{byte(Joined), 0, 0, 0, 0, 0, 0, 12}, `{"v":1,"type":"channel","data":{"channel_id":12,"event":"joined","last_seq":40}}`...))
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := Decode(payload)
		if err != nil {
			return
		}
		again, err := Encode(ev)
		if err != nil {
			t.Fatalf("decoded %x as %+v, which does not encode: %v", payload, ev, err)
		}
		if !bytes.Equal(again, payload) {
			t.Fatalf("decoded %x as %+v, which encodes as %x", payload, ev, again)
		}
	})
}
