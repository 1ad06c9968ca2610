package keys

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Key requests (POST /files/{id}/key-requests, PROTOCOL.md §4.16): a member of a channel
// who may read a file sent there but holds no wrap of its key for their current key —
// they had no key pair when it was sent, joined later, or replaced a lost key — asks.
// The server checks the ask and passes it on to the channel's members (a key_request
// frame); a member whose own wrap opens the file wraps its keys to the requester and
// posts them with POST /files/{id}/keys, which checks them as any re-share. The server
// never holds a key it could give: it only says who asks.

// RequestLimits bound key requests; a nil limiter does not limit.
type RequestLimits struct {
	// PerUser counts the requests of each person (key "keyreq:<user id>").
	PerUser ratelimit.Allower
	// PerFile passes on one request per person and file every 20 s
	// (KeyRequestRepeatPerMinute; key "keyreq:<blob>:<user id>"): a requester that asks
	// again while the members are answering — another tab, another view of the same
	// file — is told yes, and the channel hears it once.
	PerFile ratelimit.Allower
}

// Defaults of RequestLimits: a person opening a channel full of files sent before they
// had a key asks for each file it shows at once.
const (
	KeyRequestsPerMinute = 30
	KeyRequestsBurst     = 30
	// KeyRequestRepeatPerMinute (with a burst of 1) is PerFile's rate: the same request
	// is passed on at most once every 20 s. Shorter than the 30 s after which the web
	// client gives up waiting and offers 重试, so that a 重试 always reaches the channel.
	KeyRequestRepeatPerMinute = 3
)

// maxAnnouncedShares bounds the people a key_shared frame names: an answer to key
// requests gives a key to one or a few; a forward's re-wrap for a whole channel is not
// announced (its members learn of the file from the forwarded message itself).
const maxAnnouncedShares = 16

// RequestFileKey checks a key request and passes it on to the channel's members.
// broadcast reports whether it was passed on now (false: the same request was passed on
// moments ago).
func (s *Service) RequestFileKey(ctx context.Context, actor store.User, blobID string, req protocol.FileKeyRequest) (broadcast bool, err error) {
	noFile := apperr.New(protocol.CodeNotFound, "no such file in this channel")
	if !ValidBlobID(blobID) {
		return false, noFile
	}
	channelID, ok := parseContext(req.Context)
	if !ok || channelID == 0 {
		return false, apperr.BadField("context", `context is "channel:<id>": only a channel's files are shared on request`)
	}
	if _, err := s.store.GetMember(ctx, channelID, actor.ID); err != nil {
		return false, fieldOf(notMember(err), "context")
	}
	readable, err := s.store.CanReadBlob(ctx, actor.ID, blobID)
	if err != nil {
		return false, fmt.Errorf("keys: key request for %s: %w", blobID, err)
	}
	if !readable {
		return false, noFile
	}
	sent, err := s.sentIn(ctx, blobID, channelID)
	if err != nil {
		return false, err
	}
	if !sent {
		return false, noFile
	}
	mine, err := s.store.GetUserKey(ctx, actor.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, apperr.New(protocol.CodeKeyMissing, "you have no key pair yet; make one (PUT /me/key) before asking for a file's key")
	}
	if err != nil {
		return false, fmt.Errorf("keys: key of user %d: %w", actor.ID, err)
	}
	held, err := s.store.FileKeyIDs(ctx, blobID, req.Context, []int64{actor.ID})
	if err != nil {
		return false, fmt.Errorf("keys: key request for %s: %w", blobID, err)
	}
	if held[actor.ID] == mine.KeyID {
		return false, apperr.New(protocol.CodeConflict, "you already hold this file's key for this channel; fetch it with GET /file-keys")
	}
	if wait, limited := s.allow(ctx, s.requests.PerUser, "keyreq:"+strconv.FormatInt(actor.ID, 10)); limited {
		e := apperr.New(protocol.CodeRateLimited, "you are asking for keys too fast; wait a moment")
		e.RetryAfter = wait
		return false, e
	}
	_, repeated := s.allow(ctx, s.requests.PerFile, "keyreq:"+blobID+":"+strconv.FormatInt(actor.ID, 10))
	broadcast = !repeated
	// A stale wrap (made to a key the person lost) is worth saying: it is the lost-key case.
	err = s.record(ctx, nil, actor, audit.FileKeyRequest, "blob", blobID, audit.OK, map[string]any{
		"context": req.Context, "key_id": mine.KeyID, "stale_key": held[actor.ID] != "", "broadcast": broadcast})
	if err != nil {
		return false, err
	}
	if broadcast {
		s.pub.ToChannel(ctx, channelID, 0, protocol.TypeKeyRequest, protocol.KeyRequestEvent{
			BlobID: blobID, Context: req.Context, UserID: actor.ID, KeyID: mine.KeyID})
	}
	return broadcast, nil
}

// allow takes a token of l for key; limited with the wait when none is left. A limiter
// that cannot be asked lets the request through, as sends and uploads do.
func (s *Service) allow(ctx context.Context, l ratelimit.Allower, key string) (wait time.Duration, limited bool) {
	if l == nil {
		return 0, false
	}
	ok, wait, err := l.Allow(ctx, key)
	if err != nil {
		s.log.Warn("key request limiter unavailable", "err", err)
		return 0, false
	}
	return wait, !ok
}

// sentIn reports whether blobID is the file (not only the thumbnail) of a message of
// channelID that still carries it: a key request is about a file of that channel, whose
// members' wraps are bound to it. Recalled messages have no references.
func (s *Service) sentIn(ctx context.Context, blobID string, channelID int64) (bool, error) {
	refs, err := s.store.ListBlobRefs(ctx, blobID)
	if err != nil {
		return false, fmt.Errorf("keys: key request for %s: %w", blobID, err)
	}
	for _, r := range refs {
		if r.ChannelID != channelID {
			continue
		}
		m, err := s.store.GetMessage(ctx, r.ChannelID, r.Seq)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("keys: key request for %s: %w", blobID, err)
		}
		for _, a := range messageAttachments(m) {
			if a.BlobID == blobID {
				return true, nil
			}
		}
	}
	return false, nil
}

// newlyKeyed are the people (not the escrow) of keys who hold no wrap of blobID in
// keyContext to their current key yet: those a re-share gives the file to.
func (s *Service) newlyKeyed(ctx context.Context, blobID, keyContext string, keys []store.FileKey) ([]int64, error) {
	var ids []int64
	for _, k := range keys {
		if k.UserID != 0 {
			ids = append(ids, k.UserID)
		}
	}
	if len(ids) == 0 || len(ids) > maxAnnouncedShares {
		return nil, nil
	}
	held, err := s.store.FileKeyIDs(ctx, blobID, keyContext, ids)
	if err != nil {
		return nil, fmt.Errorf("keys: keys held of %s: %w", blobID, err)
	}
	var out []int64
	for _, k := range keys {
		if k.UserID != 0 && held[k.UserID] != k.KeyID {
			out = append(out, k.UserID)
		}
	}
	return out, nil
}
