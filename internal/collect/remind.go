package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/protocol"
)

// Remind is the author's "remind those who have not answered": a `reminder` to exactly
// the recipients whose unit has not answered or was returned, at most once per
// Options.RemindInterval (an automatic reminder counts) across all nodes — sooner is
// rate_limited with retry_after. collection_closed when closed.
func (s *Service) Remind(ctx context.Context, p auth.Principal, id int64) (protocol.RemindResult, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.RemindResult{}, err
	}
	if v.c.Status == store.CollectionClosed {
		return protocol.RemindResult{}, apperr.New(protocol.CodeCollectionClosed, "the collection was closed")
	}
	now := s.now()
	claimed := false
	var pending []store.CollectionRecipient
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		var err error
		// As notices: the store claims when the last reminder is strictly before
		// notBefore, and keeps milliseconds.
		notBefore := now.Add(-s.opt.RemindInterval + time.Millisecond)
		if claimed, err = tx.ClaimCollectionReminder(ctx, id, notBefore, now); err != nil || !claimed {
			return err
		}
		if pending, err = tx.PendingCollectionRecipients(ctx, id); err != nil {
			return err
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: id, At: now, Action: protocol.CollectionReminded,
			ActorID: p.User.ID, People: len(pending)}}); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.CollectionRemind, id, map[string]any{"kind": "manual", "title": v.c.Title, "reminded": len(pending)})
	})
	if err != nil {
		return protocol.RemindResult{}, storeErr(err, "remind %d", id)
	}
	if !claimed {
		return protocol.RemindResult{}, s.tooSoon(ctx, id, now)
	}
	s.send(ctx, userIDs(pending), v.c, protocol.CollectionEventReminder, 0)
	return protocol.RemindResult{Reminded: len(pending), NextRemindAt: now.Add(s.opt.RemindInterval)}, nil
}

// tooSoon is rate_limited with the time until the next reminder is allowed.
func (s *Service) tooSoon(ctx context.Context, id int64, now time.Time) error {
	e := apperr.New(protocol.CodeRateLimited, "those who have not answered were reminded recently; try again later")
	e.RetryAfter = s.opt.RemindInterval
	if c, err := s.store.GetCollection(ctx, id); err == nil && !c.RemindedAt.IsZero() {
		e.RetryAfter = c.RemindedAt.Add(s.opt.RemindInterval).Sub(now)
	}
	if e.RetryAfter < time.Second {
		e.RetryAfter = time.Second
	}
	return e
}

// RunScheduler runs Tick every interval until ctx is done (notice.RunEvery). Every
// node may run it: each reminder and escalation is claimed in the store.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration) {
	notice.RunEvery(ctx, every, s.log, "collection scheduler", s.Tick)
}

// Tick is one scheduler pass over the open collections with a deadline, as the notice
// scheduler's: before the deadline the automatic reminders (Options.AutoReminders
// before it; only the latest of several due; none whose moment came before
// publication) go to those who have not answered, each once; at the deadline each of
// them is named to their department heads (`escalation`), once.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now()
	horizon := now.Add(time.Second)
	if len(s.reminders) > 0 {
		horizon = horizon.Add(s.reminders[0])
	}
	due, err := s.store.DueCollections(ctx, horizon)
	if err != nil {
		return fmt.Errorf("collect: due collections: %w", err)
	}
	var org *notice.Org
	var errs []error
	for _, c := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if now.Before(c.Deadline) {
			if err := s.autoRemind(ctx, c, now); err != nil {
				errs = append(errs, fmt.Errorf("collect: reminder of %d: %w", c.ID, err))
			}
			continue
		}
		if org == nil {
			if org, err = s.audiences.LoadOrg(ctx); err != nil {
				return err
			}
		}
		if err := s.escalate(ctx, org, c, now); err != nil {
			errs = append(errs, fmt.Errorf("collect: escalation of %d: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) autoRemind(ctx context.Context, c store.Collection, now time.Time) error {
	due := notice.DueReminder(s.reminders, c.Deadline, now)
	if due < c.AutoReminders {
		return nil
	}
	send := c.Deadline.Add(-s.reminders[due]).After(c.CreatedAt)
	var pending []store.CollectionRecipient
	sent := false
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		for i := c.AutoReminders; i <= due; i++ {
			ok, err := tx.ClaimCollectionAutoReminder(ctx, c.ID, i, now)
			if err != nil || !ok {
				return err
			}
		}
		if !send {
			return nil
		}
		var err error
		if pending, err = tx.PendingCollectionRecipients(ctx, c.ID); err != nil {
			return err
		}
		sent = true
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: c.ID, At: now, Action: protocol.CollectionReminded,
			People: len(pending)}}); err != nil {
			return err
		}
		return record(ctx, rec, system, audit.CollectionRemind, c.ID, map[string]any{"kind": "auto", "index": due,
			"before_deadline": s.reminders[due].String(), "title": c.Title, "reminded": len(pending)})
	})
	if err != nil || !sent {
		return err
	}
	s.send(ctx, userIDs(pending), c, protocol.CollectionEventReminder, 0)
	return nil
}

// escalate names those who have not answered to their department heads, once.
func (s *Service) escalate(ctx context.Context, org *notice.Org, c store.Collection, now time.Time) error {
	var heads []int64
	err := s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		ok, err := tx.ClaimCollectionEscalation(ctx, c.ID, now)
		if err != nil || !ok {
			return err
		}
		pending, err := tx.PendingCollectionRecipients(ctx, c.ID)
		if err != nil {
			return err
		}
		people := make([]notice.Recipient, len(pending))
		for i, r := range pending {
			people[i] = notice.Recipient{UserID: r.UserID, DepartmentID: r.DepartmentID}
		}
		groups, headless := org.ByHead(people)
		es := make([]store.CollectionEscalation, 0, len(groups))
		for head, ids := range groups {
			slices.Sort(ids)
			es = append(es, store.CollectionEscalation{CollectionID: c.ID, HeadID: head, UserIDs: ids, CreatedAt: now})
			heads = append(heads, head)
		}
		slices.SortFunc(es, func(a, b store.CollectionEscalation) int { return cmp.Compare(a.HeadID, b.HeadID) })
		slices.Sort(heads)
		if err := tx.AddCollectionEscalations(ctx, es); err != nil {
			return err
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: c.ID, At: now, Action: protocol.CollectionEscalated,
			People: len(pending)}}); err != nil {
			return err
		}
		return record(ctx, rec, system, audit.CollectionEscalate, c.ID, map[string]any{"title": c.Title, "pending": len(pending),
			"heads": len(es), "without_head": len(headless)})
	})
	if err != nil {
		return err
	}
	s.send(ctx, heads, c, protocol.CollectionEventEscalation, 0)
	return nil
}
