// The notices state itself: its shape and timing constants, what the store is built
// from, and the small shared context the other parts (lists.ts, detail.ts, actions.ts,
// frames.ts) work through — the state with its listeners, the debounce timers, the API.

import type { Request } from '../api';
import type { UiError } from '../errors';
import { createNoticesApi, type NoticesApi, type TallyFilter } from './api';
import type { Notice, NoticeEscalation, NoticeRevision, NoticeTally, RemindResult } from './types';

/** Receipts arriving for the open notice refresh its tally at most this often. */
export const TALLY_DEBOUNCE_MS = 500;
/** Other events (a burst of publications, say) are gathered for this long. */
export const LIST_DEBOUNCE_MS = 150;
/** Notices per page of the received and sent lists. */
export const PAGE = 50;
/** The 待确认 list is fetched whole, up to this many pages of the largest size. */
export const PENDING_PAGES = 5;
/** Reminders kept for the UI, newest first. */
export const MAX_REMINDERS = 5;

export interface ListState {
  items: Notice[];
  hasMore: boolean;
  loading: boolean;
  loaded: boolean;
  error?: UiError;
}

export interface OpenNotice {
  id: number;
  notice?: Notice;
  revisions: NoticeRevision[];
  loading: boolean;
  error?: UiError;
  /** After a confirmation refused as stale: the revision the reader had confirmed
   * against, so the screen can show what changed since. */
  staleFrom?: number;
}

export interface TallyView {
  noticeId: number;
  filter: TallyFilter;
  data?: NoticeTally;
  loading: boolean;
  error?: UiError;
}

/** A "please confirm" reminder, shown until dismissed or confirmed. */
export interface ReminderEntry {
  key: number;
  noticeId: number;
  title: string;
  urgent: boolean;
  at: number;
}

export type NoticeAction = 'confirm' | 'publish' | 'revise' | 'withdraw' | 'remind';

export interface NoticeState {
  pending: ListState;
  escalations: NoticeEscalation[];
  received: ListState;
  sent: ListState;
  /** One channel's board (received notices pinned there). */
  channel: ListState & { channelId?: number };
  open?: OpenNotice;
  tally?: TallyView;
  reminders: ReminderEntry[];
  busy: Partial<Record<NoticeAction, boolean>>;
  errors: Partial<Record<NoticeAction, UiError>>;
  /** The last "remind the unconfirmed" of the open notice. */
  reminded?: RemindResult & { noticeId: number };
  /** Display names by user id, once loaded (authors of notices). */
  names: Record<number, string>;
}

export interface NoticeStoreDeps {
  request: Request;
  meId: number;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

export const emptyList = (): ListState => ({ items: [], hasMore: false, loading: false, loaded: false });

export function initialNoticeState(): NoticeState {
  return {
    pending: emptyList(),
    escalations: [],
    received: emptyList(),
    sent: emptyList(),
    channel: emptyList(),
    reminders: [],
    busy: {},
    errors: {},
    names: {},
  };
}

/** What every part of the store shares. */
export interface NoticeContext {
  readonly state: NoticeState;
  /** dispose() was called: no more state changes or timers. */
  readonly disposed: boolean;
  api: NoticesApi;
  now: () => number;
  set(patch: Partial<NoticeState>): void;
  /** Runs `fn` once, `ms` after the first of a burst of calls (a throttle: a steady
   * stream runs it once every `ms`). */
  later(key: string, ms: number, fn: () => void): void;
  /** Drops what later() has waiting under `key`. */
  cancel(key: string): void;
  /** Replaces a notice wherever a list shows it. */
  patchLists(n: Notice): void;
}

export function createNoticeCore(deps: NoticeStoreDeps) {
  const api = createNoticesApi(deps.request);
  const now = deps.now ?? (() => Date.now());
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => globalThis.clearTimeout(id as ReturnType<typeof globalThis.setTimeout>));
  let state = initialNoticeState();
  const listeners = new Set<(s: NoticeState) => void>();
  let disposed = false;
  const timers = new Map<string, unknown>();

  function set(patch: Partial<NoticeState>) {
    if (disposed) return;
    state = { ...state, ...patch };
    listeners.forEach((fn) => fn(state));
  }

  const ctx: NoticeContext = {
    get state() {
      return state;
    },
    get disposed() {
      return disposed;
    },
    api,
    now,
    set,
    later(key, ms, fn) {
      if (disposed || timers.has(key)) return;
      timers.set(
        key,
        setT(() => {
          timers.delete(key);
          if (!disposed) fn();
        }, ms),
      );
    },
    cancel(key) {
      const t = timers.get(key);
      if (t !== undefined) clearT(t);
      timers.delete(key);
    },
    patchLists(n) {
      const fix = <L extends ListState>(l: L): L =>
        l.items.some((x) => x.id === n.id) ? { ...l, items: l.items.map((x) => (x.id === n.id ? n : x)) } : l;
      const pending = n.pending && n.status !== 'withdrawn' ? fix(state.pending) : { ...state.pending, items: state.pending.items.filter((x) => x.id !== n.id) };
      set({ pending, received: fix(state.received), sent: fix(state.sent), channel: fix(state.channel) });
    },
  };

  return {
    ctx,
    subscribe(fn: (s: NoticeState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      disposed = true;
      for (const t of timers.values()) clearT(t);
      timers.clear();
      listeners.clear();
    },
  };
}
