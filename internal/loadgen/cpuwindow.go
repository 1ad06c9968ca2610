package loadgen

import (
	"context"
	"fmt"
	"time"
)

// CPUUse is the CPU the server and the load generator used over the load phase, in
// cores (CPU seconds per second). With both on one machine their sum near the core
// count means the machine, not the server's design, set the ceiling.
type CPUUse struct {
	Wall         time.Duration `json:"wall_ns"`
	ServerCores  float64       `json:"server_cores"`  // -1: the server does not report process CPU
	LoadgenCores float64       `json:"loadgen_cores"` // -1: unknown on this system
}

func (c CPUUse) String() string {
	part := func(name string, v float64) string {
		if v < 0 {
			return name + " unknown"
		}
		return fmt.Sprintf("%s %.2f cores", name, v)
	}
	return part("server", c.ServerCores) + ", " + part("loadgen", c.LoadgenCores)
}

// cpuWindow holds the readings at the start of the load phase.
type cpuWindow struct {
	at      time.Time
	server  float64
	hasSrv  bool
	self    time.Duration
	hasSelf bool
}

func newCPUWindow(ctx context.Context, api *apiClient) cpuWindow {
	w := cpuWindow{at: time.Now()}
	if m, err := api.metrics(ctx); err == nil && m.CPUSeconds > 0 {
		w.server, w.hasSrv = m.CPUSeconds, true
	}
	w.self, w.hasSelf = processCPU()
	return w
}

func (w cpuWindow) end(ctx context.Context, api *apiClient) CPUUse {
	u := CPUUse{Wall: time.Since(w.at), ServerCores: -1, LoadgenCores: -1}
	secs := u.Wall.Seconds()
	if secs <= 0 {
		return u
	}
	if m, err := api.metrics(context.WithoutCancel(ctx)); err == nil && w.hasSrv {
		u.ServerCores = (m.CPUSeconds - w.server) / secs
	}
	if self, ok := processCPU(); ok && w.hasSelf {
		u.LoadgenCores = (self - w.self).Seconds() / secs
	}
	return u
}
