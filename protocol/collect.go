package protocol

import (
	"encoding/json"
	"time"
)

// Collections (收集, 接龙, a unit's return): PROTOCOL.md §4.21. An author asks an
// audience (chosen as for a notice) for a sign-up line each (接龙) or for a form with
// typed fields, by a deadline, answered once per person or once per department.

// Collection kinds.
const (
	CollectionSignup = "signup" // 接龙: one line of text each, visible to the whole audience
	CollectionForm   = "form"   // a form with typed fields
)

// Who answers a collection.
const (
	CollectionPerPerson     = "person"     // every recipient answers for themself
	CollectionPerDepartment = "department" // one answer per department (a unit's return)
)

// Collection statuses.
const (
	CollectionOpen   = "open"
	CollectionClosed = "closed"
)

// Field types of a form.
const (
	FieldText   = "text"
	FieldNumber = "number"
	FieldDate   = "date" // "2026-11-25"
	FieldChoice = "choice"
	FieldFile   = "file" // a file or picture: an Attachment
	FieldTable  = "table"
)

// A recipient's state of a collection, and a submission's.
const (
	SubmissionTodo      = "todo"      // not submitted yet (only in CollectionMine and the status table)
	SubmissionSubmitted = "submitted" // submitted (and not returned since)
	SubmissionReturned  = "returned"  // 退回修改: the author returned it with a note; answer again
)

// Bounds of a collection and of a submission.
const (
	MaxCollectionTitle       = 200
	MaxCollectionDescription = 5000
	MaxCollectionFields      = 30
	MaxFieldID               = 40  // a field's key: letters, digits, _ and -
	MaxFieldLabel            = 100 // a field's label
	MaxFieldOptions          = 50  // a choice's options
	MaxFieldOption           = 100 // one option's text
	MaxTableColumns          = 20
	MaxTableRows             = 200  // a table field's max_rows is 1..200
	MaxFieldText             = 2000 // a text field's value, in characters
	MaxTableCellText         = 500  // a text cell of a table row
	MaxSignupLine            = 200  // a 接龙 line
	MaxReturnNote            = 500  // 退回修改's note
	MaxSubmissionBytes       = 512 << 10
	MaxCollectionNumber      = 1e15 // a number value's magnitude
)

// CollectionField is one field of a form (the brief's Field).
type CollectionField struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Type     string `json:"type"`
	Required bool   `json:"required,omitempty"`
	// Options and Multiple: a choice's options, and whether several may be chosen
	// (the value is then an array of options).
	Options  []string `json:"options,omitempty"`
	Multiple bool     `json:"multiple,omitempty"`
	// Columns and MaxRows: a table's columns (text, number, date or choice; no table
	// or file) and its most rows (1..MaxTableRows; absent: MaxTableRows).
	Columns []CollectionField `json:"columns,omitempty"`
	MaxRows int               `json:"max_rows,omitempty"`
	// MaxSize: a file field's largest file in bytes (absent: the server's file limit).
	MaxSize int64 `json:"max_size,omitempty"`
}

// PublishCollectionRequest is the body of POST /api/v1/collections.
type PublishCollectionRequest struct {
	Kind        string            `json:"kind"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Fields      []CollectionField `json:"fields,omitempty"` // form only; a signup has none
	Per         string            `json:"per,omitempty"`    // absent: person; a signup is always per person
	Audience    Audience          `json:"audience"`
	Deadline    *time.Time        `json:"deadline,omitempty"`
	Secrecy     int               `json:"secrecy,omitempty"` // 0 (公开) or 1 (内部), as a notice
}

// CollectionCounts are a collection's progress. Recipients counts people; Units counts
// the answers expected (people, or departments for per=department); Submitted and
// Returned count answers in that state.
type CollectionCounts struct {
	Recipients int `json:"recipients"`
	Units      int `json:"units"`
	Submitted  int `json:"submitted"`
	Returned   int `json:"returned"`
}

// CollectionMine is a recipient's own state: todo, submitted or returned, with the
// submission of their unit (their own, or their department's) once there is one.
type CollectionMine struct {
	State      string      `json:"state"`
	Submission *Submission `json:"submission,omitempty"`
}

// Collection is a collection as a reader sees it.
type Collection struct {
	ID          int64             `json:"id"`
	AuthorID    int64             `json:"author_id"`
	AuthorName  string            `json:"author_name"`
	Kind        string            `json:"kind"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Fields      []CollectionField `json:"fields"`
	Per         string            `json:"per"`
	Audience    Audience          `json:"audience"`
	Deadline    *time.Time        `json:"deadline,omitempty"`
	Status      string            `json:"status"`
	Secrecy     int               `json:"secrecy"`
	CreatedAt   time.Time         `json:"created_at"`
	ClosedAt    *time.Time        `json:"closed_at,omitempty"`
	Counts      CollectionCounts  `json:"counts"`
	// My: the reader's own state; absent when the reader is not a recipient.
	My *CollectionMine `json:"my,omitempty"`
	// CanManage: the reader is the author (return, close, remind). CanSeeAll: the reader
	// may read every submission, the status table and the export (the author, security
	// officers, leaders above the audience; for a signup, the submissions also the
	// audience).
	CanManage bool `json:"can_manage"`
	CanSeeAll bool `json:"can_see_all"`
}

// Collections answers GET /api/v1/collections, newest first.
type Collections struct {
	Collections []Collection `json:"collections"`
	HasMore     bool         `json:"has_more"`
}

