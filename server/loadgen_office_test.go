package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/loadgen"
)

// The office-day mode against the real server: two small steps of people doing
// everything in the mix; every delivery arrives, no request fails. Latency limits
// are not asserted here (speed lives in BENCHMARKS.md), only that the mode works.
func TestLoadgenOfficeDay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs people for seconds")
	}
	base, _ := startServer(t, "--data", t.TempDir())
	var progress bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := loadgen.NewOffice(loadgen.OfficeConfig{
		URLs: []string{base}, Steps: []int{4, 8}, StepDuration: 4 * time.Second, Think: 150 * time.Millisecond,
		GroupSize: 4, Limit: time.Minute, Admin: "zhoutao", AdminPassword: demo.Password, Seed: 7,
	}, &progress, loadgen.SystemResolver, loadgen.CanBind).Run(ctx)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	if len(rep.Steps) != 2 || rep.Sustained != 8 {
		b, _ := json.MarshalIndent(rep, "", "  ")
		t.Fatalf("want two passing steps, got sustained %d:\n%s\n%s", rep.Sustained, b, progress.String())
	}
	for _, s := range rep.Steps {
		if s.Expected == 0 || s.Delivered != s.Expected || len(s.Errors) != 0 || s.Actions == 0 {
			t.Errorf("step of %d: %d of %d delivered, %d actions, errors %v", s.People, s.Delivered, s.Expected, s.Actions, s.Errors)
		}
	}
	last := rep.Steps[1]
	for _, kind := range []string{"send", "read", "messages"} {
		if last.ByKind[kind].Count == 0 {
			t.Errorf("no %q request in the last step: %v", kind, last.ByKind)
		}
	}
	if rep.Cleanup == "" {
		t.Error("the test users were not cleaned up")
	}
}
