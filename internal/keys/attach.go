package keys

import (
	"context"
	"fmt"

	"govchat/internal/apperr"
	"govchat/internal/store"
	"govchat/protocol"
)

// The checks that let a message, a forward or a notice carry a file. The chat and
// notice services declare what they ask (chat.Attacher, notice.Attacher); the message
// or notice and its references to the blobs are then written in one transaction.

// Attach checks a file a sender attaches to a message in a channel and returns the
// attachment the message carries, with the sizes the server holds: the blob (and its
// thumbnail) exists, the sender uploaded it and finished uploading it, and the sender
// posted their own wrapped key for the channel's context — and the escrow wrap when
// the organisation has an escrow key.
func (s *Service) Attach(ctx context.Context, senderID, channelID int64, ref protocol.AttachmentRef) (store.Attachment, error) {
	a, err := s.resolve(ctx, senderID, "attachment", ref)
	if err != nil {
		return store.Attachment{}, err
	}
	if err := s.keysPosted(ctx, senderID, ChannelContext(channelID), a.BlobID, "attachment"); err != nil {
		return store.Attachment{}, err
	}
	return a, nil
}

// Rewrapped checks that userID posted their wrapped key of a file for a channel (and
// the escrow's, when there is an escrow key): a forward to that channel re-wraps the
// file's key for its members first. field names the target in a refusal.
func (s *Service) Rewrapped(ctx context.Context, userID, channelID int64, a store.Attachment, field string) error {
	return s.keysPosted(ctx, userID, ChannelContext(channelID), a.BlobID, field)
}

