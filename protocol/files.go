package protocol

import "time"

// Files and pictures (附件), end-to-end encrypted. The bytes and the file key never reach
// the server in the clear: the browser encrypts a file as E2E.md says, uploads the
// ciphertext in parts, wraps the file key to each recipient's public key and sends a
// message that refers to the blob. PROTOCOL.md §4.15–4.17 describe the endpoints.

// Fixed sizes of the file format and the upload (E2E.md).
const (
	FileRecordSize     = 64 << 10     // plaintext bytes in a content record
	FileRecordOverhead = 16           // the AES-GCM tag each record adds
	FileMetaRecordSize = 4 << 10      // plaintext bytes of record 0 (the metadata)
	FileHeaderSize     = 53           // magic(4) suite(1) nonce(16) commitment(32)
	FilePartSize       = 4 << 20      // ciphertext bytes per uploaded part; the last may be shorter
	BlobIDLen          = 32           // lowercase hex of 16 random bytes
	MaxAttachmentsPer  = 10           // attachments of one notice
	MaxFileKeysPerPost = 1000         // wrapped keys in one POST /api/v1/files/{id}/keys
	MaxFileKeyLookup   = 100          // blob ids in one GET /api/v1/file-keys
	WrappedKeyMaxBytes = 32 + 64 + 16 // HPKE enc + sealed (file key ‖ thumbnail key) + tag
	FileSuiteV1        = 0x01         // AES-256-GCM, HKDF-SHA256, HPKE X25519
	FileSuiteSM        = 0x02         // reserved: SM2/SM3/SM4
	DefaultMaxFileSize = 2 << 30      // 2 GiB of plaintext (CiphertextSize gives the server's bound)
	FileKeyContextNote = "notice"     // FileKey.Context of a notice's attachment; a channel's is "channel:<id>"
)

// CreateUploadRequest is the body of POST /api/v1/uploads: start an upload of Size
// ciphertext bytes. Every limit (largest file, quota, uploads per minute) is checked
// here, before any byte is stored.
type CreateUploadRequest struct {
	Size int64 `json:"size"` // ciphertext bytes, header included
}

// Upload answers POST /api/v1/uploads and GET /api/v1/uploads/{id}: the upload's parts
// and which of them the server holds, so a client resumes where it stopped.
type Upload struct {
	ID        string    `json:"id"` // the blob id once complete
	Size      int64     `json:"size"`
	PartSize  int64     `json:"part_size"` // FilePartSize
	Parts     int       `json:"parts"`     // ceil(Size / PartSize)
	Received  []int     `json:"received"`  // part numbers held, ascending (0-based)
	Complete  bool      `json:"complete"`
	ExpiresAt time.Time `json:"expires_at"` // removed then unless attached to a message or notice
}

// CompleteUploadRequest is the body of POST /api/v1/uploads/{id}/complete: the SHA-256
// of the whole ciphertext, lowercase hex; the server compares it with what it holds.
type CompleteUploadRequest struct {
	SHA256 string `json:"sha256"`
}

// Attachment is a file or picture a message or notice carries: the ciphertext blob and,
// for a picture, its separately encrypted thumbnail. Its name, type and real size are
// inside the blob's record 0; the server sees only these fields.
type Attachment struct {
	BlobID string `json:"blob_id"`
	Size   int64  `json:"size"` // ciphertext bytes
	// Commitment is the blob header's key commitment (base64url, no padding); an opener
	// checks that the header it downloads carries the same one.
	Commitment string `json:"commitment"`
	ThumbID    string `json:"thumb_blob_id,omitempty"`
	ThumbSize  int64  `json:"thumb_size,omitempty"`
}

// AttachmentRef is what a sender names in a send frame or a notice: blobs it uploaded
// (a forward names blobs of the messages it forwards instead).
type AttachmentRef struct {
	BlobID     string `json:"blob_id"`
	Commitment string `json:"commitment"`
	ThumbID    string `json:"thumb_blob_id,omitempty"`
}

