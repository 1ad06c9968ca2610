package notice

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// RunScheduler runs Tick every interval until ctx is done, logging what fails (the
// next pass tries again). Every node may run it: each reminder and escalation is
// claimed in the store, so it goes out once across the cluster.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration) {
	RunEvery(ctx, every, s.log, "notice scheduler", s.Tick)
}

// Tick is one scheduler pass over the active notices that need confirmation and have
// a deadline:
//
//   - Before the deadline, the automatic reminders (Options.AutoReminders before it,
//     earliest first) go to the unconfirmed, each once. When several are due at once
//     (the scheduler was down, or the deadline is close) only the latest is sent and
//     the earlier ones are skipped; a reminder whose moment came before the notice was
//     published or last revised is skipped too — the recipients were just told.
//   - At the deadline, each unconfirmed person's department head — the leaders of
//     their department or, when it has none (or only the person themself), of the
//     nearest department above with one — is told which of their people have not
//     confirmed (`escalation`), once; the list also shows in the head's pending box.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now()
	horizon := now.Add(time.Second)
	if len(s.reminders) > 0 {
		horizon = horizon.Add(s.reminders[0])
	}
	due, err := s.store.DueNotices(ctx, horizon)
	if err != nil {
		return fmt.Errorf("notice: due notices: %w", err)
	}
	var view *orgView
	var errs []error
	for _, n := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if now.Before(n.Deadline) {
			if err := s.autoRemind(ctx, n, now); err != nil {
				errs = append(errs, fmt.Errorf("notice: reminder of %d: %w", n.ID, err))
			}
			continue
		}
		if view == nil {
			if view, err = loadOrg(ctx, s.store); err != nil {
				return err
			}
		}
		if err := s.escalate(ctx, view, n, now); err != nil {
			errs = append(errs, fmt.Errorf("notice: escalation of %d: %w", n.ID, err))
		}
	}
	return errors.Join(errs...)
}

// autoRemind sends the automatic reminder that is due, if any.
func (s *Service) autoRemind(ctx context.Context, n store.Notice, now time.Time) error {
	due := dueReminder(s.reminders, n.Deadline, now)
	if due < n.AutoReminders {
		return nil // none due, or sent already
	}
	at := n.Deadline.Add(-s.reminders[due])
	last := n.CreatedAt
	if n.RevisedAt.After(last) {
		last = n.RevisedAt
	}
	send := at.After(last)
	var unconfirmed []store.NoticeRecipient
	sent := false
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		for i := n.AutoReminders; i <= due; i++ {
			ok, err := tx.ClaimAutoReminder(ctx, n.ID, i, now)
			if err != nil || !ok {
				return err // another node is at it
			}
		}
		if !send {
			return nil
		}
		var err error
		if unconfirmed, err = tx.UnconfirmedRecipients(ctx, n.ID); err != nil {
			return err
		}
		sent = true
		return record(ctx, rec, system, audit.NoticeRemind, n.ID, map[string]any{"kind": "auto", "index": due,
			"before_deadline": s.reminders[due].String(), "title": n.Title, "revision": n.Revision, "reminded": len(unconfirmed)})
	})
	if err != nil || !sent {
		return err
	}
	s.send(ctx, userIDs(unconfirmed), event(n, protocol.NoticeEventReminder))
	s.alert(n, protocol.NoticeEventReminder, userIDs(unconfirmed))
	return nil
}

// escalate tells the department heads of the unconfirmed, once.
func (s *Service) escalate(ctx context.Context, v *orgView, n store.Notice, now time.Time) error {
	var groups map[int64][]int64
	var headless []int64
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		ok, err := tx.ClaimEscalation(ctx, n.ID, now)
		if err != nil || !ok {
			return err
		}
		unconfirmed, err := tx.UnconfirmedRecipients(ctx, n.ID)
		if err != nil {
			return err
		}
		groups, headless = v.byHead(unconfirmed)
		es := make([]store.NoticeEscalation, 0, len(groups))
		for head, people := range groups {
			slices.Sort(people)
			es = append(es, store.NoticeEscalation{NoticeID: n.ID, HeadID: head, UserIDs: people, CreatedAt: now})
		}
		slices.SortFunc(es, func(a, b store.NoticeEscalation) int { return cmp.Compare(a.HeadID, b.HeadID) })
		if len(es) > 0 {
			if err := tx.AddNoticeEscalations(ctx, es); err != nil {
				return err
			}
		}
		return record(ctx, rec, system, audit.NoticeEscalate, n.ID, map[string]any{"title": n.Title, "revision": n.Revision,
			"unconfirmed": len(unconfirmed), "heads": len(es), "without_head": len(headless)})
	})
	if err != nil {
		return err
	}
	heads := make([]int64, 0, len(groups))
	for h := range groups {
		heads = append(heads, h)
	}
	slices.Sort(heads)
	s.send(ctx, heads, event(n, protocol.NoticeEventEscalation))
	s.alert(n, protocol.NoticeEventEscalation, heads)
	return nil
}
