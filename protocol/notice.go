package protocol

import "time"

// Notices (通知): published by a leader, or by a channel administrator in their channel,
// to an audience resolved to people at publication; pinned for each recipient until they
// confirm the current revision. PROTOCOL.md §4.10 and the `notice` frame in §7.5.

// Notice priorities.
const (
	NoticeNormal = "normal"
	NoticeUrgent = "urgent" // 紧急
)

// Notice statuses.
const (
	NoticeActive    = "active"
	NoticeWithdrawn = "withdrawn" // 已撤回, with a reason every recipient sees
)

// Limits of notices, in characters unless named otherwise.
const (
	MaxNoticeTitle      = 100
	MaxNoticeBody       = 10000
	MaxNoticeReply      = 200 // the optional short reply with a confirmation
	MaxNoticeChangeNote = 500
	MaxNoticeReason     = 500 // a withdrawal's reason
	MaxAudienceItems    = 500 // entries in each list of an Audience
	MaxNoticeRecipients = 50000
)

// DepartmentTarget is one department of an audience.
type DepartmentTarget struct {
	ID int64 `json:"id"`
	// Sub: with everyone in the departments below it too.
	Sub bool `json:"sub,omitempty"`
}

// Audience says who a notice is for: any mix of channels (their members), departments,
// party organisations (a branch with its groups) and people. It is resolved to people
// once, when the notice is published; later changes to the org tree or the channels do
// not change who received it.
type Audience struct {
	Channels    []int64            `json:"channels,omitempty"`
	Departments []DepartmentTarget `json:"departments,omitempty"`
	PartyOrgs   []int64            `json:"party_orgs,omitempty"`
	Users       []int64            `json:"users,omitempty"`
	// All: 全单位, every active account of the organisation (leaders only); pinned in
	// every department channel.
	All bool `json:"all,omitempty"`
}

// PublishNoticeRequest is the body of POST /api/v1/notices.
type PublishNoticeRequest struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Priority string `json:"priority,omitempty"` // normal (default) or urgent
	Secrecy  int    `json:"secrecy,omitempty"`  // 0 (default) or 1 内部
	// Deadline: confirm by then; absent for none. Must be in the future.
	Deadline *time.Time `json:"deadline,omitempty"`
	// NeedsConfirm: recipients must press 确认收到; absent means true.
	NeedsConfirm *bool    `json:"needs_confirm,omitempty"`
	Audience     Audience `json:"audience"`
	// Attachments the author uploaded (at most MaxAttachmentsPer), with keys posted for
	// the context "notice" to every recipient the audience resolves to.
	Attachments []AttachmentRef `json:"attachments,omitempty"`
	// DLPAck: the author saw a dlp_warning for this title and body and publishes anyway
	// (§4.25).
	DLPAck bool `json:"dlp_ack,omitempty"`
}

// ReviseNoticeRequest is the body of POST /api/v1/notices/{id}/revisions: a new revision
// by the author. Everybody must confirm again.
type ReviseNoticeRequest struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	ChangeNote string `json:"change_note"` // required: what changed and why
	// Priority and Deadline: absent keeps them. ClearDeadline removes the deadline.
	Priority      string     `json:"priority,omitempty"`
	Deadline      *time.Time `json:"deadline,omitempty"`
	ClearDeadline bool       `json:"clear_deadline,omitempty"`
	// DLPAck: as in PublishNoticeRequest, for the new revision.
	DLPAck bool `json:"dlp_ack,omitempty"`
}

// WithdrawNoticeRequest is the body of POST /api/v1/notices/{id}/withdraw.
type WithdrawNoticeRequest struct {
	Reason string `json:"reason"` // required
}

// NoticeReadRequest is the body of POST /api/v1/notices/{id}/seen and, with Reply,
// POST /api/v1/notices/{id}/confirm: the revision the person has in front of them.
type NoticeReadRequest struct {
	Revision int    `json:"revision"`
	Reply    string `json:"reply,omitempty"` // confirm only: an optional short reply
}

// NoticeReceipt is one recipient's state of a notice.
type NoticeReceipt struct {
	DeliveredAt  time.Time  `json:"delivered_at"`
	SeenAt       *time.Time `json:"seen_at,omitempty"`
	SeenRevision int        `json:"seen_revision,omitempty"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	// ConfirmedRevision below the notice's revision: confirmed an earlier revision,
	// and must confirm again.
	ConfirmedRevision int    `json:"confirmed_revision,omitempty"`
	Reply             string `json:"reply,omitempty"`
}

// Notice is a notice as its reader sees it.
type Notice struct {
	ID             int64      `json:"id"`
	AuthorID       int64      `json:"author_id"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Revision       int        `json:"revision"`
	ChangeNote     string     `json:"change_note,omitempty"` // of the current revision
	Priority       string     `json:"priority"`
	Secrecy        int        `json:"secrecy"`
	Deadline       *time.Time `json:"deadline,omitempty"`
	NeedsConfirm   bool       `json:"needs_confirm"`
	Status         string     `json:"status"`
	WithdrawnAt    *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawReason string     `json:"withdraw_reason,omitempty"`
	// Channels: where it is pinned (the channels of the audience, and the department and
	// party channels of its departments and party organisations).
	Channels []int64 `json:"channels"`
	// Attachments: the files the notice carries, for every recipient.
	Attachments []Attachment `json:"attachments,omitempty"`
	Recipients  int          `json:"recipients"`
	CreatedAt   time.Time    `json:"created_at"`
	RevisedAt   *time.Time   `json:"revised_at,omitempty"`
	// Receipt: the reader's own state; absent when the reader is not a recipient (the
	// author, a leader or security officer looking at the tally).
	Receipt *NoticeReceipt `json:"receipt,omitempty"`
	// Pending: the reader must still confirm this revision (待确认).
	Pending bool `json:"pending"`
	// CanTally: the reader may see the tally (author, leaders above the audience,
	// security officers). CanManage: the reader is the author (revise, withdraw, remind).
	CanTally  bool `json:"can_tally"`
	CanManage bool `json:"can_manage"`
	// Confirmed: how many recipients confirmed the current revision ("3/5 已确认"); in
	// lists (GET /notices), for the notices the reader wrote only.
	Confirmed *int `json:"confirmed,omitempty"`
	// Breakthrough: an urgent notice that broke through quiet hours (PROTOCOL.md
	// §4.13); in GET /notices/{id} only, a moment after publication. A client open
	// off duty sounds for it only then.
	Breakthrough bool `json:"breakthrough,omitempty"`
}

