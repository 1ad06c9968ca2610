package wstest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/wstest"
	"govchat/protocol"
)

// server upgrades, records the handshake's headers, answers the first message with
// an NDJSON batch of two frames and a third message, then closes with 4001.
func server(t *testing.T, got chan<- http.Header) string {
	t.Helper()
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if _, _, err := ws.ReadMessage(); err != nil {
			return
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"type":"ack","ref":"r1"}`+"\n"+`{"v":1,"type":"pong","ref":"r2"}`+"\n"))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"type":"welcome","ref":"r3"}`))
		if _, _, err := ws.ReadMessage(); err != nil { // the test says when to close
			return
		}
		_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye"))
		_, _, _ = ws.ReadMessage()
	}))
	t.Cleanup(srv.Close)
	return wstest.URL(srv.URL, "/ws")
}

func TestConn(t *testing.T) {
	headers := make(chan http.Header, 1)
	url := server(t, headers)
	c := wstest.Dial(t, url, wstest.Options{Bearer: "tok", Cookie: &http.Cookie{Name: "s", Value: "v"}, Origin: "https://chat.example", Timeout: 2 * time.Second})
	h := <-headers
	if h.Get("Authorization") != "Bearer tok" || h.Get("Cookie") != "s=v" || h.Get("Origin") != "https://chat.example" {
		t.Fatalf("handshake headers %v", h)
	}
	if ref := c.Send(protocol.TypePing, nil); ref != "r1" {
		t.Fatalf("first ref %q", ref)
	}
	t.Run("splits a batch into frames, in order", func(t *testing.T) {
		if f := c.Next(); f.Type != protocol.TypeAck || f.Ref != "r1" {
			t.Fatalf("first frame %+v", f)
		}
	})
	t.Run("Until drops what does not match", func(t *testing.T) {
		if f := c.Until("welcome", wstest.OfType(protocol.TypeWelcome)); f.Ref != "r3" {
			t.Fatalf("got %+v", f)
		}
	})
	t.Run("Read times out with the deadline error", func(t *testing.T) {
		short := wstest.Dial(t, url, wstest.Options{Timeout: 50 * time.Millisecond})
		<-headers
		if _, err := short.Read(); !wstest.IsTimeout(err) {
			t.Fatalf("err %v, want the deadline", err)
		}
	})
	t.Run("ExpectClose reads the close code", func(t *testing.T) {
		c.SendRef(protocol.TypePing, "close-now", nil)
		c.ExpectClose(4001)
	})
}
