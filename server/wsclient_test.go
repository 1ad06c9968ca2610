package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"govchat/internal/wstest"
	"govchat/protocol"
)

// dialWS connects to the server's WebSocket as a browser on its page would, with the
// bearer token and the server's own Origin.
func dialWS(t *testing.T, base, token string) *wstest.Conn {
	t.Helper()
	return wstest.Dial(t, wstest.URL(base, "/api/v1/ws"), wstest.Options{Bearer: token, Origin: base})
}

// messagesIn are the message frames among frames (what a hello replayed), decoded.
func messagesIn(t *testing.T, frames []protocol.Frame) []protocol.Message {
	t.Helper()
	var out []protocol.Message
	for _, f := range frames {
		if f.Type == protocol.TypeMessage {
			out = append(out, decodeMessage(t, f))
		}
	}
	return out
}

func decodeMessage(t *testing.T, f protocol.Frame) protocol.Message {
	t.Helper()
	var m protocol.Message
	if err := json.Unmarshal(f.Data, &m); err != nil {
		t.Fatalf("message frame %s: %v", f.Data, err)
	}
	return m
}

// loginToken logs in and returns the bearer token.
func loginToken(t *testing.T, base, username, password string) string {
	t.Helper()
	body, _ := json.Marshal(loginBody(t, base, username, password))
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lr protocol.LoginResponse
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&lr) != nil {
		t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return lr.Token
}

// channelNamed finds one of the user's channels by name over REST.
func channelNamed(t *testing.T, base, token, name string) protocol.Channel {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/channels", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cs protocol.Channels
	if err := json.NewDecoder(resp.Body).Decode(&cs); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs.Channels {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no channel %q among %d", name, len(cs.Channels))
	return protocol.Channel{}
}