// FileKey is a file key (and a thumbnail key) wrapped with HPKE to one recipient for one
// context (E2E.md §3). Context is "channel:<id>" or "notice".
type FileKey struct {
	BlobID    string `json:"blob_id"`
	Context   string `json:"context"`
	UserID    int64  `json:"user_id"`    // the recipient; 0 for the organisation's escrow key
	KeyID     string `json:"key_id"`     // the recipient public key's id (UserKey.KeyID, EscrowKey.KeyID)
	Wrapped   string `json:"wrapped"`    // base64url: HPKE enc ‖ ciphertext
	WrappedBy int64  `json:"wrapped_by"` // who wrapped it (the uploader, a forwarder)
}

// PostFileKeysRequest is the body of POST /api/v1/files/{id}/keys: wrapped keys of a
// blob for the members of one channel (or a notice's recipients), plus the escrow wrap
// when the organisation has an escrow key. Every UserID must be a member of the channel.
type PostFileKeysRequest struct {
	Context string    `json:"context"`
	Keys    []FileKey `json:"keys"` // BlobID and Context may be left empty; WrappedBy is ignored
}

// FileKeys answers GET /api/v1/file-keys?blobs=a,b,c: the caller's own wrapped keys of
// those blobs, one per context it may read the blob in.
type FileKeys struct {
	Keys []FileKey `json:"keys"`
}

// UserKey is a person's public key (X25519) as the directory publishes it.
type UserKey struct {
	UserID    int64     `json:"user_id"`
	KeyID     string    `json:"key_id"`     // first 16 hex digits of SHA-256(public key)
	PublicKey string    `json:"public_key"` // base64url, 32 bytes
	CreatedAt time.Time `json:"created_at"`
}

// UserKeys answers GET /api/v1/keys?users=1,2 and GET /api/v1/channels/{id}/keys. A
// person who has no key yet (never signed in on the web client) is absent.
type UserKeys struct {
	Keys []UserKey `json:"keys"`
}

// TypeKey is the server → client frame (KeyEvent) that says a person got a new public
// key: sent to every channel the person is in, and to their own connections, so
// clients fetch the key again and flag the change against the key they pinned.
const TypeKey = "key"

// KeyEvent is the data of a key frame: whose key is new, and its id.
type KeyEvent struct {
	UserID int64  `json:"user_id"`
	KeyID  string `json:"key_id"`
}

// FileKeyRequest is the body of POST /api/v1/files/{id}/key-requests: a member of a
// channel who may read the file but holds no wrap of its key for their current key asks
// the channel's members to share it (a member who lacked a key when it was sent, or
// joined later, or replaced a lost key).
type FileKeyRequest struct {
	Context string `json:"context"` // "channel:<id>"
}

// FileKeyRequestResult answers a key request (202): whether it was passed on to the
// channel now, or was the same request as one passed on moments ago.
type FileKeyRequestResult struct {
	PassedOn bool `json:"passed_on"`
}

// TypeKeyRequest is the server → client frame (KeyRequestEvent) that passes a key
// request on to the channel's members: a member whose own wrap opens the file wraps its
// keys to the requester's key KeyID and posts them (POST /api/v1/files/{id}/keys).
const TypeKeyRequest = "key_request"

// KeyRequestEvent is the data of a key_request frame.
type KeyRequestEvent struct {
	BlobID  string `json:"blob_id"`
	Context string `json:"context"`
	UserID  int64  `json:"user_id"` // who asks
	KeyID   string `json:"key_id"`  // the requester's current public key, the one to wrap to
}

// TypeKeyShared is the server → client frame (KeySharedEvent) that says keys of a file
// already sent were just given to a few members of the channel: the requester opens the
// file, and members about to answer the same request need not.
const TypeKeyShared = "key_shared"

// KeySharedEvent is the data of a key_shared frame.
type KeySharedEvent struct {
	BlobID  string  `json:"blob_id"`
	Context string  `json:"context"`
	UserIDs []int64 `json:"user_ids"` // who now holds a wrap to their current key
}

