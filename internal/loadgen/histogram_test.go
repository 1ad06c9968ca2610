package loadgen

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestBucketsAreContiguousAndOrdered(t *testing.T) {
	// Every value maps into a bucket whose range holds it, and bucket ranges tile the
	// number line without gaps or overlaps.
	var prevHi uint64
	for i := 0; i < numBuckets; i++ {
		lo, hi := bucketRange(i)
		if i > 0 && lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ended at %d", i, lo, prevHi)
		}
		if hi < lo {
			t.Fatalf("bucket %d: hi %d < lo %d", i, hi, lo)
		}
		if bucketOf(lo) != i || bucketOf(hi) != i {
			t.Fatalf("bucket %d [%d,%d]: bucketOf gives %d and %d", i, lo, hi, bucketOf(lo), bucketOf(hi))
		}
		prevHi = hi
	}
	if prevHi != ^uint64(0) {
		t.Fatalf("buckets end at %d, want max uint64", prevHi)
	}
}

func TestBucketPrecision(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 129, 1000, 12345, 1e6, 1e9, 3e10, 1 << 62} {
		lo, hi := bucketRange(bucketOf(v))
		if v < lo || v > hi {
			t.Errorf("%d not in its bucket [%d,%d]", v, lo, hi)
		}
		if width := hi - lo; float64(width) > float64(v)/64+1 {
			t.Errorf("%d: bucket width %d is more than 1/64 of the value", v, width)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	// 1..10000 µs uniformly: p50 is 5 ms and p99 9.9 ms, within the bucket precision.
	var uniform []time.Duration
	for i := 1; i <= 10000; i++ {
		uniform = append(uniform, time.Duration(i)*time.Microsecond)
	}
	tests := []struct {
		name   string
		values []time.Duration
		q      float64
		want   time.Duration
		tol    float64 // relative; an answer may overstate by this much, never understate
	}{
		{"empty", nil, 0.5, 0, 0},
		{"single", []time.Duration{42 * time.Millisecond}, 0.99, 42 * time.Millisecond, 0},
		{"small values are exact", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5, 5, 0},
		{"p0 is min", []time.Duration{5 * time.Millisecond, time.Second}, 0, 5 * time.Millisecond, 0},
		{"p100 is max", []time.Duration{5 * time.Millisecond, time.Second}, 1, time.Second, 0},
		{"negative counts as zero", []time.Duration{-time.Second}, 0.5, 0, 0},
		{"uniform p50", uniform, 0.5, 5000 * time.Microsecond, 1.0 / 64},
		{"uniform p99", uniform, 0.99, 9900 * time.Microsecond, 1.0 / 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHistogram()
			for _, v := range tt.values {
				h.Record(v)
			}
			got := h.Quantile(tt.q)
			if got < tt.want || float64(got-tt.want) > tt.tol*float64(tt.want) {
				t.Errorf("Quantile(%v) = %v, want %v (+%.1f%%)", tt.q, got, tt.want, tt.tol*100)
			}
		})
	}
}

func TestHistogramAgainstSortedSample(t *testing.T) {
	// Log-normal-ish latencies from 50 µs to seconds, the shape real runs have.
	rng := rand.New(rand.NewPCG(1, 2))
	h := NewHistogram()
	var vals []time.Duration
	for range 100_000 {
		v := time.Duration(50_000 * (1 + rng.ExpFloat64()*rng.ExpFloat64()*20))
		vals = append(vals, v)
		h.Record(v)
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := vals[int(q*float64(len(vals)))-1]
		got := h.Quantile(q)
		if got < exact || float64(got-exact) > float64(exact)/64 {
			t.Errorf("q%v: got %v, exact %v", q, got, exact)
		}
	}
	if h.Max() != vals[len(vals)-1] || h.Min() != vals[0] {
		t.Errorf("min/max %v/%v, want %v/%v", h.Min(), h.Max(), vals[0], vals[len(vals)-1])
	}
	if h.Count() != uint64(len(vals)) {
		t.Errorf("count %d", h.Count())
	}
}

func TestHistogramConcurrent(t *testing.T) {
	h := NewHistogram()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10_000 {
				h.Record(time.Duration(g*10_000+i) * time.Microsecond)
			}
		})
	}
	wg.Wait()
	if h.Count() != 80_000 {
		t.Fatalf("count %d, want 80000", h.Count())
	}
	if h.Max() != 79_999*time.Microsecond || h.Min() != 0 {
		t.Fatalf("min %v max %v", h.Min(), h.Max())
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewHistogram()
	b.RunParallel(func(pb *testing.PB) {
		d := time.Duration(1234567)
		for pb.Next() {
			h.Record(d)
			d += 977
		}
	})
}
