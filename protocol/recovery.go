package protocol

import "time"

// Key recovery (PROTOCOL.md §4.23, E2E.md §4.5–§4.6): after an administrator reset a
// password, the person's private key is wrapped under a password they no longer have
// (Me.KeyState "locked"). Another signed-in device of theirs, or the security officer
// with the organisation's account-recovery private key, seals the private key to a
// one-time key of the requesting browser; the server relays ciphertext only.

// AccountRecoveryKey is the organisation's account-recovery public key, set by the
// security officer (GET /api/v1/keys/account-recovery; PUT
// /api/v1/admin/account-recovery-key). Browsers wrap each new private key to it.
type AccountRecoveryKey struct {
	KeyID     string    `json:"key_id"`
	PublicKey string    `json:"public_key"` // base64url, 32 bytes (X25519)
	SetBy     int64     `json:"set_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SetAccountRecoveryKeyRequest is the body of PUT /api/v1/admin/account-recovery-key.
type SetAccountRecoveryKeyRequest struct {
	PublicKey string `json:"public_key"`
}

// The methods of a key recovery.
const (
	RecoveryDevice  = "device"  // another signed-in device of the person answers
	RecoveryOfficer = "officer" // the security officer approves with the recovery key
)

// The states of a key recovery.
const (
	RecoveryPending   = "pending"   // waiting for a device or the officer
	RecoveryAnswered  = "answered"  // sealed is there for the requester (a device answered, the officer approved)
	RecoveryDone      = "done"      // the requester stored the key under the new password
	RecoveryDeclined  = "declined"  // the person's other device said no
	RecoveryRejected  = "rejected"  // the officer said no
	RecoveryCancelled = "cancelled" // a newer request of the same method replaced it
	RecoveryExpired   = "expired"   // not answered, or not completed, in time
)

// CreateKeyRecoveryRequest is the body of POST /api/v1/me/key-recoveries.
type CreateKeyRecoveryRequest struct {
	Method          string `json:"method"`           // "device" or "officer"
	EphemeralPublic string `json:"ephemeral_public"` // base64url X25519 public key made for this request only
}

// KeyRecovery is one recovery request, as its requester sees it (GET
// /api/v1/me/key-recoveries/{id}) and, with Person and the recovery wrap, as the
// security officer sees it (GET /api/v1/key-recoveries).
type KeyRecovery struct {
	ID              int64     `json:"id"`
	UserID          int64     `json:"user_id"`
	Method          string    `json:"method"`
	State           string    `json:"state"`
	KeyID           string    `json:"key_id"` // the key pair to recover
	EphemeralPublic string    `json:"ephemeral_public"`
	CreatedAt       time.Time `json:"created_at"`
	ExpiresAt       time.Time `json:"expires_at"`
	IP              string    `json:"ip,omitempty"`         // where the request came from
	UserAgent       string    `json:"user_agent,omitempty"` // its browser, cut to 128 bytes
	// Sealed: the private key sealed to EphemeralPublic (E2E.md §4.6), to the requester
	// only, while State is "answered".
	Sealed     string    `json:"sealed,omitempty"`
	AnsweredBy int64     `json:"answered_by,omitempty"` // the officer (officer method)
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	Note       string    `json:"note,omitempty"` // the officer's note (officer's view and the requester's)
	// The officer's view: whose key, and its wrap to the account-recovery key.
	Person        *RecoveryPerson `json:"person,omitempty"`
	RecoveryWrap  string          `json:"recovery_wrap,omitempty"`
	RecoveryKeyID string          `json:"recovery_key_id,omitempty"`
}

// RecoveryPerson is who asks, for the officer checking their identity.
type RecoveryPerson struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Departments []string `json:"departments"` // paths, primary first
}

// KeyRecoveries answers GET /api/v1/key-recoveries (security officer).
type KeyRecoveries struct {
	Recoveries []KeyRecovery `json:"recoveries"`
}

// AnswerKeyRecoveryRequest is the body of POST /api/v1/me/key-recoveries/{id}/answer:
// another device of the same person sealed the private key to the request's key.
type AnswerKeyRecoveryRequest struct {
	Sealed string `json:"sealed"` // base64url HPKE enc ‖ ciphertext, 80 bytes
}

// ApproveKeyRecoveryRequest is the body of POST /api/v1/key-recoveries/{id}/approve:
// the officer opened the recovery wrap with the account-recovery private key
// RecoveryKeyID and sealed the private key to the request's key.
type ApproveKeyRecoveryRequest struct {
	Sealed        string `json:"sealed"`
	RecoveryKeyID string `json:"recovery_key_id"`
	Note          string `json:"note,omitempty"`
}

// RejectKeyRecoveryRequest is the body of POST /api/v1/key-recoveries/{id}/reject.
type RejectKeyRecoveryRequest struct {
	Note string `json:"note,omitempty"`
}

// TypeKeyRecovery is the server → client frame (KeyRecoveryEvent): to the person's
// other connections when a device recovery is asked for (state "pending": prompt
// 批准在新设备上恢复密钥?), and to all their connections when a request changes state.
const TypeKeyRecovery = "key_recovery"

// KeyRecoveryEvent is the data of a key_recovery frame.
type KeyRecoveryEvent struct {
	ID              int64     `json:"id"`
	Method          string    `json:"method"`
	State           string    `json:"state"`
	KeyID           string    `json:"key_id"`
	EphemeralPublic string    `json:"ephemeral_public"`
	CreatedAt       time.Time `json:"created_at"`
	IP              string    `json:"ip,omitempty"`
	UserAgent       string    `json:"user_agent,omitempty"`
}