// SubmitRequest is the body of POST /api/v1/collections/{id}/submission: the whole
// answer, replacing any earlier one of the unit. Values are keyed by field id: text
// and date a string, number a JSON number, choice a string (an array of strings when
// multiple), file an AttachmentRef, table an array of rows (objects keyed by column
// id). A signup's values are {"line": "…"}.
type SubmitRequest struct {
	Values map[string]json.RawMessage `json:"values"`
}

// Submission is one unit's answer. UserID is the last person who wrote it (for
// per=department any recipient of the department may), DepartmentID their department
// (for per=department, the department answered for). File values come back as
// Attachments. Number: a signup's place in order of first submission (1, 2, …).
type Submission struct {
	CollectionID   int64                      `json:"collection_id"`
	UserID         int64                      `json:"user_id"`
	UserName       string                     `json:"user_name"`
	DepartmentID   int64                      `json:"department_id"`
	DepartmentName string                     `json:"department_name"`
	Values         map[string]json.RawMessage `json:"values"`
	State          string                     `json:"state"`
	ReturnNote     string                     `json:"return_note,omitempty"`
	SubmittedAt    time.Time                  `json:"submitted_at"` // the first time
	UpdatedAt      time.Time                  `json:"updated_at"`
	Revision       int                        `json:"revision"` // 1 for the first write, +1 for each
	Number         int                        `json:"number,omitempty"`
}

// Submissions answers GET /api/v1/collections/{id}/submissions: a signup's in order of
// first submission, a form's by department then time.
type Submissions struct {
	Submissions []Submission `json:"submissions"`
}

// ReturnSubmissionRequest is the body of POST
// /api/v1/collections/{id}/submissions/{user}/return.
type ReturnSubmissionRequest struct {
	Note string `json:"note"` // required: what to correct
}

// CollectionPerson is one recipient in the status table.
type CollectionPerson struct {
	UserID      int64      `json:"user_id"`
	DisplayName string     `json:"display_name"`
	Username    string     `json:"username"`
	State       string     `json:"state"` // todo, submitted, returned: their unit's
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
}

// CollectionDepartment is the status of the recipients whose primary department (at
// publication) is this one; 0 gathers those without one.
type CollectionDepartment struct {
	DepartmentID int64              `json:"department_id"`
	Name         string             `json:"name"`
	Todo         int                `json:"todo"` // people
	Submitted    int                `json:"submitted"`
	Returned     int                `json:"returned"`
	People       []CollectionPerson `json:"people"`
}

// CollectionStatus answers GET /api/v1/collections/{id}/status: who has and has not
// answered, by department.
type CollectionStatus struct {
	CollectionID int64                  `json:"collection_id"`
	Counts       CollectionCounts       `json:"counts"`
	Departments  []CollectionDepartment `json:"departments"`
	RemindedAt   *time.Time             `json:"reminded_at,omitempty"`
	NextRemindAt *time.Time             `json:"next_remind_at,omitempty"`
}

// Collection history actions (the trace).
const (
	CollectionPublished = "published"
	CollectionSubmitted = "submitted" // a unit's first answer
	CollectionEdited    = "edited"    // a later answer replacing it
	CollectionReturned  = "returned"
	CollectionClosedAct = "closed"
	CollectionReminded  = "reminded"
	CollectionEscalated = "escalated"
)

// CollectionHistoryEntry is one step of a collection's trace.
type CollectionHistoryEntry struct {
	At        time.Time `json:"at"`
	Action    string    `json:"action"`
	ActorID   int64     `json:"actor_id"` // 0: the server (an automatic reminder, the escalation)
	ActorName string    `json:"actor_name,omitempty"`
	// UserID / DepartmentID: whose answer the step concerns (submitted, edited,
	// returned: the unit's writer or returned person, and the department).
	UserID       int64  `json:"user_id,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Revision     int    `json:"revision,omitempty"`
	Note         string `json:"note,omitempty"`  // a return's note
	Count        int    `json:"count,omitempty"` // reminded / escalated: how many people
}

// CollectionHistory answers GET /api/v1/collections/{id}/history, oldest first. The
// author and those who see all get every step; a recipient the steps of the whole
// collection and of their own unit.
type CollectionHistory struct {
	Entries []CollectionHistoryEntry `json:"entries"`
}

// CollectionEvent is the data of a `collection` frame: something happened to a
// collection the user receives or wrote. Clients re-fetch what they show.
type CollectionEvent struct {
	CollectionID int64 `json:"collection_id"`
	// Event: published, submitted (to the author and the unit's recipients; for a
	// signup to the audience), returned (to the unit and author), closed, reminder,
	// escalation (people of yours have not answered by the deadline).
	Event  string `json:"event"`
	Title  string `json:"title,omitempty"`
	UserID int64  `json:"user_id,omitempty"` // submitted/returned: whose answer
}

// Collection event names.
const (
	CollectionEventPublished  = "published"
	CollectionEventSubmitted  = "submitted"
	CollectionEventReturned   = "returned"
	CollectionEventClosed     = "closed"
	CollectionEventReminder   = "reminder"
	CollectionEventEscalation = "escalation"
)

// FileKeyContextCollection is the prefix of the key context of a submission's files:
// "collection:<id>", wrapped to the collection's author (and the escrow key).
const FileKeyContextCollection = "collection:"
