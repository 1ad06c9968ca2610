import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import type { TodoApi } from './api';
import { createTodoStore, REFRESH_DEBOUNCE_MS, todoCount } from './store';
import type { Todo, TodoItem, Todos } from './types';

const T0 = '2026-11-23T01:00:00Z';

function item(id: number, over: Partial<TodoItem> = {}): TodoItem {
  return { kind: 'message', id, title: `第${id}项`, overdue: false, state: 'open', from_user: { id: 2, name: '李股长' }, link: `/c/3?seq=${id}`, created_at: T0, channel_id: 3, seq: id, ...over };
}

function todo(it: TodoItem, over: Partial<Todo> = {}): Todo {
  return { ...it, assigner: { id: 2, name: '李股长' }, history: [], ...over };
}

/** An API over an in-memory list, with timers run by hand. */
function harness(mine: TodoItem[], assigned: TodoItem[] = []) {
  const calls: string[] = [];
  const api: TodoApi = {
    list: vi.fn(async (): Promise<Todos> => (calls.push('list'), { items: [...mine] })),
    assigned: vi.fn(async (): Promise<Todos> => (calls.push('assigned'), { items: [...assigned] })),
    get: vi.fn(async (id: number) => todo(item(id))),
    create: vi.fn(async (b) => (calls.push('create'), todo(item(99, { channel_id: b.channel_id, seq: b.seq })))),
    done: vi.fn(async (id: number) => {
      calls.push(`done ${id}`);
      mine = mine.filter((x) => x.id !== id);
      return todo(item(id, { state: 'done', done_at: T0 }));
    }),
    reopen: vi.fn(async (id: number) => todo(item(id))),
    cancel: vi.fn(async (id: number) => todo(item(id), { cancelled_at: T0 })),
  };
  const timers: (() => void)[] = [];
  const store = createTodoStore({ api, now: () => Date.parse(T0), later: (fn) => timers.push(fn) });
  const flush = async () => {
    while (timers.length) timers.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { store, api, calls, flush, set: (items: TodoItem[]) => (mine = items) };
}

describe('the 待办 store', () => {
  it('loads the list sorted by due, none last, and counts it for the badge', async () => {
    const h = harness([item(1), item(2, { due: '2026-11-24T09:00:00Z' }), item(3, { kind: 'notice', due: '2026-11-23T09:00:00Z' })]);
    await h.store.loadMine();
    const s = h.store.getState();
    expect(s.mine.items.map((i) => i.id)).toEqual([3, 2, 1]);
    expect(s.mine.loaded).toBe(true);
    expect(todoCount(s)).toBe(3);
  });

  it('takes a done item off the list at once, and puts it back when the server refuses', async () => {
    const h = harness([item(1), item(2)]);
    await h.store.loadMine();
    const p = h.store.done(1);
    expect(h.store.getState().mine.items.map((i) => i.id)).toEqual([2]);
    expect(h.store.getState().busy).toEqual([1]);
    expect(await p).toBe(true);
    expect(h.store.getState().busy).toEqual([]);

    (h.api.done as ReturnType<typeof vi.fn>).mockRejectedValueOnce(new ApiError(403, 'forbidden', 'no'));
    expect(await h.store.done(2)).toBe(false);
    expect(h.store.getState().mine.items.map((i) => i.id)).toEqual([2]);
    expect(h.store.getState().error?.code).toBe('forbidden');
  });

  it('fetches again once for a burst of todo, notice and collection frames', async () => {
    const h = harness([item(1)]);
    await h.store.loadMine();
    h.calls.length = 0;
    expect(h.store.handleFrame({ v: 1, type: 'todo', data: { todo_id: 1, event: 'assigned' } })).toBe(true);
    // A notice frame is the notices' too: not consumed here.
    expect(h.store.handleFrame({ v: 1, type: 'notice', data: { notice_id: 4, event: 'published' } })).toBe(false);
    h.store.handleFrame({ v: 1, type: 'collection', data: {} });
    expect(h.store.handleFrame({ v: 1, type: 'message', data: {} })).toBe(false);
    h.set([item(1), item(5)]);
    await h.flush();
    expect(h.calls).toEqual(['list']);
    expect(h.store.getState().mine.items.map((i) => i.id)).toEqual([1, 5]);
    expect(REFRESH_DEBOUNCE_MS).toBeGreaterThan(0);
  });

  it('leaves out the receipts of notices not on the list (an author hearing of confirmations)', async () => {
    const h = harness([item(4, { kind: 'notice' })]);
    await h.store.loadMine();
    h.calls.length = 0;
    h.store.handleFrame({ v: 1, type: 'notice', data: { notice_id: 9, event: 'receipt' } });
    await h.flush();
    expect(h.calls).toEqual([]);
    h.store.handleFrame({ v: 1, type: 'notice', data: { notice_id: 4, event: 'receipt' } });
    await h.flush();
    expect(h.calls).toEqual(['list']);
  });

  it('shows the assigner when the assignee marked it done (the todo frame), and drops a withdrawn one', async () => {
    const assigned = [item(1, { assignee: { id: 3, name: '王科员' } }), item(2)];
    const h = harness([], assigned);
    await h.store.loadAssigned();
    assigned[0] = item(1, { state: 'done', done_at: T0, done_by: { id: 3, name: '王科员' } });
    h.store.handleFrame({ v: 1, type: 'todo', data: { todo_id: 1, event: 'done' } });
    await h.flush();
    expect(h.store.getState().assigned.items[0]).toMatchObject({ state: 'done', done_by: { name: '王科员' } });

    expect(await h.store.cancel(2)).toBe(true);
    expect(h.store.getState().assigned.items.map((i) => i.id)).toEqual([1]);
  });

  it('keeps a list that failed to load, with its error, and names sources that could not be read', async () => {
    const h = harness([]);
    (h.api.list as ReturnType<typeof vi.fn>).mockRejectedValueOnce(new ApiError(503, 'unavailable', 'down'));
    await h.store.loadMine();
    expect(h.store.getState().mine.error?.code).toBe('unavailable');
    (h.api.list as ReturnType<typeof vi.fn>).mockResolvedValueOnce({ items: [item(1)], unavailable: ['collection'] });
    await h.store.loadMine();
    expect(h.store.getState().mine).toMatchObject({ error: undefined, unavailable: ['collection'] });
  });

  it('answers only the newest of two fetches', async () => {
    const h = harness([]);
    let first!: (t: Todos) => void;
    (h.api.list as ReturnType<typeof vi.fn>).mockImplementationOnce(() => new Promise<Todos>((r) => (first = r)));
    const a = h.store.loadMine();
    (h.api.list as ReturnType<typeof vi.fn>).mockResolvedValueOnce({ items: [item(2)] });
    await h.store.loadMine();
    first({ items: [item(1)] });
    await a;
    expect(h.store.getState().mine.items.map((i) => i.id)).toEqual([2]);
  });
});