// MyKey is the caller's own key pair as stored on the server: the public key and the
// private key wrapped by a key derived from the password (E2E.md §4). GET /api/v1/me/key
// answers not_found before the first one is made.
type MyKey struct {
	UserKey
	Wrapped    string `json:"wrapped_private"` // base64url: AES-GCM nonce(12) ‖ ciphertext
	Salt       string `json:"kdf_salt"`        // base64url, 16 bytes
	Iterations int    `json:"kdf_iterations"`  // PBKDF2-SHA256, ≥ 600,000
	// RecoveryWrap: the private key wrapped (HPKE, E2E.md §4.5) to the organisation's
	// account-recovery key RecoveryKeyID; absent when none was made.
	RecoveryWrap  string `json:"recovery_wrap,omitempty"`
	RecoveryKeyID string `json:"recovery_key_id,omitempty"`
}

// PutMyKeyRequest is the body of PUT /api/v1/me/key: a new key pair (first sign-in, or
// a new one after the old was lost) or the same public key re-wrapped (a password
// change). A new public key is announced to colleagues as a changed key.
type PutMyKeyRequest struct {
	PublicKey  string `json:"public_key"`
	Wrapped    string `json:"wrapped_private"`
	Salt       string `json:"kdf_salt"`
	Iterations int    `json:"kdf_iterations"`
	// RecoveryWrap and RecoveryKeyID, together: the private key wrapped to the current
	// account-recovery key (GET /api/v1/keys/account-recovery). Left out, an earlier
	// recovery wrap of the same public key is kept; a new public key drops it.
	RecoveryWrap  string `json:"recovery_wrap,omitempty"`
	RecoveryKeyID string `json:"recovery_key_id,omitempty"`
}

// EscrowKey is the organisation's escrow public key, set by the security officer. GET
// /api/v1/keys/escrow answers not_found when there is none; then no escrow wrap is sent.
type EscrowKey struct {
	KeyID     string    `json:"key_id"`
	PublicKey string    `json:"public_key"`
	SetBy     int64     `json:"set_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SetEscrowKeyRequest is the body of PUT /api/v1/admin/escrow-key (security officer).
type SetEscrowKeyRequest struct {
	PublicKey string `json:"public_key"`
}

// EscrowOpenRequest is the body of POST /api/v1/files/{id}/escrow-open (security
// officer): the case and why. The answer is the escrow wrap (EscrowOpen); the officer's
// browser (or `govchat e2e open`) unwraps it with the escrow private key.
type EscrowOpenRequest struct {
	CaseNumber string `json:"case_number"`
	Reason     string `json:"reason"`
}

// EscrowOpen answers an escrow open: the escrow wrap of the blob's key and where the
// blob was sent.
type EscrowOpen struct {
	Key        FileKey    `json:"key"`
	Attachment Attachment `json:"attachment"`
	Channels   []int64    `json:"channels"`
}

// ChannelFile is one file in a channel's file list (群文件, GET
// /api/v1/channels/{id}/files): names are inside the ciphertext, so the list carries
// what the server knows and the client decrypts the rest.
type ChannelFile struct {
	Attachment Attachment `json:"attachment"`
	Seq        int64      `json:"seq"`
	SenderID   int64      `json:"sender_id"`
	CreatedAt  time.Time  `json:"created_at"`
	Secrecy    int        `json:"secrecy"` // the level of the message that carries it (§4.18)
}

// ChannelFiles answers GET /api/v1/channels/{id}/files, newest first.
type ChannelFiles struct {
	Files   []ChannelFile `json:"files"`
	HasMore bool          `json:"has_more"`
}

// Purposes of a download (GET /api/v1/files/{id}?purpose=…, §4.15, §4.18): what the
// client will do with what it decrypts. view (the default) shows it in the page; save
// writes the original out of the browser, which the file's level may forbid
// (download_not_allowed). The server cannot see which a client does: the rule binds
// govchat's clients, and the trail records which each download said.
const (
	DownloadView = "view"
	DownloadSave = "save"
)
