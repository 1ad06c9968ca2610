package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// OfficeReport is an office-day run: the set-up, then one row per step.
type OfficeReport struct {
	RunID   string             `json:"run_id,omitempty"`
	Started time.Time          `json:"started_at"`
	Machine MachineInfo        `json:"machine"`
	Config  OfficeConfigReport `json:"config"`
	Setup   SetupCost          `json:"setup"`
	Steps   []StepReport       `json:"steps"`
	// Sustained is the most people of a step that kept its limits (0: none did).
	Sustained int      `json:"sustained_people"`
	Notes     []string `json:"notes,omitempty"`
	Cleanup   string   `json:"cleanup,omitempty"`
}

// OfficeConfigReport is what the run was asked to do (no passwords).
type OfficeConfigReport struct {
	Nodes        []string       `json:"nodes"`
	Steps        []int          `json:"steps"`
	StepDuration time.Duration  `json:"step_duration_ns"`
	Think        time.Duration  `json:"think_ns"`
	GroupSize    int            `json:"group_size"`
	Limit        time.Duration  `json:"limit_ns"`
	Mix          map[string]int `json:"mix"`
	Seed         uint64         `json:"seed"`
}

func officeConfigReport(c OfficeConfig) OfficeConfigReport {
	mix := map[string]int{}
	for _, m := range officeMix {
		mix[m.act] = m.weight
	}
	return OfficeConfigReport{Nodes: c.URLs, Steps: c.Steps, StepDuration: c.StepDuration, Think: c.Think,
		GroupSize: c.GroupSize, Limit: c.Limit, Mix: mix, Seed: c.Seed}
}

// StepReport is one step: people online, what they did and how fast it was answered.
type StepReport struct {
	People     int                `json:"people"`
	Acting     time.Duration      `json:"acting_ns"`
	Actions    uint64             `json:"actions"`
	PerSecond  float64            `json:"actions_per_second"`
	Requests   Summary            `json:"requests"`
	ByKind     map[string]Summary `json:"by_kind"`
	Delivery   Summary            `json:"delivery"`
	Expected   uint64             `json:"deliveries_expected"`
	Delivered  uint64             `json:"deliveries"`
	Lost       int64              `json:"lost"`
	Unanswered int64              `json:"unanswered_frames"`
	Errors     map[string]uint64  `json:"errors,omitempty"`
	CPU        CPUUse             `json:"cpu"`
	Pass       bool               `json:"pass"`
}

func (s *officeStats) report(people int, acting time.Duration) StepReport {
	r := StepReport{People: people, Acting: acting, Actions: s.actions.Load(), Requests: s.requests.Summary(),
		ByKind: map[string]Summary{}, Delivery: s.delivery.Summary(), Expected: s.expected.Load(), Delivered: s.delivered.Load(),
		Unanswered: max(s.inFlight.Load(), 0)}
	r.PerSecond = perSecond(r.Actions, acting)
	r.Lost = int64(r.Expected) - int64(r.Delivered)
	for k, h := range s.kinds {
		if h.Count() > 0 {
			r.ByKind[k] = h.Summary()
		}
	}
	s.mu.Lock()
	if len(s.errors) > 0 {
		r.Errors = map[string]uint64{}
		for k, v := range s.errors {
			r.Errors[k] = v
		}
	}
	s.mu.Unlock()
	return r
}

// passes: every p99 within the limit, nothing lost or left unanswered, no error.
func (r StepReport) passes(limit time.Duration) bool {
	return r.Requests.P99 <= limit && r.Delivery.P99 <= limit && r.Lost <= 0 && r.Unanswered == 0 && len(r.Errors) == 0
}

func (r StepReport) line() string {
	verdict := "kept the limits"
	if !r.Pass {
		verdict = "FAILED the limits"
	}
	return fmt.Sprintf("%d people, %.1f actions/s, request p99 %s, delivery p99 %s, %d of %d deliveries, %d errors, server %.2f cores — %s",
		r.People, r.PerSecond, dur(r.Requests.P99), dur(r.Delivery.P99), r.Delivered, r.Expected, errorCount(r.Errors), r.CPU.ServerCores, verdict)
}

func errorCount(m map[string]uint64) uint64 {
	var n uint64
	for _, v := range m {
		n += v
	}
	return n
}

func (r *OfficeReport) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *OfficeReport) finish() {
	for _, s := range r.Steps {
		if s.Pass {
			r.Sustained = max(r.Sustained, s.People)
		}
	}
}

// WriteJSON writes the report as one JSON document.
func (r *OfficeReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for people.
func (r *OfficeReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "office day %s against %s (%d CPUs, load %s)\n", r.RunID, strings.Join(r.Config.Nodes, ", "), r.Machine.CPUs, r.Machine.LoadAvg)
	fmt.Fprintf(&b, "mean think time %s, groups of %d, %s per step, limit p99 %s\n", r.Config.Think, r.Config.GroupSize, r.Config.StepDuration, r.Config.Limit)
	fmt.Fprintf(&b, "setup: %d users in %s, %d logins in %s\n\n", r.Setup.Users, ms(r.Setup.CreateUsers), r.Setup.Logins, ms(r.Setup.LoginTime))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "people\tactions/s\trequest p50\tp99\tdelivery p50\tp99\tdelivered\tlost\terrors\tserver cores\t")
	for _, s := range r.Steps {
		fmt.Fprintf(tw, "%d\t%.1f\t%s\t%s\t%s\t%s\t%d/%d\t%d\t%d\t%.2f\t%s\n", s.People, s.PerSecond, dur(s.Requests.P50), dur(s.Requests.P99),
			dur(s.Delivery.P50), dur(s.Delivery.P99), s.Delivered, s.Expected, max(s.Lost, 0), errorCount(s.Errors), s.CPU.ServerCores, map[bool]string{true: "ok", false: "FAIL"}[s.Pass])
	}
	_ = tw.Flush()
	if n := len(r.Steps); n > 0 {
		last := r.Steps[n-1]
		fmt.Fprintf(&b, "\nby kind, last step (%d people):\n", last.People)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		kinds := make([]string, 0, len(last.ByKind))
		for k := range last.ByKind {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			fmt.Fprintf(tw, "  %s\t%s\n", k, latencies(last.ByKind[k]))
		}
		_ = tw.Flush()
		for _, s := range r.Steps {
			for k, v := range s.Errors {
				fmt.Fprintf(&b, "errors at %d people: %s × %d\n", s.People, k, v)
			}
		}
	}
	fmt.Fprintf(&b, "\nsustained: %d people\n", r.Sustained)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if r.Cleanup != "" {
		fmt.Fprintf(&b, "%s\n", r.Cleanup)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
