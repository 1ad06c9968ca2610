// The wire shapes of 待办 (PROTOCOL.md §4.22; protocol/todo.go).

export type TodoKind = 'notice' | 'collection' | 'message';
/** notice: open | revised; collection: open | returned; message: open | done. */
export type TodoState = 'open' | 'revised' | 'returned' | 'done';

export interface TodoUser {
  id: number;
  name: string;
}

export interface TodoItem {
  kind: TodoKind;
  id: number;
  title: string;
  due?: string;
  overdue: boolean;
  state: TodoState;
  from_user: TodoUser;
  /** The web client's path that opens it: /notices/7, /collect/3, /c/12?seq=345. */
  link: string;
  created_at: string;
  channel_id?: number;
  seq?: number;
  assignee?: TodoUser;
  note?: string;
  done_at?: string;
  done_by?: TodoUser;
}

export interface Todos {
  items: TodoItem[];
  truncated?: boolean;
  unavailable?: string[];
}

export type TodoEventName = 'assigned' | 'done' | 'reopened' | 'cancelled' | 'reminder';

export interface TodoHistoryEntry {
  at: string;
  event: TodoEventName;
  actor?: TodoUser;
}

export interface Todo extends TodoItem {
  assigner: TodoUser;
  cancelled_at?: string;
  history: TodoHistoryEntry[];
}

export interface TodoEvent {
  todo_id: number;
  event: TodoEventName;
  assignee_id: number;
  assigner_id: number;
  due?: string;
}

export interface CreateTodoRequest {
  channel_id: number;
  seq: number;
  assignee_id: number;
  due?: string;
  note?: string;
}

/** The server's limit of a note (protocol.MaxTodoNote). */
export const MAX_TODO_NOTE = 200;
