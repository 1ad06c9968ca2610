package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/wstest"
	"govchat/protocol"
)

func errorCode(t *testing.T, f protocol.Frame) protocol.Code {
	t.Helper()
	if f.Type != protocol.TypeError {
		t.Fatalf("want an error frame, got %s %s", f.Type, f.Data)
	}
	var e protocol.Error
	json.Unmarshal(f.Data, &e)
	return e.Code
}

func ackOf(t *testing.T, f protocol.Frame) protocol.AckData {
	t.Helper()
	if f.Type != protocol.TypeAck {
		t.Fatalf("want an ack, got %s %s", f.Type, f.Data)
	}
	var a protocol.AckData
	json.Unmarshal(f.Data, &a)
	return a
}

func messageSeq(ch int64, seq int64) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool {
		if f.Type != protocol.TypeMessage {
			return false
		}
		var m protocol.Message
		json.Unmarshal(f.Data, &m)
		return m.ChannelID == ch && m.Seq == seq
	}
}

// The embedded default end to end: two people chat in their department channel over
// real WebSockets, one drops off and resumes with exactly what they missed.
func TestRealtimeEmbedded(t *testing.T) {
	// A recall window of a millisecond: any recall below comes after it, with no wait.
	base, _ := startServer(t, "--data", t.TempDir(), "--recall-window", "1ms")
	tokA := loginToken(t, base, "zhouhaiyan", demo.Password)
	tokB := loginToken(t, base, "chenzhiqiang", demo.Password)
	ch := channelNamed(t, base, tokA, "办公室")

	a := dialWS(t, base, tokA)
	a.Hello()
	b := dialWS(t, base, tokB)
	b.Hello()

	a.SendRef(protocol.TypeSend, "s1", protocol.SendData{ChannelID: ch.ID, ClientID: "a-1", Text: "明天上午九点开会，请准时参加。"})
	first := ackOf(t, a.Until("ack", wstest.WithRef("s1")))
	got := decodeMessage(t, b.Until("message", messageSeq(ch.ID, first.Seq)))
	if got.Text != "明天上午九点开会，请准时参加。" || got.SenderID == 0 {
		t.Fatalf("B got %+v", got)
	}
	b.SendRef(protocol.TypeSend, "s2", protocol.SendData{ChannelID: ch.ID, ClientID: "b-1", Text: "好的，会议室已订。", ReplyTo: first.Seq})
	reply := ackOf(t, b.Until("ack", wstest.WithRef("s2")))
	replyMsg := decodeMessage(t, a.Until("reply", messageSeq(ch.ID, reply.Seq)))
	if replyMsg.ReplyTo != first.Seq {
		t.Fatalf("reply_to %d", replyMsg.ReplyTo)
	}
	idA, idB := got.SenderID, replyMsg.SenderID

	// B goes away; A keeps talking; B comes back and gets exactly the missed three.
	b.Close()
	var missed []int64
	for i := range 3 {
		ref := fmt.Sprint("m", i)
		a.SendRef(protocol.TypeSend, ref, protocol.SendData{ChannelID: ch.ID, ClientID: fmt.Sprint("a-m", i), Text: fmt.Sprint("补充通知 ", i)})
		missed = append(missed, ackOf(t, a.Until("ack", wstest.WithRef(ref))).Seq)
	}
	b = dialWS(t, base, tokB)
	replayed := messagesIn(t, b.Hello(protocol.ResumePos{ChannelID: ch.ID, LastSeq: reply.Seq, Epoch: ch.Epoch}))
	if len(replayed) != 3 {
		t.Fatalf("replayed %d messages, want 3: %+v", len(replayed), replayed)
	}
	for i, m := range replayed {
		if m.Seq != missed[i] {
			t.Fatalf("replay %d has seq %d, want %d", i, m.Seq, missed[i])
		}
	}
	a.SendRef(protocol.TypeSend, "live", protocol.SendData{ChannelID: ch.ID, ClientID: "a-live", Text: "最后一条"})
	live := ackOf(t, a.Until("ack", wstest.WithRef("live")))
	b.Until("live message", messageSeq(ch.ID, live.Seq))

	// A retry of the same client id is the first ack again, not a second message.
	a.SendRef(protocol.TypeSend, "again", protocol.SendData{ChannelID: ch.ID, ClientID: "a-1", Text: "明天上午九点开会，请准时参加。"})
	if dup := ackOf(t, a.Until("ack", wstest.WithRef("again"))); dup.Seq != first.Seq || !dup.Duplicate {
		t.Fatalf("retry ack %+v", dup)
	}

	// History survives a reload.
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/channels/%d/messages?before=%d&limit=50", base, ch.ID, live.Seq+1), nil)
	req.Header.Set("Authorization", "Bearer "+tokB)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var hist protocol.Messages
	json.NewDecoder(resp.Body).Decode(&hist)
	resp.Body.Close()
	if len(hist.Messages) != 6 {
		t.Fatalf("history has %d messages, want 6", len(hist.Messages))
	}

	// Both are online; when B leaves, B is not.
	presenceOf := func(ids ...int64) map[int64]bool {
		t.Helper()
		q := make([]string, len(ids))
		for i, id := range ids {
			q[i] = fmt.Sprint(id)
		}
		req, _ := http.NewRequest("GET", base+"/api/v1/presence?users="+strings.Join(q, ","), nil)
		req.Header.Set("Authorization", "Bearer "+tokA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p protocol.Presence
		json.NewDecoder(resp.Body).Decode(&p)
		return p.Online
	}
	if on := presenceOf(idA, idB); !on[idA] || !on[idB] {
		t.Fatalf("presence %v; both are connected", on)
	}
	b.Close()
	deadline := time.Now().Add(5 * time.Second)
	for presenceOf(idB)[idB] {
		if time.Now().After(deadline) {
			t.Fatal("B still online after closing the connection")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Recall after the window is refused.
	a.SendRef(protocol.TypeRecall, "late", protocol.RecallData{ChannelID: ch.ID, Seq: live.Seq})
	if code := errorCode(t, a.Until("recall answer", wstest.WithRef("late"))); code != protocol.CodeWindowExpired {
		t.Fatalf("late recall: %s", code)
	}
}

func TestRealtimeBadInput(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	tok := loginToken(t, base, "zhouhaiyan", demo.Password)
	other := loginToken(t, base, "heping", demo.Password)
	treasury := channelNamed(t, base, other, "国库股")

	t.Run("refused before upgrade", func(t *testing.T) {
		cases := []struct {
			name   string
			opt    wstest.Options
			status int
		}{
			{"no session", wstest.Options{Origin: base}, 401},
			{"expired or forged token", wstest.Options{Origin: base, Bearer: strings.Repeat("A", 43)}, 401},
			{"another site's page", wstest.Options{Origin: "https://evil.example", Bearer: tok}, 403},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, resp, err := wstest.TryDial(t, wstest.URL(base, "/api/v1/ws"), tc.opt)
				if err == nil || resp == nil || resp.StatusCode != tc.status {
					t.Fatalf("dial: err %v, response %v; want status %d", err, resp, tc.status)
				}
				resp.Body.Close()
			})
		}
	})

	c := dialWS(t, base, tok)
	if id := c.Resp.Header.Get("X-Request-Id"); id == "" {
		t.Error("the 101 response carries no X-Request-Id")
	}
	c.Hello()
	raw := func(s string) { c.WriteRaw([]byte(s)) }
	cases := []struct {
		name  string
		frame string
		code  protocol.Code
	}{
		{"malformed JSON", `{"v":1,"type":"send","ref":"r1",`, protocol.CodeBadRequest},
		{"unknown type", `{"v":1,"type":"teleport","ref":"r2"}`, protocol.CodeUnknownType},
		{"wrong version", `{"v":7,"type":"ping","ref":"r3"}`, protocol.CodeUnsupportedVersion},
		{"oversized", `{"v":1,"type":"send","ref":"r4","data":{"text":"` + strings.Repeat("长", 10000) + `"}}`, protocol.CodeTooLarge},
		{"channel one is not in", fmt.Sprintf(`{"v":1,"type":"send","ref":"r5","data":{"channel_id":%d,"client_id":"x","text":"hi"}}`, treasury.ID), protocol.CodeNotMember},
		{"second hello", `{"v":1,"type":"hello","ref":"r6","data":{}}`, protocol.CodeHelloFirst},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw(tc.frame)
			f := c.Until("error", wstest.OfType(protocol.TypeError))
			if code := errorCode(t, f); code != tc.code {
				t.Fatalf("code %s, want %s (%s)", code, tc.code, f.Data)
			}
			// The connection's other work goes on.
			ref := fmt.Sprint("ping-", i)
			c.SendRef(protocol.TypePing, ref, nil)
			c.Until("pong", wstest.OfType(protocol.TypePong))
		})
	}

	t.Run("another channel's history", func(t *testing.T) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/channels/%d/messages", base, treasury.ID), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	})
}

