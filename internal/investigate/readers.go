package investigate

import (
	"cmp"
	"context"
	"slices"
	"time"

	"govchat/internal/store"
	"govchat/protocol"
)

// NoticeReaders is who notice id reached and how far each got, from its receipts.
func (s *Service) NoticeReaders(ctx context.Context, actor store.User, id int64) (protocol.NoticeReaders, error) {
	n, err := s.store.GetNotice(ctx, id)
	if err != nil {
		return protocol.NoticeReaders{}, notFound(err, "notice")
	}
	rs, err := s.store.ListNoticeReceipts(ctx, id)
	if err != nil {
		return protocol.NoticeReaders{}, err
	}
	ids := []int64{n.AuthorID}
	for _, r := range rs {
		ids = append(ids, r.UserID)
	}
	ps, err := s.loadPeople(ctx, ids)
	if err != nil {
		return protocol.NoticeReaders{}, err
	}
	out := protocol.NoticeReaders{NoticeID: n.ID, Author: ps.person(n.AuthorID, ""), Level: n.Secrecy, Readers: []protocol.NoticeReader{}}
	for _, r := range rs {
		out.Readers = append(out.Readers, protocol.NoticeReader{
			User: ps.person(r.UserID, ""), Department: ps.dept(r.DepartmentID),
			DeliveredAt: when(r.DeliveredAt), ReadAt: when(r.SeenAt), ConfirmedAt: when(r.ConfirmedAt),
		})
	}
	slices.SortStableFunc(out.Readers, func(a, b protocol.NoticeReader) int {
		da, db := int64(0), int64(0)
		if a.Department != nil {
			da = a.Department.ID
		}
		if b.Department != nil {
			db = b.Department.ID
		}
		return cmp.Or(cmp.Compare(da, db), cmp.Compare(a.User.Name, b.User.Name), cmp.Compare(a.User.ID, b.User.ID))
	})
	if err := s.read(ctx, actor, "notice", idString(id), map[string]any{"investigation": "notice_readers", "readers": len(out.Readers)}); err != nil {
		return protocol.NoticeReaders{}, err
	}
	return out, nil
}

// when is t, or nil for the zero time.
func when(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
