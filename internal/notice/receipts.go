package notice

import (
	"context"
	"errors"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// recipientView is look for the receipt operations: only recipients have a receipt;
// anyone else is told not_found.
// (Two queries: confirmations come in bursts, and a recipient's tally rights do not
// matter here.)
func (s *Service) recipientView(ctx context.Context, p auth.Principal, id int64, rev int) (view, error) {
	r, err := s.store.GetNoticeReceipt(ctx, id, p.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		return view{}, notFound()
	}
	if err != nil {
		return view{}, fmt.Errorf("notice: receipt of %d: %w", id, err)
	}
	n, err := s.store.GetNotice(ctx, id)
	if err != nil {
		return view{}, storeErr(err, "get %d", id)
	}
	if rev < 1 {
		return view{}, apperr.BadField("revision", "say which revision you read")
	}
	return view{n: n, receipt: r, recipient: true, author: n.AuthorID == p.User.ID}, nil
}

// Seen records that the recipient opened the given revision (the first time counts).
// stale_revision when it is not the current one. When it is news, the recipient's
// other devices and the author (live tally) are told (`receipt`).
func (s *Service) Seen(ctx context.Context, p auth.Principal, id int64, req protocol.NoticeReadRequest) (protocol.NoticeReceipt, error) {
	v, err := s.recipientView(ctx, p, id, req.Revision)
	if err != nil {
		return protocol.NoticeReceipt{}, err
	}
	r, err := s.store.MarkNoticeSeen(ctx, id, p.User.ID, req.Revision, s.now())
	if err != nil {
		return protocol.NoticeReceipt{}, storeErr(err, "seen %d by %d", id, p.User.ID)
	}
	if v.receipt.SeenRevision != req.Revision {
		s.send(ctx, []int64{p.User.ID, v.n.AuthorID}, event(v.n, protocol.NoticeEventReceipt))
	}
	return toReceipt(r), nil
}

// Confirm records 确认收到 of the current revision, with an optional short reply.
// stale_revision when the notice was revised since; notice_withdrawn when withdrawn;
// conflict when the notice does not ask for confirmation. Repeating it changes
// nothing (the first time and reply stay). A new confirmation is audited and told to
// the recipient's other devices and the author (`receipt`). unavailable once the
// service is closed.
func (s *Service) Confirm(ctx context.Context, p auth.Principal, id int64, req protocol.NoticeReadRequest) (protocol.NoticeReceipt, error) {
	v, err := s.recipientView(ctx, p, id, req.Revision)
	if err != nil {
		return protocol.NoticeReceipt{}, err
	}
	reply, err := textcheck.Field("reply", req.Reply, protocol.MaxNoticeReply, false, true)
	if err != nil {
		return protocol.NoticeReceipt{}, err
	}
	switch {
	case v.n.Status == store.NoticeWithdrawn:
		return protocol.NoticeReceipt{}, apperr.New(protocol.CodeNoticeWithdrawn, "the notice was withdrawn")
	case !v.n.NeedsConfirm:
		return protocol.NoticeReceipt{}, apperr.New(protocol.CodeConflict, "this notice does not ask for confirmation")
	case req.Revision != v.n.Revision:
		return protocol.NoticeReceipt{}, storeErr(store.ErrStaleRevision, "confirm")
	}
	fresh := v.receipt.ConfirmedRevision != req.Revision
	// The receipt and its audit entry commit together, in a transaction shared with
	// the confirmations that arrive at the same moment (see confirmer).
	r, err := s.confirms.submit(ctx, &confirmItem{user: p.User, id: id, rev: req.Revision, reply: reply, fresh: fresh})
	if err != nil {
		return protocol.NoticeReceipt{}, storeErr(err, "confirm %d by %d", id, p.User.ID)
	}
	if fresh {
		s.send(ctx, []int64{p.User.ID, v.n.AuthorID}, event(v.n, protocol.NoticeEventReceipt))
	}
	return toReceipt(r), nil
}
