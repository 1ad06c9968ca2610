// Package keys is the server side of the keys of end-to-end encrypted files
// (protocol/E2E.md; PROTOCOL.md §4.16, §4.17): people's key pairs, whose public halves
// it publishes and whose private halves it keeps wrapped by a key only their password
// yields; the organisation's escrow key; the file keys wrapped to each recipient; and
// the checks that let a message, a forward or a notice carry a file (attach.go). Every
// key it holds is public or wrapped: it can open nothing.
//
// The rules:
//
//   - A person stores and reads only their own key pair. A new public key is announced
//     (a key frame) to every channel they are in, so colleagues' clients fetch it and
//     flag the change; the same public key re-wrapped (a password change) is not.
//   - Public keys are published to every signed-in user; a channel's members' keys to
//     its members.
//   - Only the security officer (escrow.manage, escrow.open) sets the escrow key or
//     fetches a file's escrow wrap, the latter with a case number and a reason.
//   - A blob's wrapped keys are posted by its uploader, or by someone who may read it
//     (a forward re-wraps the key for the target's members, a member re-shares with a
//     late joiner); for a channel's context only to its members, each to their current
//     key; for notices only by the uploader. Each posting, key change and escrow open is
//     in the audit trail.
package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/authz"
	"govchat/internal/busevent"
	"govchat/internal/store"
	"govchat/internal/textcheck"
	"govchat/protocol"
)

// Tx is the part of the store the service changes inside a transaction.
type Tx interface {
	PutUserKey(ctx context.Context, k store.UserKey) (store.UserKey, bool, error)
	SetKeyLocked(ctx context.Context, userID int64, locked bool) error
	SetEscrowKey(ctx context.Context, k *store.EscrowKey) error
	PutFileKeys(ctx context.Context, keys []store.FileKey, replaceAny bool) (int, error)
	audit.Appender
}

// Store is what the service reads, and its transactions (store.Narrow makes one).
type Store interface {
	GetUserKey(ctx context.Context, userID int64) (store.UserKey, error)
	ListUserKeys(ctx context.Context, userIDs []int64) ([]store.UserKey, error)
	ListChannelKeys(ctx context.Context, channelID int64) ([]store.UserKey, error)
	UserChannelIDs(ctx context.Context, userID int64) ([]int64, error)
	GetEscrowKey(ctx context.Context) (store.EscrowKey, error)
	GetRecoveryKey(ctx context.Context) (store.EscrowKey, error)
	FileKeyIDs(ctx context.Context, blobID, keyContext string, userIDs []int64) (map[int64]string, error)
	ListMyFileKeys(ctx context.Context, userID int64, blobIDs []string) ([]store.FileKey, error)
	ListEscrowWraps(ctx context.Context, blobID string) ([]store.FileKey, error)
	CountLackingFileKeys(ctx context.Context, blobID, keyContext string, userIDs []int64) (int, error)
	BlobStates(ctx context.Context, ids []string) (map[string]store.BlobState, error)
	CanReadBlob(ctx context.Context, userID int64, blobID string) (bool, error)
	ListBlobRefs(ctx context.Context, blobID string) ([]store.BlobRef, error)
	ChannelFileMessages(ctx context.Context, channelID, beforeSeq int64, limit int) ([]store.Message, bool, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	ListMembers(ctx context.Context, channelID int64) ([]store.ChannelMember, error)
	GetMessage(ctx context.Context, channelID, seq int64) (store.Message, error)
	GetNotice(ctx context.Context, id int64) (store.Notice, error)
	GetCollection(ctx context.Context, id int64) (store.Collection, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service runs keys.
type Service struct {
	store    Store
	pub      *busevent.Publisher
	audit    *audit.Recorder
	log      *slog.Logger
	now      func() time.Time
	requests RequestLimits
	// recovered is told when a locked key pair is stored again with the same public key
	// (a recovery completed); nil: nobody is.
	recovered func(ctx context.Context, u store.User, keyID string)
}

// OnRecovered sets who is told that a locked key pair was stored again with the same
// public key (recovery.Service.Completed).
func (s *Service) OnRecovered(f func(ctx context.Context, u store.User, keyID string)) {
	s.recovered = f
}

// New returns a Service that announces key changes and key requests on b, records to
// rec and bounds key requests by lim.
func New(st Store, b busevent.Bus, rec *audit.Recorder, log *slog.Logger, now func() time.Time, lim RequestLimits) *Service {
	return &Service{store: st, pub: busevent.NewPublisher(b, log), audit: rec, log: log, now: now, requests: lim}
}

func toUserKey(k store.UserKey) protocol.UserKey {
	return protocol.UserKey{UserID: k.UserID, KeyID: k.KeyID, PublicKey: k.PublicKey, CreatedAt: k.CreatedAt}
}

func toMyKey(k store.UserKey) protocol.MyKey {
	return protocol.MyKey{UserKey: toUserKey(k), Wrapped: k.WrappedPrivate, Salt: k.KDFSalt, Iterations: k.KDFIterations,
		RecoveryWrap: k.RecoveryWrap, RecoveryKeyID: k.RecoveryKeyID}
}

func toFileKey(k store.FileKey) protocol.FileKey {
	return protocol.FileKey{BlobID: k.BlobID, Context: k.Context, UserID: k.UserID, KeyID: k.KeyID, Wrapped: k.Wrapped, WrappedBy: k.WrappedBy}
}

func toEscrowKey(k store.EscrowKey) protocol.EscrowKey {
	return protocol.EscrowKey{KeyID: k.KeyID, PublicKey: k.PublicKey, SetBy: k.SetBy, CreatedAt: k.CreatedAt}
}

// ToAttachment is an attachment as clients see it.
func ToAttachment(a store.Attachment) protocol.Attachment {
	return protocol.Attachment{BlobID: a.BlobID, Size: a.Size, Commitment: a.Commitment, ThumbID: a.ThumbID, ThumbSize: a.ThumbSize}
}

func notMember(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(protocol.CodeNotMember, "you are not a member of this channel")
	}
	return err
}

// record appends an event inside tx (nil: outside a transaction). The caller fails
// with its error: an action the trail did not get is not done.
func (s *Service) record(ctx context.Context, tx audit.Appender, actor store.User, action, targetType, targetID string, outcome string, detail map[string]any) error {
	rec := s.audit
	if tx != nil {
		rec = rec.In(tx)
	}
	return rec.Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Username, Action: action, TargetType: targetType,
		TargetID: targetID, Outcome: outcome, Detail: detail})
}

