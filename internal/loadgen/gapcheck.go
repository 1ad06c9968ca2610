package loadgen

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"govchat/protocol"
)

// GapCheck is a sequence gap looked up in the channel's history after the run: the
// messages the connections did not get, and whether the server had stored them.
// Stored but not delivered points at fan-out; not stored at all (the sequence
// skipped) at the commit path.
type GapCheck struct {
	SeqGap
	Conns   int     `json:"conns"`           // connections that saw this gap
	Missing []int64 `json:"missing_seqs"`    // From+1 … To-1, at most maxGapSeqs
	Stored  []int64 `json:"stored_seqs"`     // those of them the history has
	Ours    int     `json:"ours"`            // stored ones this run sent
	Err     string  `json:"error,omitempty"` // the history could not be read
}

const (
	maxGapSeqs   = 200 // bounds one history request (the REST page limit is 200)
	maxGapChecks = 20  // history requests after a run
)

func (g GapCheck) String() string {
	s := fmt.Sprintf("channel %d: got seq %d after %d (%d conns); missing %v", g.ChannelID, g.To, g.From, g.Conns, g.Missing)
	if g.Err != "" {
		return s + "; history: " + g.Err
	}
	return s + fmt.Sprintf("; in history: %v (%d of this run)", g.Stored, g.Ours)
}

// checkGaps reads the history around every distinct gap, as the channel's creator.
func (r *Runner) checkGaps(ctx context.Context, api *apiClient, fx *fixture, gaps map[SeqGap]int) []GapCheck {
	if len(gaps) == 0 {
		return nil
	}
	creator := map[int64]string{}
	for c, id := range fx.channelIDs {
		creator[id] = fx.users[c*r.cfg.MembersPerChannel].token
	}
	keys := slices.SortedFunc(maps.Keys(gaps), func(a, b SeqGap) int {
		return cmp.Or(cmp.Compare(a.ChannelID, b.ChannelID), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	payload := NewPayload(fx.runID, r.cfg.MsgBytes)
	var out []GapCheck
	for _, g := range keys[:min(len(keys), maxGapChecks)] {
		gc := GapCheck{SeqGap: g, Conns: gaps[g]}
		for seq := g.From + 1; seq < g.To && len(gc.Missing) < maxGapSeqs; seq++ {
			gc.Missing = append(gc.Missing, seq)
		}
		var page protocol.Messages
		path := fmt.Sprintf("/api/v1/channels/%d/messages?after=%d&limit=%d", g.ChannelID, g.From, max(len(gc.Missing), 1))
		if err := api.do(ctx, api.pooled, http.MethodGet, path, creator[g.ChannelID], nil, &page); err != nil {
			gc.Err = err.Error()
		}
		for _, m := range page.Messages {
			if m.Seq > g.From && m.Seq < g.To {
				gc.Stored = append(gc.Stored, m.Seq)
				if _, ok := payload.SentAt(m.Text); ok {
					gc.Ours++
				}
			}
		}
		out = append(out, gc)
	}
	return out
}
