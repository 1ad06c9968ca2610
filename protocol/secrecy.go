package protocol

import "time"

// Secrecy levels (密级, PROTOCOL.md §4.18). A message, a notice and a file carry a level
// 0…len(levels)-1; a channel has a ceiling (max_secrecy) and a usual level
// (default_secrecy). The ladder has exactly NumSecrecyLevels rungs in this version:
// the security officer renames and recolours them and sets their rules, but cannot add
// or remove one (every stored level keeps meaning what it meant).
const NumSecrecyLevels = 4

// SecrecyLevel is one rung of the ladder and what it decides.
type SecrecyLevel struct {
	Level         int    `json:"level"`          // 0…NumSecrecyLevels-1, in order
	Name          string `json:"name"`           // 公开; 1–8 characters
	NameEn        string `json:"name_en"`        // public; 1–24 characters
	Color         string `json:"color"`          // the tag's colour, "#rrggbb"
	RetentionDays int    `json:"retention_days"` // 1…36500: messages and notice bodies are deleted this long after they were sent
	PushText      bool   `json:"push_text"`      // a push may show the text; otherwise only where it came from
	Forward       bool   `json:"forward"`        // may be forwarded (and only into a channel whose ceiling is at least the level)
	Download      bool   `json:"download"`       // a file's original may be saved; false: viewed in the browser only
	Copy          bool   `json:"copy"`           // the text may be copied
	Watermark     bool   `json:"watermark"`      // the viewer's watermark is drawn over it
	Store         bool   `json:"store"`          // the client may keep it in browser storage (drafts, cached history)
}

// DefaultSecrecyLevels is the ladder a new deployment starts with: 公开 / 内部 / 敏感 / 秘密
// (public, internal, sensitive, restricted).
func DefaultSecrecyLevels() []SecrecyLevel {
	return []SecrecyLevel{
		{Level: 0, Name: "公开", NameEn: "public", Color: "#4a7c59", RetentionDays: 3 * 365,
			PushText: true, Forward: true, Download: true, Copy: true, Watermark: false, Store: true},
		{Level: 1, Name: "内部", NameEn: "internal", Color: "#2f6fb0", RetentionDays: 365,
			PushText: false, Forward: true, Download: true, Copy: true, Watermark: false, Store: true},
		{Level: 2, Name: "敏感", NameEn: "sensitive", Color: "#c77700", RetentionDays: 90,
			PushText: false, Forward: true, Download: true, Copy: true, Watermark: true, Store: true},
		{Level: 3, Name: "秘密", NameEn: "restricted", Color: "#b3261e", RetentionDays: 30,
			PushText: false, Forward: false, Download: false, Copy: false, Watermark: true, Store: false},
	}
}

// SecrecyConfig answers GET /api/v1/secrecy (every session: the client needs the rules).
type SecrecyConfig struct {
	Levels    []SecrecyLevel `json:"levels"`
	UpdatedAt *time.Time     `json:"updated_at,omitempty"` // absent: the defaults, never changed
	UpdatedBy int64          `json:"updated_by,omitempty"`
}

// TypeSecrecy is the server → client frame on each user's topic that says the ladder
// changed (§4.18, §7): its data is the new SecrecyConfig, which replaces the client's.
// A client that was offline reads GET /api/v1/secrecy again when it reconnects.
const TypeSecrecy = "secrecy"

// PutSecrecyLevelsRequest is the body of PUT /api/v1/secrecy/levels (secrecy.manage):
// the whole ladder, every level in order.
type PutSecrecyLevelsRequest struct {
	Levels []SecrecyLevel `json:"levels"`
}

// ChannelSecrecy is one channel's ceiling and usual level, as the security officer sees
// every channel (GET /api/v1/secrecy/channels) — names only, never content.
type ChannelSecrecy struct {
	ChannelID      int64  `json:"channel_id"`
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	Members        int    `json:"members"`
	MaxSecrecy     int    `json:"max_secrecy"`
	DefaultSecrecy int    `json:"default_secrecy"`
}