// MyKey answers GET /me/key: the caller's key pair, not_found before the first.
func (s *Service) MyKey(ctx context.Context, userID int64) (protocol.MyKey, error) {
	k, err := s.store.GetUserKey(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.MyKey{}, apperr.New(protocol.CodeNotFound, "you have no key pair yet; make one and PUT it")
	}
	if err != nil {
		return protocol.MyKey{}, fmt.Errorf("keys: key of user %d: %w", userID, err)
	}
	return toMyKey(k), nil
}

// PutMyKey stores the caller's key pair: the first (key.created), the same public key
// wrapped anew (key.rewrapped) or a new one (key.changed). A new public key is
// announced to the channels the caller is in once it is stored.
func (s *Service) PutMyKey(ctx context.Context, actor store.User, req protocol.PutMyKeyRequest) (protocol.MyKey, error) {
	k, err := checkPutMyKey(actor.ID, req)
	if err != nil {
		return protocol.MyKey{}, err
	}
	if k.RecoveryKeyID != "" {
		cur, err := s.store.GetRecoveryKey(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return protocol.MyKey{}, fmt.Errorf("keys: recovery key: %w", err)
		}
		if err != nil || cur.KeyID != k.RecoveryKeyID {
			return protocol.MyKey{}, apperr.BadField("recovery_key_id", "recovery_key_id is not the current account-recovery key")
		}
	}
	k.UpdatedAt = s.now()
	action := ""
	sameKey := false
	err = s.store.InTx(ctx, func(tx Tx) error {
		prev, had, err := tx.PutUserKey(ctx, k)
		if err != nil {
			return err
		}
		sameKey = had && prev.KeyID == k.KeyID
		if actor.KeyLocked {
			// A wrap made after the reset: recovered (same key) or replaced (new key).
			if err := tx.SetKeyLocked(ctx, actor.ID, false); err != nil {
				return err
			}
		}
		detail := map[string]any{"key_id": k.KeyID, "kdf_iterations": k.KDFIterations}
		switch {
		case !had:
			action = audit.KeyCreated
		case prev.KeyID == k.KeyID:
			action = audit.KeyRewrapped
		default:
			action = audit.KeyChanged
			detail["previous_key_id"] = prev.KeyID
		}
		return s.record(ctx, tx, actor, action, "user", strconv.FormatInt(actor.ID, 10), audit.OK, detail)
	})
	if err != nil {
		return protocol.MyKey{}, fmt.Errorf("keys: put key of user %d: %w", actor.ID, err)
	}
	if action != audit.KeyRewrapped {
		s.announce(ctx, actor.ID, k.KeyID)
	}
	if actor.KeyLocked && sameKey && s.recovered != nil {
		s.recovered(ctx, actor, k.KeyID)
	}
	stored, err := s.store.GetUserKey(ctx, actor.ID)
	if err != nil {
		return protocol.MyKey{}, fmt.Errorf("keys: key of user %d: %w", actor.ID, err)
	}
	return toMyKey(stored), nil
}

