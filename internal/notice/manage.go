package notice

import (
	"context"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Revise adds a revision by the author: title and body checked as at publication, a
// change note required; priority and deadline kept unless given (ClearDeadline removes
// the deadline; a new deadline must be in the future). Everybody must confirm again:
// confirmations of earlier revisions stay on record as of their revision. Each
// recipient is told (`revised`). notice_withdrawn after a withdrawal.
func (s *Service) Revise(ctx context.Context, p auth.Principal, id int64, req protocol.ReviseNoticeRequest) (protocol.Notice, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.Notice{}, err
	}
	now := s.now()
	title, body, err := checkTitleBody(req.Title, req.Body)
	if err != nil {
		return protocol.Notice{}, err
	}
	note, err := textcheck.Field("change_note", req.ChangeNote, protocol.MaxNoticeChangeNote, true, true)
	if err != nil {
		return protocol.Notice{}, err
	}
	priority, err := checkPriority(req.Priority, v.n.Priority)
	if err != nil {
		return protocol.Notice{}, err
	}
	deadline := v.n.Deadline
	switch {
	case req.ClearDeadline && req.Deadline != nil:
		return protocol.Notice{}, apperr.BadField("deadline", "give a deadline or clear it, not both")
	case req.ClearDeadline:
		deadline = time.Time{}
	case req.Deadline != nil:
		if deadline, err = checkDeadline(req.Deadline, now); err != nil {
			return protocol.Notice{}, err
		}
	}
	if v.n.Status == store.NoticeWithdrawn {
		return protocol.Notice{}, apperr.New(protocol.CodeNoticeWithdrawn, "the notice was withdrawn")
	}
	finding, err := s.checkDLP(ctx, p.User.ID, title, body, v.n.Secrecy, req.DLPAck)
	if err != nil {
		return protocol.Notice{}, err
	}
	var n store.Notice
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		rev := store.NoticeRevision{NoticeID: id, Title: title, Body: body, ChangeNote: note, AuthorID: p.User.ID, CreatedAt: now}
		var err error
		if n, err = tx.ReviseNotice(ctx, &rev, priority, deadline); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.NoticeRevise, id, map[string]any{"title": title, "revision": n.Revision,
			"priority": priority, "deadline_changed": !deadline.Equal(v.n.Deadline)})
	})
	if err != nil {
		return protocol.Notice{}, storeErr(err, "revise %d", id)
	}
	s.sentDLP(ctx, finding, "revise", id)
	s.tellRecipients(ctx, n, protocol.NoticeEventRevised)
	v.n = n
	return readerView(v), nil
}

// Withdraw withdraws a notice with a required reason every recipient sees; it takes no
// more confirmations or revisions. Each recipient is told (`withdrawn`).
// notice_withdrawn when already withdrawn.
func (s *Service) Withdraw(ctx context.Context, p auth.Principal, id int64, req protocol.WithdrawNoticeRequest) (protocol.Notice, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.Notice{}, err
	}
	reason, err := textcheck.Field("reason", req.Reason, protocol.MaxNoticeReason, true, true)
	if err != nil {
		return protocol.Notice{}, err
	}
	var n store.Notice
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		var err error
		if n, err = tx.WithdrawNotice(ctx, id, reason, s.now()); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.NoticeWithdraw, id, map[string]any{"title": n.Title, "revision": n.Revision})
	})
	if err != nil {
		return protocol.Notice{}, storeErr(err, "withdraw %d", id)
	}
	s.tellRecipients(ctx, n, protocol.NoticeEventWithdrawn)
	v.n = n
	return readerView(v), nil
}

// tellRecipients sends an event to every recipient of n.
func (s *Service) tellRecipients(ctx context.Context, n store.Notice, name string) {
	rows, err := s.store.ListNoticeReceipts(ctx, n.ID)
	if err != nil {
		// Committed already; the recipients see the change when they next look.
		s.log.Warn("notice event not sent: recipients unavailable", "notice_id", n.ID, "event", name, "err", err)
		return
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.UserID
	}
	s.send(ctx, ids, event(n, name))
	s.alert(n, name, ids)
}
