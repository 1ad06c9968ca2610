package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Submit writes the caller's unit's answer, replacing an earlier one: checked against
// the form (bad_request naming the value), its files resolved (the caller's own
// finished uploads, or ones the answer already carries, wrapped to the author),
// refused once closed (collection_closed) or past the deadline (past_deadline, unless
// the answer was returned for correction). The author and the unit's recipients (a
// signup's: the whole audience) are told (`submitted`).
func (s *Service) Submit(ctx context.Context, p auth.Principal, id int64, req protocol.SubmitRequest) (protocol.Submission, error) {
	v, err := s.look(ctx, p, id)
	if err != nil {
		return protocol.Submission{}, err
	}
	if !v.recipient {
		return protocol.Submission{}, apperr.New(protocol.CodeForbidden, "only the people asked answer a collection")
	}
	size := 0
	for k, raw := range req.Values {
		size += len(k) + len(raw)
	}
	if size > protocol.MaxSubmissionBytes {
		return protocol.Submission{}, apperr.New(protocol.CodeTooLarge, "an answer is at most %d bytes", protocol.MaxSubmissionBytes)
	}
	fields, err := fieldsOf(v.c)
	if err != nil {
		return protocol.Submission{}, err
	}
	values, files, err := checkValues(v.c.Kind, fields, req.Values)
	if err != nil {
		return protocol.Submission{}, err
	}
	now := s.now().Truncate(time.Millisecond)
	old, err := s.store.GetSubmission(ctx, id, v.r.Unit)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return protocol.Submission{}, fmt.Errorf("collect: answer to %d: %w", id, err)
	}
	if err := open(v.c, old, now); err != nil {
		return protocol.Submission{}, err
	}
	blobs, err := s.resolveFiles(ctx, p.User.ID, v.c, old, files, values)
	if err != nil {
		return protocol.Submission{}, err
	}
	answer, err := json.Marshal(values)
	if err != nil {
		return protocol.Submission{}, fmt.Errorf("collect: encode answer: %w", err)
	}
	if len(answer) > protocol.MaxSubmissionBytes {
		return protocol.Submission{}, apperr.New(protocol.CodeTooLarge, "an answer is at most %d bytes", protocol.MaxSubmissionBytes)
	}
	sub := store.Submission{CollectionID: id, Unit: v.r.Unit, UserID: p.User.ID, DepartmentID: v.r.DepartmentID,
		AnswerJSON: string(answer), UpdatedAt: now}
	var first bool
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		c, err := tx.LockCollection(ctx, id)
		if err != nil {
			return err
		}
		cur, err := tx.GetSubmission(ctx, id, v.r.Unit)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := open(c, cur, now); err != nil {
			return err
		}
		if first, err = tx.SaveSubmission(ctx, &sub, blobs); err != nil {
			return err
		}
		action, auditAction := protocol.CollectionEdited, audit.CollectionEdit
		if first {
			action, auditAction = protocol.CollectionSubmitted, audit.CollectionSubmit
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: id, At: now, Action: action, ActorID: p.User.ID,
			Unit: sub.Unit, UserID: p.User.ID, DepartmentID: sub.DepartmentID, Revision: sub.Revision}}); err != nil {
			return err
		}
		return record(ctx, rec, p.User, auditAction, id, map[string]any{"revision": sub.Revision, "files": len(blobs),
			"department": sub.DepartmentID, "per": c.Per, "was_returned": cur.State == store.SubmissionReturned})
	})
	if err != nil {
		return protocol.Submission{}, storeErr(err, "answer %d", id)
	}
	s.send(ctx, s.concerned(ctx, v.c, sub.Unit), v.c, protocol.CollectionEventSubmitted, p.User.ID)
	return s.toSubmission(ctx, nil, sub)
}

// open refuses an answer to a closed collection, or after its deadline unless the
// unit's answer was returned for correction.
func open(c store.Collection, cur store.Submission, now time.Time) error {
	if c.Status == store.CollectionClosed {
		return apperr.New(protocol.CodeCollectionClosed, "the collection was closed")
	}
	if !c.Deadline.IsZero() && !now.Before(c.Deadline) && cur.State != store.SubmissionReturned {
		return apperr.New(protocol.CodePastDeadline, "the deadline has passed")
	}
	return nil
}

// resolveFiles checks each file value and puts the attachment in its place; the blobs
// (files and thumbnails) are returned for the answer's references.
func (s *Service) resolveFiles(ctx context.Context, userID int64, c store.Collection, old store.Submission, files []fileRef, values map[string]any) ([]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if s.opt.Files == nil {
		return nil, apperr.BadField(files[0].field, "this server takes no files")
	}
	keep, err := answerFiles(old)
	if err != nil {
		return nil, err
	}
	var blobs []string
	seen := map[string]bool{}
	for _, f := range files {
		a, err := s.opt.Files.CollectionFile(ctx, userID, c, f.ref, keep, f.maxSize, f.field)
		if err != nil {
			return nil, err
		}
		if seen[a.BlobID] {
			return nil, apperr.BadField(f.field, "the same file is in two fields")
		}
		seen[a.BlobID] = true
		values[f.key] = protocol.Attachment{BlobID: a.BlobID, Size: a.Size, Commitment: a.Commitment, ThumbID: a.ThumbID, ThumbSize: a.ThumbSize}
		blobs = append(blobs, a.BlobID)
		if a.ThumbID != "" {
			blobs = append(blobs, a.ThumbID)
		}
	}
	return blobs, nil
}

