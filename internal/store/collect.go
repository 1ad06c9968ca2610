package store

import (
	"context"
	"errors"
	"time"
)

// ErrCollectionClosed: the collection was closed; it takes no more answers or returns.
var ErrCollectionClosed = errors.New("store: collection closed")

// Collection statuses.
const (
	CollectionOpen   = "open"
	CollectionClosed = "closed"
)

// Submission states.
const (
	SubmissionSubmitted = "submitted"
	SubmissionReturned  = "returned"
)

// Collection is a collection (收集, 接龙) as stored. FieldsJSON is its form
// (protocol.CollectionField list), AudienceJSON the audience as given. Submitted and
// Returned are counted from the answers on every read. Times are zero when unset.
type Collection struct {
	ID            int64
	AuthorID      int64
	Kind          string // signup, form
	Title         string
	Description   string
	FieldsJSON    string
	Per           string // person, department
	Secrecy       int
	AudienceJSON  string
	Deadline      time.Time
	Status        string // open, closed
	CreatedAt     time.Time
	ClosedAt      time.Time
	Recipients    int // people
	Units         int // answers expected
	RemindedAt    time.Time
	AutoReminders int
	EscalatedAt   time.Time
	Submitted     int
	Returned      int
}

// Unit is who answers a collection: a person (Dept 0, User = the person) or a
// department (Dept = the department, User 0).
type Unit struct {
	Dept int64
	User int64
}

// UnitOf is the unit a recipient answers as: per department, their department (or
// themself when they have none); per person, themself.
func UnitOf(perDepartment bool, userID, departmentID int64) Unit {
	if perDepartment && departmentID != 0 {
		return Unit{Dept: departmentID}
	}
	return Unit{User: userID}
}

// CollectionRecipient is one person a collection asks. DepartmentID is their primary
// department at publication (0 for none).
type CollectionRecipient struct {
	CollectionID int64
	UserID       int64
	DepartmentID int64
	Unit         Unit
	DeliveredAt  time.Time
}

// Submission is one unit's answer, replaced in place: UserID the last writer,
// AnswerJSON the values, LineNo the order of the unit's first answer (from 1).
type Submission struct {
	CollectionID int64
	Unit         Unit
	UserID       int64
	DepartmentID int64
	AnswerJSON   string
	State        string // submitted, returned
	ReturnNote   string // the last return's note
	LineNo       int
	Revision     int
	SubmittedAt  time.Time // first
	UpdatedAt    time.Time // last write
	ReturnedAt   time.Time // last return
}

// CollectionEvent is one step of a collection's trace.
type CollectionEvent struct {
	ID           int64
	CollectionID int64
	At           time.Time
	Action       string
	ActorID      int64 // 0: the server
	Unit         Unit  // whose answer, for submitted, edited, returned
	UserID       int64
	DepartmentID int64
	Revision     int
	Note         string
	People       int // reminded, escalated: how many people
}

// CollectionEscalation records that a department head was told, at a collection's
// deadline, which of their people had not answered.
type CollectionEscalation struct {
	CollectionID int64
	HeadID       int64
	UserIDs      []int64
	CreatedAt    time.Time
}

// CollectionBox selects what ListCollections returns for a user.
type CollectionBox string

const (
	CollectionsAll       CollectionBox = "all"       // received or written
	CollectionsReceived  CollectionBox = "received"  // the user is a recipient
	CollectionsSent      CollectionBox = "sent"      // the user wrote it
	CollectionsTodo      CollectionBox = "todo"      // open, and the user's unit has not answered (or was returned)
	CollectionsEscalated CollectionBox = "escalated" // open, and the user was told at the deadline of people not answering
)

// CollectionQuery lists collections for one user, newest first (by ID).
type CollectionQuery struct {
	UserID   int64
	Box      CollectionBox
	BeforeID int64 // paging: ID < BeforeID (0: from the newest)
	Limit    int   // 0: 50; at most 1000
}

