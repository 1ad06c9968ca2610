package loadgen

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestOfficeConfigNormalize(t *testing.T) {
	ok := func() OfficeConfig {
		return OfficeConfig{URLs: []string{"http://127.0.0.1:8080"}, Admin: "a", AdminPassword: "p", Steps: []int{10, 20}}
	}
	cases := []struct {
		name   string
		change func(*OfficeConfig)
		bad    bool
	}{
		{"defaults", func(*OfficeConfig) {}, false},
		{"no url", func(c *OfficeConfig) { c.URLs = nil }, true},
		{"no admin", func(c *OfficeConfig) { c.Admin = "" }, true},
		{"no steps", func(c *OfficeConfig) { c.Steps = nil }, true},
		{"descending steps", func(c *OfficeConfig) { c.Steps = []int{20, 10} }, true},
		{"one person", func(c *OfficeConfig) { c.Steps = []int{1} }, true},
		{"too many people", func(c *OfficeConfig) { c.Steps = []int{maxOfficePeople + 1} }, true},
		{"group of one", func(c *OfficeConfig) { c.GroupSize = 1 }, true},
		{"robot think time", func(c *OfficeConfig) { c.Think = time.Millisecond }, true},
		{"short step", func(c *OfficeConfig) { c.StepDuration = time.Millisecond }, true},
		{"negative limit", func(c *OfficeConfig) { c.Limit = -time.Second }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.change(&c)
			err := c.normalize()
			if tc.bad != (err != nil) {
				t.Fatalf("normalize() = %v, want error: %v", err, tc.bad)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v is not ErrConfig", err)
			}
			if err == nil && (c.Think != DefaultOfficeThink || c.GroupSize != DefaultOfficeGroupSize || c.Seed == 0) {
				t.Fatalf("defaults not filled: %+v", c)
			}
		})
	}
}

func TestOfficePeopleRoundsUpToGroups(t *testing.T) {
	c := OfficeConfig{Steps: []int{5, 41}, GroupSize: 20}
	if got := c.people(); got != 60 {
		t.Fatalf("people() = %d, want 60 (three groups of 20)", got)
	}
}

// The mix's weights are percentages and every action is one the person knows.
func TestOfficeMix(t *testing.T) {
	sum := 0
	for _, m := range officeMix {
		sum += m.weight
	}
	if sum != 100 {
		t.Fatalf("weights sum to %d, want 100", sum)
	}
	p := &person{rng: rand.New(rand.NewPCG(1, 2))}
	seen := map[string]int{}
	for range 100_000 {
		seen[p.pick()]++
	}
	for _, m := range officeMix {
		got := float64(seen[m.act]) / 1000
		if d := got - float64(m.weight); d > 1 || d < -1 {
			t.Errorf("%s picked %.1f%% of the time, want %d%%", m.act, got, m.weight)
		}
	}
}

func TestStepPasses(t *testing.T) {
	good := StepReport{Requests: Summary{P99: 500 * time.Millisecond}, Delivery: Summary{P99: 900 * time.Millisecond}, Expected: 10, Delivered: 10}
	cases := []struct {
		name   string
		change func(*StepReport)
		want   bool
	}{
		{"within", func(*StepReport) {}, true},
		{"slow requests", func(r *StepReport) { r.Requests.P99 = 1100 * time.Millisecond }, false},
		{"slow deliveries", func(r *StepReport) { r.Delivery.P99 = 2 * time.Second }, false},
		{"lost one", func(r *StepReport) { r.Lost = 1 }, false},
		{"unanswered frame", func(r *StepReport) { r.Unanswered = 1 }, false},
		{"an error", func(r *StepReport) { r.Errors = map[string]uint64{"send:rate_limited": 1} }, false},
	}
	for _, tc := range cases {
		r := good
		tc.change(&r)
		if got := r.passes(time.Second); got != tc.want {
			t.Errorf("%s: passes = %v, want %v", tc.name, got, tc.want)
		}
	}
}