// Notices answers GET /api/v1/notices, newest first.
type Notices struct {
	Notices []Notice `json:"notices"`
	HasMore bool     `json:"has_more"`
	// Escalations: for a department head, the notices past their deadline that people of
	// theirs have not confirmed (box=pending only).
	Escalations []NoticeEscalation `json:"escalations,omitempty"`
}

// NoticeEscalation tells a department head which of their people have not confirmed a
// notice by its deadline.
type NoticeEscalation struct {
	NoticeID  int64        `json:"notice_id"`
	Title     string       `json:"title"`
	Deadline  time.Time    `json:"deadline"`
	People    []NoticeUser `json:"people"` // still unconfirmed now
	CreatedAt time.Time    `json:"created_at"`
}

// NoticeUser names a person in a tally or escalation.
type NoticeUser struct {
	UserID      int64  `json:"user_id"`
	DisplayName string `json:"display_name"`
	Username    string `json:"username"`
}

// NoticeRevision is one revision of a notice (GET /api/v1/notices/{id}/revisions).
type NoticeRevision struct {
	Revision   int       `json:"revision"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	ChangeNote string    `json:"change_note,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// NoticeRevisions answers GET /api/v1/notices/{id}/revisions, oldest first.
type NoticeRevisions struct {
	Revisions []NoticeRevision `json:"revisions"`
}

// Tally states of a recipient, for the current revision.
const (
	TallyConfirmed = "confirmed" // 已确认
	TallySeen      = "seen"      // 已读未确认 (also: confirmed an earlier revision only)
	TallyUnseen    = "unseen"    // 未读
)

// TallyPerson is one recipient in a tally.
type TallyPerson struct {
	NoticeUser
	State             string     `json:"state"`
	SeenAt            *time.Time `json:"seen_at,omitempty"`
	ConfirmedAt       *time.Time `json:"confirmed_at,omitempty"`
	ConfirmedRevision int        `json:"confirmed_revision,omitempty"`
	Reply             string     `json:"reply,omitempty"`
	// Push: what the server did to alert this person when the notice was published
	// (PushOutcome…, protocol/urgent.go); absent until it decided.
	Push string `json:"push,omitempty"`
}

// TallyDepartment is the tally of the recipients whose primary department (at
// publication) is this one; DepartmentID 0 gathers those without a department.
type TallyDepartment struct {
	DepartmentID int64         `json:"department_id"`
	Name         string        `json:"name"` // the path: 预算股 / 预算编制组
	Confirmed    int           `json:"confirmed"`
	Seen         int           `json:"seen"`
	Unseen       int           `json:"unseen"`
	People       []TallyPerson `json:"people"` // filtered by the query's state
}

// NoticeTally answers GET /api/v1/notices/{id}/tally.
type NoticeTally struct {
	NoticeID    int64             `json:"notice_id"`
	Revision    int               `json:"revision"`
	Total       int               `json:"total"`
	Confirmed   int               `json:"confirmed"`
	Seen        int               `json:"seen"`
	Unseen      int               `json:"unseen"`
	Departments []TallyDepartment `json:"departments"`
	// RemindedAt: the last "remind the unconfirmed"; NextRemindAt: when it may be used
	// again (absent when it may be used now).
	RemindedAt   *time.Time `json:"reminded_at,omitempty"`
	NextRemindAt *time.Time `json:"next_remind_at,omitempty"`
	// PushCounts: the recipients counted (as the departments are) by their Push
	// outcome; absent before any was decided.
	PushCounts *TallyPushCounts `json:"push_counts,omitempty"`
}

// RemindResult answers POST /api/v1/notices/{id}/remind.
type RemindResult struct {
	Reminded     int       `json:"reminded"` // how many unconfirmed people were reminded
	NextRemindAt time.Time `json:"next_remind_at"`
}

// NoticeEvent is the data of a `notice` frame: something happened to a notice the
// user receives, wrote, or heads people of. Clients re-fetch what they show.
type NoticeEvent struct {
	NoticeID int64 `json:"notice_id"`
	// Event: published (you are a recipient), revised (confirm again), withdrawn,
	// receipt (your own receipt changed on another device, or — to the author — a
	// recipient saw or confirmed), reminder (please confirm), escalation (people of
	// yours have not confirmed by the deadline).
	Event    string `json:"event"`
	Revision int    `json:"revision"`
	Title    string `json:"title,omitempty"`
	Priority string `json:"priority,omitempty"`
}

// Notice event names.
const (
	NoticeEventPublished  = "published"
	NoticeEventRevised    = "revised"
	NoticeEventWithdrawn  = "withdrawn"
	NoticeEventReceipt    = "receipt"
	NoticeEventReminder   = "reminder"
	NoticeEventEscalation = "escalation"
)
