package loadgen

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// subBits sets the histogram's precision: each power of two is cut into
// 2^(subBits-1) buckets, so a recorded value is known to within 1/64 (1.6%) —
// plenty for latency percentiles, in a fixed 30 KiB whatever the range.
const (
	subBits    = 7
	subCount   = 1 << subBits  // values below this are counted exactly
	subHalf    = subCount >> 1 // buckets per power of two above that
	maxShift   = 64 - subBits  // the largest shift a uint64 needs
	numBuckets = (maxShift+1)*subHalf + subHalf
)

// Histogram counts durations in logarithmic buckets, like HdrHistogram with two
// significant digits. It is safe for concurrent use: every receiving connection
// records into the same one with atomic adds, which is cheaper than a lock and needs
// no merge step, and its memory does not grow with the number of samples.
type Histogram struct {
	counts [numBuckets]atomic.Uint64
	total  atomic.Uint64
	sum    atomic.Uint64 // nanoseconds; overflows only after ~584 years of latency
	max    atomic.Uint64
	min    atomic.Uint64 // stored as value+1 so that zero means "none yet"
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{} }

// bucketOf maps a value to its bucket index.
func bucketOf(v uint64) int {
	n := bits.Len64(v)
	if n <= subBits {
		return int(v)
	}
	shift := n - subBits
	top := v >> shift // in [subHalf, subCount)
	return shift*subHalf + int(top)
}

// bucketRange is the smallest and largest value that fall into bucket i.
func bucketRange(i int) (lo, hi uint64) {
	if i < subCount {
		return uint64(i), uint64(i)
	}
	shift := i/subHalf - 1
	top := uint64(i - shift*subHalf)
	lo = top << shift
	return lo, lo + (1 << shift) - 1
}

// Record adds one duration; negative durations (a clock step) count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)].Add(1)
	h.total.Add(1)
	h.sum.Add(v)
	for cur := h.max.Load(); v > cur && !h.max.CompareAndSwap(cur, v); cur = h.max.Load() {
	}
	for cur := h.min.Load(); (cur == 0 || v+1 < cur) && !h.min.CompareAndSwap(cur, v+1); cur = h.min.Load() {
	}
}

// Count is the number of recorded values.
func (h *Histogram) Count() uint64 { return h.total.Load() }

// Max is the largest recorded value, exactly.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Min is the smallest recorded value, exactly; zero when empty.
func (h *Histogram) Min() time.Duration {
	m := h.min.Load()
	if m == 0 {
		return 0
	}
	return time.Duration(m - 1)
}

// Mean is the average of the recorded values; zero when empty.
func (h *Histogram) Mean() time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load() / n)
}

// Quantile returns the value below or at which a fraction q (0..1) of the recorded
// values lie. Like HdrHistogram it answers with the top of the bucket holding that
// rank, so it never understates a latency; it is clamped to the exact min and max.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	if q <= 0 {
		return h.Min()
	}
	q = min(q, 1)
	rank := max(uint64(math.Ceil(q*float64(n))), 1)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			_, hi := bucketRange(i)
			return min(max(time.Duration(hi), h.Min()), h.Max())
		}
	}
	// Counts are read one by one while others may still record; fall back to max.
	return h.Max()
}

// Summary is a histogram's figures for the report.
type Summary struct {
	Count uint64        `json:"count"`
	Min   time.Duration `json:"min_ns"`
	Mean  time.Duration `json:"mean_ns"`
	P50   time.Duration `json:"p50_ns"`
	P90   time.Duration `json:"p90_ns"`
	P99   time.Duration `json:"p99_ns"`
	P999  time.Duration `json:"p999_ns"`
	Max   time.Duration `json:"max_ns"`
}

// Summary reads the usual percentiles.
func (h *Histogram) Summary() Summary {
	return Summary{
		Count: h.Count(), Min: h.Min(), Mean: h.Mean(),
		P50: h.Quantile(0.50), P90: h.Quantile(0.90), P99: h.Quantile(0.99), P999: h.Quantile(0.999),
		Max: h.Max(),
	}
}
