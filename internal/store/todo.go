package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"govchat/internal/atrest"
)

// Todo is a message someone made a to-do (设为待办) for themselves or a colleague. Times
// are zero when unset: no due time, not done, not cancelled, no reminder.
type Todo struct {
	ID          int64
	ChannelID   int64
	Seq         int64
	AssignerID  int64
	AssigneeID  int64
	Due         time.Time
	Note        string
	CreatedAt   time.Time
	DoneAt      time.Time
	DoneBy      int64
	CancelledAt time.Time
	// RemindAt: when its one reminder is due; RemindedAt: when it went out.
	RemindAt   time.Time
	RemindedAt time.Time
}

// Open reports whether the to-do is still to be done.
func (t Todo) Open() bool { return t.DoneAt.IsZero() && t.CancelledAt.IsZero() }

// TodoEvent is one step of a to-do's own record. ActorID 0 is the server.
type TodoEvent struct {
	TodoID  int64
	At      time.Time
	ActorID int64
	Event   string // assigned, done, reopened, cancelled, reminder
}

// Events of a to-do's record (the column's CHECK lists the same).
const (
	TodoAssigned  = "assigned"
	TodoDone      = "done"
	TodoReopened  = "reopened"
	TodoCancelled = "cancelled"
	TodoReminder  = "reminder"
)

// TodoRow is a to-do as a list shows it: with the start of its message's text — empty
// when the message was recalled, is a system line or carries only a file, or when the
// reader (the assignee for their list, the assigner for theirs) is no longer in its
// channel, so a list never shows more than its reader may read.
type TodoRow struct {
	Todo
	Text string
}

// NoticeTodo is a notice its recipient must still confirm, as the 待办 list shows it.
type NoticeTodo struct {
	NoticeID  int64
	AuthorID  int64
	Title     string
	Deadline  time.Time
	CreatedAt time.Time
	// Revised: the recipient confirmed an earlier revision, not the current one.
	Revised bool
}

// TodoSnippet is how many characters of a message's text a to-do list carries.
const TodoSnippet = 80

// Todos keeps message to-dos and their records.
type Todos interface {
	// CreateTodo stores t (open, with an "assigned" step by its assigner) and sets
	// t.ID and t.CreatedAt (the clock's when zero). ErrConflict when the assignee has
	// the message as an open to-do already, or the message does not exist.
	CreateTodo(ctx context.Context, t *Todo) error
	GetTodo(ctx context.Context, id int64) (Todo, error)
	// ListTodoEvents lists a to-do's steps, oldest first.
	ListTodoEvents(ctx context.Context, todoID int64) ([]TodoEvent, error)
	// ChangeTodo records event (TodoDone, TodoReopened or TodoCancelled) by actor at
	// at, if it changes anything: done and cancelled need the to-do open, reopened
	// needs it done and not cancelled. It returns the to-do after, and whether it
	// changed; ErrConflict when reopening would make a second open to-do of the same
	// message for the assignee.
	ChangeTodo(ctx context.Context, id int64, event string, actorID int64, at time.Time) (Todo, bool, error)
	// ListOpenTodos lists the assignee's open to-dos, earliest due first and those
	// without a due time last, at most limit.
	ListOpenTodos(ctx context.Context, assigneeID int64, limit int) ([]TodoRow, error)
	// ListAssignedTodos lists the to-dos the assigner gave others or themselves and
	// did not cancel, newest first, at most limit.
	ListAssignedTodos(ctx context.Context, assignerID int64, limit int) ([]TodoRow, error)
	// DueTodoReminders lists open to-dos whose reminder is due at now and not sent,
	// earliest first, at most limit: the scheduler's work list.
	DueTodoReminders(ctx context.Context, now time.Time, limit int) ([]Todo, error)
	// ClaimTodoReminder marks the reminder sent (and records the step) if it was not
	// and the to-do is still open, and reports whether this call did: each reminder
	// goes out once, across nodes.
	ClaimTodoReminder(ctx context.Context, id int64, at time.Time) (bool, error)
	// ListNoticeTodos lists the active notices the user must still confirm (the
	// current revision unconfirmed), at most limit, earliest deadline first.
	ListNoticeTodos(ctx context.Context, userID int64, limit int) ([]NoticeTodo, error)
}

