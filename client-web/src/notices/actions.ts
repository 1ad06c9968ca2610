// What the signed-in person does to notices: confirm the open one, publish, revise,
// withdraw, and remind the unconfirmed. Each action has its own busy flag and error.

import { toUiError } from '../errors';
import type { Detail } from './detail';
import type { Lists } from './lists';
import type { NoticeAction, NoticeContext } from './state';
import { NOTICE_WITHDRAWN, STALE_REVISION, type Notice, type NoticeReceipt, type PublishNoticeRequest, type ReviseNoticeRequest } from './types';

export function createActions(ctx: NoticeContext, lists: Lists, detail: Detail) {
  const { api, now, set } = ctx;
  const { refreshPending } = lists;
  const { reloadOpen } = detail;

  async function act<T>(action: NoticeAction, fn: () => Promise<T>): Promise<T | undefined> {
    if (ctx.state.busy[action]) return undefined;
    set({ busy: { ...ctx.state.busy, [action]: true }, errors: { ...ctx.state.errors, [action]: undefined } });
    try {
      const r = await fn();
      set({ busy: { ...ctx.state.busy, [action]: false } });
      return r;
    } catch (e) {
      set({ busy: { ...ctx.state.busy, [action]: false }, errors: { ...ctx.state.errors, [action]: toUiError(e, now()) } });
      return undefined;
    }
  }

  async function confirm(reply?: string): Promise<boolean> {
    const n = ctx.state.open?.notice;
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
      if (stale && ctx.state.open?.id === n.id) set({ open: { ...ctx.state.open, staleFrom: n.revision } });
      if (stale || withdrawn) {
        await reloadOpen();
        void refreshPending();
      }
      return false;
    }
    const cur = ctx.state.open?.notice;
    if (cur && cur.id === n.id) {
      const updated: Notice = { ...cur, pending: false, receipt: { ...cur.receipt, ...receipt } as NoticeReceipt };
      set({ open: { ...ctx.state.open!, notice: updated, staleFrom: undefined } });
      ctx.patchLists(updated);
    } else {
      void refreshPending();
    }
    set({ reminders: ctx.state.reminders.filter((r) => r.noticeId !== n.id) });
    return true;
  }

  /** `via` wraps the publication (a notice with attachments uploads and shares their keys
   * first, src/files/noticeDraft.ts); busy and the error cover all of it. */
  async function publish(body: PublishNoticeRequest, via?: (body: PublishNoticeRequest, post: (b: PublishNoticeRequest) => Promise<Notice>) => Promise<Notice>) {
    const n = await act('publish', () => (via ? via(body, (b) => api.publish(b)) : api.publish(body)));
    if (n) {
      if (ctx.state.sent.loaded) set({ sent: { ...ctx.state.sent, items: [n, ...ctx.state.sent.items.filter((x) => x.id !== n.id)] } });
      // The author may be in the audience too.
      if (n.pending) void refreshPending();
    }
    return n;
  }

  async function revise(body: ReviseNoticeRequest) {
    const id = ctx.state.open?.id;
    if (!id) return undefined;
    const n = await act('revise', () => api.revise(id, body));
    if (n && ctx.state.open?.id === id) {
      set({ open: { ...ctx.state.open, notice: n } });
      ctx.patchLists(n);
      await reloadOpen();
    }
    return n;
  }

  async function withdraw(reason: string) {
    const id = ctx.state.open?.id;
    if (!id) return undefined;
    const n = await act('withdraw', () => api.withdraw(id, reason.trim()));
    if (n && ctx.state.open?.id === id) {
      set({ open: { ...ctx.state.open, notice: n } });
      ctx.patchLists(n);
    }
    return n;
  }

  async function remind() {
    const id = ctx.state.open?.id;
    if (!id) return undefined;
    const r = await act('remind', () => api.remind(id));
    if (r) {
      set({ reminded: { ...r, noticeId: id } });
      const tally = ctx.state.tally;
      if (tally?.noticeId === id && tally.data) {
        set({ tally: { ...tally, data: { ...tally.data, reminded_at: new Date(now()).toISOString(), next_remind_at: r.next_remind_at } } });
      }
    }
    return r;
  }

  return { confirm, publish, revise, withdraw, remind };
}
