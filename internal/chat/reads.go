package chat

import (
	"context"
	"fmt"
	"sync"
	"time"

	"govchat/internal/busevent"
	"govchat/protocol"
)

// Reads answers GET /api/v1/channels/{id}/reads: every member's read position, to a
// member. One query for the whole channel, whatever its size, so a viewer computes the
// read status of every message on screen (N人未读, 已读) from one answer and keeps it
// current from the channel's reads frames.
func (s *Service) Reads(ctx context.Context, userID, channelID int64) (protocol.ChannelReads, error) {
	ch, _, err := s.member(ctx, channelID, userID)
	if err != nil {
		return protocol.ChannelReads{}, err
	}
	ms, err := s.store.ListMembers(ctx, channelID)
	if err != nil {
		return protocol.ChannelReads{}, fmt.Errorf("chat: read positions of channel %d: %w", channelID, err)
	}
	out := protocol.ChannelReads{ChannelID: ch.ID, LastSeq: ch.LastSeq, Reads: make([]protocol.ReadPosition, len(ms))}
	for i, m := range ms {
		out.Reads[i] = protocol.ReadPosition{UserID: m.UserID, Seq: m.ReadSeq, JoinedAt: m.JoinedAt}
	}
	return out, nil
}

// readsCoalescer gathers the read positions that moved in each channel and publishes
// them on the channel's topic as one reads frame per channel per interval: the first
// move in a quiet channel starts the interval, every move until it ends joins the same
// frame (a member who moves twice appears once, with the higher position). A burst of
// a thousand members reading a new message costs each viewer a frame or two, not a
// thousand, and the bus one publish per channel per interval.
type readsCoalescer struct {
	pub      *busevent.Publisher
	interval time.Duration
	// afterFunc schedules the flush (time.AfterFunc; tests may run it at once).
	afterFunc func(d time.Duration, f func())

	mu      sync.Mutex
	pending map[int64]map[int64]int64 // channel → user → highest position since the last frame
	closed  bool
}

func newReadsCoalescer(pub *busevent.Publisher, interval time.Duration) *readsCoalescer {
	return &readsCoalescer{
		pub: pub, interval: interval, pending: map[int64]map[int64]int64{},
		afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
	}
}

// moved records that userID's position in channelID is now seq.
func (r *readsCoalescer) moved(channelID, userID, seq int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	users, ok := r.pending[channelID]
	if !ok {
		users = map[int64]int64{}
		r.pending[channelID] = users
		r.afterFunc(r.interval, func() { r.flush(channelID) })
	}
	if seq > users[userID] {
		users[userID] = seq
	}
}

// flush publishes what gathered for channelID. The frame is built from a copy taken
// under the lock; the map is the channel's no more once it is taken out.
func (r *readsCoalescer) flush(channelID int64) {
	r.mu.Lock()
	users := r.pending[channelID]
	delete(r.pending, channelID)
	r.mu.Unlock()
	if len(users) == 0 {
		return
	}
	d := protocol.ReadsData{ChannelID: channelID, Moves: make([]protocol.ReadMove, 0, len(users))}
	for u, seq := range users {
		d.Moves = append(d.Moves, protocol.ReadMove{UserID: u, Seq: seq})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.pub.ToChannel(ctx, channelID, 0, protocol.TypeReads, d)
}

// close publishes what is pending now rather than after its interval; the timers that
// fire later find nothing, and moves after it are dropped (the server is stopping, and
// viewers reload the positions when they reconnect).
func (r *readsCoalescer) close() {
	r.mu.Lock()
	r.closed = true
	ids := make([]int64, 0, len(r.pending))
	for id := range r.pending {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		r.flush(id)
	}
}
