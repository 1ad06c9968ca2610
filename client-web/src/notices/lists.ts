// The notice lists: 待确认 (fetched whole; it also feeds the badge, the pinned bars and
// the reminders), received and sent (paged), and one channel's board.

import { toUiError } from '../errors';
import { MAX_LIST_LIMIT } from './api';
import { coalesce } from './coalesce';
import { emptyList, PAGE, PENDING_PAGES, type NoticeContext, type NoticeState } from './state';
import type { Notice, NoticeBox, NoticeEscalation } from './types';

export type Lists = ReturnType<typeof createLists>;

export function createLists(ctx: NoticeContext) {
  const { api, now, set } = ctx;

  const refreshPending = coalesce(async () => {
    set({ pending: { ...ctx.state.pending, loading: true } });
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
        reminders: ctx.state.reminders.filter((r) => waiting.has(r.noticeId)),
      });
    } catch (e) {
      set({ pending: { ...ctx.state.pending, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function loadFirst(box: 'received' | 'sent' | 'channel') {
    const channelId = box === 'channel' ? ctx.state.channel.channelId : undefined;
    if (box === 'channel' && !channelId) return;
    set({ [box]: { ...ctx.state[box], loading: true, error: undefined } } as Partial<NoticeState>);
    try {
      const r = await api.list(box === 'channel' ? 'received' : box, { limit: PAGE, channel: channelId });
      if (box === 'channel' && ctx.state.channel.channelId !== channelId) return;
      set({ [box]: { ...ctx.state[box], items: r.notices ?? [], hasMore: r.has_more, loading: false, loaded: true, error: undefined } } as Partial<NoticeState>);
    } catch (e) {
      if (box === 'channel' && ctx.state.channel.channelId !== channelId) return;
      set({ [box]: { ...ctx.state[box], loading: false, error: toUiError(e, now()) } } as Partial<NoticeState>);
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
    const l = ctx.state[box];
    if (l.loading || !l.hasMore || !l.items.length) return;
    const channelId = box === 'channel' ? ctx.state.channel.channelId : undefined;
    set({ [box]: { ...l, loading: true } } as Partial<NoticeState>);
    try {
      const r = await api.list(box === 'channel' ? 'received' : box, { limit: PAGE, channel: channelId, before: l.items[l.items.length - 1]!.id });
      if (box === 'channel' && ctx.state.channel.channelId !== channelId) return;
      const have = new Set(ctx.state[box].items.map((n) => n.id));
      const items = ctx.state[box].items.concat((r.notices ?? []).filter((n) => !have.has(n.id)));
      set({ [box]: { ...ctx.state[box], items, hasMore: r.has_more, loading: false } } as Partial<NoticeState>);
    } catch (e) {
      set({ [box]: { ...ctx.state[box], loading: false, error: toUiError(e, now()) } } as Partial<NoticeState>);
    }
  }

  async function showChannel(channelId: number) {
    if (ctx.state.channel.channelId !== channelId) set({ channel: { ...emptyList(), channelId } });
    return refreshers.channel();
  }

  /** The lists on screen (or loaded once), fetched again. */
  function refreshShown(): Promise<unknown> {
    const jobs: Promise<void>[] = [refreshPending()];
    if (ctx.state.received.loaded) jobs.push(refreshers.received());
    if (ctx.state.sent.loaded) jobs.push(refreshers.sent());
    if (ctx.state.channel.loaded && ctx.state.channel.channelId) jobs.push(refreshers.channel());
    return Promise.all(jobs);
  }

  return { refreshPending, loadBox, loadMore, showChannel, refreshShown };
}
