package audit

// To-dos (待办, internal/todo): each step of a message to-do. The detail names ids,
// the due time and whether there is a note, never the note or the message's text.
const (
	TodoAssign = "todo.assign"
	TodoDone   = "todo.done"
	TodoReopen = "todo.reopen"
	TodoCancel = "todo.cancel"
	TodoRemind = "todo.remind" // actor system: a reminder went out within working time
)
