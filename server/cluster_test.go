package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/redistest"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// node is a govchat server running as its own process, so the test can kill it.
type node struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

var bannerURL = regexp.MustCompile(`open: (http://127\.0\.0\.1:\d+)/`)

// buildBinary compiles the server once for the process tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "govchat")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startNode(t *testing.T, bin string, args ...string) *node {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "warn"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{cmd: cmd, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := bannerURL.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(n.done) }()
	t.Cleanup(func() { n.kill() })
	select {
	case n.base = <-urls:
	case <-n.done:
		t.Fatal("node exited before it started")
	case <-time.After(60 * time.Second):
		t.Fatal("node did not start within 60s")
	}
	return n
}

func (n *node) kill() {
	select {
	case <-n.done:
		return
	default:
	}
	n.cmd.Process.Kill()
	<-n.done
}

// Two nodes share PostgreSQL and Redis. A talks on node 1, B listens on node 2; node 1
// is killed mid-stream; A reconnects to node 2, resumes, resends what was not acked, and
// both end with every message exactly once, in order, with no gap.
func TestClusterSurvivesANodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two server processes")
	}
	pg := storetest.PostgresSchemaURL(t)
	redistest.Client(t) // skips, or fails under CI, when Redis is down
	redisURL := redistest.URL()
	prefix := redistest.Prefix()
	bin := buildBinary(t)
	args := []string{"--database", pg, "--data-key-file", storetest.KeyFile(t), "--redis", redisURL, "--redis-prefix", prefix}
	n1 := startNode(t, bin, args...)
	n2 := startNode(t, bin, args...)

	tokA := loginToken(t, n1.base, "zhouhaiyan", demo.Password)
	tokB := loginToken(t, n2.base, "chenzhiqiang", demo.Password)
	ch := channelNamed(t, n1.base, tokA, "办公室")

	b := dialWS(t, n2.base, tokB)
	b.Hello()
	var mu sync.Mutex
	seenB := map[int64]int{}
	var orderB []int64
	bDone := make(chan struct{})
	go func() { // reads until the test closes B's connection
		defer close(bDone)
		for {
			f, err := b.Read()
			if err != nil {
				return
			}
			if f.Type == protocol.TypeMessage {
				var m protocol.Message
				json.Unmarshal(f.Data, &m)
				if m.ChannelID == ch.ID {
					mu.Lock()
					seenB[m.Seq]++
					orderB = append(orderB, m.Seq)
					mu.Unlock()
				}
			}
		}
	}()

	const total = 40
	a := dialWS(t, n1.base, tokA)
	a.Hello()
	acked := map[string]int64{}
	lastSeen := ch.LastSeq
	sendAll := func(c *wstest.Conn, from int) {
		for i := from; i < total; i++ {
			id := fmt.Sprint("k-", i)
			if _, ok := acked[id]; ok {
				continue
			}
			c.SendRef(protocol.TypeSend, id, protocol.SendData{ChannelID: ch.ID, ClientID: id, Text: fmt.Sprint("第", i, "条")})
		}
	}

	// Send half, kill node 1 while the acks are still coming in.
	sendAll(a, 0)
	for len(acked) < total/2 {
		f := a.Until("ack", wstest.OfType(protocol.TypeAck))
		ack := ackOf(t, f)
		acked[ack.ClientID] = ack.Seq
		lastSeen = max(lastSeen, ack.Seq)
	}
	n1.kill()
	// Drain whatever node 1 managed to send before it died.
	for {
		f, err := a.Read()
		if wstest.IsTimeout(err) {
			t.Fatal("node 1's connection did not drop")
		}
		if err != nil {
			break
		}
		if f.Type == protocol.TypeAck {
			ack := ackOf(t, f)
			acked[ack.ClientID] = ack.Seq
			lastSeen = max(lastSeen, ack.Seq)
		}
	}

	t.Logf("node 1 killed with %d of %d sends acked", len(acked), total)

	// Reconnect to node 2, resume, and resend everything not acked (same client ids).
	a2 := dialWS(t, n2.base, tokA)
	replayed := messagesIn(t, a2.Hello(protocol.ResumePos{ChannelID: ch.ID, LastSeq: lastSeen, Epoch: ch.Epoch}))
	for _, m := range replayed {
		if m.Seq != lastSeen+1 {
			t.Fatalf("resume replayed seq %d after %d", m.Seq, lastSeen)
		}
		lastSeen = m.Seq
		if m.ClientID != "" {
			acked[m.ClientID] = m.Seq
		}
	}
	t.Logf("resume replayed %d messages; resending %d", len(replayed), total-len(acked))
	sendAll(a2, 0)
	for len(acked) < total {
		f := a2.Until("ack", func(f protocol.Frame) bool { return f.Type == protocol.TypeAck || f.Type == protocol.TypeError })
		if f.Type == protocol.TypeError {
			t.Fatalf("resend refused: %s", f.Data)
		}
		ack := ackOf(t, f)
		acked[ack.ClientID] = ack.Seq
	}

	// Every message has one sequence number, and they are contiguous.
	seqs := map[int64]string{}
	for id, seq := range acked {
		if other, dup := seqs[seq]; dup {
			t.Fatalf("seq %d acked for both %s and %s", seq, other, id)
		}
		seqs[seq] = id
	}
	first := ch.LastSeq + 1
	for s := first; s < first+total; s++ {
		if _, ok := seqs[s]; !ok {
			t.Fatalf("gap: no message has seq %d (acked %v)", s, acked)
		}
	}
	// B, on the surviving node, saw each exactly once and in order.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(seenB)
		mu.Unlock()
		if n >= total || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Close()
	<-bDone
	mu.Lock()
	defer mu.Unlock()
	for s := first; s < first+total; s++ {
		if seenB[s] != 1 {
			t.Errorf("B saw seq %d %d times", s, seenB[s])
		}
	}
	for i := 1; i < len(orderB); i++ {
		if orderB[i] <= orderB[i-1] {
			t.Errorf("B got seq %d after %d", orderB[i], orderB[i-1])
		}
	}
}