// announce tells the channels userID is in, and userID's own connections, that they
// have a new public key. One frame per channel, not per colleague: a person in a
// 1,000-member department channel costs one publish there.
func (s *Service) announce(ctx context.Context, userID int64, keyID string) {
	ev := protocol.KeyEvent{UserID: userID, KeyID: keyID}
	channels, err := s.store.UserChannelIDs(ctx, userID)
	if err != nil {
		// Stored already; clients catch up when they next fetch keys.
		s.log.Warn("new key not announced", "user_id", userID, "err", err)
	}
	for _, ch := range channels {
		s.pub.ToChannel(ctx, ch, 0, protocol.TypeKey, ev)
	}
	s.pub.ToUsers(ctx, []int64{userID}, protocol.TypeKey, ev)
}

// UserKeys answers GET /keys?users=…: the keys of those who have one.
func (s *Service) UserKeys(ctx context.Context, userIDs []int64) (protocol.UserKeys, error) {
	ks, err := s.store.ListUserKeys(ctx, userIDs)
	if err != nil {
		return protocol.UserKeys{}, fmt.Errorf("keys: list user keys: %w", err)
	}
	out := protocol.UserKeys{Keys: make([]protocol.UserKey, len(ks))}
	for i, k := range ks {
		out.Keys[i] = toUserKey(k)
	}
	return out, nil
}

// ChannelKeys answers GET /channels/{id}/keys: every member's key, for members only.
func (s *Service) ChannelKeys(ctx context.Context, userID, channelID int64) (protocol.UserKeys, error) {
	if _, err := s.store.GetMember(ctx, channelID, userID); err != nil {
		return protocol.UserKeys{}, notMember(err)
	}
	ks, err := s.store.ListChannelKeys(ctx, channelID)
	if err != nil {
		return protocol.UserKeys{}, fmt.Errorf("keys: keys of channel %d: %w", channelID, err)
	}
	out := protocol.UserKeys{Keys: make([]protocol.UserKey, len(ks))}
	for i, k := range ks {
		out.Keys[i] = toUserKey(k)
	}
	return out, nil
}

// escrowKey is the current escrow key, or ok false when none is set.
func (s *Service) escrowKey(ctx context.Context) (store.EscrowKey, bool, error) {
	k, err := s.store.GetEscrowKey(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return store.EscrowKey{}, false, nil
	}
	if err != nil {
		return store.EscrowKey{}, false, fmt.Errorf("keys: escrow key: %w", err)
	}
	return k, true, nil
}

// EscrowKey answers GET /keys/escrow: not_found when none is set (then no escrow wrap
// is made).
func (s *Service) EscrowKey(ctx context.Context) (protocol.EscrowKey, error) {
	k, ok, err := s.escrowKey(ctx)
	if err != nil {
		return protocol.EscrowKey{}, err
	}
	if !ok {
		return protocol.EscrowKey{}, apperr.New(protocol.CodeNotFound, "the organisation has no escrow key")
	}
	return toEscrowKey(k), nil
}

// SetEscrowKey sets the organisation's escrow key (security officer only).
func (s *Service) SetEscrowKey(ctx context.Context, actor store.User, req protocol.SetEscrowKeyRequest) (protocol.EscrowKey, error) {
	if !authz.Can(actor.Role, authz.ManageEscrow) {
		return protocol.EscrowKey{}, apperr.New(protocol.CodeForbidden, "only the security officer sets the escrow key")
	}
	_, keyID, err := checkPublicKey("public_key", req.PublicKey)
	if err != nil {
		return protocol.EscrowKey{}, err
	}
	k := store.EscrowKey{KeyID: keyID, PublicKey: req.PublicKey, SetBy: actor.ID, CreatedAt: s.now()}
	prev, had, err := s.escrowKey(ctx)
	if err != nil {
		return protocol.EscrowKey{}, err
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetEscrowKey(ctx, &k); err != nil {
			return err
		}
		detail := map[string]any{"key_id": k.KeyID}
		if had {
			detail["previous_key_id"] = prev.KeyID
		}
		return s.record(ctx, tx, actor, audit.EscrowKeySet, "escrow_key", k.KeyID, audit.OK, detail)
	})
	if err != nil {
		return protocol.EscrowKey{}, fmt.Errorf("keys: set escrow key: %w", err)
	}
	return toEscrowKey(k), nil
}

