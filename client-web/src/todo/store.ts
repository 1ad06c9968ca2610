// The signed-in person's 待办: their list (what they must still do, from every source)
// and the to-dos they gave (我交办的). The socket's `todo` frames — and `notice` and
// `collection` frames, which change what is to be confirmed or answered — only say that
// something changed; the store fetches the lists again, a moment later, once for a burst.
// No DOM here.

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { toUiError, type UiError } from '../errors';
import { todoApi, type TodoApi } from './api';
import type { CreateTodoRequest, Todo, TodoItem } from './types';
import { openCount, sortTodos } from './view';

export interface TodoList {
  items: TodoItem[];
  loaded: boolean;
  loading: boolean;
  error?: UiError;
  /** Sources that could not be read (the rest is shown). */
  unavailable: string[];
  truncated: boolean;
}

export interface TodoState {
  mine: TodoList;
  assigned: TodoList;
  /** The ids of message to-dos with a step under way (done, reopen, withdraw). */
  busy: number[];
  /** The last step that failed, for the page to say. */
  error?: UiError;
}

const emptyList = (): TodoList => ({ items: [], loaded: false, loading: false, unavailable: [], truncated: false });

export function initialTodoState(): TodoState {
  return { mine: emptyList(), assigned: emptyList(), busy: [] };
}

/** A burst of frames (a notice to a whole department, say) is one fetch. */
export const REFRESH_DEBOUNCE_MS = 300;

export interface TodoStoreDeps {
  request?: Request;
  api?: TodoApi;
  now?: () => number;
  /** setTimeout, for tests. */
  later?: (fn: () => void, ms: number) => unknown;
}

export interface TodoStore {
  getState(): TodoState;
  subscribe(fn: (s: TodoState) => void): () => void;
  /** Loads the person's list (the badge). */
  start(): void;
  dispose(): void;
  loadMine(): Promise<void>;
  loadAssigned(): Promise<void>;
  /** A frame from the chat socket; returns whether it was one of ours. */
  handleFrame(f: Frame): boolean;
  /** After each (re)connect: frames missed meanwhile are not replayed. */
  resync(): void;
  create(body: CreateTodoRequest): Promise<Todo>;
  done(id: number): Promise<boolean>;
  reopen(id: number): Promise<boolean>;
  cancel(id: number): Promise<boolean>;
  clearError(): void;
  api: TodoApi;
}

/** How many items wait for the person (the navigation's badge). */
export function todoCount(s: TodoState): number {
  return openCount(s.mine.items);
}

export function createTodoStore(deps: TodoStoreDeps): TodoStore {
  const api = deps.api ?? todoApi(deps.request!);
  const now = deps.now ?? Date.now;
  const later = deps.later ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  let state = initialTodoState();
  let disposed = false;
  const listeners = new Set<(s: TodoState) => void>();
  const pending = new Set<'mine' | 'assigned'>();
  // A fetch answered after a newer one began is dropped: the newer wins.
  const gen = { mine: 0, assigned: 0 };

  function set(next: Partial<TodoState>) {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }
  function setList(which: 'mine' | 'assigned', next: Partial<TodoList>) {
    set({ [which]: { ...state[which], ...next } } as Partial<TodoState>);
  }

  async function load(which: 'mine' | 'assigned') {
    const g = ++gen[which];
    setList(which, { loading: true });
    try {
      const r = which === 'mine' ? await api.list() : await api.assigned();
      if (g !== gen[which]) return;
      setList(which, {
        items: which === 'mine' ? sortTodos(r.items ?? []) : r.items ?? [],
        loaded: true,
        loading: false,
        error: undefined,
        unavailable: r.unavailable ?? [],
        truncated: !!r.truncated,
      });
    } catch (e) {
      if (g !== gen[which]) return;
      setList(which, { loading: false, error: toUiError(e, now()) });
    }
  }

  function refreshSoon(which: 'mine' | 'assigned') {
    if (pending.has(which)) return;
    pending.add(which);
    later(() => {
      pending.delete(which);
      if (!disposed) void load(which);
    }, REFRESH_DEBOUNCE_MS);
  }

  async function step(id: number, call: (id: number) => Promise<Todo>, optimistic?: (items: TodoItem[]) => TodoItem[]): Promise<boolean> {
    if (state.busy.includes(id)) return false;
    const before = state.mine.items;
    set({ busy: [...state.busy, id], error: undefined });
    if (optimistic) setList('mine', { items: optimistic(before) });
    try {
      const t = await call(id);
      // The assigner's view shows the answer at once; both lists are fetched again.
      if (state.assigned.loaded) {
        const others = state.assigned.items.filter((it) => !(it.kind === 'message' && it.id === id));
        setList('assigned', { items: t.cancelled_at ? others : state.assigned.items.map((it) => (it.kind === 'message' && it.id === id ? stripTodo(t) : it)) });
      }
      set({ busy: state.busy.filter((x) => x !== id) });
      refreshSoon('mine');
      if (state.assigned.loaded) refreshSoon('assigned');
      return true;
    } catch (e) {
      if (optimistic) setList('mine', { items: before });
      set({ busy: state.busy.filter((x) => x !== id), error: toUiError(e, now()) });
      return false;
    }
  }

  const notMine = (id: number) => (items: TodoItem[]) => items.filter((it) => !(it.kind === 'message' && it.id === id));

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    start: () => void load('mine'),
    dispose() {
      disposed = true;
      listeners.clear();
    },
    loadMine: () => load('mine'),
    loadAssigned: () => load('assigned'),
    handleFrame(f) {
      if (disposed) return false;
      if (f.type === 'todo') {
        refreshSoon('mine');
        if (state.assigned.loaded) refreshSoon('assigned');
        return true;
      }
      // Notices and collections change what is to be confirmed or answered; the frame
      // is theirs too, so it is not consumed here.
      // A receipt is mostly the author hearing of others' confirmations: only one of a
      // notice on this list (confirmed on another device) changes it.
      if (f.type === 'notice') {
        const ev = (f.data ?? {}) as { notice_id?: unknown; event?: unknown };
        const listed = state.mine.items.some((it) => it.kind === 'notice' && it.id === ev.notice_id);
        if (ev.event !== 'receipt' || listed) refreshSoon('mine');
      }
      if (f.type === 'collection') refreshSoon('mine');
      return false;
    },
    resync() {
      if (state.mine.loaded || state.mine.error) refreshSoon('mine');
      if (state.assigned.loaded) refreshSoon('assigned');
    },
    async create(body) {
      const t = await api.create(body);
      refreshSoon('mine');
      if (state.assigned.loaded) refreshSoon('assigned');
      return t;
    },
    done: (id) => step(id, api.done, notMine(id)),
    reopen: (id) => step(id, api.reopen),
    cancel: (id) => step(id, api.cancel, notMine(id)),
    clearError: () => set({ error: undefined }),
    api,
  };
}

/** A to-do as its list item (without its record). */
function stripTodo(t: Todo): TodoItem {
  const { assigner: _a, cancelled_at: _c, history: _h, ...item } = t;
  return item;
}