// NoticeAttachments checks the files of a notice being published and returns them: each
// uploaded (and finished) by the author, at most MaxAttachmentsPer, none twice, and the
// escrow wrap for the notice context when there is an escrow key. Whether each
// recipient has a key is NoticeKeys', once the audience is resolved.
func (s *Service) NoticeAttachments(ctx context.Context, authorID int64, refs []protocol.AttachmentRef) ([]store.Attachment, error) {
	if len(refs) > protocol.MaxAttachmentsPer {
		return nil, apperr.BadField("attachments", "at most %d attachments", protocol.MaxAttachmentsPer)
	}
	out := make([]store.Attachment, 0, len(refs))
	seen := map[string]bool{}
	for i, ref := range refs {
		field := fmt.Sprintf("attachments[%d]", i)
		a, err := s.resolve(ctx, authorID, field, ref)
		if err != nil {
			return nil, err
		}
		if seen[a.BlobID] || a.ThumbID != "" && seen[a.ThumbID] {
			return nil, apperr.BadField(field, "the same file is attached twice")
		}
		seen[a.BlobID] = true
		if a.ThumbID != "" {
			seen[a.ThumbID] = true
		}
		if err := s.keysPosted(ctx, 0, protocol.FileKeyContextNote, a.BlobID, field); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// NoticeKeys checks that every recipient who has a published key has a wrapped key of
// each attachment for the notice context, wrapped to that key. Refused otherwise
// (key_missing, naming the attachment and how many lack one): a recipient without a
// key could not open the file, and the author's client wraps for the audience it
// resolved (POST /notices/audience) before publishing. People with no key yet (never
// signed in on the web client) are not waited for.
func (s *Service) NoticeKeys(ctx context.Context, atts []store.Attachment, recipients []int64) error {
	for i, a := range atts {
		n, err := s.store.CountLackingFileKeys(ctx, a.BlobID, protocol.FileKeyContextNote, recipients)
		if err != nil {
			return fmt.Errorf("keys: recipients' keys of %s: %w", a.BlobID, err)
		}
		if n > 0 {
			e := apperr.New(protocol.CodeKeyMissing, "%d recipients have no wrapped key of this file for the notice; post them first", n)
			e.Field = fmt.Sprintf("attachments[%d]", i)
			return e
		}
	}
	return nil
}

// CollectionFile checks a file a recipient puts in a collection answer and returns it
// with the sizes the server holds: their own upload (or keep, one the answer already
// carries — a department colleague's file left in place), finished, at most maxSize
// bytes (0: no limit beyond the upload's), with the file key wrapped for the
// collection's context to its author (when the author has a published key) and to the
// escrow key (when there is one). field names the value in a refusal.
func (s *Service) CollectionFile(ctx context.Context, submitterID int64, c store.Collection, ref protocol.AttachmentRef, keep map[string]store.Attachment, maxSize int64, field string) (store.Attachment, error) {
	var a store.Attachment
	if k, ok := keep[ref.BlobID]; ok && k.Commitment == ref.Commitment && k.ThumbID == ref.ThumbID {
		a = k
	} else {
		var err error
		if a, err = s.resolve(ctx, submitterID, field, ref); err != nil {
			return store.Attachment{}, err
		}
	}
	if maxSize > 0 && a.Size > maxSize {
		e := apperr.New(protocol.CodeFileTooLarge, "the file is larger than this field allows (%d bytes)", maxSize)
		e.Field = field
		return store.Attachment{}, e
	}
	keyCtx := CollectionContext(c.ID)
	n, err := s.store.CountLackingFileKeys(ctx, a.BlobID, keyCtx, []int64{c.AuthorID})
	if err != nil {
		return store.Attachment{}, fmt.Errorf("keys: author's key of %s: %w", a.BlobID, err)
	}
	if n > 0 {
		e := apperr.New(protocol.CodeKeyMissing, "wrap the file's key to the collection's author for %s first (POST /api/v1/files/{id}/keys)", keyCtx)
		e.Field = field
		return store.Attachment{}, e
	}
	if err := s.keysPosted(ctx, 0, keyCtx, a.BlobID, field); err != nil {
		return store.Attachment{}, err
	}
	return a, nil
}

// resolve checks an attachment userID names and returns it with its sizes.
func (s *Service) resolve(ctx context.Context, userID int64, field string, ref protocol.AttachmentRef) (store.Attachment, error) {
	if err := checkRef(field, ref); err != nil {
		return store.Attachment{}, err
	}
	ids := []string{ref.BlobID}
	if ref.ThumbID != "" {
		ids = append(ids, ref.ThumbID)
	}
	states, err := s.store.BlobStates(ctx, ids)
	if err != nil {
		return store.Attachment{}, fmt.Errorf("keys: attach %s: %w", ref.BlobID, err)
	}
	for i, id := range ids {
		f := field + ".blob_id"
		if i == 1 {
			f = field + ".thumb_blob_id"
		}
		st, ok := states[id]
		var e *apperr.Error
		switch {
		case !ok:
			e = apperr.New(protocol.CodeNotFound, "no such file (it was never uploaded, or was removed)")
		case st.UploaderID != userID:
			e = apperr.New(protocol.CodeBlobNotYours, "you did not upload this file; forward the message that carries it instead")
		case !st.Complete:
			e = apperr.New(protocol.CodeUploadIncomplete, "the upload is not finished")
		}
		if e != nil {
			e.Field = f
			return store.Attachment{}, e
		}
	}
	a := store.Attachment{BlobID: ref.BlobID, Size: states[ref.BlobID].Size, Commitment: ref.Commitment, ThumbID: ref.ThumbID}
	if ref.ThumbID != "" {
		a.ThumbSize = states[ref.ThumbID].Size
	}
	return a, nil
}

// keysPosted checks that blobID has a wrapped key for keyContext for userID (0: only the
// escrow's is asked for) and, when the organisation has an escrow key, one wrapped to it.
func (s *Service) keysPosted(ctx context.Context, userID int64, keyContext, blobID, field string) error {
	escrow, hasEscrow, err := s.escrowKey(ctx)
	if err != nil {
		return err
	}
	if userID == 0 && !hasEscrow {
		return nil
	}
	held, err := s.store.FileKeyIDs(ctx, blobID, keyContext, []int64{userID, 0})
	if err != nil {
		return fmt.Errorf("keys: keys of %s: %w", blobID, err)
	}
	var e *apperr.Error
	switch _, own := held[userID]; {
	case userID != 0 && !own:
		e = apperr.New(protocol.CodeKeyMissing, "post your wrapped key of the file for %s first (POST /api/v1/files/{id}/keys)", keyContext)
	case hasEscrow && held[0] != escrow.KeyID:
		e = apperr.New(protocol.CodeKeyMissing, "post the escrow wrap of the file for %s first (key id %s)", keyContext, escrow.KeyID)
	}
	if e != nil {
		e.Field = field
		return e
	}
	return nil
}
