// What the socket says about notices. A `notice` frame only says that something changed:
// the lists, the open notice and its tally are fetched again (debounced), and a reminder
// is kept for the UI. Also the catch-up after each (re)connect.

import type { Frame } from '../chat/types';
import type { Detail } from './detail';
import type { Lists } from './lists';
import { LIST_DEBOUNCE_MS, MAX_REMINDERS, TALLY_DEBOUNCE_MS, type NoticeContext, type ReminderEntry } from './state';
import type { NoticeEvent } from './types';

export function createFrameHandler(ctx: NoticeContext, lists: Lists, detail: Detail) {
  const { later } = ctx;
  const { refreshPending, refreshShown } = lists;
  const { reloadOpen, refreshTally } = detail;
  let reminderKey = 0;

  function handleFrame(f: Frame) {
    if (ctx.disposed || f.type !== 'notice' || !f.data || typeof f.data !== 'object') return;
    const ev = f.data as NoticeEvent;
    const id = ev.notice_id;
    if (!Number.isSafeInteger(id)) return;
    const isOpen = ctx.state.open?.id === id;
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
        if (isOpen && ctx.state.open?.notice?.can_tally && ctx.state.tally) later('tally', TALLY_DEBOUNCE_MS, () => void refreshTally());
        if (isOpen && ctx.state.open?.notice?.receipt) later('open', LIST_DEBOUNCE_MS, () => void reloadOpen());
        if (ctx.state.pending.items.some((n) => n.id === id)) later('pending', LIST_DEBOUNCE_MS, () => void refreshPending());
        // The author's list counts confirmations ("3/5 已确认").
        if (ctx.state.sent.items.some((n) => n.id === id)) later('sent', TALLY_DEBOUNCE_MS, () => void lists.loadBox('sent'));
        break;
      case 'reminder': {
        const title = ev.title || ctx.state.pending.items.find((n) => n.id === id)?.title || '';
        const entry: ReminderEntry = { key: ++reminderKey, noticeId: id, title, urgent: ev.priority === 'urgent', at: ctx.now() };
        ctx.set({ reminders: [entry, ...ctx.state.reminders.filter((r) => r.noticeId !== id)].slice(0, MAX_REMINDERS) });
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
    if (ctx.state.open) jobs.push(reloadOpen());
    await Promise.all(jobs);
  }

  return { handleFrame, resync };
}
