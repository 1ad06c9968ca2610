package audit

// Keys of end-to-end encrypted files (PROTOCOL.md §4.16, §4.17). The detail names key
// ids (fingerprints of public keys), blob ids, contexts and counts; never a key, a
// wrapped key or a file's name.
const (
	KeyCreated   = "key.created"   // a person stored their first key pair
	KeyRewrapped = "key.rewrapped" // the same key pair wrapped again (a password change)
	KeyChanged   = "key.changed"   // a new key pair replaced the old one; colleagues are told
	// EscrowKeySet: the security officer set the organisation's escrow key.
	EscrowKeySet = "escrow.key_set"
	// FileEscrowOpen: the security officer fetched a blob's escrow wrap, with a case
	// number and a reason (the officer's own words, kept in the detail).
	FileEscrowOpen = "file.escrow_open"
	// FileKeysPosted: someone posted wrapped keys of a blob for a context — the uploader
	// sharing it, or a reader re-wrapping it for a forward or a late member.
	FileKeysPosted = "file.keys_posted"
	// FileKeyRequest: a member without a usable wrap of a file's key asked the channel's
	// members to share it.
	FileKeyRequest = "file.key_request"
)