const todoCols = `t.id, t.channel_id, t.seq, t.assigner_id, t.assignee_id, t.due_at, t.note, t.created_at,
	t.done_at, t.done_by, t.cancelled_at, t.remind_at, t.reminded_at`

type todoDest struct{ due, created, done, cancelled, remind, reminded int64 }

func (d *todoDest) targets(t *Todo) []any {
	return []any{&t.ID, &t.ChannelID, &t.Seq, &t.AssignerID, &t.AssigneeID, &d.due, &t.Note, &d.created,
		&d.done, &t.DoneBy, &d.cancelled, &d.remind, &d.reminded}
}

func (d *todoDest) finish(t *Todo) {
	t.Due, t.CreatedAt, t.DoneAt = fromMillis(d.due), fromMillis(d.created), fromMillis(d.done)
	t.CancelledAt, t.RemindAt, t.RemindedAt = fromMillis(d.cancelled), fromMillis(d.remind), fromMillis(d.reminded)
}

func (s *DB) CreateTodo(ctx context.Context, t *Todo) error {
	if err := checkText(t.Note); err != nil {
		return fmt.Errorf("store: create to-do of %d/%d: note: %w", t.ChannelID, t.Seq, err)
	}
	created := s.stamp(t.CreatedAt)
	return s.inTx(ctx, func(tx *DB) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO todos (channel_id, seq, assigner_id, assignee_id, due_at, note, created_at, remind_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.ChannelID, t.Seq, t.AssignerID, t.AssigneeID, toMillis(t.Due), t.Note, toMillis(created), toMillis(t.RemindAt)).Scan(&id)
		if err != nil {
			return tx.fail(err, "create to-do of %d/%d for user %d", t.ChannelID, t.Seq, t.AssigneeID)
		}
		if err := tx.addTodoEvent(ctx, id, TodoAssigned, t.AssignerID, created); err != nil {
			return err
		}
		t.ID, t.CreatedAt = id, created
		t.Due, t.RemindAt = asStored(t.Due), asStored(t.RemindAt)
		t.DoneAt, t.DoneBy, t.CancelledAt, t.RemindedAt = time.Time{}, 0, time.Time{}, time.Time{}
		return nil
	})
}

func (s *DB) addTodoEvent(ctx context.Context, id int64, event string, actorID int64, at time.Time) error {
	if _, err := s.exec(ctx, `INSERT INTO todo_events (todo_id, at, actor_id, event) VALUES (?, ?, ?, ?)`,
		id, toMillis(at), actorID, event); err != nil {
		return s.fail(err, "record %s of to-do %d", event, id)
	}
	return nil
}

func (s *DB) GetTodo(ctx context.Context, id int64) (Todo, error) {
	var t Todo
	var d todoDest
	if err := s.queryRow(ctx, `SELECT `+todoCols+` FROM todos t WHERE t.id = ?`, id).Scan(d.targets(&t)...); err != nil {
		return Todo{}, s.fail(err, "get to-do %d", id)
	}
	d.finish(&t)
	return t, nil
}

