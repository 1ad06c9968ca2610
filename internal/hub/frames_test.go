package hub

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"govchat/internal/apperr"
	"govchat/internal/strictjson"
	"govchat/internal/strictjson/strictjsontest"
	"govchat/protocol"
)

// Each bad frame gets its own error, echoing the ref when it could be read, and the
// connection goes on: a ping still gets its pong and a send its ack.
func TestBadFramesAreAnsweredAndTheConnectionGoesOn(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.user(1, 7)
	c.hello()
	big := `{"v":1,"type":"send","ref":"big","data":{"channel_id":7,"client_id":"x","text":"` + strings.Repeat("字", protocol.MaxFrameBytes/3+10) + `"}}`
	cases := []struct {
		name  string
		frame string
		code  protocol.Code
		ref   string
	}{
		{"malformed JSON", `{"v":1,"type":"ping","ref":"m1"`, protocol.CodeBadRequest, ""},
		{"not an object", `[1,2]`, protocol.CodeBadRequest, ""},
		{"JSON null", `null`, protocol.CodeBadRequest, ""},
		{"an unknown field", `{"v":1,"type":"ping","ref":"u1","extra":true}`, protocol.CodeBadRequest, "u1"},
		{"a field of the wrong type", `{"v":"1","type":"ping","ref":"w1"}`, protocol.CodeBadRequest, "w1"},
		{"data after the object", `{"v":1,"type":"ping","ref":"d1"} {}`, protocol.CodeBadRequest, "d1"},
		{"a missing type", `{"v":1,"ref":"t0"}`, protocol.CodeBadRequest, "t0"},
		{"an unknown type", `{"v":1,"type":"dance","ref":"t1"}`, protocol.CodeUnknownType, "t1"},
		{"a server-only type", `{"v":1,"type":"welcome","ref":"t2"}`, protocol.CodeUnknownType, "t2"},
		{"a wrong version", `{"v":2,"type":"ping","ref":"v2"}`, protocol.CodeUnsupportedVersion, "v2"},
		{"a missing version", `{"type":"ping","ref":"v0"}`, protocol.CodeUnsupportedVersion, "v0"},
		{"a second hello", `{"v":1,"type":"hello","ref":"h2"}`, protocol.CodeHelloFirst, "h2"},
		{"a frame over max_frame_bytes", big, protocol.CodeTooLarge, "big"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.write(tc.frame)
			c.expectError(tc.code, tc.ref)
			c.ping()
			ref := c.send(protocol.TypeSend, protocol.SendData{ChannelID: 7, ClientID: "c-" + tc.ref, Text: "still here"})
			c.expect(protocol.TypeAck, ref)
		})
	}
	t.Run("a binary message", func(t *testing.T) {
		if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte(`{"v":1,"type":"ping"}`)); err != nil {
			t.Fatal(err)
		}
		c.expectError(protocol.CodeBadRequest, "")
		c.ping()
	})
}

// Text that is not valid UTF-8 as sent is refused before the service sees the frame,
// naming the field from the frame's top; encoding/json would have stored U+FFFD.
func TestInvalidTextIsRefusedNamingItsField(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.user(1, 7)
	c.hello()
	cases := []struct {
		name, frame, ref, field string
	}{
		{"invalid bytes in a message text", "{\"v\":1,\"type\":\"send\",\"ref\":\"s1\",\"data\":{\"channel_id\":7,\"client_id\":\"a\",\"text\":\"\xe4\xbd\"}}", "s1", "data.text"},
		{"a lone surrogate escape in a message text", `{"v":1,"type":"send","ref":"s2","data":{"channel_id":7,"client_id":"b","text":"\ud83d"}}`, "s2", "data.text"},
		{"invalid bytes in the ref, which is not echoed", "{\"v\":1,\"type\":\"ping\",\"ref\":\"\xff\"}", "", "ref"},
		{"invalid bytes in a key of away data", "{\"v\":1,\"type\":\"away\",\"ref\":\"a1\",\"data\":{\"\xff\":true}}", "a1", "data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.write(tc.frame)
			if e := c.expectError(protocol.CodeBadRequest, tc.ref); e.Field != tc.field {
				t.Fatalf("field %q, want %q", e.Field, tc.field)
			}
			c.ping()
		})
	}
	if n := len(h.svc.handled); n != 0 {
		t.Fatalf("the service handled %d frames, want none", n)
	}
}

func TestHelloComesFirst(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.user(1, 7)
	t.Run("ping is answered before hello", func(t *testing.T) { c.ping() })
	t.Run("send before hello is refused", func(t *testing.T) {
		ref := c.send(protocol.TypeSend, protocol.SendData{ChannelID: 7, ClientID: "a", Text: "early"})
		c.expectError(protocol.CodeHelloFirst, ref)
	})
	t.Run("a malformed hello can be retried", func(t *testing.T) {
		c.write(`{"v":1,"type":"hello","ref":"bad","data":{"resume":"all"}}`)
		e := c.expectError(protocol.CodeBadRequest, "bad")
		if e.Field != "data.resume" {
			t.Fatalf("field %q, want data.resume", e.Field)
		}
		c.hello()
	})
	t.Run("send after hello is handled", func(t *testing.T) {
		ref := c.send(protocol.TypeSend, protocol.SendData{ChannelID: 7, ClientID: "b", Text: "now"})
		c.expect(protocol.TypeAck, ref)
	})
	if n := len(h.svc.handled); n != 1 {
		t.Fatalf("service handled %d frames, want only the send after hello", n)
	}
}

