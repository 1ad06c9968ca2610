package todo

import (
	"context"
	"time"

	"govchat/internal/alert"
	"govchat/internal/audit"
	"govchat/protocol"
)

// reminderBatch bounds the reminders one tick looks at. Those waiting for their
// assignee's working time are looked at again each tick; they come first (oldest), so
// with more than this many waiting at once the newer wait a little longer.
const reminderBatch = 500

// Tick sends the reminders that are due, each when its assignee is in their working
// time (or on duty): a reminder never wakes anyone; it waits for the morning. Several
// nodes may tick at once: the store lets each reminder go out once.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now()
	due, err := s.store.DueTodoReminders(ctx, now, reminderBatch)
	if err != nil || len(due) == 0 {
		return err
	}
	var reach Reach
	if s.opt.WorkingTime != nil {
		if reach, err = s.opt.WorkingTime(ctx); err != nil {
			// Not knowing whether they are at work, wait: a reminder a tick late beats
			// one at night.
			s.log.Warn("working-time policy unavailable; to-do reminders wait", "err", err)
			return nil
		}
	}
	for _, t := range due {
		if reach != nil && !reach.Reachable(t.AssigneeID, now) {
			continue
		}
		claimed := false
		err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
			var err error
			if claimed, err = tx.ClaimTodoReminder(ctx, t.ID, now); err != nil || !claimed {
				return err
			}
			return record(ctx, rec, system, audit.TodoRemind, t.ID, map[string]any{"assignee_id": t.AssigneeID,
				"due": t.Due.UTC().Format(time.RFC3339), "overdue": overdue(t.Due, now)})
		})
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		s.send(ctx, t, protocol.TodoEventReminder, t.AssigneeID)
		if s.opt.Alerts != nil {
			s.opt.Alerts.Todo(alert.TodoAlert{TodoID: t.ID, Event: protocol.TodoEventReminder, AssignerID: t.AssignerID,
				AssigneeID: t.AssigneeID, Overdue: overdue(t.Due, now)})
		}
	}
	return nil
}

// RunScheduler ticks until ctx ends.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("to-do reminders failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