// Several people post at once: every member gets every message live, exactly once,
// although messages committed together may reach the bus out of sequence order.
func TestConcurrentSendersAllDelivered(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	listenerTok := loginToken(t, base, "chenzhiqiang", demo.Password)
	ch := channelNamed(t, base, listenerTok, "办公室")
	listener := dialWS(t, base, listenerTok)
	listener.Hello()

	senders := []string{"zhaomin", "sunli", "zhouhaiyan", "yangfan"}
	const each = 30
	errs := make(chan error, len(senders))
	for _, name := range senders {
		c := dialWS(t, base, loginToken(t, base, name, demo.Password))
		c.Hello()
		go func() {
			for i := range each {
				c.SendRef(protocol.TypeSend, fmt.Sprint(name, i), protocol.SendData{ChannelID: ch.ID, ClientID: fmt.Sprint(name, "-", i), Text: fmt.Sprint(name, " 第", i, "条")})
			}
			acked := 0
			for acked < each {
				f, err := c.Read()
				switch {
				case err != nil:
					errs <- fmt.Errorf("%s: %d of %d acked: %w", name, acked, each, err)
					return
				case f.Type == protocol.TypeAck:
					acked++
				case f.Type == protocol.TypeError:
					errs <- fmt.Errorf("%s: %s", name, f.Data)
					return
				}
			}
			errs <- nil
		}()
	}
	for range senders {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]int{}
	for len(seen) < len(senders)*each {
		f, err := listener.Read()
		if err != nil {
			t.Fatalf("listener got %d of %d messages live: %v", len(seen), len(senders)*each, err)
		}
		if f.Type == protocol.TypeMessage {
			seen[decodeMessage(t, f).Seq]++
		}
	}
	for seq, n := range seen {
		if n != 1 {
			t.Errorf("seq %d delivered %d times", seq, n)
		}
	}
}
