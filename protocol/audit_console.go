package protocol

import "time"

// The security officer's and auditor's console (PROTOCOL.md §4.8, §4.24): filtered
// trails, one person's timeline, a file's trace, a notice's readers, alerts and the
// CSV export. Every endpoint needs audit.read; acknowledging an alert needs
// alerts.manage. None of these bodies carries message text, file names, notice
// titles or any other content: ids, people, times, levels and outcomes only.

// Limits of the console.
const (
	MaxAuditCaseNumberRunes = 64  // case_number of an export (案件编号)
	MaxAlertNoteRunes       = 500 // note of an alert's acknowledgement
	MaxTraceEvents          = 2000
	MaxTracePath            = 1000 // messages, notices and recipients of a trace, each
	MaxTimelineLimit        = 1000
)

// Outcomes a filter may name.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// AuditRef names a department or a channel by id and name.
type AuditRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AuditPerson is a person as the console names them: id, display name (the username
// when there is none) and, when known, their primary department. ID 0 is the system
// (a background job) or the server console (name "cli:<os user>").
type AuditPerson struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Username   string    `json:"username,omitempty"`
	Department *AuditRef `json:"department,omitempty"`
}

// PersonTimeline answers GET /api/v1/audit/people/{id}/timeline: the person's events
// as actor and as the person acted on (subject_id), newest first.
type PersonTimeline struct {
	Person       AuditPerson  `json:"person"`
	Events       []AuditEvent `json:"events"`
	NextBeforeID int64        `json:"next_before_id,omitempty"`
}

// TracedFile is the file a trace is about. Level is the highest secrecy level among
// the messages and notices that carry it (absent when none carries it any more).
// ThumbOf is set when the blob is a picture's thumbnail: the blob id of the picture.
type TracedFile struct {
	BlobID     string      `json:"blob_id"`
	Uploader   AuditPerson `json:"uploader"`
	UploadedAt time.Time   `json:"uploaded_at"`
	Size       int64       `json:"size"` // ciphertext bytes
	Level      *int        `json:"level,omitempty"`
	ThumbOf    string      `json:"thumb_of,omitempty"`
}

// TracedChannel is a channel a file passed through. Kind is department, party, group
// or direct.
type TracedChannel struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// MessageRef names one message.
type MessageRef struct {
	ChannelID int64 `json:"channel_id"`
	Seq       int64 `json:"seq"`
}

// TracedMessage is one message that carried the file, in time order. ForwardedFrom
// names the message it was forwarded from (so the path is a tree); null for the first
// send. Recalled: the message was recalled since.
type TracedMessage struct {
	Channel       TracedChannel `json:"channel"`
	Seq           int64         `json:"seq"`
	Sender        AuditPerson   `json:"sender"`
	At            time.Time     `json:"at"`
	Level         int           `json:"level"`
	ForwardedFrom *MessageRef   `json:"forwarded_from"`
	Recalled      bool          `json:"recalled,omitempty"`
}

// TracedNotice is a notice that carried the file (never its title: it may be
// levelled content).
type TracedNotice struct {
	ID          int64       `json:"id"`
	Author      AuditPerson `json:"author"`
	PublishedAt time.Time   `json:"published_at"`
	Level       int         `json:"level"`
}

// FileRecipient is someone who held a wrap of the file's key: who could open it.
// Context is "channel:<id>" or "notice"; the escrow's wrap is not listed.
type FileRecipient struct {
	User      AuditPerson `json:"user"`
	Context   string      `json:"context"`
	WrappedAt time.Time   `json:"wrapped_at"`
}

// TracedEvent is one audit event about the file, oldest first: file.upload,
// file.keys_posted, file.key_request, file.download (purpose view or save),
// file.escrow_open, chat.forward … Purpose and ChannelID are taken from the event's
// detail when it has them.
type TracedEvent struct {
	ID        int64       `json:"id"`
	At        time.Time   `json:"at"`
	Action    string      `json:"action"`
	Outcome   string      `json:"outcome"`
	Actor     AuditPerson `json:"actor"`
	ActorRole string      `json:"actor_role,omitempty"`
	IP        string      `json:"ip,omitempty"`
	Purpose   string      `json:"purpose,omitempty"`
	ChannelID int64       `json:"channel_id,omitempty"`
	Level     *int        `json:"level,omitempty"`
}

// FileTrace answers GET /api/v1/audit/files/{blob_id}/trace and
// GET /api/v1/audit/messages/{channel_id}/{seq}/trace: who had the file, how it
// travelled, who opened it. Each list is bounded (MaxTracePath, MaxTraceEvents);
// Truncated says one was cut.
type FileTrace struct {
	File       TracedFile      `json:"file"`
	Path       []TracedMessage `json:"path"`
	Notices    []TracedNotice  `json:"notices"`
	Recipients []FileRecipient `json:"recipients"`
	Events     []TracedEvent   `json:"events"`
	Truncated  bool            `json:"truncated,omitempty"`
}

// NoticeReader is one recipient of a notice and how far they got. Times are absent
// when it has not happened (delivered_at is always set for a recipient).
type NoticeReader struct {
	User        AuditPerson `json:"user"`
	Department  *AuditRef   `json:"department,omitempty"` // the department the notice reached them through
	DeliveredAt *time.Time  `json:"delivered_at,omitempty"`
	ReadAt      *time.Time  `json:"read_at,omitempty"`
	ConfirmedAt *time.Time  `json:"confirmed_at,omitempty"`
}

// NoticeReaders answers GET /api/v1/audit/notices/{id}/readers.
type NoticeReaders struct {
	NoticeID int64          `json:"notice_id"`
	Author   AuditPerson    `json:"author"`
	Level    int            `json:"level"`
	Readers  []NoticeReader `json:"readers"`
}

// Alert kinds.
const (
	AlertMassDownload  = "mass_download"  // many file.download by one person in a short time
	AlertOffHours      = "off_hours"      // a level ≥ 2 file opened or saved outside working time
	AlertLoginFailures = "login_failures" // many failed logins from one address
	AlertDLPHit        = "dlp_hit"        // a DLP rule whose action is alert matched
)

// Alert states.
const (
	AlertOpen  = "open"
	AlertAcked = "acked"
)

// SecurityAlert is one alert the console raised from the trail. Window is the time,
// in seconds, the count was taken over (0 for a single event). EventIDs names the
// first few events (at most 20) that raised it; Count is how many there were.
type SecurityAlert struct {
	ID       int64        `json:"id"`
	Kind     string       `json:"kind"`
	At       time.Time    `json:"at"`
	Actor    *AuditPerson `json:"actor,omitempty"`
	IP       string       `json:"ip,omitempty"`
	Count    int          `json:"count"`
	Window   int          `json:"window"`
	Level    *int         `json:"level,omitempty"`
	EventIDs []int64      `json:"event_ids"`
	State    string       `json:"state"`
	AckedBy  *AuditPerson `json:"acked_by,omitempty"`
	AckedAt  *time.Time   `json:"acked_at,omitempty"`
	Note     string       `json:"note,omitempty"`
}

// SecurityAlerts answers GET /api/v1/audit/alerts, newest first.
type SecurityAlerts struct {
	Alerts       []SecurityAlert `json:"alerts"`
	NextBeforeID int64           `json:"next_before_id,omitempty"`
}

// AlertAck is the body of POST /api/v1/audit/alerts/{id}/ack (note 1–500 characters).
type AlertAck struct {
	Note string `json:"note"`
}

// TypeAuditAlert is the server → client frame a connected security officer or auditor
// gets when an alert is raised; its data is a SecurityAlert.
const TypeAuditAlert = "audit_alert"