func (s *DB) ListTodoEvents(ctx context.Context, todoID int64) ([]TodoEvent, error) {
	rows, err := s.query(ctx, `SELECT at, actor_id, event FROM todo_events WHERE todo_id = ? ORDER BY id`, todoID)
	if err != nil {
		return nil, s.fail(err, "list steps of to-do %d", todoID)
	}
	defer rows.Close()
	out := []TodoEvent{}
	for rows.Next() {
		e := TodoEvent{TodoID: todoID}
		var at int64
		if err := rows.Scan(&at, &e.ActorID, &e.Event); err != nil {
			return nil, s.fail(err, "list steps of to-do %d", todoID)
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list steps of to-do %d", todoID)
	}
	return out, nil
}

func (s *DB) ChangeTodo(ctx context.Context, id int64, event string, actorID int64, at time.Time) (Todo, bool, error) {
	at = s.stamp(at)
	var query string
	var args []any
	switch event {
	case TodoDone:
		query = `UPDATE todos SET done_at = ?, done_by = ? WHERE id = ? AND done_at = 0 AND cancelled_at = 0`
		args = []any{toMillis(at), actorID, id}
	case TodoReopened:
		// A reminder already sent stays sent: reopening is not a new assignment.
		query = `UPDATE todos SET done_at = 0, done_by = 0 WHERE id = ? AND done_at <> 0 AND cancelled_at = 0`
		args = []any{id}
	case TodoCancelled:
		query = `UPDATE todos SET cancelled_at = ? WHERE id = ? AND done_at = 0 AND cancelled_at = 0`
		args = []any{toMillis(at), id}
	default:
		return Todo{}, false, fmt.Errorf("store: change to-do %d: unknown step %q", id, event)
	}
	var out Todo
	changed := false
	err := s.inTx(ctx, func(tx *DB) error {
		res, err := tx.exec(ctx, query, args...)
		if err != nil {
			return tx.fail(err, "%s to-do %d", event, id)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return tx.fail(err, "%s to-do %d", event, id)
		}
		if changed = n > 0; changed {
			if err := tx.addTodoEvent(ctx, id, event, actorID, at); err != nil {
				return err
			}
		}
		out, err = tx.GetTodo(ctx, id)
		return err
	})
	if err != nil {
		return Todo{}, false, err
	}
	return out, changed, nil
}

// todoRowQuery selects to-dos with their message's snippet as reader (the one
// parameter before where's) may read it: a member of the channel, the message neither
// recalled nor a system line.
func todoRowQuery(where string) string {
	return `SELECT ` + todoCols + `,
		CASE WHEN m.recalled_at = 0 AND m.kind = '' AND cm.user_id IS NOT NULL THEN m.text ELSE '' END, m.text_key
		FROM todos t
		JOIN messages m ON m.channel_id = t.channel_id AND m.seq = t.seq
		LEFT JOIN channel_members cm ON cm.channel_id = t.channel_id AND cm.user_id = ?
		WHERE ` + where
}

func (s *DB) listTodoRows(ctx context.Context, what string, query string, args ...any) ([]TodoRow, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "list %s", what)
	}
	out := []TodoRow{}
	var keys []sql.NullInt64
	for rows.Next() {
		var r TodoRow
		var d todoDest
		var key sql.NullInt64
		if err := rows.Scan(append(d.targets(&r.Todo), &r.Text, &key)...); err != nil {
			rows.Close()
			return nil, s.fail(err, "list %s", what)
		}
		d.finish(&r.Todo)
		out = append(out, r)
		keys = append(keys, key)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list %s", what)
	}
	// The text is sealed at rest (atrest.go): open it, then cut the snippet.
	ps := make([]pendingOpen, 0, len(out))
	for i := range out {
		ps = append(ps, pendingOpen{&out[i].Text, keys[i], atrest.MessageAAD(out[i].ChannelID, out[i].Seq, "text")})
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, fmt.Errorf("store: list %s: %w", what, err)
	}
	for i := range out {
		if r := []rune(out[i].Text); len(r) > TodoSnippet {
			out[i].Text = string(r[:TodoSnippet])
		}
	}
	return out, nil
}

func (s *DB) ListOpenTodos(ctx context.Context, assigneeID int64, limit int) ([]TodoRow, error) {
	// due_at = 0 sorts last through the CASE; the partial index gives the rows.
	q := todoRowQuery(`t.assignee_id = ? AND t.done_at = 0 AND t.cancelled_at = 0
		ORDER BY CASE WHEN t.due_at = 0 THEN 1 ELSE 0 END, t.due_at, t.id LIMIT ?`)
	return s.listTodoRows(ctx, fmt.Sprintf("open to-dos of user %d", assigneeID), q, assigneeID, assigneeID, limit)
}

