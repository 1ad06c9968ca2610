// Urgent notices arriving while the app is open: a `notice` frame `published` with
// priority urgent is fetched (GET /notices/{id}); if this person must still act on it,
// it joins the queue the card shows (one at a time, oldest first), its channels move to
// the top of the channel list, the tab title flashes until it is dealt with, and the
// tone plays once — when the person is in their working time, or when the notice broke
// through quiet hours (Notice.breakthrough, decided a moment after publication, so it
// is asked again twice before the notice is left silent).

import type { Request } from '../api';
import type { Frame } from '../chat/types';
import { toUiError, type UiError } from '../errors';
import type { Notice, NoticeEvent, NoticeReceipt } from '../notices/types';

export type Sound = 'deciding' | 'played' | 'quiet' | 'blocked';

export interface UrgentItem {
  notice: Notice;
  sound: Sound;
  busy?: boolean;
  error?: UiError;
}

export interface UrgentState {
  /** Urgent notices to show, oldest first; the card shows the first. */
  queue: UrgentItem[];
  /** Channel id → when an urgent notice pinned there arrived (ms): the list puts these first. */
  bumps: Record<number, number>;
}

export interface UrgentDeps {
  request: Request;
  meId: number;
  now?: () => number;
  /** Plays the tone; true when it started. */
  play: () => Promise<boolean>;
  /** Flashes the tab title with text, or stops. */
  flash: (text: string | undefined) => void;
  /** The flashing text for a notice. */
  flashText: (n: Notice) => string;
  later?: (fn: () => void, ms: number) => void;
}

/** Delays before asking again whether a notice broke through quiet hours. */
export const BREAKTHROUGH_RECHECK_MS = [1500, 4000] as const;

/** Whether the tone may play: in working time, or for a notice that broke through. */
export function maySound(reachable: boolean, breakthrough: boolean): boolean {
  return reachable || breakthrough;
}

export type UrgentStore = ReturnType<typeof createUrgentArrivals>;

export function createUrgentArrivals(deps: UrgentDeps) {
  const now = deps.now ?? Date.now;
  const later = deps.later ?? ((fn: () => void, ms: number) => void setTimeout(fn, ms));
  let state: UrgentState = { queue: [], bumps: {} };
  const listeners = new Set<(s: UrgentState) => void>();
  const handled = new Set<number>(); // each notice shows and sounds once
  let disposed = false;

  const set = (v: Partial<UrgentState>) => {
    state = { ...state, ...v };
    deps.flash(state.queue.length ? deps.flashText(state.queue[0]!.notice) : undefined);
    for (const l of listeners) l(state);
  };
  const update = (id: number, f: (it: UrgentItem) => UrgentItem) => set({ queue: state.queue.map((it) => (it.notice.id === id ? f(it) : it)) });
  const remove = (id: number) => set({ queue: state.queue.filter((it) => it.notice.id !== id) });
  const get = (id: number) => deps.request<Notice>('GET', `/notices/${id}`);

  async function reachableNow(): Promise<boolean> {
    try {
      const r = await deps.request<{ people?: { user_id: number; reachable: boolean }[] }>('POST', '/reachability', { user_ids: [deps.meId] });
      const me = r.people?.find((p) => p.user_id === deps.meId);
      return me ? !!me.reachable : true;
    } catch {
      return true; // not knowing, sound: an urgent notice missed costs more than a tone
    }
  }

  async function sound(n: Notice) {
    let breakthrough = !!n.breakthrough;
    const reachable = breakthrough || (await reachableNow());
    const ring = async () => {
      if (disposed || !state.queue.some((it) => it.notice.id === n.id)) return;
      const ok = await deps.play();
      update(n.id, (it) => ({ ...it, sound: ok ? 'played' : 'blocked' }));
    };
    if (maySound(reachable, breakthrough)) return ring();
    // Off duty: the break-through is decided just after publication; ask again.
    for (const [i, ms] of BREAKTHROUGH_RECHECK_MS.entries()) {
      await new Promise<void>((r) => later(r, ms - (i ? BREAKTHROUGH_RECHECK_MS[i - 1]! : 0)));
      if (disposed || !state.queue.some((it) => it.notice.id === n.id)) return;
      try {
        breakthrough = !!(await get(n.id)).breakthrough;
      } catch {
        breakthrough = false;
      }
      if (breakthrough) return ring();
    }
    update(n.id, (it) => ({ ...it, sound: 'quiet' }));
  }

  async function arrive(id: number) {
    if (handled.has(id)) return;
    handled.add(id);
    let n: Notice;
    try {
      n = await get(id);
    } catch {
      handled.delete(id); // a later frame may try again
      return;
    }
    if (disposed || !n.receipt || n.status !== 'active' || (n.needs_confirm && !n.pending)) return;
    const bumps = { ...state.bumps };
    for (const c of n.channels ?? []) bumps[c] = now();
    set({ queue: [...state.queue, { notice: n, sound: 'deciding' }], bumps });
    await sound(n);
  }

  async function refresh(id: number) {
    try {
      const n = await get(id);
      if (n.status !== 'active' || (n.needs_confirm && !n.pending)) remove(id);
      else update(id, (it) => ({ ...it, notice: { ...n, breakthrough: it.notice.breakthrough || n.breakthrough } }));
    } catch {
      remove(id);
    }
  }

  return {
    getState: () => state,
    subscribe(fn: (s: UrgentState) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    handleFrame(f: Frame) {
      if (disposed || f.type !== 'notice' || !f.data || typeof f.data !== 'object') return;
      const ev = f.data as NoticeEvent;
      if (!Number.isSafeInteger(ev.notice_id)) return;
      const queued = state.queue.some((it) => it.notice.id === ev.notice_id);
      if (ev.event === 'published' && ev.priority === 'urgent') void arrive(ev.notice_id);
      else if (queued && (ev.event === 'withdrawn' || ev.event === 'revised' || ev.event === 'receipt')) void refresh(ev.notice_id);
    },
    /** 确认收到 on the card. */
    async confirm(id: number) {
      const it = state.queue.find((x) => x.notice.id === id);
      if (!it || it.busy) return;
      update(id, (x) => ({ ...x, busy: true, error: undefined }));
      try {
        await deps.request<NoticeReceipt>('POST', `/notices/${id}/confirm`, { revision: it.notice.revision });
        remove(id);
      } catch (e) {
        update(id, (x) => ({ ...x, busy: false, error: toUiError(e, now()) }));
        if ((e as { code?: string }).code === 'stale_revision') void refresh(id);
      }
    },
    /** 查看: the card goes; the notice, opened, records that it was seen. */
    dismiss(id: number) {
      remove(id);
    },
    /** 知道了, for a notice that needs no confirmation: seen, and the card goes. */
    acknowledge(id: number) {
      const it = state.queue.find((x) => x.notice.id === id);
      remove(id);
      if (it) void deps.request('POST', `/notices/${id}/seen`, { revision: it.notice.revision }).catch(() => undefined);
    },
    dispose() {
      disposed = true;
      deps.flash(undefined);
      listeners.clear();
    },
  };
}