func TestFrameOverTheHardLimitEndsTheConnection(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.user(1, 7)
	c.hello()
	c.write(`{"v":1,"type":"ping","ref":"` + strings.Repeat("x", hardReadLimit) + `"}`)
	c.expectClose(websocket.CloseMessageTooBig)
}

// clock is a settable time source for the rate limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimit(t *testing.T) {
	t.Run("refuses a burst over the limit and recovers", func(t *testing.T) {
		clk := &clock{t: time.Now()}
		h := newHarness(t, Options{Now: clk.now, RatePerSecond: 5, RateBurst: 5})
		c := h.user(1, 7)
		// hello takes the first token.
		c.hello()
		var refs []string
		for range 10 {
			refs = append(refs, c.send(protocol.TypePing, nil))
		}
		for i, ref := range refs {
			if i < 4 {
				c.expect(protocol.TypePong, ref)
				continue
			}
			if e := c.expectError(protocol.CodeRateLimited, ref); e.RetryAfter < 1 {
				t.Fatalf("retry_after %d, want at least 1", e.RetryAfter)
			}
		}
		clk.advance(time.Second)
		c.ping()
		ref := c.send(protocol.TypeSend, protocol.SendData{ChannelID: 7, ClientID: "after", Text: "calm"})
		c.expect(protocol.TypeAck, ref)
	})
	t.Run("closes a connection that keeps flooding", func(t *testing.T) {
		clk := &clock{t: time.Now()}
		h := newHarness(t, Options{Now: clk.now, RatePerSecond: 1, RateBurst: 1})
		c := h.user(1, 7)
		c.ping()
		for range maxFlooding {
			c.send(protocol.TypePing, nil)
		}
		// Errors queued when the connection closes may be dropped with the rest of
		// its backlog; what does arrive is rate_limited, and then the close.
		for {
			f, err := c.tryNext()
			if err != nil {
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
					t.Fatalf("ended with %v, want close 1008", err)
				}
				break
			}
			var e protocol.Error
			_ = json.Unmarshal(f.Data, &e)
			if f.Type != protocol.TypeError || e.Code != protocol.CodeRateLimited {
				t.Fatalf("got %s %s, want rate_limited", f.Type, f.Data)
			}
		}
	})
}

// FuzzDecodeFrame: the frame decoder never panics, refuses only with the codes a frame
// can be refused with, and any frame it accepts — and the send data in it, decoded as
// the chat service decodes it — holds only the client's own valid UTF-8 text.
func FuzzDecodeFrame(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"type":"ping"}`,
		`{"v":1,"type":"hello","ref":"a","data":{"resume":[{"channel_id":1,"last_seq":2}]}}`,
		`{"v":1,"type":"send","ref":"x","data":{"channel_id":7,"client_id":"c","text":"你好"}}`,
		`{"v":1,"type":"send","ref":"x","data":{"channel_id":7,"client_id":"c","text":"\ud83d\ude00 \ufffd"}}`,
		"{\"v\":1,\"type\":\"send\",\"ref\":\"x\",\"data\":{\"text\":\"a\xffb\"}}",
		`{"v":1,"type":"send","ref":"\ud800","data":{"text":"\udc00"}}`,
		`{"v":2,"type":"ping"}`,
		`{"v":1,"type":"nope"}`,
		`{"v":1,"type":"ping","extra":1}`,
		`{"v":1,"type":"ping"} {}`,
		`{"V":1,"TYPE":"ping"}`,
		`null`, `[]`, `{`, ``, `"str"`, `{"v":1e400}`, `{"v":1,"type":"ping","data":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, ferr := decodeFrame(b)
		if ferr != nil {
			e := apperr.From(ferr.err)
			switch e.Code {
			case protocol.CodeBadRequest, protocol.CodeUnsupportedVersion, protocol.CodeUnknownType:
			default:
				t.Fatalf("refused with code %q", e.Code)
			}
			if len(ferr.ref) > maxRefBytes || !utf8.ValidString(ferr.ref) {
				t.Fatalf("echoes a ref %q", ferr.ref)
			}
			if e.Message == "" {
				t.Fatal("refused without a message")
			}
			return
		}
		if fr.V != protocol.Version || !isClientType(fr.Type) || len(fr.Ref) > maxRefBytes {
			t.Fatalf("accepted %+v", fr)
		}
		strictjsontest.Unaltered(t, b, fr)
		var d protocol.SendData
		if fr.Data != nil && strictjson.Decode(fr.Data, &d) == nil {
			strictjsontest.Unaltered(t, b, d)
		}
		// An accepted frame survives a round trip unchanged.
		again, err := json.Marshal(fr)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		fr2, ferr2 := decodeFrame(again)
		if ferr2 != nil || fr2.V != fr.V || fr2.Type != fr.Type || fr2.Ref != fr.Ref {
			t.Fatalf("round trip %s: %+v, %v", again, fr2, ferr2)
		}
	})
}

func TestServicePanicClosesOnlyThatConnection(t *testing.T) {
	h := newHarness(t, Options{})
	bad, good := h.user(1, 7), h.user(2, 7)
	bad.hello()
	good.hello()
	bad.send(protocol.TypeSend, protocol.SendData{ChannelID: 7, ClientID: "p", Text: "panic"})
	bad.expectClose(websocket.CloseInternalServerErr)
	good.ping()
	eventually(t, "the panicked connection released", func() bool { return h.hub.Stats().Connections == 1 })
}
