package loadgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is everything a run measured. Durations are nanoseconds in JSON.
type Report struct {
	Target    string      `json:"target"`
	RunID     string      `json:"run_id,omitempty"`
	StartedAt time.Time   `json:"started_at"`
	Machine   MachineInfo `json:"machine"`
	FDLimit   FDLimit     `json:"fd_limit"`

	Conns             int           `json:"conns"`
	Channels          int           `json:"channels"`
	MembersPerChannel int           `json:"members_per_channel"`
	Users             int           `json:"users"`
	Senders           int           `json:"senders"`
	Rate              float64       `json:"rate"`
	Duration          time.Duration `json:"duration_ns"`
	MsgBytes          int           `json:"msg_bytes"`

	Setup   SetupCost     `json:"setup"`
	Connect ConnectReport `json:"connect"`
	Memory  MemoryReport  `json:"memory"`
	Load    LoadReport    `json:"load"`

	Errors       map[string]uint64 `json:"errors"`
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	Notes        []string          `json:"notes,omitempty"`
	Cleanup      string            `json:"cleanup,omitempty"`
}

// MachineInfo is the load generator's host; with a loopback target, the server's too.
type MachineInfo struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model,omitempty"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"go_version"`
	// LoadAvg is /proc/loadavg's 1, 5 and 15 minute figures when the run began:
	// other work on the machine competes with the server and the generator.
	LoadAvg string `json:"load_avg,omitempty"`
}

// ConnectReport is the opening of the connections.
type ConnectReport struct {
	Opened    int           `json:"opened"`
	Failed    int           `json:"failed"`
	Time      time.Duration `json:"time_ns"`
	Handshake Summary       `json:"handshake"` // TCP + upgrade + hello → welcome, per connection
}

// MemoryReport is the server's memory before the connections, with them idle, and
// after the load, and the idle growth per connection.
type MemoryReport struct {
	Before      ServerMetrics `json:"before"`
	Idle        ServerMetrics `json:"idle"`
	AfterLoad   ServerMetrics `json:"after_load"`
	BeforeFence GCFence       `json:"before_gc_fence"`
	IdleFence   GCFence       `json:"idle_gc_fence"`

	RSSPerConn        float64 `json:"rss_bytes_per_conn"`
	HeapPerConn       float64 `json:"heap_inuse_bytes_per_conn"`
	StackPerConn      float64 `json:"stack_inuse_bytes_per_conn"`
	GoroutinesPerConn float64 `json:"goroutines_per_conn"`
	// GoPerConn is heap plus stacks: the Go memory a connection holds, measured
	// after a GC on both sides, so it is the steadier figure. RSS also moves with
	// the runtime returning freed pages to the OS, which it does at its own pace.
	GoPerConn float64 `json:"go_bytes_per_conn"`
}

func (m *MemoryReport) compute(conns int) {
	if conns == 0 || m.Before.RSS == 0 || m.Idle.RSS == 0 {
		return
	}
	n := float64(conns)
	m.RSSPerConn = (m.Idle.RSS - m.Before.RSS) / n
	m.HeapPerConn = (m.Idle.HeapInuse - m.Before.HeapInuse) / n
	m.StackPerConn = (m.Idle.StackInuse - m.Before.StackInuse) / n
	m.GoroutinesPerConn = (m.Idle.Goroutines - m.Before.Goroutines) / n
	m.GoPerConn = m.HeapPerConn + m.StackPerConn
}

// LoadReport is the sending phase.
type LoadReport struct {
	SendWindow time.Duration `json:"send_window_ns"` // first due send to the last sender finishing
	Drained    time.Duration `json:"drain_ns"`       // waiting for outstanding acks and deliveries
	ActiveSpan time.Duration `json:"active_span_ns"` // first due send to the last ack or delivery

	Sent       uint64 `json:"sent"`
	Acked      uint64 `json:"acked"`
	Duplicates uint64 `json:"duplicate_acks"`
	SendErrors uint64 `json:"send_errors"`
	Unanswered uint64 `json:"unanswered"` // sent, neither acked nor refused by the end of the drain

	Deliveries       uint64  `json:"deliveries"`
	Expected         uint64  `json:"expected_deliveries"` // acked × open connections of the channel
	Foreign          uint64  `json:"foreign_messages"`
	Gaps             uint64  `json:"seq_gaps"`
	Reordered        uint64  `json:"seq_reordered"`
	Dropped          uint64  `json:"dropped_connections"`
	Frames           uint64  `json:"frames_received"`
	Batches          uint64  `json:"websocket_messages_received"`
	AckedPerSec      float64 `json:"acked_per_sec"`
	DeliveriesPerSec float64 `json:"deliveries_per_sec"`

	AckLatency      Summary `json:"ack_latency"`
	DeliveryLatency Summary `json:"delivery_latency"`
	SendLag         Summary `json:"send_lag"`

	CPU CPUUse `json:"cpu"`

	DistinctGaps int        `json:"distinct_gaps"` // up to maxGapsKept
	GapChecks    []GapCheck `json:"gap_checks,omitempty"`
}

