package alert

import (
	"context"
	"fmt"

	"govchat/protocol"
)

// Forecast is what quiet hours would do to a notice published now: how many of its
// people are off duty, and whether it would break through for them.
type Forecast struct {
	OffDuty      int
	Breakthrough string // protocol.Breakthrough…
	WeekUsed     int    // the author's break-throughs in the last seven days (leaders, urgent only)
	WeekCap      int    // Options.BreakthroughPerWeek (leaders, urgent only)
}

// Forecast answers before publishing, with the rules Notice applies after: the same
// working-time policy, the same cap. It counts everyone off duty, connected or not, with
// a device or not — what a sender means by "休息中".
func (a *Dispatcher) Forecast(ctx context.Context, authorID int64, urgent bool, users []int64) (Forecast, error) {
	f := Forecast{Breakthrough: protocol.BreakthroughNone}
	if a.d.Policy != nil {
		p, err := a.d.Policy(ctx)
		if err != nil {
			return Forecast{}, fmt.Errorf("alert: working-time policy: %w", err)
		}
		at := a.d.Now()
		for _, u := range users {
			if !p.Reachable(u, at) {
				f.OffDuty++
			}
		}
	}
	if !urgent {
		return f, nil
	}
	author, ok := a.breaker(ctx, authorID)
	if !ok {
		return f, nil
	}
	used, err := a.d.Store.CountBreakthroughs(ctx, author.ID, a.d.Now().Add(-week))
	if err != nil {
		return Forecast{}, fmt.Errorf("alert: break-throughs of %d: %w", author.ID, err)
	}
	f.WeekUsed, f.WeekCap = used, a.opt.BreakthroughPerWeek
	switch {
	case f.OffDuty == 0:
	case used >= f.WeekCap:
		f.Breakthrough = protocol.BreakthroughCapReached
	default:
		f.Breakthrough = protocol.BreakthroughWill
	}
	return f, nil
}
