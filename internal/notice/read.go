package notice

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// ListQuery asks for a page of the user's notices. Box: received (default), pending
// (待确认: active, needing confirmation, current revision not confirmed) or sent.
// ChannelID: only notices pinned in that channel. BeforeID pages back; Limit 1..200
// (0: 50).
type ListQuery struct {
	Box       string
	ChannelID int64
	BeforeID  int64
	Limit     int
}

// Most notices in one page.
const (
	defaultPage = 50
	maxPage     = 200 // the store's most too
)

// readerView is a notice as v's user sees it.
func readerView(v view) protocol.Notice {
	out := toWire(v.n)
	if v.recipient {
		r := toReceipt(v.receipt)
		out.Receipt = &r
		out.Pending = pending(v.n, v.receipt)
	}
	out.CanTally, out.CanManage = v.tally, v.author
	return out
}

// Get returns a notice to someone who may see it (not_found to everyone else).
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (protocol.Notice, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Notice{}, err
	}
	out := readerView(v)
	if v.n.Priority == protocol.NoticeUrgent {
		bt, err := s.store.BrokeThrough(ctx, v.n.AuthorID, v.n.ID)
		if err != nil {
			return protocol.Notice{}, fmt.Errorf("notice: break-through of %d: %w", id, err)
		}
		out.Breakthrough = bt
	}
	return out, nil
}

// Revisions lists a notice's revisions, oldest first, to those who may see it.
func (s *Service) Revisions(ctx context.Context, p auth.Principal, id int64) (protocol.NoticeRevisions, error) {
	if _, err := s.look(ctx, p, id); err != nil {
		return protocol.NoticeRevisions{}, err
	}
	revs, err := s.store.ListNoticeRevisions(ctx, id)
	if err != nil {
		return protocol.NoticeRevisions{}, storeErr(err, "revisions of %d", id)
	}
	out := protocol.NoticeRevisions{Revisions: make([]protocol.NoticeRevision, 0, len(revs))}
	for _, r := range revs {
		out.Revisions = append(out.Revisions, protocol.NoticeRevision{Revision: r.Revision, Title: r.Title, Body: r.Body,
			ChangeNote: r.ChangeNote, CreatedAt: r.CreatedAt})
	}
	return out, nil
}

// List pages through the user's notices, newest first. The first page of box=pending
// also carries the user's escalations as a department head: notices past their
// deadline with the people of theirs who have still not confirmed (an escalation whose
// people have all confirmed since is left out).
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (protocol.Notices, error) {
	box := store.NoticeBox(q.Box)
	switch box {
	case "":
		box = store.BoxReceived
	case store.BoxReceived, store.BoxPending, store.BoxSent:
	default:
		return protocol.Notices{}, apperr.BadField("box", "box must be received, pending or sent")
	}
	switch {
	case q.Limit == 0:
		q.Limit = defaultPage
	case q.Limit < 0 || q.Limit > maxPage:
		return protocol.Notices{}, apperr.BadField("limit", "limit must be from 1 to %d", maxPage)
	}
	if q.BeforeID < 0 || q.ChannelID < 0 {
		return protocol.Notices{}, apperr.BadField("before", "ids are not negative")
	}
	// One more than asked tells whether there is more; at the store's maximum, a second
	// look for one older notice does.
	sq := store.NoticeQuery{UserID: p.User.ID, Box: box, ChannelID: q.ChannelID, BeforeID: q.BeforeID, Limit: min(q.Limit+1, maxPage)}
	ns, err := s.store.ListNotices(ctx, sq)
	if err != nil {
		return protocol.Notices{}, fmt.Errorf("notice: list %s of %d: %w", box, p.User.ID, err)
	}
	out := protocol.Notices{Notices: make([]protocol.Notice, 0, min(len(ns), q.Limit))}
	if len(ns) > q.Limit {
		out.HasMore, ns = true, ns[:q.Limit]
	} else if len(ns) == maxPage {
		sq.BeforeID, sq.Limit = ns[len(ns)-1].ID, 1
		more, err := s.store.ListNotices(ctx, sq)
		if err != nil {
			return protocol.Notices{}, fmt.Errorf("notice: list %s of %d: %w", box, p.User.ID, err)
		}
		out.HasMore = len(more) > 0
	}
	tv, err := s.tallyViewer(ctx, p)
	if err != nil {
		return protocol.Notices{}, err
	}
	confirmed, err := s.confirmedCounts(ctx, p.User.ID, ns)
	if err != nil {
		return protocol.Notices{}, err
	}
	for _, un := range ns {
		v := view{n: un.Notice, receipt: un.Receipt, recipient: un.HasReceipt, author: un.AuthorID == p.User.ID}
		if v.tally, err = tv.canTally(ctx, s, un.Notice); err != nil {
			return protocol.Notices{}, err
		}
		w := readerView(v)
		if v.author {
			c := confirmed[un.ID]
			w.Confirmed = &c
		}
		out.Notices = append(out.Notices, w)
	}
	if box == store.BoxPending && q.BeforeID == 0 {
		if out.Escalations, err = s.escalations(ctx, p.User.ID); err != nil {
			return protocol.Notices{}, err
		}
	}
	return out, nil
}

// escalations lists a head's escalations with the people still unconfirmed now.
func (s *Service) escalations(ctx context.Context, headID int64) ([]protocol.NoticeEscalation, error) {
	es, err := s.store.ListNoticeEscalations(ctx, headID)
	if err != nil {
		return nil, fmt.Errorf("notice: escalations of %d: %w", headID, err)
	}
	var out []protocol.NoticeEscalation
	for _, e := range es {
		n, err := s.store.GetNotice(ctx, e.NoticeID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("notice: escalated notice %d: %w", e.NoticeID, err)
		}
		un, err := s.store.UnconfirmedRecipients(ctx, e.NoticeID)
		if err != nil {
			return nil, fmt.Errorf("notice: unconfirmed of %d: %w", e.NoticeID, err)
		}
		still := map[int64]bool{}
		for _, r := range un {
			still[r.UserID] = true
		}
		esc := protocol.NoticeEscalation{NoticeID: n.ID, Title: n.Title, Deadline: n.Deadline, CreatedAt: e.CreatedAt, People: []protocol.NoticeUser{}}
		ids := slices.Clone(e.UserIDs)
		slices.Sort(ids)
		for _, uid := range ids {
			if !still[uid] {
				continue
			}
			u, err := s.store.GetUser(ctx, uid)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("notice: user %d: %w", uid, err)
			}
			esc.People = append(esc.People, protocol.NoticeUser{UserID: uid, DisplayName: u.DisplayName, Username: u.Username})
		}
		if len(esc.People) > 0 {
			out = append(out, esc)
		}
	}
	return out, nil
}

// confirmedCounts counts the confirmations of the notices of a page that the reader
// wrote ("3/5 已确认"), with one indexed query for the page; none when they wrote none.
func (s *Service) confirmedCounts(ctx context.Context, reader int64, ns []store.UserNotice) (map[int64]int, error) {
	var ids []int64
	for _, n := range ns {
		if n.AuthorID == reader {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := s.store.CountNoticesConfirmed(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("notice: confirmations of %d notices: %w", len(ids), err)
	}
	return out, nil
}
