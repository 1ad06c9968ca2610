// The chat state of one logged-in user: channels, timelines, the outbox, members and
// the connection. Frames and REST answers go in; an immutable ChatState comes out for
// the UI. It follows the reconnect algorithm of PROTOCOL.md §7.7.

import type { Request } from '../api';
import { localError, toUiError, type UiError } from '../errors';
import { checkText, newClientId, sendData, stripControls, type ComposeProblem } from './compose';
import { clearLocal, loadDrafts, loadOutbox, saveDrafts, saveOutbox, sendRetryable, type LocalStore, type Pending } from './outbox';
import type { ConnState, Socket, SocketHandlers } from './socket';
import { EMPTY_TIMELINE, findMessage, heldSeq, lastSeq, mergeMessages, withNewestPage, withOlderPage, type Timeline } from './timeline';
import {
  PROTOCOL_VERSION,
  type AckData,
  type Channel,
  type ChannelEvent,
  type ChannelMember,
  type ErrorData,
  type Frame,
  type Message,
  type Messages,
  type Person,
  type ReadData,
  type ResumePos,
  type ResyncData,
} from './types';

export interface ChatState {
  conn: ConnState;
  retryInMs?: number;
  /** Connected before: the banner says "reconnected", not "connecting". */
  everOnline: boolean;
  channels: Channel[];
  channelsLoaded: boolean;
  listError?: UiError;
  timelines: Record<number, Timeline>;
  timelineErrors: Record<number, UiError>;
  outbox: Pending[];
  members: Record<number, ChannelMember[]>;
  people: Record<number, Person>;
  presence: Record<number, boolean>;
  drafts: Record<number, string>;
  activeId?: number;
  search?: { q: string; busy: boolean; results: Message[]; error?: UiError };
}

export interface ChatDeps {
  request: Request;
  me: { id: number };
  /** Builds the socket over the store's handlers (the browser's WebSocket, or a fake). */
  socket: (h: SocketHandlers) => Socket;
  storage?: LocalStore;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  /** The session ended (close 4001, or a 401 from REST). */
  onExpired?: () => void;
  /** Frames that are not chat's own (notices), and each welcome (to catch up after a
   * reconnect): the socket is shared. */
  onOtherFrame?: (f: Frame) => void;
  onWelcome?: () => void;
}

type Op =
  | { kind: 'send'; clientId: string }
  | { kind: 'edit' | 'recall'; resolve: (e?: UiError) => void; timer: unknown }
  | { kind: 'read'; channelId: number; seq: number };

const PAGE = 50;
const CATCH_UP_PAGE = 200;
const CATCH_UP_MAX_PAGES = 10;
const NEWEST = Number.MAX_SAFE_INTEGER;
const OP_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 8;
const PEOPLE_PAGE = 1000;
const PEOPLE_MAX_PAGES = 20;

export type ChatStore = ReturnType<typeof createChatStore>;

