package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/redistest"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// Two nodes share PostgreSQL and Redis. A administers a group from node 1; B listens
// on node 2. B's connection follows the group as A adds and removes B, on the typed
// membership change that crosses Redis with the `channel` frame, without reconnecting;
// and from the moment B joins, every message of the channel reaches it live, in order,
// once — also those sent before B's node has subscribed to the channel (issue 17).
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

	send := func(t *testing.T, channelID int64, id string) {
		t.Helper()
		a.SendRef(protocol.TypeSend, id, protocol.SendData{ChannelID: channelID, ClientID: id, Text: id})
		if f := a.Until("ack of "+id, wstest.WithRef(id)); f.Type != protocol.TypeAck {
			t.Fatalf("send %s: %s %s", id, f.Type, f.Data)
		}
	}
	// received waits for B's message with client id `until` and reports the client ids
	// of B's messages in channelID up to it.
	received := func(t *testing.T, channelID int64, until string) map[string]bool {
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
	// joined waits for B's joined frame of channelID and returns its last_seq.
	joined := func(t *testing.T, channelID int64) int64 {
		t.Helper()
		f := b.Until("joined", channelEvent(channelID, protocol.ChannelJoined))
		var ce struct {
			LastSeq *int64 `json:"last_seq"`
		}
		if err := json.Unmarshal(f.Data, &ce); err != nil || ce.LastSeq == nil {
			t.Fatalf("joined frame %s: no last_seq", f.Data)
		}
		return *ce.LastSeq
	}
	// arrived reads B's frames up to A's message `until` and returns the seqs of B's
	// messages in channelID on the way, in the order they came.
	arrived := func(t *testing.T, channelID int64, until string) []int64 {
		t.Helper()
		var seqs []int64
		b.Until(until, func(f protocol.Frame) bool {
			if f.Type != protocol.TypeMessage {
				return false
			}
			m := decodeMessage(t, f)
			if m.ChannelID == channelID {
				seqs = append(seqs, m.Seq)
			}
			return m.ClientID == until
		})
		return seqs
	}

	t.Run("a direct chat opened on another node: its first message arrives live", func(t *testing.T) {
		var direct protocol.Channel
		if code, errCode := call(t, "POST", fmt.Sprintf("%s/api/v1/direct/%d", base1, meB.ID), tokA, nil, &direct); code != 200 && code != 201 {
			t.Fatalf("open direct: %d %s", code, errCode)
		}
		send(t, direct.ID, "d-1") // at once, as a person who has just opened the chat does
		if since := joined(t, direct.ID); since != 0 {
			t.Fatalf("joined a new direct chat at last_seq %d, want 0", since)
		}
		if got := arrived(t, direct.ID, "d-1"); !slices.Equal(got, []int64{1}) {
			t.Fatalf("B got seqs %v of the direct chat, want [1]", got)
		}
	})

	var group protocol.Channel
	if code, errCode := call(t, "POST", base1+"/api/v1/channels", tokA, protocol.CreateGroupRequest{Name: "预算协调", Members: []int64{meB.ID}}, &group); code != 201 && code != 200 {
		t.Fatalf("create group: %d %s", code, errCode)
	}
	send(t, group.ID, "g-1") // at once

	t.Run("joined on another node: the group's messages from the join arrive live, in order, once", func(t *testing.T) {
		if since := joined(t, group.ID); since != 0 {
			t.Fatalf("joined a new group at last_seq %d, want 0", since)
		}
		// Seq 1 is the line saying who created the group, published before anyone was
		// told of it; seq 2 is A's first message, sent before B's node can have
		// subscribed over Redis.
		if got := arrived(t, group.ID, "g-1"); !slices.Equal(got, []int64{1, 2}) {
			t.Fatalf("B got seqs %v of the group up to A's first message, want [1 2]", got)
		}
		send(t, group.ID, "g-2")
		if got := arrived(t, group.ID, "g-2"); !slices.Equal(got, []int64{3}) {
			t.Fatalf("B got seqs %v of the group up to A's next message, want [3]", got)
		}
	})
	t.Run("removed on another node: the group's messages stop", func(t *testing.T) {
		if code, errCode := call(t, "DELETE", fmt.Sprintf("%s/api/v1/channels/%d/members/%d", base1, group.ID, meB.ID), tokA, nil, nil); code != 204 {
			t.Fatalf("remove: %d %s", code, errCode)
		}
		b.Until("left", channelEvent(group.ID, protocol.ChannelLeft))
		send(t, group.ID, "after-left")
		// Node 1 publishes in commit order and Redis keeps it, so a later message in
		// another channel of B's arrives after the group's would have.
		send(t, office.ID, "marker-left")
		if received(t, group.ID, "marker-left")["after-left"] {
			t.Fatal("B got a message of the group it left")
		}
	})
	t.Run("added again on another node: from the join on, not the history", func(t *testing.T) {
		if code, errCode := call(t, "POST", fmt.Sprintf("%s/api/v1/channels/%d/members", base1, group.ID), tokA, protocol.MembersRequest{UserIDs: []int64{meB.ID}}, nil); code != 204 {
			t.Fatalf("add: %d %s", code, errCode)
		}
		send(t, group.ID, "g-back") // at once
		since := joined(t, group.ID)
		if since < 3 {
			t.Fatalf("joined at last_seq %d, want the group's last seq (at least 3)", since)
		}
		// since+1 is the line saying A added B.
		if got, want := arrived(t, group.ID, "g-back"), []int64{since + 1, since + 2}; !slices.Equal(got, want) {
			t.Fatalf("B got seqs %v of the group up to A's message, want %v", got, want)
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
