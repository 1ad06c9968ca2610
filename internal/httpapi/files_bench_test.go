package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// TestFilesThroughput measures the file routes over loopback HTTP: the real API and the
// local blob store on this machine's disk, SQLite for the records. It moves tens of
// gigabytes, so it runs only when asked (BENCHMARKS.md records its figures):
//
//	GOVCHAT_FILES_BENCH=1 go test ./internal/httpapi -run TestFilesThroughput -v -timeout 60m
//
// GOVCHAT_FILES_BENCH_MIB sets the file size (default 1024, a 1 GiB file) and
// GOVCHAT_FILES_BENCH_CONC the uploads at once of the heap run (default 20).
func TestFilesThroughput(t *testing.T) {
	if os.Getenv("GOVCHAT_FILES_BENCH") == "" {
		t.Skip("set GOVCHAT_FILES_BENCH=1 to measure uploads and downloads (moves tens of GB)")
	}
	mib := envInt(t, "GOVCHAT_FILES_BENCH_MIB", 1024)
	conc := envInt(t, "GOVCHAT_FILES_BENCH_CONC", 20)
	size := int64(mib) << 20
	e := newFilesEnv(t, storetest.NewSQLite(t), nil, filesOpt{})
	token := e.login("zhangjing", demo.Password)
	c := newBenchClient(e, token, size)
	mb := float64(size) / 1e6

	id, complete := c.upload(t, 1)
	t.Logf("upload %d MiB, 4 MiB parts one after another: %.0f MB/s (of which completion, reading it back: %s)",
		mib, mb/c.last.Seconds(), complete.Round(time.Millisecond))
	_, complete = c.upload(t, 4)
	t.Logf("upload %d MiB, 4 parts at a time: %.0f MB/s (completion %s)", mib, mb/c.last.Seconds(), complete.Round(time.Millisecond))

	start := time.Now()
	n := c.download(t, id)
	t.Logf("download %d MiB whole: %.0f MB/s", mib, float64(n)/1e6/time.Since(start).Seconds())

	// The heap while conc people each upload a file of this size at once.
	e.blobs.up.Delete(t.Context(), id)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := base
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	start = time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() { c.upload(t, 1) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	t.Logf("%d concurrent uploads of %d MiB: %.0f MB/s in all; heap in use %.1f MiB before, peak %.1f MiB, growth %.1f MiB",
		conc, mib, float64(conc)*mb/elapsed.Seconds(), float64(base)/(1<<20), float64(peak)/(1<<20), float64(peak-base)/(1<<20))
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// benchClient uploads a file of size bytes made of one random 4 MiB part repeated, its
// digests worked out before any clock starts, so the figures are the server's.
type benchClient struct {
	e      *filesEnv
	token  string
	size   int64
	part   []byte
	digest string
	whole  string
	client *http.Client
	last   time.Duration
	mu     sync.Mutex
}

func newBenchClient(e *filesEnv, token string, size int64) *benchClient {
	part := ciphertext(e.t, protocol.FilePartSize)
	h := sha256.New()
	for range size / protocol.FilePartSize {
		h.Write(part)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &benchClient{e: e, token: token, size: size, part: part, digest: digestOf(part), whole: hex.EncodeToString(h.Sum(nil)),
		client: &http.Client{Transport: tr}}
}

func (c *benchClient) send(t *testing.T, method, path string, body io.Reader, length int64, headers ...string) *http.Response {
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		t.Error(err)
		return nil
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.client.Do(req)
	if err != nil {
		t.Error(err)
		return nil
	}
	return resp
}

// upload sends the file with width parts in flight and completes it; it returns the
// blob id and how long completion took. c.last is the whole upload's time.
func (c *benchClient) upload(t *testing.T, width int) (string, time.Duration) {
	start := time.Now()
	r := c.send(t, "POST", "/api/v1/uploads", bytes.NewReader(fmt.Appendf(nil, `{"size":%d}`, c.size)), -1, "Content-Type", "application/json")
	var up protocol.Upload
	if r == nil || r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %v", r)
	}
	decodeBody(t, r, &up)
	parts := make(chan int)
	var wg sync.WaitGroup
	for range width {
		wg.Go(func() {
			for n := range parts {
				r := c.send(t, "PUT", fmt.Sprintf("/api/v1/uploads/%s/parts/%d", up.ID, n), bytes.NewReader(c.part), int64(len(c.part)),
					"Content-Type", "application/octet-stream", "Content-Digest", c.digest)
				if r == nil || r.StatusCode != http.StatusNoContent {
					t.Errorf("part %d: %v", n, r)
				}
				if r != nil {
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
				}
			}
		})
	}
	for n := range up.Parts {
		parts <- n
	}
	close(parts)
	wg.Wait()
	done := time.Now()
	r = c.send(t, "POST", "/api/v1/uploads/"+up.ID+"/complete", bytes.NewReader(fmt.Appendf(nil, `{"sha256":%q}`, c.whole)), -1, "Content-Type", "application/json")
	if r == nil || r.StatusCode != http.StatusOK {
		t.Fatalf("complete: %v", r)
	}
	decodeBody(t, r, &up)
	end := time.Now()
	c.mu.Lock()
	c.last = end.Sub(start)
	c.mu.Unlock()
	return up.ID, end.Sub(done)
}

// download fetches the blob whole and counts its bytes.
func (c *benchClient) download(t *testing.T, id string) int64 {
	r := c.send(t, "GET", "/api/v1/files/"+id, nil, 0)
	if r == nil || r.StatusCode != http.StatusOK {
		t.Fatalf("download: %v", r)
	}
	defer r.Body.Close()
	n, err := io.Copy(io.Discard, r.Body)
	if err != nil || n != c.size {
		t.Fatalf("downloaded %d bytes of %d: %v", n, c.size, err)
	}
	return n
}

func decodeBody(t *testing.T, r *http.Response, v any) {
	defer r.Body.Close()
	raw, _ := io.ReadAll(r.Body)
	resp := response{status: r.StatusCode, body: raw}
	resp.decode(t, v)
}
