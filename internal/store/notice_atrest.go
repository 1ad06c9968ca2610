package store

import (
	"context"
	"database/sql"
	"fmt"

	"govchat/internal/atrest"
)

// Notices at rest: a notice's title, body and change note (on the notice and every
// revision) and its recipients' replies are sealed under the data key of the
// notice's bucket, (secrecy, UTC period of created_at), which never changes.

// pendingOpen is one stored field waiting to be opened into *dst.
type pendingOpen struct {
	dst *string
	key sql.NullInt64
	aad string
}

// openPending opens every field, reading the keys they need in one query at most.
// Call it with no rows open, once the slices dst points into are final.
func (s *DB) openPending(ctx context.Context, ps []pendingOpen) error {
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, keyIDs(sealed{p.key, *p.dst})...)
	}
	keys, err := s.openKeys(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range ps {
		pt, err := openField(keys, sealed{p.key, *p.dst}, p.aad)
		if err != nil {
			return err
		}
		*p.dst = pt
	}
	return nil
}

// noticeOpens are the sealed fields of a notice as scanned.
func noticeOpens(ps []pendingOpen, n *Notice, key sql.NullInt64) []pendingOpen {
	return append(ps,
		pendingOpen{&n.Title, key, atrest.NoticeAAD(n.ID, n.Revision, "title")},
		pendingOpen{&n.Body, key, atrest.NoticeAAD(n.ID, n.Revision, "body")},
		pendingOpen{&n.ChangeNote, key, atrest.NoticeAAD(n.ID, n.Revision, "change_note")})
}

// revisionOpens are the sealed fields of a stored revision.
func revisionOpens(ps []pendingOpen, r *NoticeRevision, key sql.NullInt64) []pendingOpen {
	return append(ps,
		pendingOpen{&r.Title, key, atrest.RevisionAAD(r.NoticeID, r.Revision, "title")},
		pendingOpen{&r.Body, key, atrest.RevisionAAD(r.NoticeID, r.Revision, "body")},
		pendingOpen{&r.ChangeNote, key, atrest.RevisionAAD(r.NoticeID, r.Revision, "change_note")})
}

// replyOpens is a receipt's sealed reply.
func replyOpens(ps []pendingOpen, r *NoticeRecipient, key sql.NullInt64) []pendingOpen {
	return append(ps, pendingOpen{&r.Reply, key, atrest.ReplyAAD(r.NoticeID, r.UserID)})
}

// noticeBucketKey returns the data key of a notice's bucket. ErrNotFound when there
// is no such notice.
func (s *DB) noticeBucketKey(ctx context.Context, noticeID int64) (*keyEntry, error) {
	var level int
	var created int64
	if err := s.queryRow(ctx, `SELECT secrecy, created_at FROM notices WHERE id = ?`, noticeID).Scan(&level, &created); err != nil {
		return nil, s.fail(err, "notice %d", noticeID)
	}
	b := atrest.BucketOf(level, fromMillis(created))
	keys, err := s.sealKeys(ctx, []atrest.Bucket{b})
	if err != nil {
		return nil, fmt.Errorf("store: notice %d: %w", noticeID, err)
	}
	return keys[b], nil
}

// sealNoticeText seals title, body and change note with aad(field) under k.
func sealNoticeText(k *atrest.DataKey, aad func(field string) string, title, body, note string) (t, b, n string, err error) {
	if t, err = k.Seal(title, aad("title")); err != nil {
		return
	}
	if b, err = k.Seal(body, aad("body")); err != nil {
		return
	}
	n, err = k.Seal(note, aad("change_note"))
	return
}