// EscrowOpen answers the security officer's POST /files/{id}/escrow-open: the blob's
// escrow wrap, the attachment it travels in and the channels it was sent to, once the
// open is in the trail with its case number and reason. The blob must exist and have
// been sent; a thumbnail's answer is its picture's wrap (it holds both keys).
func (s *Service) EscrowOpen(ctx context.Context, actor store.User, blobID string, req protocol.EscrowOpenRequest) (protocol.EscrowOpen, error) {
	if !authz.Can(actor.Role, authz.OpenEscrow) {
		return protocol.EscrowOpen{}, apperr.New(protocol.CodeForbidden, "only the security officer opens escrowed files")
	}
	caseNo, err := textcheck.Field("case_number", req.CaseNumber, maxCaseNumber, true, false)
	if err != nil {
		return protocol.EscrowOpen{}, err
	}
	reason, err := textcheck.Field("reason", req.Reason, maxReason, true, true)
	if err != nil {
		return protocol.EscrowOpen{}, err
	}
	noFile := apperr.New(protocol.CodeNotFound, "no such file, or it was never sent")
	if !ValidBlobID(blobID) {
		return protocol.EscrowOpen{}, noFile
	}
	states, err := s.store.BlobStates(ctx, []string{blobID})
	if err != nil {
		return protocol.EscrowOpen{}, fmt.Errorf("keys: escrow open %s: %w", blobID, err)
	}
	st, ok := states[blobID]
	if !ok || st.AttachedAt.IsZero() {
		return protocol.EscrowOpen{}, noFile
	}
	refs, err := s.store.ListBlobRefs(ctx, blobID)
	if err != nil {
		return protocol.EscrowOpen{}, fmt.Errorf("keys: escrow open %s: %w", blobID, err)
	}
	att := s.carrier(ctx, blobID, refs)
	if att.BlobID == "" {
		att = store.Attachment{BlobID: blobID, Size: st.Size}
	}
	channels := []int64{}
	for _, r := range refs {
		if r.ChannelID > 0 && !containsID(channels, r.ChannelID) {
			channels = append(channels, r.ChannelID)
		}
	}
	wraps, err := s.store.ListEscrowWraps(ctx, att.BlobID)
	if err != nil {
		return protocol.EscrowOpen{}, fmt.Errorf("keys: escrow open %s: %w", blobID, err)
	}
	current, _, err := s.escrowKey(ctx)
	if err != nil {
		return protocol.EscrowOpen{}, err
	}
	detail := map[string]any{"case_number": caseNo, "reason": reason, "blob_id": blobID, "channels": channels}
	if len(wraps) == 0 {
		// An officer's attempt is part of the investigation's record, even when it fails.
		if err := s.record(ctx, nil, actor, audit.FileEscrowOpen, "blob", blobID, audit.Failed, detail); err != nil {
			return protocol.EscrowOpen{}, err
		}
		return protocol.EscrowOpen{}, apperr.New(protocol.CodeKeyMissing, "the file has no escrow wrap (sent before an escrow key was set)")
	}
	wrap := wraps[0]
	for _, w := range wraps {
		if w.KeyID == current.KeyID {
			wrap = w
			break
		}
	}
	detail["key_id"] = wrap.KeyID
	if err := s.record(ctx, nil, actor, audit.FileEscrowOpen, "blob", blobID, audit.OK, detail); err != nil {
		return protocol.EscrowOpen{}, err
	}
	return protocol.EscrowOpen{Key: toFileKey(wrap), Attachment: ToAttachment(att), Channels: channels}, nil
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// carrier is the attachment that carries blobID (as its file or its thumbnail) in the
// first message or notice that still refers to it; zero when none does.
func (s *Service) carrier(ctx context.Context, blobID string, refs []store.BlobRef) store.Attachment {
	for _, r := range refs {
		var atts []store.Attachment
		switch {
		case r.ChannelID > 0:
			m, err := s.store.GetMessage(ctx, r.ChannelID, r.Seq)
			if err != nil {
				continue
			}
			if m.Attachment != nil {
				atts = append(atts, *m.Attachment)
			}
			if m.Forward != nil {
				for _, it := range m.Forward.Items {
					if it.Attachment != nil {
						atts = append(atts, *it.Attachment)
					}
				}
			}
		case r.NoticeID > 0:
			n, err := s.store.GetNotice(ctx, r.NoticeID)
			if err != nil {
				continue
			}
			atts = n.Attachments
		}
		for _, a := range atts {
			if a.BlobID == blobID || a.ThumbID == blobID {
				return a
			}
		}
	}
	return store.Attachment{}
}

// PostFileKeys stores wrapped keys of a blob (POST /files/{id}/keys). The uploader may
// post for any context; anyone else who may read the blob only for a channel (a
// forward's re-wrap, a late member). For a channel the poster must be a member and
// every recipient a member with a published key, each key wrapped to that key; the
// escrow's (user 0) to the current escrow key. A reader's key never replaces a key the
// uploader or another person wrapped to the recipient's current key.
func (s *Service) PostFileKeys(ctx context.Context, actor store.User, blobID string, req protocol.PostFileKeysRequest) error {
	noFile := apperr.New(protocol.CodeNotFound, "no such file")
	if !ValidBlobID(blobID) {
		return noFile
	}
	keys, channelID, err := checkPostFileKeys(blobID, req)
	if err != nil {
		return err
	}
	states, err := s.store.BlobStates(ctx, []string{blobID})
	if err != nil {
		return fmt.Errorf("keys: post keys of %s: %w", blobID, err)
	}
	st, ok := states[blobID]
	if !ok {
		return noFile
	}
	uploader := st.UploaderID == actor.ID
	if !uploader {
		readable, err := s.store.CanReadBlob(ctx, actor.ID, blobID)
		if err != nil {
			return fmt.Errorf("keys: post keys of %s: %w", blobID, err)
		}
		if !readable {
			return noFile // whether it exists is not told to those who may not read it
		}
	}
	var members map[int64]bool
	if collectionID, ok := parseCollectionContext(req.Context); ok {
		// A collection answer's file: the submitter (its uploader) wraps it to the
		// collection's author, to themself and to the escrow key, nobody else.
		if !uploader {
			e := apperr.New(protocol.CodeBlobNotYours, "only the uploader shares a file with a collection's author")
			e.Field = "context"
			return e
		}
		c, err := s.store.GetCollection(ctx, collectionID)
		if errors.Is(err, store.ErrNotFound) {
			return fieldOf(apperr.New(protocol.CodeNotFound, "no such collection"), "context")
		}
		if err != nil {
			return fmt.Errorf("keys: collection %d: %w", collectionID, err)
		}
		members = map[int64]bool{c.AuthorID: true, actor.ID: true}
	} else if channelID == 0 {
		if !uploader {
			e := apperr.New(protocol.CodeBlobNotYours, "only the uploader shares a file with a notice's recipients")
			e.Field = "context"
			return e
		}
	} else {
		if _, err := s.store.GetMember(ctx, channelID, actor.ID); err != nil {
			return fieldOf(notMember(err), "context")
		}
		ms, err := s.store.ListMembers(ctx, channelID)
		if err != nil {
			return fmt.Errorf("keys: members of channel %d: %w", channelID, err)
		}
		members = make(map[int64]bool, len(ms))
		for _, m := range ms {
			members[m.UserID] = true
		}
	}
	if err := s.checkRecipients(ctx, keys, channelID, members); err != nil {
		return err
	}
	for i := range keys {
		keys[i].WrappedBy = actor.ID
		keys[i].CreatedAt = s.now()
	}
	escrow := false
	for _, k := range keys {
		escrow = escrow || k.UserID == 0
	}
	// A file already sent, shared with a few more members (an answer to key requests):
	// they are told, and so are members about to answer the same request.
	var shared []int64
	if channelID != 0 && !st.AttachedAt.IsZero() {
		if shared, err = s.newlyKeyed(ctx, blobID, req.Context, keys); err != nil {
			return err
		}
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		written, err := tx.PutFileKeys(ctx, keys, uploader)
		if err != nil {
			return fmt.Errorf("keys: post keys of %s: %w", blobID, err)
		}
		return s.record(ctx, tx, actor, audit.FileKeysPosted, "blob", blobID, audit.OK, map[string]any{
			"context": req.Context, "count": len(keys), "written": written, "escrow": escrow, "uploader": uploader})
	})
	if err == nil && len(shared) > 0 {
		s.pub.ToChannel(ctx, channelID, 0, protocol.TypeKeyShared, protocol.KeySharedEvent{BlobID: blobID, Context: req.Context, UserIDs: shared})
	}
	return err
}

