package main

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"govchat/internal/demo"
	"govchat/protocol"
)

// TestPushOverTheWire: the VAPID key is served, a browser's subscription is kept for
// the caller only, removed by its owner (as at logout), and both are audited without
// the endpoint's path. (The delivery itself is tested end to end in internal/push.)
func TestPushOverTheWire(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	staff := loginToken(t, base, "zhangjing", demo.Password)
	other := loginToken(t, base, "zhouhaiyan", demo.Password)
	auditor := loginToken(t, base, "sunli", demo.Password)

	var key protocol.PushKey
	if code, _ := call(t, "GET", base+"/api/v1/push/key", staff, nil, &key); code != 200 {
		t.Fatalf("key: %d", code)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(key.PublicKey); err != nil || len(raw) != 65 || raw[0] != 4 {
		t.Fatalf("public key %q is not a base64url P-256 point", key.PublicKey)
	}
	if code, c := call(t, "GET", base+"/api/v1/push/key", "", nil, nil); code != 401 || c != protocol.CodeUnauthenticated {
		t.Fatalf("key without a login: %d %s", code, c)
	}

	var res protocol.PushTestResult
	if code, _ := call(t, "POST", base+"/api/v1/push/test", staff, nil, &res); code != 202 || res.Queued != 0 {
		t.Fatalf("test push with no device: %d %+v", code, res)
	}

	priv, _ := ecdh.P256().GenerateKey(rand.Reader)
	auth := make([]byte, 16)
	rand.Read(auth)
	sub := protocol.PushSubscribeRequest{Endpoint: "https://push.invalid/wpush/v2/secret-capability",
		Keys: protocol.PushSubscriptionKeys{P256dh: base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()), Auth: base64.RawURLEncoding.EncodeToString(auth)}}
	if code, c := call(t, "POST", base+"/api/v1/push/subscriptions", staff, `{"endpoint":"http://x","keys":{"p256dh":"","auth":""}}`, nil); code != 400 || c != protocol.CodeBadRequest {
		t.Fatalf("bad subscription: %d %s", code, c)
	}
	if code, c := call(t, "POST", base+"/api/v1/push/subscriptions", staff, `{"endpoint":"https://push.invalid/x","keys":{},"extra":1}`, nil); code != 400 || c != protocol.CodeBadRequest {
		t.Fatalf("unknown field: %d %s", code, c)
	}
	if code, c := call(t, "POST", base+"/api/v1/push/subscriptions", staff, sub, nil); code != 204 {
		t.Fatalf("subscribe: %d %s", code, c)
	}
	// The browser's toJSON() carries expirationTime: null.
	if code, c := call(t, "POST", base+"/api/v1/push/subscriptions", staff,
		`{"endpoint":"`+sub.Endpoint+`","expirationTime":null,"keys":{"p256dh":"`+sub.Keys.P256dh+`","auth":"`+sub.Keys.Auth+`"}}`, nil); code != 204 {
		t.Fatalf("subscribe again with expirationTime: %d %s", code, c)
	}

	unsub := protocol.PushUnsubscribeRequest{Endpoint: sub.Endpoint}
	if code, c := call(t, "DELETE", base+"/api/v1/push/subscriptions", other, unsub, nil); code != 404 || c != protocol.CodeNotFound {
		t.Fatalf("someone else unsubscribing: %d %s", code, c)
	}
	if code, c := call(t, "DELETE", base+"/api/v1/push/subscriptions", staff, unsub, nil); code != 204 {
		t.Fatalf("unsubscribe: %d %s", code, c)
	}
	if code, c := call(t, "DELETE", base+"/api/v1/push/subscriptions", staff, unsub, nil); code != 404 || c != protocol.CodeNotFound {
		t.Fatalf("unsubscribe twice: %d %s", code, c)
	}

	var events protocol.AuditEvents
	if code, _ := call(t, "GET", base+"/api/v1/audit/events?action=push.", auditor, nil, &events); code != 200 {
		t.Fatalf("audit: %d", code)
	}
	var actions []string
	for _, e := range events.Events {
		actions = append(actions, e.Action+" "+e.ActorName)
		if strings.Contains(e.Detail, "secret-capability") || !strings.Contains(e.Detail, "push.invalid") {
			t.Errorf("audit detail %s: want the host only", e.Detail)
		}
	}
	want := "push.unsubscribe zhangjing,push.subscribe zhangjing,push.subscribe zhangjing"
	if got := strings.Join(actions, ","); got != want {
		t.Fatalf("audit trail %s, want %s", got, want)
	}
}