export function createChatStore(deps: ChatDeps) {
  const { request, me, storage } = deps;
  const now = deps.now ?? Date.now;
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>));

  let state: ChatState = {
    conn: 'closed',
    everOnline: false,
    channels: [],
    channelsLoaded: false,
    timelines: {},
    timelineErrors: {},
    outbox: loadOutbox(storage, me.id),
    members: {},
    people: {},
    presence: {},
    drafts: loadDrafts(storage, me.id),
  };
  const listeners = new Set<(s: ChatState) => void>();
  const ops = new Map<string, Op>();
  const pendingReads = new Map<number, number>();
  const catchingUp = new Set<number>();
  let refSeq = 0;
  let listTimer: unknown;
  let flushTimer: unknown;
  let draftTimer: unknown;
  let pausedUntil = 0;
  let disposed = false;
  /** forget() was called (logout): nothing more is written to storage. */
  let forgotten = false;

  function set(next: Partial<ChatState>) {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }

  function setTimeline(id: number, t: Timeline) {
    set({ timelines: { ...state.timelines, [id]: t } });
  }

  function patchChannel(id: number, fn: (c: Channel) => Channel) {
    const i = state.channels.findIndex((c) => c.id === id);
    if (i < 0) return false;
    const channels = state.channels.slice();
    channels[i] = fn(channels[i]!);
    set({ channels });
    return true;
  }

  function setOutbox(outbox: Pending[]) {
    set({ outbox });
    if (!forgotten) saveOutbox(storage, me.id, outbox);
  }

  /** A REST failure: a lost session goes to the login page; the rest is returned. */
  function failed(err: unknown): UiError {
    const e = toUiError(err, now());
    if (e.code === 'unauthenticated') deps.onExpired?.();
    return e;
  }

  // ---- the socket ----

  const socket = deps.socket({
    hello: () => {
      // Only the open channel resumes over the socket; the others reload their newest
      // page when next opened, and their unread counts come from the channel list.
      const id = state.activeId;
      const t = id === undefined ? undefined : state.timelines[id];
      if (id === undefined || !t || t.loading || t.messages.length === 0) return {};
      const epoch = state.channels.find((c) => c.id === id)?.epoch;
      const pos: ResumePos = { channel_id: id, last_seq: heldSeq(t.messages), ...(epoch ? { epoch } : {}) };
      return { resume: [pos] };
    },
    frame: onFrame,
    state: (conn, retryInMs) => {
      if (conn !== 'online') {
        // Whatever was on the wire is unanswered: it goes again after the next welcome.
        if (state.outbox.some((p) => p.status === 'sending')) {
          setOutbox(state.outbox.map((p) => (p.status === 'sending' ? { ...p, status: 'queued' } : p)));
        }
        for (const [ref, op] of ops) {
          if (op.kind === 'edit' || op.kind === 'recall') {
            clearT(op.timer);
            op.resolve(localError('network', now()));
          }
          ops.delete(ref);
        }
      }
      set({ conn, retryInMs, everOnline: state.everOnline || conn === 'online' });
      if (conn === 'expired') deps.onExpired?.();
    },
  });

  function onFrame(f: Frame) {
    switch (f.type) {
      case 'welcome':
        onWelcome();
        break;
      case 'message':
        onMessage(f.data as Message);
        break;
      case 'ack':
        onAck(f.ref, f.data as AckData);
        break;
      case 'error':
        onError(f.ref, f.data as ErrorData);
        break;
      case 'read':
        onRead(f.data as ReadData);
        break;
      case 'resync':
        onResync(f.data as ResyncData);
        break;
      case 'channel':
        onChannelEvent(f.data as ChannelEvent);
        break;
      default:
        deps.onOtherFrame?.(f);
    }
  }

  function onWelcome() {
    deps.onWelcome?.();
    void loadChannels();
    // Edits and recalls made while away are not replayed: refresh what is on screen,
    // and let other channels reload their newest page when next opened.
    const timelines: Record<number, Timeline> = {};
    if (state.activeId !== undefined && state.timelines[state.activeId]) {
      timelines[state.activeId] = state.timelines[state.activeId]!;
      void loadNewest(state.activeId);
    }
    set({ timelines });
    flush();
    for (const [channelId, seq] of pendingReads) sendRead(channelId, seq);
  }

  function onMessage(m: Message) {
    if (!m || !Number.isSafeInteger(m.channel_id) || !Number.isSafeInteger(m.seq)) return;
    const t = state.timelines[m.channel_id];
    if (t) {
      // An upsert, never a "newest page": a message ahead of a gap (out of order in a
      // cluster, or missed) must not push out the history held. While the newest page
      // is loading, the message is kept too: the page may have been answered before it.
      const before = heldSeq(t.messages);
      setTimeline(m.channel_id, { ...t, messages: mergeMessages(t.messages, [m]) });
      if (!t.loading && m.seq > before + 1 && t.messages.length > 0) void catchUp(m.channel_id);
    }
    if (m.sender_id === me.id && m.client_id && state.outbox.some((p) => p.clientId === m.client_id)) {
      setOutbox(state.outbox.filter((p) => p.clientId !== m.client_id));
    }
    const known = patchChannel(m.channel_id, (c) => {
      const isNew = m.seq > c.last_seq;
      const c2 = { ...c, last_seq: Math.max(c.last_seq, m.seq) };
      if (isNew || c.latest?.seq === m.seq) c2.latest = m;
      if (isNew && m.sender_id !== me.id && m.seq > c.read_seq && !m.recalled_at) c2.unread = c.unread + 1;
      if (!isNew && m.recalled_at && m.seq > c.read_seq && m.sender_id !== me.id && c.unread > 0) c2.unread = c.unread - 1;
      return c2;
    });
    if (!known) scheduleListRefresh();
  }

  function onAck(ref: string | undefined, a: AckData) {
    if (!ref) return;
    const op = ops.get(ref);
    if (!op) return;
    ops.delete(ref);
    switch (op.kind) {
      case 'send': {
        const p = state.outbox.find((x) => x.clientId === op.clientId);
        if (!p) return;
        setOutbox(state.outbox.filter((x) => x.clientId !== op.clientId));
        flush();
        // The message frame normally comes too; if it was missed, show the message now.
        const t = state.timelines[p.channelId];
        if (t && !t.loading && !findMessage(t, a.seq)) {
          onMessage({
            channel_id: p.channelId,
            seq: a.seq,
            sender_id: me.id,
            client_id: p.clientId,
            text: p.text,
            reply_to: p.replyTo,
            mentions: p.mentions,
            mention_all: p.mentionAll,
            secrecy: p.secrecy ?? 0,
            created_at: a.created_at ?? new Date(now()).toISOString(),
          });
        }
        return;
      }
      case 'edit':
      case 'recall':
        clearT(op.timer);
        op.resolve(undefined);
        return;
      case 'read':
        if (pendingReads.get(op.channelId) === op.seq) pendingReads.delete(op.channelId);
        return;
    }
  }

  function onError(ref: string | undefined, d: ErrorData) {
    if (!ref) return;
    const op = ops.get(ref);
    if (!op) return;
    ops.delete(ref);
    const e: UiError = { code: d?.code || 'internal', at: now(), retryAfter: d?.retry_after, field: d?.field };
    switch (op.kind) {
      case 'send': {
        const retry = sendRetryable(e.code);
        setOutbox(
          state.outbox.map((p) =>
            p.clientId === op.clientId ? { ...p, status: retry ? 'queued' : 'failed', error: retry ? undefined : e } : p,
          ),
        );
        if (!retry) flush();
        if (retry) {
          const wait = e.code === 'rate_limited' ? Math.max(1, e.retryAfter ?? 1) * 1000 : 5000;
          pausedUntil = Math.max(pausedUntil, now() + wait);
          scheduleFlush(wait);
        }
        return;
      }
      case 'edit':
      case 'recall':
        clearT(op.timer);
        op.resolve(e);
        return;
      case 'read':
        // not_member: the channel is gone; anything else: try again after reconnect.
        if (e.code === 'not_member') pendingReads.delete(op.channelId);
        return;
    }
  }

  function onRead(r: ReadData) {
    const known = patchChannel(r.channel_id, (c) => {
      if (r.seq <= c.read_seq) return c;
      return { ...c, read_seq: r.seq, unread: r.seq >= c.last_seq ? 0 : c.unread };
    });
    const c = state.channels.find((x) => x.id === r.channel_id);
    if (!known || (c && r.seq < c.last_seq && c.unread > 0)) scheduleListRefresh();
  }

  function onResync(r: ResyncData) {
    if (state.timelines[r.channel_id]) {
      const { [r.channel_id]: _, ...rest } = state.timelines;
      set({ timelines: rest });
      if (state.activeId === r.channel_id) void loadNewest(r.channel_id);
    }
    scheduleListRefresh();
  }

  function onChannelEvent(ev: ChannelEvent) {
    if (ev.event === 'left' || ev.event === 'joined') {
      const { [ev.channel_id]: _, ...members } = state.members;
      set({ members });
    } else if (state.members[ev.channel_id]) {
      void loadMembers(ev.channel_id);
    }
    scheduleListRefresh();
  }

  // ---- REST ----

  function scheduleListRefresh() {
    if (listTimer !== undefined) return;
    listTimer = setT(() => {
      listTimer = undefined;
      void loadChannels();
    }, 300);
  }

  async function loadChannels(): Promise<void> {
    try {
      const res = await request<{ channels: Channel[] }>('GET', '/channels');
      if (disposed) return;
      set({ channels: res.channels, channelsLoaded: true, listError: undefined });
      for (const c of res.channels) {
        const t = state.timelines[c.id];
        if (t && !t.loading && c.last_seq > heldSeq(t.messages)) void catchUp(c.id);
        const pending = pendingReads.get(c.id);
        if (pending !== undefined && c.read_seq < pending) patchChannel(c.id, (x) => ({ ...x, read_seq: pending, unread: 0 }));
      }
    } catch (err) {
      set({ listError: failed(err) });
    }
  }

  async function loadNewest(id: number): Promise<void> {
    if (!state.timelines[id]) setTimeline(id, EMPTY_TIMELINE);
    try {
      const res = await request<Messages>('GET', `/channels/${id}/messages?before=${NEWEST}&limit=${PAGE}`);
      if (disposed) return;
      setTimeline(id, withNewestPage(state.timelines[id], res.messages, res.has_more));
      const { [id]: _, ...errors } = state.timelineErrors;
      set({ timelineErrors: errors });
    } catch (err) {
      const e = failed(err);
      const t = state.timelines[id] ?? EMPTY_TIMELINE;
      set({ timelines: { ...state.timelines, [id]: { ...t, loading: false } }, timelineErrors: { ...state.timelineErrors, [id]: e } });
    }
  }

  /** Fetches what is missing after the held part of a timeline. */
  async function catchUp(id: number): Promise<void> {
    if (catchingUp.has(id)) return;
    catchingUp.add(id);
    try {
      for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
        const t = state.timelines[id];
        if (!t || t.loading) return;
        const from = heldSeq(t.messages);
        const res = await request<Messages>('GET', `/channels/${id}/messages?after=${from}&limit=${CATCH_UP_PAGE}`);
        if (disposed) return;
        const cur = state.timelines[id];
        if (!cur) return;
        setTimeline(id, { ...cur, messages: withNewestPage(cur, res.messages, cur.hasOlder).messages });
        if (!res.has_more) return;
      }
      // Far behind: start again from the newest page.
      void loadNewest(id);
    } catch (err) {
      failed(err);
    } finally {
      catchingUp.delete(id);
    }
  }

  async function loadOlder(id: number): Promise<void> {
    const t = state.timelines[id];
    if (!t || t.loading || t.loadingOlder || !t.hasOlder || t.messages.length === 0) return;
    setTimeline(id, { ...t, loadingOlder: true });
    try {
      const res = await request<Messages>('GET', `/channels/${id}/messages?before=${t.messages[0]!.seq}&limit=${PAGE}`);
      const cur = state.timelines[id];
      if (disposed || !cur) return;
      setTimeline(id, withOlderPage(cur, res.messages, res.has_more));
    } catch (err) {
      const cur = state.timelines[id];
      if (cur) setTimeline(id, { ...cur, loadingOlder: false });
      set({ timelineErrors: { ...state.timelineErrors, [id]: failed(err) } });
    }
  }

  async function loadMembers(id: number): Promise<void> {
    try {
      const res = await request<{ members: ChannelMember[] }>('GET', `/channels/${id}/members`);
      if (disposed) return;
      set({ members: { ...state.members, [id]: res.members } });
      void loadPresence(res.members.map((m) => m.user_id));
    } catch (err) {
      failed(err);
    }
  }

  async function loadPresence(ids: number[]): Promise<void> {
    const online: Record<number, boolean> = {};
    // The server takes a bounded list per request.
    for (let i = 0; i < ids.length; i += 100) {
      try {
        const res = await request<{ online: Record<string, boolean> }>('GET', `/presence?users=${ids.slice(i, i + 100).join(',')}`);
        for (const [k, v] of Object.entries(res.online)) online[Number(k)] = v;
      } catch {
        return; // presence is a nicety; the member list stands without it
      }
    }
    if (!disposed) set({ presence: { ...state.presence, ...online } });
  }

  /** Names and titles of everyone in the organisation, for senders and direct channels. */
  async function loadPeople(): Promise<void> {
    const people: Record<number, Person> = {};
    try {
      for (let page = 0; page < PEOPLE_MAX_PAGES; page++) {
        const res = await request<{ people: Person[] }>('GET', `/org/people?limit=${PEOPLE_PAGE}&offset=${page * PEOPLE_PAGE}`);
        for (const p of res.people) people[p.id] = { id: p.id, username: p.username, display_name: p.display_name, title: p.title, position: p.position };
        // Not "shorter than a page": disabled accounts are left out after paging, so
        // only an empty page is the end (PROTOCOL.md §4.4).
        if (res.people.length === 0) break;
      }
    } catch (err) {
      failed(err);
    }
    if (!disposed) set({ people: { ...state.people, ...people } });
  }

  // ---- sending ----

  function scheduleFlush(ms: number) {
    if (flushTimer !== undefined) clearT(flushTimer);
    flushTimer = setT(() => {
      flushTimer = undefined;
      flush();
    }, ms);
  }

  /** Sends queued messages in the order written, a few at a time: a long outbox after
   * a day offline must not trip the server's frame rate limit (PROTOCOL.md §7.7). */
  function flush() {
    if (state.conn !== 'online') return;
    if (now() < pausedUntil) {
      scheduleFlush(pausedUntil - now());
      return;
    }
    let changed = false;
    let inFlight = state.outbox.filter((p) => p.status === 'sending').length;
    const outbox = state.outbox.map((p) => {
      if (p.status !== 'queued' || inFlight >= MAX_IN_FLIGHT) return p;
      inFlight++;
      const ref = `s:${++refSeq}:${p.clientId}`;
      const data = sendData({ ...p });
      if (!socket.send({ v: PROTOCOL_VERSION, type: 'send', ref, data })) return p;
      ops.set(ref, { kind: 'send', clientId: p.clientId });
      changed = true;
      return { ...p, status: 'sending' as const };
    });
    if (changed) setOutbox(outbox);
  }

  function send(
    channelId: number,
    text: string,
    opts: { replyTo?: number; mentions?: number[]; mentionAll?: boolean; secrecy?: number } = {},
  ): ComposeProblem | undefined {
    const clientId = newClientId();
    text = stripControls(text);
    const p: Pending = { clientId, channelId, text, ...opts, createdAt: now(), status: 'queued' };
    const problem = checkText(text, sendData({ ...p }));
    if (problem) return problem;
    setOutbox([...state.outbox, p]);
    setDraft(channelId, '');
    flush();
    return undefined;
  }

  function retry(clientId: string) {
    setOutbox(state.outbox.map((p) => (p.clientId === clientId && p.status === 'failed' ? { ...p, status: 'queued', error: undefined } : p)));
    flush();
  }

  function discard(clientId: string) {
    setOutbox(state.outbox.filter((p) => p.clientId !== clientId || p.status === 'sending'));
  }

  function request2(kind: 'edit' | 'recall', data: unknown): Promise<UiError | undefined> {
    return new Promise((resolve) => {
      const ref = `${kind[0]}:${++refSeq}`;
      if (!socket.send({ v: PROTOCOL_VERSION, type: kind, ref, data })) {
        resolve(localError('network', now()));
        return;
      }
      const timer = setT(() => {
        if (ops.delete(ref)) resolve(localError('unavailable', now()));
      }, OP_TIMEOUT_MS);
      ops.set(ref, { kind, resolve, timer });
    });
  }

  function edit(channelId: number, seq: number, text: string, mentions: number[] = []): Promise<UiError | undefined> | ComposeProblem {
    text = stripControls(text);
    const problem = checkText(text, { channel_id: channelId, seq, text, mentions });
    if (problem) return problem;
    return request2('edit', { channel_id: channelId, seq, text, ...(mentions.length ? { mentions } : {}) });
  }

  function recall(channelId: number, seq: number): Promise<UiError | undefined> {
    return request2('recall', { channel_id: channelId, seq });
  }

  function sendRead(channelId: number, seq: number) {
    const ref = `r:${++refSeq}`;
    if (socket.send({ v: PROTOCOL_VERSION, type: 'read', ref, data: { channel_id: channelId, seq } })) {
      ops.set(ref, { kind: 'read', channelId, seq });
    }
  }

  /** Marks everything shown in the channel as read, here and on the person's other devices. */
  function markRead(channelId: number) {
    const t = state.timelines[channelId];
    const c = state.channels.find((x) => x.id === channelId);
    if (!t || t.loading || !c) return;
    const seq = Math.max(lastSeq(t.messages), 0);
    if (seq <= c.read_seq && c.unread === 0) return;
    if (seq <= c.read_seq) {
      patchChannel(channelId, (x) => ({ ...x, unread: 0 }));
      return;
    }
    patchChannel(channelId, (x) => ({ ...x, read_seq: seq, unread: seq >= x.last_seq ? 0 : x.unread }));
    pendingReads.set(channelId, seq);
    sendRead(channelId, seq);
  }

  // ---- navigation and drafts ----

  function open(channelId: number | undefined) {
    set({ activeId: channelId });
    if (channelId === undefined) return;
    if (!state.timelines[channelId] || state.timelineErrors[channelId]) void loadNewest(channelId);
    if (!state.members[channelId]) void loadMembers(channelId);
  }

  function setDraft(channelId: number, text: string) {
    const drafts = { ...state.drafts };
    if (text) drafts[channelId] = text;
    else delete drafts[channelId];
    set({ drafts });
    if (draftTimer !== undefined) clearT(draftTimer);
    draftTimer = setT(() => {
      draftTimer = undefined;
      if (!forgotten) saveDrafts(storage, me.id, state.drafts);
    }, text ? 400 : 0);
  }

  async function search(q: string, channelId?: number): Promise<void> {
    const query = q.trim();
    if (!query) {
      set({ search: undefined });
      return;
    }
    set({ search: { q: query, busy: true, results: [] } });
    try {
      const params = new URLSearchParams({ q: query, limit: '30' });
      if (channelId) params.set('channel', String(channelId));
      const res = await request<Messages>('GET', `/search?${params}`);
      if (state.search?.q === query) set({ search: { q: query, busy: false, results: res.messages } });
    } catch (err) {
      if (state.search?.q === query) set({ search: { q: query, busy: false, results: [], error: failed(err) } });
    }
  }

  /** Opens (creating on first use) the direct channel with a person; its id. */
  async function openDirect(userId: number): Promise<number> {
    let c: Channel;
    try {
      c = await request<Channel>('POST', `/direct/${userId}`);
    } catch (err) {
      throw failed(err);
    }
    if (!state.channels.some((x) => x.id === c.id)) set({ channels: [...state.channels, c] });
    scheduleListRefresh();
    return c.id;
  }

  return {
    getState: () => state,
    subscribe(fn: (s: ChatState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start() {
      socket.start();
      void loadChannels();
      void loadPeople();
    },
    dispose() {
      disposed = true;
      for (const id of [listTimer, flushTimer, draftTimer]) if (id !== undefined) clearT(id);
      if (draftTimer !== undefined && !forgotten) saveDrafts(storage, me.id, state.drafts);
      socket.stop();
      listeners.clear();
    },
    /** Logout: forget what this browser kept for the user. */
    forget() {
      // Also what a pending draft save or a later outbox change would write back.
      forgotten = true;
      clearLocal(storage, me.id);
    },
    socket,
    open,
    loadOlder,
    loadMembers,
    loadPresence,
    reloadChannels: loadChannels,
    send,
    retry,
    discard,
    edit,
    recall,
    markRead,
    setDraft,
    search,
    clearSearch: () => set({ search: undefined }),
    openDirect,
  };
}
