package loadgen

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Stats are the counters of one run, shared by every sender and receiver.
type Stats struct {
	Sent        atomic.Uint64 // send frames written
	Acked       atomic.Uint64 // acks received
	Duplicates  atomic.Uint64 // acks marked duplicate (a retried client id)
	SendErrors  atomic.Uint64 // error frames answering a send
	Deliveries  atomic.Uint64 // message frames of this run received, over all connections
	Foreign     atomic.Uint64 // message frames not from this run
	Gaps        atomic.Uint64 // a connection saw seq jump by more than one in a channel
	Reordered   atomic.Uint64 // a connection saw a seq not above the last one (duplicate or out of order)
	Dropped     atomic.Uint64 // connections that ended before the run closed them
	ReadFrames  atomic.Uint64 // every frame received
	ReadBatches atomic.Uint64 // WebSocket messages received (frames / batches = coalescing)

	AckLatency      *Histogram // scheduled send → ack on the sender
	DeliveryLatency *Histogram // scheduled send → message frame on each receiver
	SendLag         *Histogram // how late the sender wrote relative to its schedule

	ackedPerChannel []atomic.Uint64 // acks per channel index, for the expected deliveries

	lastEvent atomic.Int64 // unix nanos (by Clock) of the latest ack or delivery

	mu      sync.Mutex
	errors  map[string]uint64
	samples map[string]string // the first message of each error kind, to tell "other" apart
	gaps    map[SeqGap]int    // distinct gaps and how many connections saw each
}

// SeqGap is a jump in a channel's sequence seen by a connection: it got To right
// after From, so From+1 … To-1 never arrived.
type SeqGap struct {
	ChannelID int64 `json:"channel_id"`
	From      int64 `json:"after_seq"`
	To        int64 `json:"got_seq"`
}

// maxGapsKept bounds the distinct gaps remembered for the report.
const maxGapsKept = 1000

func (s *Stats) gap(g SeqGap) {
	s.Gaps.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.gaps[g]; ok || len(s.gaps) < maxGapsKept {
		s.gaps[g]++
	}
}

// GapList is the distinct gaps with the number of connections that saw each.
func (s *Stats) GapList() map[SeqGap]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.gaps)
}

// event notes the time of an ack or delivery, to know when the traffic ended.
func (s *Stats) event(ns int64) {
	for cur := s.lastEvent.Load(); ns > cur && !s.lastEvent.CompareAndSwap(cur, ns); cur = s.lastEvent.Load() {
	}
}

// NewStats returns zeroed counters for channels channels.
func NewStats(channels int) *Stats {
	return &Stats{
		AckLatency: NewHistogram(), DeliveryLatency: NewHistogram(), SendLag: NewHistogram(),
		ackedPerChannel: make([]atomic.Uint64, channels),
		errors:          map[string]uint64{},
		samples:         map[string]string{},
		gaps:            map[SeqGap]int{},
	}
}

// Error counts one failure under a kind such as "ws:rate_limited" or "close:4008".
func (s *Stats) Error(kind string) { s.ErrorWith(kind, nil) }

// ErrorWith counts a failure and keeps the first cause of each kind.
func (s *Stats) ErrorWith(kind string, cause error) {
	s.mu.Lock()
	s.errors[kind]++
	if _, ok := s.samples[kind]; !ok && cause != nil {
		s.samples[kind] = cause.Error()
	}
	s.mu.Unlock()
}

// Samples is the first cause recorded for each error kind.
func (s *Stats) Samples() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.samples)
}

// Errors is a copy of the failure counts.
func (s *Stats) Errors() map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.errors)
}

// expectedDeliveries is how many message frames the acked sends should have
// produced: each acked message reaches every open connection of its channel,
// the sender's own connection included.
func (s *Stats) expectedDeliveries(subscribers []int) uint64 {
	var n uint64
	for c := range s.ackedPerChannel {
		n += s.ackedPerChannel[c].Load() * uint64(subscribers[c])
	}
	return n
}
