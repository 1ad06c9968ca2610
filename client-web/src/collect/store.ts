// The collections of the signed-in person: the list (authored and received — the pinned
// bars and the badge read it), the one that is open with its live status, submissions and
// trace, and the actions on it. A `collection` frame only says that something changed: the
// store fetches again what is shown (debounced). No DOM here.

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { toUiError, type UiError } from '../errors';
import { createCollectApi, type CollectApi } from './api';
import { needsAnswer } from './status';
import type { Collection, CollectionEvent, CollectionStatus, HistoryEntry, PublishCollectionRequest, RemindResult, Submission, Values } from './types';

/** Frames about the open collection refresh its status at most this often. */
export const STATUS_DEBOUNCE_MS = 400;
export const LIST_DEBOUNCE_MS = 150;

export type CollectAction = 'publish' | 'submit' | 'return' | 'close' | 'remind' | 'history';

export interface OpenCollection {
  id: number;
  collection?: Collection;
  loading: boolean;
  error?: UiError;
  status?: CollectionStatus;
  submissions?: Submission[];
  history?: HistoryEntry[];
  remind?: RemindResult;
}

export interface CollectState {
  items: Collection[];
  /** For a department head: open collections that people of theirs did not answer by the deadline. */
  escalated: Collection[];
  loaded: boolean;
  loading: boolean;
  error?: UiError;
  open?: OpenCollection;
  busy: Partial<Record<CollectAction, boolean>>;
  errors: Partial<Record<CollectAction, UiError>>;
  /** Reminders received (提醒) not yet acted on, newest first. */
  reminders: { collectionId: number; title: string; at: number }[];
}

