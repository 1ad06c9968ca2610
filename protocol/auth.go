package protocol

import "time"

// LoginRequest is the body of POST /api/v1/auth/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
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
}

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
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
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
	Password string `json:"password"`
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