// checkRecipients checks each key's recipient: a member of the channel (for a channel's
// context) with a published key the key was wrapped to, or the escrow with the current
// escrow key.
func (s *Service) checkRecipients(ctx context.Context, keys []store.FileKey, channelID int64, members map[int64]bool) error {
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		if k.UserID != 0 {
			ids = append(ids, k.UserID)
		}
	}
	published := map[int64]string{}
	if len(ids) > 0 {
		ks, err := s.store.ListUserKeys(ctx, ids)
		if err != nil {
			return fmt.Errorf("keys: recipients' keys: %w", err)
		}
		for _, k := range ks {
			published[k.UserID] = k.KeyID
		}
	}
	for i, k := range keys {
		field := fmt.Sprintf("keys[%d]", i)
		if k.UserID == 0 {
			escrow, ok, err := s.escrowKey(ctx)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.BadField(field, "the organisation has no escrow key; post no key for user 0")
			}
			if k.KeyID != escrow.KeyID {
				return apperr.BadField(field, "key_id is not the current escrow key's (%s)", escrow.KeyID)
			}
			continue
		}
		if members != nil && !members[k.UserID] {
			if channelID == 0 {
				return apperr.BadField(field, "a collection's files are wrapped only to its author and the submitter, not to user %d", k.UserID)
			}
			return apperr.BadField(field, "user %d is not a member of channel %d", k.UserID, channelID)
		}
		current, ok := published[k.UserID]
		if !ok {
			return apperr.BadField(field, "user %d has no published key", k.UserID)
		}
		if k.KeyID != current {
			return apperr.BadField(field, "key_id is not user %d's current key (%s)", k.UserID, current)
		}
	}
	return nil
}