// answerFiles are the files an answer carries, by blob id.
func answerFiles(sub store.Submission) (map[string]store.Attachment, error) {
	if sub.AnswerJSON == "" {
		return nil, nil
	}
	var vals map[string]json.RawMessage
	if err := json.Unmarshal([]byte(sub.AnswerJSON), &vals); err != nil {
		return nil, fmt.Errorf("collect: stored answer: %w", err)
	}
	out := map[string]store.Attachment{}
	for _, raw := range vals {
		var a store.Attachment
		if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &a) == nil && a.BlobID != "" {
			out[a.BlobID] = a
		}
	}
	return out, nil
}

// concerned are who hear of a change to a unit's answer: the author and the unit's
// recipients (a signup's: everybody asked, who all see the lines).
func (s *Service) concerned(ctx context.Context, c store.Collection, u store.Unit) []int64 {
	users := []int64{c.AuthorID}
	if u.Dept == 0 && c.Kind != protocol.CollectionSignup {
		return append(users, u.User)
	}
	rs, err := s.store.ListCollectionRecipients(ctx, c.ID)
	if err != nil {
		s.log.Warn("collection frame: recipients", "collection", c.ID, "err", err)
		return users
	}
	for _, r := range rs {
		if c.Kind == protocol.CollectionSignup || r.Unit == u {
			users = append(users, r.UserID)
		}
	}
	return users
}

// Return sends a unit's answer back for correction (退回修改) with a note: the unit may
// answer again, after the deadline too. user names anyone of the unit. The author
// only; collection_closed when closed; not_found when that person is not asked or
// their unit has not answered; conflict when it is returned already.
func (s *Service) Return(ctx context.Context, p auth.Principal, id, userID int64, req protocol.ReturnSubmissionRequest) (protocol.Submission, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.Submission{}, err
	}
	note, err := textcheck.Field("note", req.Note, protocol.MaxReturnNote, true, true)
	if err != nil {
		return protocol.Submission{}, err
	}
	if v.c.Status == store.CollectionClosed {
		return protocol.Submission{}, apperr.New(protocol.CodeCollectionClosed, "the collection was closed")
	}
	r, err := s.store.GetCollectionRecipient(ctx, id, userID)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Submission{}, apperr.New(protocol.CodeNotFound, "that person is not asked by this collection")
	}
	if err != nil {
		return protocol.Submission{}, fmt.Errorf("collect: recipient of %d: %w", id, err)
	}
	now := s.now().Truncate(time.Millisecond)
	var sub store.Submission
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		c, err := tx.LockCollection(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == store.CollectionClosed {
			return apperr.New(protocol.CodeCollectionClosed, "the collection was closed")
		}
		if sub, err = tx.ReturnSubmission(ctx, id, r.Unit, note, now); err != nil {
			switch {
			case errors.Is(err, store.ErrNotFound):
				return apperr.New(protocol.CodeNotFound, "that answer has not been submitted")
			case errors.Is(err, store.ErrConflict):
				return apperr.New(protocol.CodeConflict, "that answer was returned already")
			}
			return err
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: id, At: now, Action: protocol.CollectionReturned,
			ActorID: p.User.ID, Unit: r.Unit, UserID: sub.UserID, DepartmentID: sub.DepartmentID, Revision: sub.Revision, Note: note}}); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.CollectionReturn, id, map[string]any{"user": sub.UserID, "department": sub.DepartmentID,
			"revision": sub.Revision})
	})
	if err != nil {
		return protocol.Submission{}, storeErr(err, "return an answer to %d", id)
	}
	s.send(ctx, s.concerned(ctx, v.c, r.Unit), v.c, protocol.CollectionEventReturned, sub.UserID)
	return s.toSubmission(ctx, nil, sub)
}

// Close ends a collection: no more answers, returns or reminders. The author only;
// collection_closed when closed already. Everyone asked is told (`closed`).
func (s *Service) Close(ctx context.Context, p auth.Principal, id int64) (protocol.Collection, error) {
	v, err := s.manage(ctx, p, id)
	if err != nil {
		return protocol.Collection{}, err
	}
	now := s.now().Truncate(time.Millisecond)
	var c store.Collection
	err = s.inTx(ctx, func(tx Tx, rec *audit.Recorder) error {
		var err error
		if c, err = tx.CloseCollection(ctx, id, now); err != nil {
			return err
		}
		if err := tx.AddCollectionEvents(ctx, []store.CollectionEvent{{CollectionID: id, At: now, Action: protocol.CollectionClosedAct,
			ActorID: p.User.ID}}); err != nil {
			return err
		}
		return record(ctx, rec, p.User, audit.CollectionClose, id, map[string]any{"title": c.Title, "units": c.Units,
			"submitted": c.Submitted, "returned": c.Returned})
	})
	if err != nil {
		return protocol.Collection{}, storeErr(err, "close %d", id)
	}
	rs, err := s.store.ListCollectionRecipients(ctx, id)
	if err == nil {
		s.send(ctx, append(userIDs(rs), c.AuthorID), c, protocol.CollectionEventClosed, 0)
	}
	v.c = c
	return s.wire(ctx, p, v)
}
