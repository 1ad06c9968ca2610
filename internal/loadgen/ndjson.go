package loadgen

import (
	"bytes"
	"iter"
)

// Frames yields the frames of one server WebSocket message. The server may coalesce
// several frames into one message, separated by "\n" (NDJSON); a frame never holds a
// raw newline because JSON escapes it inside strings. Empty lines and a trailing
// "\r" are skipped, so a writer that ends each frame with a newline or uses CRLF is
// read the same way. The yielded slices alias msg.
func Frames(msg []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for len(msg) > 0 {
			line := msg
			if i := bytes.IndexByte(msg, '\n'); i >= 0 {
				line, msg = msg[:i], msg[i+1:]
			} else {
				msg = nil
			}
			line = bytes.TrimRight(line, "\r \t")
			line = bytes.TrimLeft(line, " \t")
			if len(line) == 0 {
				continue
			}
			if !yield(line) {
				return
			}
		}
	}
}
