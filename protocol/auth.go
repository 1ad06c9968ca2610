package protocol

import "time"

// KDFPBKDF2SHA256 is the only key derivation a PreloginResponse names (E2E.md §4.4).
const KDFPBKDF2SHA256 = "pbkdf2-sha256"

// PreloginRequest is the body of POST /api/v1/auth/prelogin: whose salt to derive with.
type PreloginRequest struct {
	Username string `json:"username"`
}

// PreloginResponse answers a prelogin: how the browser derives the master key from the
// password (E2E.md §4.4). An unknown username gets a stable fake salt and the default
// iterations, so the answer does not tell whether the account exists.
type PreloginResponse struct {
	KDF        string `json:"kdf"`        // "pbkdf2-sha256"
	Salt       string `json:"salt"`       // base64url, 16 bytes
	Iterations int    `json:"iterations"` // 600,000 to 10,000,000
	// Legacy: the account still has a password hash from before issue 12; log in once
	// with password and upgrade (LoginRequest), which replaces it.
	Legacy bool `json:"legacy,omitempty"`
}

// Credential is what the server stores of a password (argon2id of AuthHash) and serves
// back at prelogin (Salt, Iterations): the browser derives AuthHash = HKDF(PBKDF2(NFC
// (password), Salt, Iterations), "govchat-auth/1") and never sends the password.
type Credential struct {
	Salt       string `json:"salt"`       // base64url, 16 bytes
	Iterations int    `json:"iterations"` // 600,000 to 10,000,000
	AuthHash   string `json:"auth_hash"`  // base64url, 32 bytes (43 characters)
}

// LoginRequest is the body of POST /api/v1/auth/login: AuthHash for an upgraded
// account; for a legacy one (prelogin said legacy) Password and Upgrade, once.
type LoginRequest struct {
	Username string `json:"username"`
	AuthHash string `json:"auth_hash,omitempty"` // base64url, 32 bytes
	// Password and Upgrade: a legacy account's last password login; the account then
	// stores Upgrade and forgets the old hash. Refused for any other account.
	Password string      `json:"password,omitempty"`
	Upgrade  *Credential `json:"upgrade,omitempty"`
	// TOTPCode is the six-digit code, sent on the second step when the first answered
	// totp_required.
	TOTPCode string `json:"totp_code,omitempty"`
}

// LoginResponse answers a successful login. The browser also gets the token as an
// HttpOnly cookie; API clients send it as "Authorization: Bearer <token>".
type LoginResponse struct {
	User      Me        `json:"user"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Me describes the logged-in user (GET /api/v1/me).
type Me struct {
	ID          int64        `json:"id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Title       string       `json:"title,omitempty"`
	Position    string       `json:"position,omitempty"`
	Role        string       `json:"role"`
	Departments []MeDept     `json:"departments"`
	Party       *MePartyInfo `json:"party,omitempty"`
	TOTPEnabled bool         `json:"totp_enabled"`
	// MustChangePassword: the account was given a one-time password; the client shows
	// the password change form before anything else.
	MustChangePassword bool `json:"must_change_password"`
	// TOTPSetupRequired: this privileged account must enrol a second factor; until it
	// does, every endpoint but GET /me, POST /me/password, POST /me/totp/setup,
	// POST /me/totp/enable and logout answers totp_setup_required.
	TOTPSetupRequired bool `json:"totp_setup_required"`
	// KeyState is the state of the person's key pair (E2E.md §4): KeyStateNone (none
	// yet), KeyStateOK, or KeyStateLocked (an administrator reset the password after the
	// key was wrapped: recover it, PROTOCOL.md §4.23, or make a new one).
	KeyState string `json:"key_state"`
}

// The key states of Me.KeyState.
const (
	KeyStateNone   = "none"
	KeyStateOK     = "ok"
	KeyStateLocked = "locked"
)

// MeDept is one of the user's departments.
type MeDept struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Path    string `json:"path"` // 预算股/预算编制组
	Primary bool   `json:"primary"`
}

// MePartyInfo is the user's party organisation.
type MePartyInfo struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	PartyRole string `json:"party_role,omitempty"`
}

// ChangePasswordRequest is the body of POST /api/v1/me/password. On success every
// session of the user is revoked and a fresh LoginResponse is returned.
// The password policy cannot be checked by the server any more (it never sees the new
// password): the client checks it; the server checks the shapes and that the new salt
// differs from the old.
type ChangePasswordRequest struct {
	CurrentAuthHash string `json:"current_auth_hash,omitempty"`
	// CurrentPassword: only for a legacy account (a session from before the upgrade);
	// refused for any other.
	CurrentPassword string     `json:"current_password,omitempty"`
	New             Credential `json:"new"`
	// WrappedPrivate, with KeyID: the caller's private key re-wrapped under the new
	// password (kdf_salt and kdf_iterations are New's), stored in the same transaction.
	// KeyID must be the current key's id.
	WrappedPrivate string `json:"wrapped_private,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
}

// TOTPSetupResponse answers POST /api/v1/me/totp/setup with a new, not yet enabled secret.
type TOTPSetupResponse struct {
	Secret     string `json:"secret"`      // base32, for manual entry
	OTPAuthURL string `json:"otpauth_url"` // otpauth://totp/…
	QRCodePNG  string `json:"qr_png"`      // data:image/png;base64,…
}

// TOTPEnableRequest is the body of POST /api/v1/me/totp/enable.
type TOTPEnableRequest struct {
	Code string `json:"code"`
}

// TOTPDisableRequest is the body of POST /api/v1/me/totp/disable.
type TOTPDisableRequest struct {
	AuthHash string `json:"auth_hash,omitempty"`
	Password string `json:"password,omitempty"` // a legacy account only
	Code     string `json:"code"`
}

// Info is the public GET /api/v1/info: what a login page needs before anyone logs in.
type Info struct {
	OrgName       string `json:"org_name"`
	Version       string `json:"version"`
	DefaultLocale string `json:"default_locale"` // zh-CN
	TimeZone      string `json:"time_zone"`      // Asia/Shanghai
	// RecallWindowSeconds and EditWindowSeconds: how long after sending the sender may
	// recall or edit a message, so clients offer those actions only while they work.
	RecallWindowSeconds int64 `json:"recall_window_seconds"`
	EditWindowSeconds   int64 `json:"edit_window_seconds"`
	// Reactions are the reactions people may give messages, in the order clients
	// offer and show them; [] when the operator turned reactions off.
	Reactions []string `json:"reactions"`
	// MaxFileSize is the largest file that may be sent, in plaintext bytes (its
	// ciphertext may be CiphertextSize(MaxFileSize)); PartSize is the upload part size
	// (FilePartSize). Both 0 when the server takes no files.
	MaxFileSize int64 `json:"max_file_size"`
	PartSize    int64 `json:"part_size"`
}
