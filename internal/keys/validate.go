package keys

import (
	"crypto/ecdh"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"govchat/internal/apperr"
	"govchat/internal/e2e"
	"govchat/internal/store"
	"govchat/protocol"
)

// Sizes of what the server checks of keys it cannot open (E2E.md §3, §4).
const (
	publicKeyLen   = e2e.PublicKeySize
	wrappedPrivLen = 12 + e2e.PrivateKeySize + 16 // AES-GCM nonce ‖ private key ‖ tag
	saltLen        = e2e.SaltSize
	minIterations  = e2e.MinIterations
	maxIterations  = e2e.MaxIterations
	keyIDLen       = 16 // hex digits
	commitmentLen  = 32 // HMAC-SHA256
	// An HPKE wrap is enc (32) ‖ the sealed file key (32), or file and thumbnail keys
	// (64), ‖ the tag (16).
	wrapSingle = 32 + 32 + 16
	wrapDouble = protocol.WrappedKeyMaxBytes
	// Case numbers and reasons of an escrow open, in characters.
	maxCaseNumber = 64
	maxReason     = 500
)

// b64 is base64url without padding, canonical: a string decodes only if it is the one
// encoding of its bytes, so equal keys are equal strings.
var b64 = base64.RawURLEncoding.Strict()

// decodeB64 decodes field's base64url value and checks its length in bytes (any of
// sizes).
func decodeB64(field, v string, sizes ...int) ([]byte, error) {
	b, err := b64.DecodeString(v)
	if err != nil {
		return nil, apperr.BadField(field, "%s is not base64url without padding", field)
	}
	for _, n := range sizes {
		if len(b) == n {
			return b, nil
		}
	}
	return nil, apperr.BadField(field, "%s decodes to %d bytes; want %s", field, len(b), sizeList(sizes))
}

func sizeList(sizes []int) string {
	s := make([]string, len(sizes))
	for i, n := range sizes {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " or ")
}

// checkPublicKey decodes an X25519 public key and returns it with its id (E2E.md §3.3).
// The all-zero key is refused: a point of small order, which would make every wrap to
// it readable by anyone.
func checkPublicKey(field, v string) ([]byte, string, error) {
	b, err := decodeB64(field, v, publicKeyLen)
	if err != nil {
		return nil, "", err
	}
	if _, err := ecdh.X25519().NewPublicKey(b); err != nil {
		return nil, "", apperr.BadField(field, "%s is not an X25519 public key", field)
	}
	zero := true
	for _, c := range b {
		zero = zero && c == 0
	}
	if zero {
		return nil, "", apperr.BadField(field, "%s is the all-zero key", field)
	}
	id, err := e2e.KeyID(b)
	if err != nil {
		return nil, "", apperr.BadField(field, "%s is not an X25519 public key", field)
	}
	return b, id, nil
}

// checkPutMyKey checks a PUT /me/key body and returns the key to store for userID.
func checkPutMyKey(userID int64, req protocol.PutMyKeyRequest) (store.UserKey, error) {
	_, keyID, err := checkPublicKey("public_key", req.PublicKey)
	if err != nil {
		return store.UserKey{}, err
	}
	if _, err := decodeB64("wrapped_private", req.Wrapped, wrappedPrivLen); err != nil {
		return store.UserKey{}, err
	}
	if _, err := decodeB64("kdf_salt", req.Salt, saltLen); err != nil {
		return store.UserKey{}, err
	}
	if req.Iterations < minIterations || req.Iterations > maxIterations {
		return store.UserKey{}, apperr.BadField("kdf_iterations", "kdf_iterations must be from %d to %d", minIterations, maxIterations)
	}
	if (req.RecoveryWrap == "") != (req.RecoveryKeyID == "") {
		return store.UserKey{}, apperr.BadField("recovery_key_id", "recovery_wrap and recovery_key_id go together")
	}
	if req.RecoveryWrap != "" {
		if _, err := decodeB64("recovery_wrap", req.RecoveryWrap, e2e.SealedKeySize); err != nil {
			return store.UserKey{}, err
		}
		if !validKeyID(req.RecoveryKeyID) {
			return store.UserKey{}, apperr.BadField("recovery_key_id", "recovery_key_id is not a key id")
		}
	}
	return store.UserKey{UserID: userID, KeyID: keyID, PublicKey: req.PublicKey, WrappedPrivate: req.Wrapped,
		KDFSalt: req.Salt, KDFIterations: req.Iterations, RecoveryWrap: req.RecoveryWrap, RecoveryKeyID: req.RecoveryKeyID}, nil
}

