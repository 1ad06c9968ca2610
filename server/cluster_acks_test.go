package main

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/redistest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// With --redis an ack waits until the message is on the bus, so acks are answered
// after the group commit has moved on to the next batch. Fifty connections sending at
// once into one channel must each get an ack for every message, naming its own client
// id — under this load the committer once answered from a batch it had already reused.
func TestClusterAcksEachSenderOwnMessage(t *testing.T) {
	redistest.Client(t) // skips, or fails under CI, when Redis is down
	base, _ := startServer(t, "--data", t.TempDir(), "--redis", redistest.URL(), "--redis-prefix", redistest.Prefix())

	// The 办公室 channel's members, ten connections each.
	people := []string{"chenzhiqiang", "zhaomin", "sunli", "zhouhaiyan", "yangfan"}
	const perPerson, each = 10, 8
	var conns []*wstest.Conn
	var ch protocol.Channel
	for _, u := range people {
		tok := loginToken(t, base, u, demo.Password)
		ch = channelNamed(t, base, tok, "办公室")
		for range perPerson {
			c := dialWS(t, base, tok)
			c.Hello()
			conns = append(conns, c)
		}
	}

	// Every connection sends its messages before any ack is read, interleaved, so the
	// server's readers submit concurrently.
	for i := range each {
		for n, c := range conns {
			id := fmt.Sprintf("c%d-%d", n, i)
			c.SendRef(protocol.TypeSend, id, protocol.SendData{ChannelID: ch.ID, ClientID: id, Text: "请于周五前报送"})
		}
	}

	errs := make(chan error, len(conns))
	var wg sync.WaitGroup
	for n, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := map[string]bool{}
			for i := range each {
				want[fmt.Sprintf("c%d-%d", n, i)] = true
			}
			for len(want) > 0 {
				f, err := c.Read()
				if err != nil {
					errs <- fmt.Errorf("connection %d: %d acks missing: %w", n, len(want), err)
					return
				}
				if f.Type == protocol.TypeError {
					errs <- fmt.Errorf("connection %d: send %s refused: %s", n, f.Ref, f.Data)
					return
				}
				if f.Type != protocol.TypeAck {
					continue // the others' messages, live
				}
				var a protocol.AckData
				if err := json.Unmarshal(f.Data, &a); err != nil || a.ClientID != f.Ref || !want[a.ClientID] {
					errs <- fmt.Errorf("connection %d: ack for ref %s names client id %q (%v)", n, f.Ref, a.ClientID, err)
					return
				}
				delete(want, a.ClientID)
			}
		}()
	}
	wg.Wait()
	close(errs)
	bad := 0
	for err := range errs {
		if bad++; bad <= 5 {
			t.Error(err)
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d connections went wrong", bad, len(conns))
	}
}
