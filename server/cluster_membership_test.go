package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/redistest"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// Two nodes share PostgreSQL and Redis. A administers a group from node 1; B listens
// on node 2. B's connection follows the group as A adds and removes B, on the typed
// membership change that crosses Redis with the `channel` frame, without reconnecting.
func TestClusterMembershipFollowsAcrossNodes(t *testing.T) {
	pg := storetest.PostgresSchemaURL(t)
	redistest.Client(t) // skips, or fails under CI, when Redis is down
	args := []string{"--database", pg, "--data-key-file", storetest.KeyFile(t), "--redis", redistest.URL(), "--redis-prefix", redistest.Prefix()}
	base1, _ := startServer(t, append([]string{"--data", t.TempDir()}, args...)...)
	base2, _ := startServer(t, append([]string{"--data", t.TempDir()}, args...)...)

	tokA := loginToken(t, base1, "zhouhaiyan", demo.Password)
	tokB := loginToken(t, base2, "chenzhiqiang", demo.Password)
	var meB protocol.Me
	if code, _ := call(t, "GET", base2+"/api/v1/me", tokB, nil, &meB); code != 200 {
		t.Fatalf("me: %d", code)
	}
	office := channelNamed(t, base1, tokA, "办公室") // both are in it: a marker channel
	a := dialWS(t, base1, tokA)
	a.Hello()
	b := dialWS(t, base2, tokB)
	b.Hello()

	var group protocol.Channel
	if code, errCode := call(t, "POST", base1+"/api/v1/channels", tokA, protocol.CreateGroupRequest{Name: "预算协调", Members: []int64{meB.ID}}, &group); code != 201 && code != 200 {
		t.Fatalf("create group: %d %s", code, errCode)
	}
	send := func(channelID int64, id string) {
		t.Helper()
		a.SendRef(protocol.TypeSend, id, protocol.SendData{ChannelID: channelID, ClientID: id, Text: id})
		if f := a.Until("ack of "+id, wstest.WithRef(id)); f.Type != protocol.TypeAck {
			t.Fatalf("send %s: %s %s", id, f.Type, f.Data)
		}
	}
	// received waits for B's message with client id `until` and reports the client ids
	// of B's messages in channelID up to it.
	received := func(channelID int64, until string) map[string]bool {
		t.Helper()
		got := map[string]bool{}
		b.Until(until, func(f protocol.Frame) bool {
			if f.Type != protocol.TypeMessage {
				return false
			}
			m := decodeMessage(t, f)
			if m.ChannelID == channelID {
				got[m.ClientID] = true
			}
			return m.ClientID == until
		})
		return got
	}

	t.Run("joined on another node: the group's messages arrive live", func(t *testing.T) {
		b.Until("joined", channelEvent(group.ID, protocol.ChannelJoined))
		// The hub may subscribe just after it forwards the frame (a client that sees
		// "joined" reads the channel by REST), so a message sent at once may precede
		// the subscription. Node 1 publishes in commit order and Redis keeps it, so a
		// marker sent next in a channel B is subscribed to arrives after the group's
		// message would have: send pairs until one of the group's arrives.
		for i := 1; ; i++ {
			id := fmt.Sprint("g-", i)
			send(group.ID, id)
			send(office.ID, fmt.Sprint("marker-", i))
			if received(group.ID, fmt.Sprint("marker-", i))[id] {
				break
			}
			if i == 10 {
				t.Fatal("none of the group's messages reached B live")
			}
		}
	})
	t.Run("removed on another node: the group's messages stop", func(t *testing.T) {
		if code, errCode := call(t, "DELETE", fmt.Sprintf("%s/api/v1/channels/%d/members/%d", base1, group.ID, meB.ID), tokA, nil, nil); code != 204 {
			t.Fatalf("remove: %d %s", code, errCode)
		}
		b.Until("left", channelEvent(group.ID, protocol.ChannelLeft))
		send(group.ID, "after-left")
		// Node 1 publishes in commit order and Redis keeps it, so a later message in
		// another channel of B's arrives after the group's would have.
		send(office.ID, "marker-left")
		if received(group.ID, "marker-left")["after-left"] {
			t.Fatal("B got a message of the group it left")
		}
	})
}

func channelEvent(channelID int64, event string) func(protocol.Frame) bool {
	return func(f protocol.Frame) bool {
		if f.Type != protocol.TypeChannel {
			return false
		}
		var ce protocol.ChannelEvent
		return json.Unmarshal(f.Data, &ce) == nil && ce.ChannelID == channelID && ce.Event == event
	}
}
