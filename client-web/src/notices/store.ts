// The notices of the signed-in person: the 待确认 list (which also feeds the badge and the
// bars pinned in channels), the received and sent lists, one channel's board, the notice
// that is open with its revisions, and its live tally. The socket's `notice` frames only
// say that something changed; the store re-fetches what is shown. No DOM here.
//
// This file is the public face: the NoticeStore interface, the selectors, and the
// assembly of the parts:
//   state.ts    the state, its timing constants, and the context the parts share
//   lists.ts    待确认, received, sent and a channel's board
//   detail.ts   the open notice, its revisions and tally
//   actions.ts  confirm, publish, revise, withdraw, remind
//   frames.ts   the socket's notice frames and the catch-up after a reconnect

import type { Frame } from '../chat/types';
import { loadEveryone } from '../directory/load';
import type { NoticesApi, TallyFilter } from './api';
import { createActions } from './actions';
import { createDetail } from './detail';
import { createFrameHandler } from './frames';
import { createLists } from './lists';
import { createNoticeCore, type NoticeAction, type NoticeState, type NoticeStoreDeps } from './state';
import type { Notice, NoticeBox, PublishNoticeRequest, RemindResult, ReviseNoticeRequest } from './types';
import { comparePinned } from './view';

export { initialNoticeState, LIST_DEBOUNCE_MS, MAX_REMINDERS, PAGE, PENDING_PAGES, TALLY_DEBOUNCE_MS } from './state';
export type { ListState, NoticeAction, NoticeState, NoticeStoreDeps, OpenNotice, ReminderEntry, TallyView } from './state';

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
  /** `via`: the publication wrapped (attachments uploaded and their keys shared first). */
  publish(body: PublishNoticeRequest, via?: (body: PublishNoticeRequest, post: (b: PublishNoticeRequest) => Promise<Notice>) => Promise<Notice>): Promise<Notice | undefined>;
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

export function createNoticeStore(deps: NoticeStoreDeps): NoticeStore {
  const core = createNoticeCore(deps);
  const { ctx } = core;
  const lists = createLists(ctx);
  const detail = createDetail(ctx);
  const actions = createActions(ctx, lists, detail);
  const frames = createFrameHandler(ctx, lists, detail);
  let namesLoading: Promise<void> | undefined;

  async function ensureNames() {
    if (!namesLoading) {
      namesLoading = loadEveryone(deps.request).then(
        (people) => {
          const names: Record<number, string> = { ...ctx.state.names };
          for (const p of people) names[p.id] = p.display_name || p.username;
          ctx.set({ names });
        },
        () => {
          namesLoading = undefined; // try again next time
        },
      );
    }
    return namesLoading;
  }

  return {
    api: ctx.api,
    getState: () => ctx.state,
    subscribe: core.subscribe,
    start() {
      void lists.refreshPending();
    },
    dispose: core.dispose,
    handleFrame: frames.handleFrame,
    resync: frames.resync,
    loadBox: lists.loadBox,
    loadMore: lists.loadMore,
    showChannel: lists.showChannel,
    open: detail.open,
    close: detail.close,
    confirm: actions.confirm,
    publish: actions.publish,
    revise: actions.revise,
    withdraw: actions.withdraw,
    remind: actions.remind,
    setTallyFilter: detail.setTallyFilter,
    dismissReminder(key) {
      ctx.set({ reminders: ctx.state.reminders.filter((r) => r.key !== key) });
    },
    clearError(action) {
      ctx.set({ errors: { ...ctx.state.errors, [action]: undefined } });
    },
    ensureNames,
  };
}