export interface CollectStoreDeps {
  request: Request;
  meId: number;
  api?: CollectApi;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export type CollectStore = ReturnType<typeof createCollectStore>;

export function initialCollectState(): CollectState {
  return { items: [], escalated: [], loaded: false, loading: false, busy: {}, errors: {}, reminders: [] };
}

/** How many collections the reader must still answer (the badge). */
export function toAnswerCount(s: CollectState, now: number): number {
  return s.items.filter((c) => needsAnswer(c, now)).length;
}

export function createCollectStore(deps: CollectStoreDeps) {
  const api = deps.api ?? createCollectApi(deps.request);
  const now = deps.now ?? (() => Date.now());
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let state = initialCollectState();
  const listeners = new Set<(s: CollectState) => void>();
  const timers = new Map<string, unknown>();
  let disposed = false;
  let listGen = 0;

  function set(p: Partial<CollectState>) {
    if (disposed) return;
    state = { ...state, ...p };
    listeners.forEach((fn) => fn(state));
  }
  function setOpen(id: number, p: Partial<OpenCollection>) {
    if (state.open?.id !== id) return;
    set({ open: { ...state.open, ...p } });
  }
  function later(key: string, ms: number, fn: () => void) {
    if (timers.has(key)) return;
    timers.set(
      key,
      setTimer(() => {
        timers.delete(key);
        if (!disposed) fn();
      }, ms),
    );
  }
  /** Puts a fresher copy of a collection into the list and the open view. */
  function patch(c: Collection) {
    const i = state.items.findIndex((x) => x.id === c.id);
    const items = i >= 0 ? state.items.map((x) => (x.id === c.id ? c : x)) : [c, ...state.items];
    set({ items });
    if (state.open?.id === c.id) setOpen(c.id, { collection: c });
  }

  async function loadList() {
    const gen = ++listGen;
    set({ loading: true, error: undefined });
    try {
      const [items, escalated] = await Promise.all([api.list(), api.list('escalated').catch(() => state.escalated)]);
      if (gen === listGen) set({ items, escalated, loaded: true, loading: false });
    } catch (e) {
      if (gen === listGen) set({ loading: false, error: toUiError(e, now()) });
    }
  }

  /** The collection, and what its reader may see of the others: the author (and whoever
   * may see a tally) the status and every submission; a 接龙's audience its lines. */
  async function reloadOpen() {
    const id = state.open?.id;
    if (!id) return;
    try {
      const c = await api.get(id);
      setOpen(id, { collection: c, loading: false, error: undefined });
      patch(c);
      // The author and those who see all (leaders above, security officers): the status and
      // every answer; a 接龙's audience its lines.
      const all = c.can_see_all || c.author_id === deps.meId;
      const jobs: Promise<unknown>[] = [];
      if (all) jobs.push(api.status(id).then((status) => setOpen(id, { status }), () => undefined));
      if (all || c.kind === 'signup')
        jobs.push(api.submissions(id).then((submissions) => setOpen(id, { submissions }), () => undefined));
      if (state.open?.history) jobs.push(loadHistory());
      await Promise.all(jobs);
    } catch (e) {
      setOpen(id, { loading: false, error: toUiError(e, now()) });
    }
  }

  async function open(id: number) {
    if (state.open?.id === id && state.open.collection) {
      void reloadOpen();
      return;
    }
    set({ open: { id, loading: true } });
    await reloadOpen();
  }

  async function act<T>(action: CollectAction, fn: () => Promise<T>): Promise<T | undefined> {
    if (state.busy[action]) return undefined;
    set({ busy: { ...state.busy, [action]: true }, errors: { ...state.errors, [action]: undefined } });
    try {
      const r = await fn();
      set({ busy: { ...state.busy, [action]: false } });
      return r;
    } catch (e) {
      set({ busy: { ...state.busy, [action]: false }, errors: { ...state.errors, [action]: toUiError(e, now()) } });
      return undefined;
    }
  }

  async function loadHistory() {
    const id = state.open?.id;
    if (!id) return;
    const h = await act('history', () => api.history(id));
    if (h) setOpen(id, { history: h });
  }

  function handleFrame(f: Frame): boolean {
    if (disposed || f.type !== 'collection' || !f.data || typeof f.data !== 'object') return false;
    const ev = f.data as CollectionEvent;
    const id = ev.collection_id;
    if (!Number.isSafeInteger(id)) return true;
    later('list', LIST_DEBOUNCE_MS, () => void loadList());
    if (state.open?.id === id) later('open', STATUS_DEBOUNCE_MS, () => void reloadOpen());
    if (ev.event === 'reminder') {
      const title = ev.title || state.items.find((c) => c.id === id)?.title || '';
      // 提醒 goes to those who still owe an answer; the author never gets one.
      const mine = state.items.find((c) => c.id === id);
      if (!mine || mine.author_id !== deps.meId)
        set({ reminders: [{ collectionId: id, title, at: now() }, ...state.reminders.filter((r) => r.collectionId !== id)].slice(0, 5) });
    }
    return true;
  }

  return {
    api,
    getState: () => state,
    subscribe(fn: (s: CollectState) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    start: () => void loadList(),
    loadList,
    open,
    reloadOpen,
    close() {
      if (state.open) set({ open: undefined });
    },
    handleFrame,
    async resync() {
      await Promise.all([loadList(), state.open ? reloadOpen() : undefined]);
    },
    async publish(body: PublishCollectionRequest, via?: (body: PublishCollectionRequest) => Promise<Collection>): Promise<Collection | undefined> {
      const c = await act('publish', () => (via ? via(body) : api.publish(body)));
      if (c) patch(c);
      return c;
    },
    /** Sends the reader's answer (new or replacing); `prepare` first uploads and shares its
     * files and answers the values to send. */
    async submit(values: Values | (() => Promise<Values>)): Promise<Submission | undefined> {
      const id = state.open?.id;
      if (!id) return undefined;
      const sub = await act('submit', async () => api.submit(id, typeof values === 'function' ? await values() : values));
      if (sub) {
        set({ reminders: state.reminders.filter((r) => r.collectionId !== id) });
        await reloadOpen();
      }
      return sub;
    },
    async returnTo(userId: number, note: string): Promise<boolean> {
      const id = state.open?.id;
      if (!id) return false;
      const r = await act('return', () => api.returnTo(id, userId, note));
      if (r) await reloadOpen();
      return !!r;
    },
    async closeCollection(): Promise<boolean> {
      const id = state.open?.id;
      if (!id) return false;
      const c = await act('close', () => api.close(id));
      if (c) {
        patch(c);
        await reloadOpen();
      }
      return !!c;
    },
    async remind(): Promise<RemindResult | undefined> {
      const id = state.open?.id;
      if (!id) return undefined;
      const r = await act('remind', () => api.remind(id));
      if (r) setOpen(id, { remind: r });
      return r;
    },
    loadHistory,
    dismissReminder(id: number) {
      set({ reminders: state.reminders.filter((r) => r.collectionId !== id) });
    },
    clearError(a: CollectAction) {
      set({ errors: { ...state.errors, [a]: undefined } });
    },
    dispose() {
      disposed = true;
      for (const t of timers.values()) clearTimer(t);
      timers.clear();
      listeners.clear();
    },
  };
}
