package protocol

import (
	"encoding/json"
	"fmt"
)

// EncodeFrame is the one encoder of server frames: the envelope at this Version with
// data marshalled into it (nil data leaves "data" out). Every caller that puts a frame
// on the wire or the bus goes through it, so a frame has one shape and a body that
// cannot be encoded fails one way: an error naming the frame type, never a panic and
// never a frame with an empty body standing in for the real one.
func EncodeFrame(typ, ref string, data any) ([]byte, error) {
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("protocol: encode %s body: %w", typ, err)
		}
		raw = b
	}
	b, err := json.Marshal(Frame{V: Version, Type: typ, Ref: ref, Data: raw})
	if err != nil {
		return nil, fmt.Errorf("protocol: encode %s frame: %w", typ, err)
	}
	return b, nil
}
