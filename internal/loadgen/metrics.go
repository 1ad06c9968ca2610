package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServerMetrics are the server's own figures read from GET /metrics (the Go and
// process collectors of the Prometheus client). Zero means the server did not
// report that metric.
type ServerMetrics struct {
	RSS        float64 `json:"process_resident_memory_bytes"`
	HeapInuse  float64 `json:"go_memstats_heap_inuse_bytes"`
	StackInuse float64 `json:"go_memstats_stack_inuse_bytes"`
	Goroutines float64 `json:"go_goroutines"`
	OpenFDs    float64 `json:"process_open_fds"`
	MaxFDs     float64 `json:"process_max_fds"`
	GCCount    float64 `json:"go_gc_duration_seconds_count"`
	// HeapIdle − HeapReleased is heap memory the runtime holds but does not use:
	// freed garbage still resident, waiting for the scavenger to return it.
	HeapIdle     float64 `json:"go_memstats_heap_idle_bytes"`
	HeapReleased float64 `json:"go_memstats_heap_released_bytes"`
	CPUSeconds   float64 `json:"process_cpu_seconds_total"`
	hasGC        bool    // the server reports GC counts at all
}

// unreturned is the heap memory that is idle but still resident.
func (m ServerMetrics) unreturned() float64 { return max(m.HeapIdle-m.HeapReleased, 0) }

// metricFields maps a metric name to where its value goes.
func (m *ServerMetrics) metricFields() map[string]*float64 {
	return map[string]*float64{
		"process_resident_memory_bytes":   &m.RSS,
		"go_memstats_heap_inuse_bytes":    &m.HeapInuse,
		"go_memstats_stack_inuse_bytes":   &m.StackInuse,
		"go_goroutines":                   &m.Goroutines,
		"process_open_fds":                &m.OpenFDs,
		"process_max_fds":                 &m.MaxFDs,
		"go_gc_duration_seconds_count":    &m.GCCount,
		"go_memstats_heap_idle_bytes":     &m.HeapIdle,
		"go_memstats_heap_released_bytes": &m.HeapReleased,
		"process_cpu_seconds_total":       &m.CPUSeconds,
	}
}

// ParseMetrics reads the few unlabelled samples it needs from the Prometheus text
// format; everything else is skipped.
func ParseMetrics(r io.Reader) (ServerMetrics, error) {
	var m ServerMetrics
	fields := m.metricFields()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, ok := strings.Cut(line, " ")
		dst, want := fields[name]
		if !ok || !want {
			continue // labelled samples ("name{…} v") never match a bare name
		}
		value, _, _ := strings.Cut(strings.TrimSpace(rest), " ") // a timestamp may follow
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return m, fmt.Errorf("metric %s: %w", name, err)
		}
		*dst = v
		m.hasGC = m.hasGC || dst == &m.GCCount
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("read metrics: %w", err)
	}
	return m, nil
}

// metrics reads the server's /metrics.
func (c *apiClient) metrics(ctx context.Context) (ServerMetrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.target.URL.String()+"/metrics", nil)
	if err != nil {
		return ServerMetrics{}, fmt.Errorf("GET /metrics: %w", err)
	}
	resp, err := c.pooled.Do(req)
	if err != nil {
		return ServerMetrics{}, fmt.Errorf("GET /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ServerMetrics{}, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	m, err := ParseMetrics(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return m, fmt.Errorf("GET /metrics: %w", err)
	}
	return m, nil
}

// GCFence says how a reading was made to follow a garbage collection and the
// return of freed memory to the operating system.
type GCFence struct {
	Collected  bool          `json:"collected"`   // gcsNeeded GCs completed after the fence began
	Requests   int           `json:"requests"`    // /metrics reads it took
	RSSSettled bool          `json:"rss_settled"` // RSS stopped falling before the reading
	Took       time.Duration `json:"took_ns"`
}

const (
	// gcsNeeded: the first GC frees the garbage, but the scavenger's goal is set
	// from the heap goal of the GC before, still inflated by it; only after the
	// second does the scavenger return the freed pages (seen on Go 1.26: RSS
	// 230 MiB → 205 MiB after one GC, → 38 MiB after the next).
	gcsNeeded     = 2
	rssPollPeriod = 500 * time.Millisecond
	rssSteadyRuns = 6       // without heap figures: RSS within rssSteadyMin for this many readings in a row
	rssSteadyMin  = 1 << 20 // bytes; or 0.5% of RSS, whichever is larger
)

// rssSettled says whether the scavenger has returned the freed heap: what is idle
// but resident is no more than the runtime keeps on purpose (it retains about 10%
// over the heap goal, itself about twice the live heap).
func rssSettled(m ServerMetrics) bool {
	return m.unreturned() <= 1.5*m.HeapInuse+4<<20
}

// metricsAfterGC reads the metrics once the server has completed a garbage
// collection that began after this call, and its RSS has stopped moving. Heap
// figures otherwise include whatever garbage the last phase left: setup alone
// leaves up to ~50 MiB per password hash (argon2id memory), which a GC during the
// connection phase would free, making the growth per connection look small or
// negative. The server exposes no way to ask for a GC, so the fence reads /metrics
// back to back — each read allocates on the server — until the GC count has moved
// by gcsNeeded, at most maxWait (the Go runtime also forces a GC every two minutes).
// The freed pages leave RSS only as the runtime's scavenger returns them, so then
// it polls until the idle-but-resident heap is down to what the runtime keeps (or,
// for a server without those figures, RSS holds steady), again at most maxWait.
func (c *apiClient) metricsAfterGC(ctx context.Context, maxWait time.Duration) (ServerMetrics, GCFence, error) {
	start := time.Now()
	first, err := c.metrics(ctx)
	if err != nil {
		return first, GCFence{}, err
	}
	fence := GCFence{Requests: 1}
	if !first.hasGC {
		return first, fence, nil
	}
	deadline := start.Add(maxWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		m, err := c.metrics(ctx)
		fence.Requests++
		if err != nil {
			return m, fence, err
		}
		if m.GCCount >= first.GCCount+gcsNeeded {
			fence.Collected = true
			break
		}
	}

	deadline = time.Now().Add(maxWait)
	var last ServerMetrics
	steady := 0
	for {
		if !sleep(ctx, rssPollPeriod) {
			return last, fence, ctx.Err()
		}
		m, err := c.metrics(ctx)
		if err != nil {
			return m, fence, err
		}
		if last.RSS > 0 && abs(m.RSS-last.RSS) <= max(rssSteadyMin, m.RSS/200) {
			steady++
		} else {
			steady = 0
		}
		last = m
		// With the heap figures, only the heap criterion counts: the scavenger
		// works in bursts, and RSS can sit still for seconds while a hundred MiB
		// wait to be returned.
		if m.HeapIdle > 0 && rssSettled(m) || m.HeapIdle == 0 && steady >= rssSteadyRuns-1 {
			fence.RSSSettled = true
			break
		}
		if time.Now().After(deadline) {
			break
		}
	}
	fence.Took = time.Since(start)
	return last, fence, nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
