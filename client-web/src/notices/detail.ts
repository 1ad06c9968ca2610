// The notice that is open: the notice and its revisions, marking it seen, and its live
// tally (for those allowed to see it) with the filter applied.

import { toUiError } from '../errors';
import type { TallyFilter } from './api';
import { coalesce } from './coalesce';
import type { NoticeContext } from './state';
import type { Notice, NoticeReceipt } from './types';

export type Detail = ReturnType<typeof createDetail>;

export function createDetail(ctx: NoticeContext) {
  const { api, now, set } = ctx;

  async function markSeen(n: Notice) {
    const r = n.receipt;
    if (!r || n.status === 'withdrawn' || (r.seen_revision ?? 0) >= n.revision) return;
    try {
      const receipt = await api.seen(n.id, n.revision);
      const cur = ctx.state.open?.notice;
      if (cur && cur.id === n.id && cur.revision === n.revision) {
        const updated = { ...cur, receipt: { ...cur.receipt, ...receipt } as NoticeReceipt };
        set({ open: { ...ctx.state.open!, notice: updated } });
        ctx.patchLists(updated);
      }
    } catch {
      // Not being able to say "seen" must not stand between the reader and the notice.
    }
  }

  const reloadOpen = coalesce(async () => {
    const id = ctx.state.open?.id;
    if (!id) return;
    try {
      const [notice, revisions] = await Promise.all([api.get(id), api.revisions(id)]);
      if (ctx.state.open?.id !== id) return;
      set({ open: { ...ctx.state.open, notice, revisions, loading: false, error: undefined } });
      ctx.patchLists(notice);
      void markSeen(notice);
      if (notice.can_tally) {
        if (ctx.state.tally?.noticeId !== id) set({ tally: { noticeId: id, filter: {}, loading: false } });
        void refreshTally();
      } else if (ctx.state.tally) {
        set({ tally: undefined });
      }
    } catch (e) {
      if (ctx.state.open?.id !== id) return;
      set({ open: { ...ctx.state.open, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function open(id: number) {
    if (ctx.state.open?.id !== id) {
      set({ open: { id, revisions: [], loading: true }, tally: undefined, reminded: undefined, errors: {} });
    }
    await reloadOpen();
  }

  function close() {
    ctx.cancel('tally');
    set({ open: undefined, tally: undefined, reminded: undefined, errors: {} });
  }

  const refreshTally = coalesce(async () => {
    const tv = ctx.state.tally;
    if (!tv) return;
    set({ tally: { ...tv, loading: true } });
    try {
      const data = await api.tally(tv.noticeId, tv.filter);
      if (ctx.state.tally?.noticeId !== tv.noticeId || ctx.state.tally.filter !== tv.filter) return;
      set({ tally: { ...ctx.state.tally, data, loading: false, error: undefined } });
    } catch (e) {
      if (ctx.state.tally?.noticeId !== tv.noticeId) return;
      set({ tally: { ...ctx.state.tally, loading: false, error: toUiError(e, now()) } });
    }
  });

  async function setTallyFilter(filter: TallyFilter) {
    if (!ctx.state.tally) return;
    set({ tally: { ...ctx.state.tally, filter } });
    await refreshTally();
  }

  return { reloadOpen, open, close, refreshTally, setTallyFilter };
}
