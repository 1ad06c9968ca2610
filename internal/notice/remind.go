package notice

import (
	"context"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// Remind is the author's "remind the unconfirmed": a `reminder` event to exactly the
// recipients who have not confirmed the current revision. At most once per
// Options.RemindInterval (an automatic reminder counts), across all nodes: sooner is
// rate_limited with retry_after. notice_withdrawn for a withdrawn notice; conflict for
// one that does not ask for confirmation.
func (s *Service) Remind(ctx context.Context, p auth.Principal, id int64) (protocol.RemindResult, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.RemindResult{}, err
	}
	switch {
	case v.n.Status == store.NoticeWithdrawn:
		return protocol.RemindResult{}, apperr.New(protocol.CodeNoticeWithdrawn, "the notice was withdrawn")
	case !v.n.NeedsConfirm:
		return protocol.RemindResult{}, apperr.New(protocol.CodeConflict, "this notice does not ask for confirmation")
	}
	now := s.now()
	claimed := false
	var unconfirmed []store.NoticeRecipient
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		var err error
		// The store claims when the last reminder is strictly before notBefore; the
		// store keeps milliseconds, so a reminder exactly one interval ago qualifies,
		// as NextRemindAt promised.
		notBefore := now.Add(-s.opt.RemindInterval + time.Millisecond)
		if claimed, err = tx.ClaimNoticeReminder(ctx, id, notBefore, now); err != nil || !claimed {
			return err
		}
		if unconfirmed, err = tx.UnconfirmedRecipients(ctx, id); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.NoticeRemind, id, map[string]any{"kind": "manual", "title": v.n.Title,
			"revision": v.n.Revision, "reminded": len(unconfirmed)})
	})
	if err != nil {
		return protocol.RemindResult{}, storeErr(err, "remind %d", id)
	}
	if !claimed {
		return protocol.RemindResult{}, s.tooSoon(ctx, id, now)
	}
	s.send(ctx, userIDs(unconfirmed), event(v.n, protocol.NoticeEventReminder))
	s.alert(v.n, protocol.NoticeEventReminder, userIDs(unconfirmed))
	return protocol.RemindResult{Reminded: len(unconfirmed), NextRemindAt: now.Add(s.opt.RemindInterval)}, nil
}

// tooSoon is rate_limited with the seconds until the next reminder is allowed.
func (s *Service) tooSoon(ctx context.Context, id int64, now time.Time) error {
	e := apperr.New(protocol.CodeRateLimited, "the unconfirmed were reminded recently; try again later")
	e.RetryAfter = s.opt.RemindInterval
	if n, err := s.store.GetNotice(ctx, id); err == nil && !n.RemindedAt.IsZero() {
		e.RetryAfter = n.RemindedAt.Add(s.opt.RemindInterval).Sub(now)
	}
	if e.RetryAfter < time.Second { // the wire rounds up (apperr.RetryAfterSeconds)
		e.RetryAfter = time.Second
	}
	return e
}

func userIDs(rs []store.NoticeRecipient) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.UserID
	}
	return ids
}