func (s *DB) ListAssignedTodos(ctx context.Context, assignerID int64, limit int) ([]TodoRow, error) {
	q := todoRowQuery(`t.assigner_id = ? AND t.cancelled_at = 0 ORDER BY t.created_at DESC, t.id DESC LIMIT ?`)
	return s.listTodoRows(ctx, fmt.Sprintf("to-dos assigned by user %d", assignerID), q, assignerID, assignerID, limit)
}

func (s *DB) DueTodoReminders(ctx context.Context, now time.Time, limit int) ([]Todo, error) {
	rows, err := s.query(ctx, `SELECT `+todoCols+` FROM todos t
		WHERE t.remind_at > 0 AND t.remind_at <= ? AND t.reminded_at = 0 AND t.done_at = 0 AND t.cancelled_at = 0
		ORDER BY t.remind_at, t.id LIMIT ?`, toMillis(now), limit)
	if err != nil {
		return nil, s.fail(err, "list to-do reminders due")
	}
	defer rows.Close()
	out := []Todo{}
	for rows.Next() {
		var t Todo
		var d todoDest
		if err := rows.Scan(d.targets(&t)...); err != nil {
			return nil, s.fail(err, "list to-do reminders due")
		}
		d.finish(&t)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list to-do reminders due")
	}
	return out, nil
}

func (s *DB) ClaimTodoReminder(ctx context.Context, id int64, at time.Time) (bool, error) {
	at = s.stamp(at)
	claimed := false
	err := s.inTx(ctx, func(tx *DB) error {
		res, err := tx.exec(ctx, `UPDATE todos SET reminded_at = ?
			WHERE id = ? AND reminded_at = 0 AND remind_at > 0 AND done_at = 0 AND cancelled_at = 0`, toMillis(at), id)
		if err != nil {
			return tx.fail(err, "claim reminder of to-do %d", id)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return tx.fail(err, "claim reminder of to-do %d", id)
		}
		if claimed = n > 0; !claimed {
			return nil
		}
		return tx.addTodoEvent(ctx, id, TodoReminder, 0, at)
	})
	return claimed, err
}

func (s *DB) ListNoticeTodos(ctx context.Context, userID int64, limit int) ([]NoticeTodo, error) {
	rows, err := s.query(ctx, `SELECT n.id, n.author_id, n.title, n.deadline, n.created_at, r.confirmed_revision, n.revision, n.text_key
		FROM notice_recipients r JOIN notices n ON n.id = r.notice_id
		WHERE r.user_id = ? AND n.status = 'active' AND n.needs_confirm AND r.confirmed_revision <> n.revision
		ORDER BY CASE WHEN n.deadline = 0 THEN 1 ELSE 0 END, n.deadline, n.id LIMIT ?`, userID, limit)
	if err != nil {
		return nil, s.fail(err, "list notices user %d must confirm", userID)
	}
	out := []NoticeTodo{}
	type sealedTitle struct {
		rev int
		key sql.NullInt64
	}
	var titles []sealedTitle
	for rows.Next() {
		var n NoticeTodo
		var deadline, created int64
		var confirmed int
		var t sealedTitle
		if err := rows.Scan(&n.NoticeID, &n.AuthorID, &n.Title, &deadline, &created, &confirmed, &t.rev, &t.key); err != nil {
			rows.Close()
			return nil, s.fail(err, "list notices user %d must confirm", userID)
		}
		n.Deadline, n.CreatedAt, n.Revised = fromMillis(deadline), fromMillis(created), confirmed > 0
		out = append(out, n)
		titles = append(titles, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list notices user %d must confirm", userID)
	}
	ps := make([]pendingOpen, 0, len(out))
	for i := range out {
		ps = append(ps, pendingOpen{&out[i].Title, titles[i].key, atrest.NoticeAAD(out[i].NoticeID, titles[i].rev, "title")})
	}
	if err := s.openPending(ctx, ps); err != nil {
		return nil, fmt.Errorf("store: list notices user %d must confirm: %w", userID, err)
	}
	return out, nil
}
