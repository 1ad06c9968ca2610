package protocol

import "time"

// To-dos (待办): one list of everything that asks something of a person — notices to
// confirm, collections to answer and messages someone turned into a to-do for them —
// sorted by deadline. PROTOCOL.md §4.22 and the `todo` frame in §7.5.

// TypeTodo is the server → client frame of a message to-do's change (TodoEvent).
const TypeTodo = "todo"

// Kinds of to-do item.
const (
	TodoKindNotice     = "notice"     // a notice to confirm (§4.10)
	TodoKindCollection = "collection" // a collection to answer (§4.21)
	TodoKindMessage    = "message"    // a message someone made a to-do for the person
)

// States of a to-do item. Which a kind uses:
//
//   - notice: TodoStateOpen (never confirmed), TodoStateRevised (an earlier revision was
//     confirmed; the current one was not);
//   - collection: TodoStateOpen (not yet submitted), TodoStateReturned (退回修改);
//   - message: TodoStateOpen, TodoStateDone (only in the assigner's view and in a
//     to-do's own record).
const (
	TodoStateOpen     = "open"
	TodoStateRevised  = "revised"
	TodoStateReturned = "returned"
	TodoStateDone     = "done"
)

// Limits of message to-dos.
const (
	MaxTodoNote = 200 // characters of a to-do's note
	// MaxTodoDueAhead: a due time at most this far ahead.
	MaxTodoDueAhead = 366 * 24 * time.Hour
	// MaxTodoList: items of one GET /api/v1/todos or …/assigned answer; past it the
	// answer says truncated (the earliest due come first).
	MaxTodoList = 2000
)

// TodoUser names a person on a to-do.
type TodoUser struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // display name, or the username without one
}

// TodoItem is one thing the person still has to do (GET /api/v1/todos) or, in the
// assigner's view, one message to-do they gave (GET /api/v1/todos/assigned).
type TodoItem struct {
	Kind string `json:"kind"` // TodoKind…
	// ID is the notice's, the collection's or the message to-do's id, by Kind.
	ID    int64  `json:"id"`
	Title string `json:"title"`
	// Due: the notice's or collection's deadline or the to-do's due time; absent: none.
	Due *time.Time `json:"due,omitempty"`
	// Overdue: Due has passed and the item is still open.
	Overdue bool   `json:"overdue"`
	State   string `json:"state"` // TodoState…, by Kind
	// From: who asks it — a notice's or collection's author, a to-do's assigner.
	From TodoUser `json:"from_user"`
	// Link is the web client's path that opens the item: /notices/7, /collect/3,
	// /c/12?seq=345.
	Link      string    `json:"link"`
	CreatedAt time.Time `json:"created_at"`
	// Message to-dos only: where the message is, who must do it, the note, and when
	// (and by whom) it was done.
	ChannelID int64      `json:"channel_id,omitempty"`
	Seq       int64      `json:"seq,omitempty"`
	Assignee  *TodoUser  `json:"assignee,omitempty"`
	Note      string     `json:"note,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	DoneBy    *TodoUser  `json:"done_by,omitempty"`
}

// Todos is the answer of GET /api/v1/todos and GET /api/v1/todos/assigned: by due time,
// earliest first, those without one last.
type Todos struct {
	Items []TodoItem `json:"items"`
	// Truncated: there were more than MaxTodoList; the latest due were left out.
	Truncated bool `json:"truncated,omitempty"`
	// Sources: kinds that could not be read just now (the rest of the list stands);
	// absent when every source answered.
	Unavailable []string `json:"unavailable,omitempty"`
}

// CreateTodoRequest is the body of POST /api/v1/todos: make a message a to-do for
// oneself or a colleague who can read the channel (设为待办).
type CreateTodoRequest struct {
	ChannelID  int64 `json:"channel_id"`
	Seq        int64 `json:"seq"`
	AssigneeID int64 `json:"assignee_id"` // oneself, or a member of the channel
	// Due: optional; in the future and at most MaxTodoDueAhead away.
	Due  *time.Time `json:"due,omitempty"`
	Note string     `json:"note,omitempty"` // at most MaxTodoNote characters
}

// Events of a message to-do, in its history and the todo frame.
const (
	TodoEventAssigned  = "assigned"
	TodoEventDone      = "done"
	TodoEventReopened  = "reopened"
	TodoEventCancelled = "cancelled" // the assigner deleted it
	TodoEventReminder  = "reminder"  // due soon, or due now (sent within working time)
)

// TodoHistoryEntry is one step of a message to-do's record.
type TodoHistoryEntry struct {
	At    time.Time `json:"at"`
	Event string    `json:"event"` // TodoEvent…
	// Actor: who did it; absent for the server's own reminders.
	Actor *TodoUser `json:"actor,omitempty"`
}

// Todo is a message to-do with its record (GET /api/v1/todos/{id} and the answers of
// its changes): the item as the list shows it, whether it was cancelled, and every step.
type Todo struct {
	TodoItem
	Assigner    TodoUser           `json:"assigner"`
	CancelledAt *time.Time         `json:"cancelled_at,omitempty"`
	History     []TodoHistoryEntry `json:"history"`
}

// TodoEvent is the data of a todo frame, to the assignee and the assigner: fetch the
// lists again (or GET /api/v1/todos/{id}).
type TodoEvent struct {
	TodoID     int64  `json:"todo_id"`
	Event      string `json:"event"` // TodoEvent…
	AssigneeID int64  `json:"assignee_id"`
	AssignerID int64  `json:"assigner_id"`
	// Due of the to-do, absent for none.
	Due *time.Time `json:"due,omitempty"`
}
