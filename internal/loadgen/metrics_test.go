package loadgen

import (
	"strings"
	"testing"
)

func TestParseMetrics(t *testing.T) {
	in := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 2017
go_memstats_heap_inuse_bytes 1.2345678e+07
go_memstats_stack_inuse_bytes 8.421376e+06
go_gc_duration_seconds{quantile="0.5"} 3.1e-05
govchat_http_requests_total{route="GET /metrics",status="200"} 3
process_resident_memory_bytes 9.8304e+07 1700000000000
process_cpu_seconds_total 12.5
process_open_fds 2031
process_max_fds 20000
go_gc_duration_seconds_sum 0.012
go_gc_duration_seconds_count 41
go_memstats_heap_idle_bytes 4.194304e+07
go_memstats_heap_released_bytes 3.3554432e+07
process_resident_memory_bytes_extra 1
`
	m, err := ParseMetrics(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := ServerMetrics{RSS: 9.8304e7, HeapInuse: 1.2345678e7, StackInuse: 8.421376e6, Goroutines: 2017, OpenFDs: 2031, MaxFDs: 20000, GCCount: 41, HeapIdle: 41943040, HeapReleased: 33554432, CPUSeconds: 12.5, hasGC: true}
	if m != want {
		t.Errorf("got %+v, want %+v", m, want)
	}
	if _, err := ParseMetrics(strings.NewReader("go_goroutines lots\n")); err == nil {
		t.Error("a bad value parsed")
	}
}

func TestRSSSettled(t *testing.T) {
	tests := []struct {
		name string
		m    ServerMetrics
		want bool
	}{
		{"garbage still resident", ServerMetrics{HeapInuse: 10 << 20, HeapIdle: 200 << 20, HeapReleased: 20 << 20}, false},
		{"returned", ServerMetrics{HeapInuse: 10 << 20, HeapIdle: 200 << 20, HeapReleased: 190 << 20}, true},
		{"small heap, a little kept", ServerMetrics{HeapInuse: 1 << 20, HeapIdle: 5 << 20, HeapReleased: 1 << 20}, true},
	}
	for _, tt := range tests {
		if got := rssSettled(tt.m); got != tt.want {
			t.Errorf("%s: rssSettled = %v, want %v", tt.name, got, tt.want)
		}
	}
}
