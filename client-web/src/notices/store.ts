// The notices of the signed-in person: the 待确认 list (which also feeds the badge and the
// bars pinned in channels), the received and sent lists, one channel's board, the notice
// that is open with its revisions, and its live tally. The socket's `notice` frames only
// say that something changed; the store re-fetches what is shown. No DOM here.

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { loadEveryone } from '../directory/load';
import { toUiError, type UiError } from '../errors';
import { createNoticesApi, MAX_LIST_LIMIT, type NoticesApi, type TallyFilter } from './api';
import { comparePinned } from './view';
import {
  NOTICE_WITHDRAWN,
  STALE_REVISION,
  type Notice,
  type NoticeBox,
  type NoticeEscalation,
  type NoticeEvent,
  type NoticeReceipt,
  type NoticeRevision,
  type NoticeTally,
  type PublishNoticeRequest,
  type RemindResult,
  type ReviseNoticeRequest,
} from './types';

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

export interface NoticeStore {
  getState(): NoticeState;
  subscribe(fn: (s: NoticeState) => void): () => void;
  /** Loads the 待确认 list (badge and pinned bars). */
  start(): void;
  dispose(): void;
  /** A frame from the chat socket; anything but `notice` is ignored. */
  handleFrame(f: Frame): void;
  /** After each (re)connect: fetch again whatever is shown. */
  resync(): Promise<void>;
  /** Loads the first page of a list (again). */
  loadBox(box: NoticeBox): Promise<void>;
  loadMore(box: NoticeBox | 'channel'): Promise<void>;
  /** Shows one channel's board. */
  showChannel(channelId: number): Promise<void>;
  /** Opens a notice: loads it and its revisions, marks it seen, loads the tally. */
  open(id: number): Promise<void>;
  close(): void;
  confirm(reply?: string): Promise<boolean>;
  publish(body: PublishNoticeRequest): Promise<Notice | undefined>;
  revise(body: ReviseNoticeRequest): Promise<Notice | undefined>;
  withdraw(reason: string): Promise<Notice | undefined>;
  remind(): Promise<RemindResult | undefined>;
  setTallyFilter(filter: TallyFilter): Promise<void>;
  dismissReminder(key: number): void;
  clearError(action: NoticeAction): void;
  /** Loads the names of people once (for authors). */
  ensureNames(): Promise<void>;
  api: NoticesApi;
}

const emptyList = (): ListState => ({ items: [], hasMore: false, loading: false, loaded: false });

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

/** How many notices wait for the reader's confirmation (the badge). */
export function pendingCount(s: NoticeState): number {
  return s.pending.items.filter((n) => n.pending && n.status !== 'withdrawn').length;
}

/** The pending notices pinned in a channel: urgent first, then the nearest deadline. */
export function pinnedIn(s: NoticeState, channelId: number): Notice[] {
  return s.pending.items
    .filter((n) => n.pending && n.status !== 'withdrawn' && (n.channels ?? []).includes(channelId))
    .sort(comparePinned);
}

/** Runs `fn` at most once at a time; calls while it runs make it run once more after. */
function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await fn();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}

