package loadgen

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"govchat/protocol"
)

// sender writes messages from one connection into its channel on a fixed schedule.
// The schedule is open-loop: the k-th message is due at start+offset+k·interval
// whether or not earlier ones were answered, and its timestamp is the due time, not
// the moment it was written. A server that stalls therefore shows up as latency
// instead of quietly slowing the sender down (the "coordinated omission" trap);
// SendLag says how far the writes themselves fell behind.
type sender struct {
	conn      *clientConn
	index     int
	channelID int64
	runID     string
	interval  time.Duration
	offset    time.Duration
}

// run sends until the schedule reaches end or ctx ends.
func (s *sender) run(ctx context.Context, start, end time.Time) {
	stats := s.conn.stats
	timer := time.NewTimer(time.Hour)
	timer.Stop() // armed by Reset below; since Go 1.23 Reset never sees a stale tick
	for k := 0; ; k++ {
		due := start.Add(s.offset + time.Duration(k)*s.interval)
		if !due.Before(end) {
			return
		}
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		stats.SendLag.Record(time.Since(due))
		sentAt := s.conn.clock.Nanos(due)
		frame, err := sendFrame(strconv.FormatInt(sentAt, 10), protocol.SendData{
			ChannelID: s.channelID,
			ClientID:  fmt.Sprintf("%s-%d-%d", s.runID, s.index, k),
			Text:      s.conn.payload.Text(sentAt),
		})
		if err != nil {
			stats.ErrorWith("send:encode", err)
			return
		}
		if err := s.conn.send(frame); err != nil {
			// The socket is broken or stalled past writeTimeout: the reader sees the
			// end too and counts the drop; this sender has nothing left to do.
			stats.ErrorWith(errorKind("write", err), err)
			return
		}
		stats.Sent.Add(1)
	}
}