// ValidBlobID reports whether id is a blob id: 32 lowercase hex digits, so it can never
// name a path or hold a character a log or URL would need to escape.
func ValidBlobID(id string) bool {
	if len(id) != protocol.BlobIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func validKeyID(id string) bool {
	if len(id) != keyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ChannelContext is the context of a channel's wrapped keys.
func ChannelContext(channelID int64) string { return "channel:" + strconv.FormatInt(channelID, 10) }

// parseContext reads a key context: "notice" (channel 0) or "channel:<id>", the id
// written as FormatInt writes it, so one channel has one context string.
func parseContext(v string) (channelID int64, ok bool) {
	if v == protocol.FileKeyContextNote {
		return 0, true
	}
	rest, found := strings.CutPrefix(v, "channel:")
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return 0, false
	}
	return id, true
}

// CollectionContext is the context of the wrapped keys of a collection answer's files.
func CollectionContext(collectionID int64) string {
	return protocol.FileKeyContextCollection + strconv.FormatInt(collectionID, 10)
}

// parseCollectionContext reads "collection:<id>", the id written as FormatInt writes it.
func parseCollectionContext(v string) (collectionID int64, ok bool) {
	rest, found := strings.CutPrefix(v, protocol.FileKeyContextCollection)
	if !found {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return 0, false
	}
	return id, true
}

// checkPostFileKeys checks the shape of a POST /files/{id}/keys body — everything that
// needs no lookup — and returns the keys to store, blob and context filled in, and the
// channel of the context (0 for notice and collection:<id>). Who may post, and for whom, is checked after.
func checkPostFileKeys(blobID string, req protocol.PostFileKeysRequest) ([]store.FileKey, int64, error) {
	channelID, ok := parseContext(req.Context)
	if _, coll := parseCollectionContext(req.Context); !ok && !coll {
		return nil, 0, apperr.BadField("context", `context is "notice", "channel:<id>" or "collection:<id>"`)
	}
	switch {
	case len(req.Keys) == 0:
		return nil, 0, apperr.BadField("keys", "post at least one wrapped key")
	case len(req.Keys) > protocol.MaxFileKeysPerPost:
		return nil, 0, apperr.BadField("keys", "at most %d keys at once; post the rest in another request", protocol.MaxFileKeysPerPost)
	}
	out := make([]store.FileKey, len(req.Keys))
	seen := make(map[int64]bool, len(req.Keys))
	for i, k := range req.Keys {
		field := fmt.Sprintf("keys[%d]", i)
		switch {
		case k.BlobID != "" && k.BlobID != blobID:
			return nil, 0, apperr.BadField(field, "blob_id is not the blob of the path")
		case k.Context != "" && k.Context != req.Context:
			return nil, 0, apperr.BadField(field, "context is not the request's")
		case k.UserID < 0:
			return nil, 0, apperr.BadField(field, "user_id is a user's id, or 0 for the escrow key")
		case seen[k.UserID]:
			return nil, 0, apperr.BadField(field, "a second key for user %d", k.UserID)
		case !validKeyID(k.KeyID):
			return nil, 0, apperr.BadField(field, "key_id is 16 lowercase hex digits")
		}
		seen[k.UserID] = true
		if _, err := decodeB64(field, k.Wrapped, wrapSingle, wrapDouble); err != nil {
			return nil, 0, err
		}
		out[i] = store.FileKey{BlobID: blobID, Context: req.Context, UserID: k.UserID, KeyID: k.KeyID, Wrapped: k.Wrapped}
	}
	return out, channelID, nil
}

// checkRef checks the shape of an attachment a sender names; field prefixes its fields
// ("attachment", "attachments[2]").
func checkRef(field string, ref protocol.AttachmentRef) error {
	if !ValidBlobID(ref.BlobID) {
		return apperr.BadField(field+".blob_id", "blob_id is %d lowercase hex digits", protocol.BlobIDLen)
	}
	if _, err := decodeB64(field+".commitment", ref.Commitment, commitmentLen); err != nil {
		return err
	}
	if ref.ThumbID != "" && (!ValidBlobID(ref.ThumbID) || ref.ThumbID == ref.BlobID) {
		return apperr.BadField(field+".thumb_blob_id", "thumb_blob_id is another blob's id, %d lowercase hex digits", protocol.BlobIDLen)
	}
	return nil
}

// CheckPublicKey checks an X25519 public key field (32 bytes base64url, not all zero)
// and returns its key id: for the organisation keys and recovery requests' one-time keys.
func CheckPublicKey(field, v string) (string, error) {
	_, id, err := checkPublicKey(field, v)
	return id, err
}

// CheckSealed checks that field holds size bytes of base64url (a wrap or a sealed key
// the server cannot open, only measure).
func CheckSealed(field, v string, size int) error {
	_, err := decodeB64(field, v, size)
	return err
}
