package audit

// Login without the password and key recovery (PROTOCOL.md §4.2, §4.23). The detail
// names key ids, request ids, methods and states; never a key, a sealed key or a hash.
const (
	// CredentialUpgraded: a legacy account's password hash was replaced by its
	// authentication hash at login.
	CredentialUpgraded = "auth.credential_upgraded"
	RecoveryKeySet     = "recovery.key_set"   // the security officer set the account-recovery key
	RecoveryRequested  = "recovery.requested" // a person asked to recover their key pair
	RecoveryAnswered   = "recovery.answered"  // another device of theirs sealed it to the request
	RecoveryDeclined   = "recovery.declined"  // … or said no
	RecoveryApproved   = "recovery.approved"  // the security officer sealed it (or was refused: own request)
	RecoveryRejected   = "recovery.rejected"  // the security officer said no
	RecoveryCompleted  = "recovery.completed" // the requester stored the recovered key
	RecoveryExpired    = "recovery.expired"   // not answered or completed in time
)
