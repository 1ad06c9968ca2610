package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"govchat/internal/apperr"
	"govchat/internal/keys"
	"govchat/protocol"
)

// Keys of end-to-end encrypted files (PROTOCOL.md §4.16, §4.17) and the channel's file
// list (群文件, §4.9). internal/keys decides; these read the request and answer.

const (
	// maxKeyLookup bounds GET /keys?users=: a large channel's members at once.
	maxKeyLookup = 1000
	// maxFileKeysBody bounds POST /files/{id}/keys: protocol.MaxFileKeysPerPost keys
	// of about 300 bytes each, with room to spare.
	maxFileKeysBody = 512 << 10
)

// getMyKey answers the caller's key pair; not_found before the first.
func (a *API) getMyKey(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.keys.MyKey(r.Context(), me(r))
	return http.StatusOK, out, err
}

// putMyKey stores the caller's key pair (first, re-wrapped or new).
func (a *API) putMyKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.PutMyKeyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.PutMyKey(r.Context(), principalFrom(r.Context()).User, req)
	return http.StatusOK, out, err
}

// userKeys publishes the public keys of ?users=1,2,3 to any signed-in user.
func (a *API) userKeys(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	ids, err := queryIDs(r, "users", maxKeyLookup)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.UserKeys(r.Context(), ids)
	return http.StatusOK, out, err
}

// queryIDs reads a comma-separated list of positive ids, 1..max of them.
func queryIDs(r *http.Request, name string, max int) ([]int64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return nil, apperr.BadField(name, "list the ids, comma-separated")
	}
	parts := strings.Split(raw, ",")
	if len(parts) > max {
		return nil, apperr.BadField(name, "at most %d at once", max)
	}
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.BadField(name, "%q is not an id", p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// channelKeys answers a member every member's public key.
func (a *API) channelKeys(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.ChannelKeys(r.Context(), me(r), id)
	return http.StatusOK, out, err
}

// noticeAudienceKeys answers the public keys of the people an audience reaches now, so
// the author's browser can wrap a notice attachment's keys to each before publishing.
func (a *API) noticeAudienceKeys(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.NoticeAudienceRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	users, err := a.notices.AudienceRecipients(r.Context(), principalFrom(r.Context()), req)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.UserKeys(r.Context(), users)
	return http.StatusOK, out, err
}

// escrowKey answers the organisation's escrow key; not_found when there is none.
func (a *API) escrowKey(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.keys.EscrowKey(r.Context())
	return http.StatusOK, out, err
}

// setEscrowKey sets the escrow key (escrow.manage: the security officer).
func (a *API) setEscrowKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.SetEscrowKeyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.SetEscrowKey(r.Context(), principalFrom(r.Context()).User, req)
	return http.StatusOK, out, err
}

// escrowOpen answers a file's escrow wrap (escrow.open: the security officer).
func (a *API) escrowOpen(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.EscrowOpenRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.EscrowOpen(r.Context(), principalFrom(r.Context()).User, r.PathValue("id"), req)
	return http.StatusOK, out, err
}

// postFileKeys stores wrapped keys of a blob.
func (a *API) postFileKeys(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req protocol.PostFileKeysRequest
	if err := decodeJSONMax(w, r, &req, maxFileKeysBody); err != nil {
		return 0, nil, err
	}
	err := a.keys.PostFileKeys(r.Context(), principalFrom(r.Context()).User, r.PathValue("id"), req)
	return http.StatusNoContent, nil, err
}

// requestFileKey passes a member's request for a file's key on to the channel (202):
// whoever answers posts the key with POST /files/{id}/keys.
func (a *API) requestFileKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.FileKeyRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	passed, err := a.keys.RequestFileKey(r.Context(), principalFrom(r.Context()).User, r.PathValue("id"), req)
	return http.StatusAccepted, protocol.FileKeyRequestResult{PassedOn: passed}, err
}

// myFileKeys answers the caller's own wrapped keys of ?blobs=a,b.
func (a *API) myFileKeys(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	raw := r.URL.Query().Get("blobs")
	if raw == "" {
		return 0, nil, apperr.BadField("blobs", "list the blob ids, comma-separated")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > protocol.MaxFileKeyLookup {
		return 0, nil, apperr.BadField("blobs", "at most %d blobs at once", protocol.MaxFileKeyLookup)
	}
	for _, id := range ids {
		if !keys.ValidBlobID(id) {
			return 0, nil, apperr.BadField("blobs", "a blob id is %d lowercase hex digits", protocol.BlobIDLen)
		}
	}
	out, err := a.keys.MyFileKeys(r.Context(), me(r), ids)
	return http.StatusOK, out, err
}

// channelFiles answers the channel's files (群文件), newest first.
func (a *API) channelFiles(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return 0, nil, err
	}
	before, err := queryInt(r, "before", 0, 1, 1<<62)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.keys.ChannelFiles(r.Context(), me(r), id, int64(before), limit)
	return http.StatusOK, out, err
}