export function createNoticeStore(deps: NoticeStoreDeps): NoticeStore {
  const api = createNoticesApi(deps.request);
  const now = deps.now ?? (() => Date.now());
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => globalThis.clearTimeout(id as ReturnType<typeof globalThis.setTimeout>));
  let state = initialNoticeState();
  const listeners = new Set<(s: NoticeState) => void>();
  let disposed = false;
  let reminderKey = 0;
  let namesLoading: Promise<void> | undefined;
  const timers = new Map<string, unknown>();

  function set(patch: Partial<NoticeState>) {
    if (disposed) return;
    state = { ...state, ...patch };
    listeners.forEach((fn) => fn(state));
  }

  /** Runs `fn` once, `ms` after the first of a burst of calls (a throttle: a steady
   * stream runs it once every `ms`). */
  function later(key: string, ms: number, fn: () => void) {
    if (disposed || timers.has(key)) return;
    timers.set(
      key,
      setT(() => {
        timers.delete(key);
        if (!disposed) fn();
      }, ms),
    );
  }

  /** Replaces a notice wherever a list shows it. */
  function patchLists(n: Notice) {
    const fix = <L extends ListState>(l: L): L =>
      l.items.some((x) => x.id === n.id) ? { ...l, items: l.items.map((x) => (x.id === n.id ? n : x)) } : l;
    const pending = n.pending && n.status !== 'withdrawn' ? fix(state.pending) : { ...state.pending, items: state.pending.items.filter((x) => x.id !== n.id) };
    set({ pending, received: fix(state.received), sent: fix(state.sent), channel: fix(state.channel) });
  }

  // ---- lists ----

  const refreshPending = coalesce(async () => {
    set({ pending: { ...state.pending, loading: true } });
    try {
      let items: Notice[] = [];
      let escalations: NoticeEscalation[] = [];
      let hasMore = false;
      let before: number | undefined;
      for (let page = 0; page < PENDING_PAGES; page++) {
        const r = await api.list('pending', { limit: MAX_LIST_LIMIT, before });
        items = items.concat(r.notices ?? []);
        if (page === 0) escalations = r.escalations ?? [];
        hasMore = r.has_more && (r.notices ?? []).length > 0;
        if (!hasMore) break;
        before = items[items.length - 1]!.id;
      }
      // A reminder of a notice no longer waiting is done with.
      const waiting = new Set(items.map((n) => n.id));
      set({
        pending: { items, hasMore, loading: false, loaded: true },
        escalations,
        reminders: state.reminders.filter((r) => waiting.has(r.noticeId)),
      });
    } catch (e) {
      set({ pending: { ...state.pending, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function loadFirst(box: 'received' | 'sent' | 'channel') {
    const channelId = box === 'channel' ? state.channel.channelId : undefined;
    if (box === 'channel' && !channelId) return;
    set({ [box]: { ...state[box], loading: true, error: undefined } } as Partial<NoticeState>);
    try {
      const r = await api.list(box === 'channel' ? 'received' : box, { limit: PAGE, channel: channelId });
      if (box === 'channel' && state.channel.channelId !== channelId) return;
      set({ [box]: { ...state[box], items: r.notices ?? [], hasMore: r.has_more, loading: false, loaded: true, error: undefined } } as Partial<NoticeState>);
    } catch (e) {
      if (box === 'channel' && state.channel.channelId !== channelId) return;
      set({ [box]: { ...state[box], loading: false, error: toUiError(e, now()) } } as Partial<NoticeState>);
    }
  }

  const refreshers = {
    received: coalesce(() => loadFirst('received')),
    sent: coalesce(() => loadFirst('sent')),
    channel: coalesce(() => loadFirst('channel')),
  };

  async function loadBox(box: NoticeBox) {
    if (box === 'pending') return refreshPending();
    return refreshers[box]();
  }

  async function loadMore(box: NoticeBox | 'channel') {
    if (box === 'pending') return; // fetched whole
    const l = state[box];
    if (l.loading || !l.hasMore || !l.items.length) return;
    const channelId = box === 'channel' ? state.channel.channelId : undefined;
    set({ [box]: { ...l, loading: true } } as Partial<NoticeState>);
    try {
      const r = await api.list(box === 'channel' ? 'received' : box, { limit: PAGE, channel: channelId, before: l.items[l.items.length - 1]!.id });
      if (box === 'channel' && state.channel.channelId !== channelId) return;
      const have = new Set(state[box].items.map((n) => n.id));
      const items = state[box].items.concat((r.notices ?? []).filter((n) => !have.has(n.id)));
      set({ [box]: { ...state[box], items, hasMore: r.has_more, loading: false } } as Partial<NoticeState>);
    } catch (e) {
      set({ [box]: { ...state[box], loading: false, error: toUiError(e, now()) } } as Partial<NoticeState>);
    }
  }

  async function showChannel(channelId: number) {
    if (state.channel.channelId !== channelId) set({ channel: { ...emptyList(), channelId } });
    return refreshers.channel();
  }

  /** The lists on screen (or loaded once), fetched again. */
  function refreshShown(): Promise<unknown> {
    const jobs: Promise<void>[] = [refreshPending()];
    if (state.received.loaded) jobs.push(refreshers.received());
    if (state.sent.loaded) jobs.push(refreshers.sent());
    if (state.channel.loaded && state.channel.channelId) jobs.push(refreshers.channel());
    return Promise.all(jobs);
  }

  // ---- the open notice ----

  async function markSeen(n: Notice) {
    const r = n.receipt;
    if (!r || n.status === 'withdrawn' || (r.seen_revision ?? 0) >= n.revision) return;
    try {
      const receipt = await api.seen(n.id, n.revision);
      const cur = state.open?.notice;
      if (cur && cur.id === n.id && cur.revision === n.revision) {
        const updated = { ...cur, receipt: { ...cur.receipt, ...receipt } as NoticeReceipt };
        set({ open: { ...state.open!, notice: updated } });
        patchLists(updated);
      }
    } catch {
      // Not being able to say "seen" must not stand between the reader and the notice.
    }
  }

  const reloadOpen = coalesce(async () => {
    const id = state.open?.id;
    if (!id) return;
    try {
      const [notice, revisions] = await Promise.all([api.get(id), api.revisions(id)]);
      if (state.open?.id !== id) return;
      set({ open: { ...state.open, notice, revisions, loading: false, error: undefined } });
      patchLists(notice);
      void markSeen(notice);
      if (notice.can_tally) {
        if (state.tally?.noticeId !== id) set({ tally: { noticeId: id, filter: {}, loading: false } });
        void refreshTally();
      } else if (state.tally) {
        set({ tally: undefined });
      }
    } catch (e) {
      if (state.open?.id !== id) return;
      set({ open: { ...state.open, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function open(id: number) {
    if (state.open?.id !== id) {
      set({ open: { id, revisions: [], loading: true }, tally: undefined, reminded: undefined, errors: {} });
    }
    await reloadOpen();
  }

  function close() {
    const t = timers.get('tally');
    if (t !== undefined) clearT(t);
    timers.delete('tally');
    set({ open: undefined, tally: undefined, reminded: undefined, errors: {} });
  }

  const refreshTally = coalesce(async () => {
    const tv = state.tally;
    if (!tv) return;
    set({ tally: { ...tv, loading: true } });
    try {
      const data = await api.tally(tv.noticeId, tv.filter);
      if (state.tally?.noticeId !== tv.noticeId || state.tally.filter !== tv.filter) return;
      set({ tally: { ...state.tally, data, loading: false, error: undefined } });
    } catch (e) {
      if (state.tally?.noticeId !== tv.noticeId) return;
      set({ tally: { ...state.tally, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function setTallyFilter(filter: TallyFilter) {
    if (!state.tally) return;
    set({ tally: { ...state.tally, filter } });
    await refreshTally();
  }

  // ---- actions ----

  async function act<T>(action: NoticeAction, fn: () => Promise<T>): Promise<T | undefined> {
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

  async function confirm(reply?: string): Promise<boolean> {
    const n = state.open?.notice;
    if (!n) return false;
    let stale = false;
    let withdrawn = false;
    const receipt = await act('confirm', async () => {
      try {
        return await api.confirm(n.id, n.revision, reply);
      } catch (e) {
        const code = toUiError(e, now()).code;
        stale = code === STALE_REVISION;
        withdrawn = code === NOTICE_WITHDRAWN;
        throw e;
      }
    });
    if (!receipt) {
      if (stale && state.open?.id === n.id) set({ open: { ...state.open, staleFrom: n.revision } });
      if (stale || withdrawn) {
        await reloadOpen();
        void refreshPending();
      }
      return false;
    }
    const cur = state.open?.notice;
    if (cur && cur.id === n.id) {
      const updated: Notice = { ...cur, pending: false, receipt: { ...cur.receipt, ...receipt } as NoticeReceipt };
      set({ open: { ...state.open!, notice: updated, staleFrom: undefined } });
      patchLists(updated);
    } else {
      void refreshPending();
    }
    set({ reminders: state.reminders.filter((r) => r.noticeId !== n.id) });
    return true;
  }

  async function publish(body: PublishNoticeRequest) {
    const n = await act('publish', () => api.publish(body));
    if (n) {
      if (state.sent.loaded) set({ sent: { ...state.sent, items: [n, ...state.sent.items.filter((x) => x.id !== n.id)] } });
      // The author may be in the audience too.
      if (n.pending) void refreshPending();
    }
    return n;
  }

  async function revise(body: ReviseNoticeRequest) {
    const id = state.open?.id;
    if (!id) return undefined;
    const n = await act('revise', () => api.revise(id, body));
    if (n && state.open?.id === id) {
      set({ open: { ...state.open, notice: n } });
      patchLists(n);
      await reloadOpen();
    }
    return n;
  }

  async function withdraw(reason: string) {
    const id = state.open?.id;
    if (!id) return undefined;
    const n = await act('withdraw', () => api.withdraw(id, reason.trim()));
    if (n && state.open?.id === id) {
      set({ open: { ...state.open, notice: n } });
      patchLists(n);
    }
    return n;
  }

  async function remind() {
    const id = state.open?.id;
    if (!id) return undefined;
    const r = await act('remind', () => api.remind(id));
    if (r) {
      set({ reminded: { ...r, noticeId: id } });
      if (state.tally?.noticeId === id && state.tally.data) {
        set({ tally: { ...state.tally, data: { ...state.tally.data, reminded_at: new Date(now()).toISOString(), next_remind_at: r.next_remind_at } } });
      }
    }
    return r;
  }

  // ---- the socket ----

  function handleFrame(f: Frame) {
    if (disposed || f.type !== 'notice' || !f.data || typeof f.data !== 'object') return;
    const ev = f.data as NoticeEvent;
    const id = ev.notice_id;
    if (!Number.isSafeInteger(id)) return;
    const isOpen = state.open?.id === id;
    switch (ev.event) {
      case 'published':
      case 'revised':
      case 'withdrawn':
        later('shown', LIST_DEBOUNCE_MS, () => void refreshShown());
        if (isOpen) later('open', LIST_DEBOUNCE_MS, () => void reloadOpen());
        break;
      case 'receipt':
        // To the author: somebody saw or confirmed. To a recipient: their own receipt
        // changed on another device.
        if (isOpen && state.open?.notice?.can_tally && state.tally) later('tally', TALLY_DEBOUNCE_MS, () => void refreshTally());
        if (isOpen && state.open?.notice?.receipt) later('open', LIST_DEBOUNCE_MS, () => void reloadOpen());
        if (state.pending.items.some((n) => n.id === id)) later('pending', LIST_DEBOUNCE_MS, () => void refreshPending());
        break;
      case 'reminder': {
        const title = ev.title || state.pending.items.find((n) => n.id === id)?.title || '';
        const entry: ReminderEntry = { key: ++reminderKey, noticeId: id, title, urgent: ev.priority === 'urgent', at: now() };
        set({ reminders: [entry, ...state.reminders.filter((r) => r.noticeId !== id)].slice(0, MAX_REMINDERS) });
        later('pending', LIST_DEBOUNCE_MS, () => void refreshPending());
        break;
      }
      case 'escalation':
        later('pending', LIST_DEBOUNCE_MS, () => void refreshPending());
        break;
      default:
        break;
    }
  }

  async function resync() {
    const jobs: Promise<unknown>[] = [refreshShown()];
    if (state.open) jobs.push(reloadOpen());
    await Promise.all(jobs);
  }

  async function ensureNames() {
    if (!namesLoading) {
      namesLoading = loadEveryone(deps.request).then(
        (people) => {
          const names: Record<number, string> = { ...state.names };
          for (const p of people) names[p.id] = p.display_name || p.username;
          set({ names });
        },
        () => {
          namesLoading = undefined; // try again next time
        },
      );
    }
    return namesLoading;
  }

  return {
    api,
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start() {
      void refreshPending();
    },
    dispose() {
      disposed = true;
      for (const t of timers.values()) clearT(t);
      timers.clear();
      listeners.clear();
    },
    handleFrame,
    resync,
    loadBox,
    loadMore,
    showChannel,
    open,
    close,
    confirm,
    publish,
    revise,
    withdraw,
    remind,
    setTallyFilter,
    dismissReminder(key) {
      set({ reminders: state.reminders.filter((r) => r.key !== key) });
    },
    clearError(action) {
      set({ errors: { ...state.errors, [action]: undefined } });
    },
    ensureNames,
  };
}