// fieldOf names the request field a refusal is about.
func fieldOf(err error, field string) error {
	var e *apperr.Error
	if errors.As(err, &e) {
		e.Field = field
	}
	return err
}

// MyFileKeys answers GET /file-keys?blobs=…: the caller's own wrapped keys of those
// blobs they may read, every context.
func (s *Service) MyFileKeys(ctx context.Context, userID int64, blobIDs []string) (protocol.FileKeys, error) {
	ks, err := s.store.ListMyFileKeys(ctx, userID, blobIDs)
	if err != nil {
		return protocol.FileKeys{}, fmt.Errorf("keys: file keys of user %d: %w", userID, err)
	}
	out := protocol.FileKeys{Keys: make([]protocol.FileKey, len(ks))}
	for i, k := range ks {
		out.Keys[i] = toFileKey(k)
	}
	return out, nil
}

// ChannelFiles answers GET /channels/{id}/files (群文件): the files of the channel's
// messages below beforeSeq (0: from the newest), newest first, for members only. limit
// counts messages: a merged record's files come together, never split across pages.
func (s *Service) ChannelFiles(ctx context.Context, userID, channelID, beforeSeq int64, limit int) (protocol.ChannelFiles, error) {
	if _, err := s.store.GetMember(ctx, channelID, userID); err != nil {
		return protocol.ChannelFiles{}, notMember(err)
	}
	ms, more, err := s.store.ChannelFileMessages(ctx, channelID, beforeSeq, limit)
	if err != nil {
		return protocol.ChannelFiles{}, fmt.Errorf("keys: files of channel %d: %w", channelID, err)
	}
	out := protocol.ChannelFiles{Files: []protocol.ChannelFile{}, HasMore: more}
	for _, m := range ms {
		for _, a := range messageAttachments(m) {
			out.Files = append(out.Files, protocol.ChannelFile{Attachment: ToAttachment(a), Seq: m.Seq, SenderID: m.SenderID, CreatedAt: m.CreatedAt, Secrecy: m.Secrecy})
		}
	}
	return out, nil
}

// messageAttachments are the files a message carries: its own, else its forward's
// items' (a forwarded file carries its attachment in both), each blob once.
func messageAttachments(m store.Message) []store.Attachment {
	var out []store.Attachment
	seen := map[string]bool{}
	add := func(a *store.Attachment) {
		if a != nil && !seen[a.BlobID] {
			seen[a.BlobID] = true
			out = append(out, *a)
		}
	}
	add(m.Attachment)
	if m.Forward != nil {
		for _, it := range m.Forward.Items {
			add(it.Attachment)
		}
	}
	return out
}