// ChannelSecrecyList answers GET /api/v1/secrecy/channels.
type ChannelSecrecyList struct {
	Channels []ChannelSecrecy `json:"channels"`
}

// PutChannelSecrecyRequest is the body of PUT /api/v1/secrecy/channels/{id}
// (secrecy.manage): default_secrecy ≤ max_secrecy. Lowering a ceiling leaves messages
// already sent at their level.
type PutChannelSecrecyRequest struct {
	MaxSecrecy     int `json:"max_secrecy"`
	DefaultSecrecy int `json:"default_secrecy"`
}

// Legal holds (法律保全, §4.19): held items are not deleted whatever their level says.

// HoldScope is what a hold covers.
type HoldScope string

const (
	HoldChannel HoldScope = "channel" // every message of a channel sent within the range
	HoldUser    HoldScope = "user"    // every message a person sent, and every notice they wrote, within the range
	HoldNotice  HoldScope = "notice"  // one notice (its body, revisions and attachments)
)

// HoldStatus is where a hold is in its life.
type HoldStatus string

const (
	HoldActive           HoldStatus = "active"
	HoldReleaseRequested HoldStatus = "release_requested" // one officer asked; a second officer or the auditor must countersign
	HoldReleased         HoldStatus = "released"          // items follow their retention again, counted from released_at
)

// LegalHold is one hold.
type LegalHold struct {
	ID                   int64      `json:"id"`
	Scope                HoldScope  `json:"scope"`
	TargetID             int64      `json:"target_id"`
	TargetName           string     `json:"target_name"`    // the channel's or person's name, or the notice's id
	From                 *time.Time `json:"from,omitempty"` // absent: from the beginning
	To                   *time.Time `json:"to,omitempty"`   // absent: open-ended (everything sent until release)
	Reason               string     `json:"reason"`         // 1–500 characters
	CaseNo               string     `json:"case_no"`        // 案件编号, 1–64 characters
	Status               HoldStatus `json:"status"`
	CreatedBy            int64      `json:"created_by"`
	CreatedByName        string     `json:"created_by_name"`
	CreatedAt            time.Time  `json:"created_at"`
	ReleaseRequestedBy   int64      `json:"release_requested_by,omitempty"`
	ReleaseRequestedName string     `json:"release_requested_name,omitempty"`
	ReleaseRequestedAt   *time.Time `json:"release_requested_at,omitempty"`
	ReleaseNote          string     `json:"release_note,omitempty"`
	ReleasedBy           int64      `json:"released_by,omitempty"` // who countersigned
	ReleasedByName       string     `json:"released_by_name,omitempty"`
	ReleasedAt           *time.Time `json:"released_at,omitempty"`
	CountersignNote      string     `json:"countersign_note,omitempty"` // the countersigner's note
}

// CreateHoldRequest is the body of POST /api/v1/holds (holds.manage).
type CreateHoldRequest struct {
	Scope    HoldScope  `json:"scope"`
	TargetID int64      `json:"target_id"`
	From     *time.Time `json:"from,omitempty"`
	To       *time.Time `json:"to,omitempty"`
	Reason   string     `json:"reason"`
	CaseNo   string     `json:"case_no"`
}

// HoldList answers GET /api/v1/holds.
type HoldList struct {
	Holds []LegalHold `json:"holds"`
}

// HoldReleaseRequest is the body of POST /api/v1/holds/{id}/release (holds.manage) and
// of POST /api/v1/holds/{id}/countersign (holds.countersign).
type HoldReleaseRequest struct {
	Note string `json:"note"` // 1–500 characters
}

// TypeExpired is the server → client frame that says messages were deleted by retention
// (§7.5): drop them from whatever you show or keep.
const TypeExpired = "expired"

// ExpiredData is the data of an expired frame, on the channel's topic.
type ExpiredData struct {
	ChannelID int64   `json:"channel_id"`
	Seqs      []int64 `json:"seqs"` // ascending
}
