package hub

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govchat/internal/busevent"
)

// BenchmarkFanout publishes small messages to one channel whose members hold 1,000
// connections over loopback, and reports deliveries per second (frames that reached
// a client). The clients run in the same process on the same cores, so this is a
// floor for the server alone. "burst" lets the publisher run up to 2,000 events
// ahead of the slowest client, so writers coalesce; "one at a time" waits for every
// delivery before the next publish, so each event is written alone (as its shared
// PreparedMessage) and ns/op is the time to reach all 1,000 connections.
//
// The 5,000 variants (issue 17) are the most one process can hold here: each
// connection is two sockets in it, and the open-file limit is 20,000.
//
//	go test -run '^$' -bench 'Fanout/burst' -benchtime 20000x ./internal/hub/
//	go test -run '^$' -bench 'Fanout/one' -benchtime 500x ./internal/hub/
func BenchmarkFanout(b *testing.B) {
	b.Run("burst", func(b *testing.B) { benchmarkFanout(b, 1000, 2000) })
	b.Run("one at a time", func(b *testing.B) { benchmarkFanout(b, 1000, 0) })
	b.Run("burst 5000", func(b *testing.B) { benchmarkFanout(b, 5000, 400) })
	b.Run("one at a time 5000", func(b *testing.B) { benchmarkFanout(b, 5000, 0) })
}

// benchmarkFanout lets the publisher run window events ahead of the slowest client.
func benchmarkFanout(b *testing.B, conns, window int) {
	// Writes may wait long for a client starved of CPU in this same process: a
	// benchmark measures throughput, it drops nobody.
	h := newHarness(b, Options{WriteTimeout: time.Minute})
	clients := make([]*client, conns)
	for i := range clients {
		clients[i] = h.user(int64(i+1), 7)
		clients[i].hello()
	}
	eventually(b, "all subscribed", func() bool { return h.subscribed(topic{id: 7}, conns) })

	frames := make([][]byte, b.N)
	for i := range frames {
		ev, err := busevent.Encode(busevent.Event{Seq: int64(i + 1), Frame: messageFrame(7, int64(i+1), "请各科室于周五前报送预算执行情况")})
		if err != nil {
			b.Fatal(err)
		}
		frames[i] = ev
	}
	var received atomic.Int64
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 4096)
			for {
				_ = c.ws.SetReadDeadline(time.Now().Add(waitTimeout))
				_, r, err := c.ws.NextReader()
				if err != nil {
					return
				}
				n := int64(1) // frames in this message: one more than its newlines
				for {
					k, err := r.Read(buf)
					n += int64(bytes.Count(buf[:k], []byte("\n")))
					if err == io.EOF {
						break
					}
					if err != nil {
						return
					}
				}
				received.Add(n)
			}
		}()
	}

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if err := h.bus.Publish(b.Context(), busevent.ChannelTopic(7), frames[i]); err != nil {
			b.Fatal(err)
		}
		if window == 0 {
			for int64(i+1)*int64(conns) > received.Load() {
				time.Sleep(20 * time.Microsecond) // not a spin: it would take a core from the writers
			}
		} else if i%256 == 0 {
			for int64(i-window)*int64(conns) > received.Load() {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}
	want := int64(b.N) * int64(conns)
	// The publisher may be far ahead (the memory bus returns once the fan-out workers
	// have the event): wait as long as deliveries keep arriving.
	for last, idle := received.Load(), time.Now(); received.Load() < want; time.Sleep(time.Millisecond) {
		if n := received.Load(); n != last {
			last, idle = n, time.Now()
		} else if time.Since(idle) > waitTimeout {
			b.Fatalf("%d of %d deliveries, none for %s; hub %+v", n, want, waitTimeout, h.hub.Stats())
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(want)/elapsed.Seconds(), "deliveries/s")
	if s := h.hub.Stats(); s.TooSlow > 0 {
		b.Fatalf("%d connections closed as too slow", s.TooSlow)
	}
	for _, c := range clients {
		_ = c.ws.Close()
	}
	wg.Wait()
}