func newReport() *Report {
	return &Report{StartedAt: time.Now().UTC(), Machine: machine(), Errors: map[string]uint64{}}
}

func (r *Report) setConfig(c Config) {
	r.Conns, r.Channels, r.MembersPerChannel, r.Users = c.Conns, c.Channels, c.MembersPerChannel, c.Users()
	r.Senders, r.Rate, r.Duration, r.MsgBytes = c.Senders, c.Rate, c.Duration, c.MsgBytes
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// finish copies the counters in once the load is over.
func (r *Report) finish(s *Stats, subscribers []int) {
	l := &r.Load
	l.Sent, l.Acked, l.Duplicates, l.SendErrors = s.Sent.Load(), s.Acked.Load(), s.Duplicates.Load(), s.SendErrors.Load()
	if answered := l.Acked + l.SendErrors; l.Sent > answered {
		l.Unanswered = l.Sent - answered
	}
	l.Deliveries, l.Expected, l.Foreign = s.Deliveries.Load(), s.expectedDeliveries(subscribers), s.Foreign.Load()
	l.Gaps, l.Reordered, l.Dropped = s.Gaps.Load(), s.Reordered.Load(), s.Dropped.Load()
	l.Frames, l.Batches = s.ReadFrames.Load(), s.ReadBatches.Load()
	// Rates over the time traffic actually flowed: from the first send to the last
	// ack or delivery, which may fall in the drain, but not the drain's idle rest.
	if span := max(l.SendWindow, l.ActiveSpan).Seconds(); span > 0 {
		l.AckedPerSec = float64(l.Acked) / span
		l.DeliveriesPerSec = float64(l.Deliveries) / span
	}
	l.AckLatency, l.DeliveryLatency, l.SendLag = s.AckLatency.Summary(), s.DeliveryLatency.Summary(), s.SendLag.Summary()
	r.Errors, r.ErrorSamples = s.Errors(), s.Samples()
}

func cleanupLine(keep bool, n int, err error) string {
	what := "disabled %d test users"
	if keep {
		what = "kept the test users; logged out %d sessions"
	}
	line := fmt.Sprintf(what, n)
	if err != nil {
		line += " (incomplete: " + err.Error() + ")"
	}
	return line
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// WriteTable writes the report for a person.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) {
		fmt.Fprintf(tw, "  %s\t"+format+"\n", append([]any{k}, args...)...)
	}
	head := func(s string) { fmt.Fprintf(tw, "%s\n", s) }

	head("govchat load run " + r.RunID)
	row("target", "%s", r.Target)
	row("machine", "%d CPU %s, %s/%s, %s", r.Machine.CPUs, r.Machine.CPUModel, r.Machine.GOOS, r.Machine.GOARCH, r.Machine.GoVersion)
	if r.Machine.LoadAvg != "" {
		row("load average", "%s at the start (1, 5, 15 min)", r.Machine.LoadAvg)
	}
	if r.FDLimit.Known {
		row("open-file limit", "%d (hard %d)", r.FDLimit.Soft, r.FDLimit.Hard)
	}
	row("shape", "%d conns, %d channels × %d members = %d users, %d senders", r.Conns, r.Channels, r.MembersPerChannel, r.Users, r.Senders)
	if r.Rate > 0 {
		row("offered load", "%.0f msg/s for %s, %d-byte texts", r.Rate, r.Duration, r.MsgBytes)
	} else {
		row("offered load", "none: connect and measure memory only")
	}

	s := r.Setup
	head("setup (REST, as the administrator and the users)")
	row("users created", "%d in %s (%s each)", s.Users, ms(s.CreateUsers), per(s.CreateUsers, s.Users))
	row("logins", "%d in %s (%s each), %d source address(es), %d rate-limited", s.Logins, ms(s.LoginTime), per(s.LoginTime, s.Logins), s.SourceAddrs, s.LoginsRefused)
	row("groups created", "%d in %s", s.Groups, ms(s.CreateGroups))
	row("total", "%s, %d requests", ms(s.Total), s.RequestsIssued)

	c := r.Connect
	head("connections")
	row("opened", "%d of %d (%d failed) in %s", c.Opened, r.Conns, c.Failed, ms(c.Time))
	if c.Opened > 0 && c.Time > 0 {
		row("rate", "%.0f conns/s", float64(c.Opened)/c.Time.Seconds())
	}
	row("handshake+welcome", "%s", latencies(c.Handshake))

	m := r.Memory
	head("server memory (from /metrics)")
	if m.Before.RSS > 0 && m.Idle.RSS > 0 {
		after := func(format string, v float64) string {
			if m.AfterLoad.RSS == 0 {
				return ""
			}
			return " → " + fmt.Sprintf(format, v) + " after load"
		}
		row("RSS", "%s → %s idle%s", mib(m.Before.RSS), mib(m.Idle.RSS), after("%.1f MiB", m.AfterLoad.RSS/(1<<20)))
		row("heap in use", "%s → %s idle%s", mib(m.Before.HeapInuse), mib(m.Idle.HeapInuse), after("%.1f MiB", m.AfterLoad.HeapInuse/(1<<20)))
		row("goroutines", "%.0f → %.0f idle%s", m.Before.Goroutines, m.Idle.Goroutines, after("%.0f", m.AfterLoad.Goroutines))
		row("per idle connection", "RSS %s; heap+stacks %s (heap %s, stacks %s); %.2f goroutines",
			kib(m.RSSPerConn), kib(m.GoPerConn), kib(m.HeapPerConn), kib(m.StackPerConn), m.GoroutinesPerConn)
		row("readings", "before: %s; idle: %s", fenceLine(m.BeforeFence), fenceLine(m.IdleFence))
	} else {
		row("per idle connection", "not measured (no /metrics)")
	}

	l := r.Load
	if l.Sent > 0 || r.Rate > 0 {
		head("load")
		row("messages", "%d sent, %d acked (%.0f/s), %d refused, %d unanswered, %d duplicate acks", l.Sent, l.Acked, l.AckedPerSec, l.SendErrors, l.Unanswered, l.Duplicates)
		row("deliveries", "%d of %d expected (%.2f%%), %.0f/s", l.Deliveries, l.Expected, pct(l.Deliveries, l.Expected), l.DeliveriesPerSec)
		row("sequence", "%d gaps, %d duplicate/out of order, %d foreign messages", l.Gaps, l.Reordered, l.Foreign)
		if l.Batches > 0 {
			row("frames", "%d in %d WebSocket messages (%.2f per message)", l.Frames, l.Batches, float64(l.Frames)/float64(l.Batches))
		}
		row("ack latency", "%s", latencies(l.AckLatency))
		row("delivery latency", "%s", latencies(l.DeliveryLatency))
		row("sender lag", "%s", latencies(l.SendLag))
		if l.DistinctGaps > 0 {
			row("distinct gaps", "%d (a missed message counts once per connection in gaps)", l.DistinctGaps)
		}
		for i, g := range l.GapChecks {
			if i == maxGapRows {
				row("", "… %d more checked in --json", len(l.GapChecks)-i)
				break
			}
			row("seq gap", "%s", g)
		}
		if c := l.CPU; c.Wall > 0 {
			row("CPU while loading", "%s over %s (of %d cores on this machine)", c, ms(c.Wall), r.Machine.CPUs)
		}
		row("timing", "sent over %s, last ack/delivery at %s, drained in %s", ms(l.SendWindow), ms(l.ActiveSpan), ms(l.Drained))
		row("dropped connections", "%d", l.Dropped)
	}

	head("errors")
	if len(r.Errors) == 0 {
		row("none", "")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
		sample := ""
		if s, ok := r.ErrorSamples[k]; ok {
			sample = "  e.g. " + s
		}
		row(k, "%d%s", r.Errors[k], sample)
	}
	if len(r.Notes) > 0 {
		head("notes")
		for _, n := range r.Notes {
			row("-", "%s", n)
		}
	}
	if r.Cleanup != "" {
		head("cleanup")
		row("-", "%s", r.Cleanup)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// maxGapRows bounds the gaps the table lists.
const maxGapRows = 8

func fenceLine(f GCFence) string {
	s := fmt.Sprintf("%d GCs after %d reads", gcsNeeded, f.Requests)
	if !f.Collected {
		s = "no GC seen (heap includes garbage)"
	}
	if !f.RSSSettled {
		s += ", RSS still moving"
	}
	return s + ", " + ms(f.Took)
}

func latencies(s Summary) string {
	if s.Count == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (n=%d)", dur(s.P50), dur(s.P90), dur(s.P99), dur(s.P999), dur(s.Max), s.Count)
}

// dur rounds a latency to three significant figures.
func dur(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= 100*time.Microsecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(100 * time.Nanosecond).String()
	}
}

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

func per(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return dur(d / time.Duration(n))
}

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }

func pct(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// loadAverage reads /proc/loadavg on Linux; elsewhere it stays empty.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuModel reads the processor name on Linux; elsewhere it stays empty.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