// UserCollection is a collection with the user's standing: whether they receive it,
// and their unit's state ("" while it has not answered).
type UserCollection struct {
	Collection
	Recipient bool
	State     string
}

// Collections keeps collections, their recipients, answers, trace and escalations.
type Collections interface {
	// CreateCollection stores c, open, with its recipients (in bulk) and sets c.ID,
	// c.Status, c.Recipients, c.Units and c.CreatedAt (now when zero). A recipient
	// listed twice or an unknown user is ErrConflict.
	CreateCollection(ctx context.Context, c *Collection, recipients []CollectionRecipient) error
	GetCollection(ctx context.Context, id int64) (Collection, error)
	// LockCollection is GetCollection that, inside a transaction, holds the collection's
	// row until it ends: an answer is checked against its status and deadline and
	// written with no close in between.
	LockCollection(ctx context.Context, id int64) (Collection, error)
	ListCollections(ctx context.Context, q CollectionQuery) ([]UserCollection, error)
	// CloseCollection closes an open collection (ErrCollectionClosed when closed).
	CloseCollection(ctx context.Context, id int64, at time.Time) (Collection, error)

	// GetCollectionRecipient returns ErrNotFound when the user is not a recipient.
	GetCollectionRecipient(ctx context.Context, collectionID, userID int64) (CollectionRecipient, error)
	// ListCollectionRecipients lists every recipient, by user ID.
	ListCollectionRecipients(ctx context.Context, collectionID int64) ([]CollectionRecipient, error)
	// PendingCollectionRecipients lists the recipients whose unit has not answered or
	// was returned, by user ID.
	PendingCollectionRecipients(ctx context.Context, collectionID int64) ([]CollectionRecipient, error)

	// GetSubmission returns the unit's answer, ErrNotFound when there is none.
	GetSubmission(ctx context.Context, collectionID int64, u Unit) (Submission, error)
	// ListSubmissions lists every answer, by line number.
	ListSubmissions(ctx context.Context, collectionID int64) ([]Submission, error)
	// ListSubmissionStates is ListSubmissions without the values (AnswerJSON and
	// ReturnNote empty): the status table's read.
	ListSubmissionStates(ctx context.Context, collectionID int64) ([]Submission, error)
	// SaveSubmission writes sub as its unit's answer — the first (LineNo from the
	// collection's counter, revision 1) or a replacement (revision + 1, SubmittedAt
	// and LineNo kept) — state submitted, and makes blobs the answer's files: their
	// references replace the unit's earlier ones (a blob no longer named anywhere is
	// released to the sweeper) and they are marked attached. A blob that no longer
	// exists is ErrBlobGone. It sets sub's stored fields and reports whether it was
	// the first answer. Call it inside the transaction that locked the collection.
	SaveSubmission(ctx context.Context, sub *Submission, blobs []string) (bool, error)
	// ReturnSubmission marks a submitted answer returned with note; ErrNotFound when
	// the unit has none, ErrConflict when it is already returned.
	ReturnSubmission(ctx context.Context, collectionID int64, u Unit, note string, at time.Time) (Submission, error)

	AddCollectionEvents(ctx context.Context, es []CollectionEvent) error
	// ListCollectionEvents lists a collection's trace, oldest first.
	ListCollectionEvents(ctx context.Context, collectionID int64) ([]CollectionEvent, error)

	// ClaimCollectionReminder, ClaimCollectionAutoReminder, ClaimCollectionEscalation:
	// as the notices' claims (Notices), on open collections.
	ClaimCollectionReminder(ctx context.Context, collectionID int64, notBefore, at time.Time) (bool, error)
	ClaimCollectionAutoReminder(ctx context.Context, collectionID int64, index int, at time.Time) (bool, error)
	ClaimCollectionEscalation(ctx context.Context, collectionID int64, at time.Time) (bool, error)
	// DueCollections lists open collections with a deadline before horizon, not yet
	// escalated: the scheduler's work list.
	DueCollections(ctx context.Context, horizon time.Time) ([]Collection, error)
	AddCollectionEscalations(ctx context.Context, es []CollectionEscalation) error
}
