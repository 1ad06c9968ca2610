// The chat state itself: its shape, what the store is built from, and the small shared
// context the other parts (frames.ts, loaders.ts, sending.ts) work through — the state
// with its listeners, the socket operations awaiting an answer, and the clock.

import type { Request } from '../api';
import { toUiError, type UiError } from '../errors';
import { clearLocal, loadDrafts, loadOutbox, saveOutbox, type LocalStore, type Pending } from './outbox';
import { outboxToKeep, type StoragePolicy } from '../protect/storage';
import type { ConnState, Socket, SocketHandlers } from './socket';
import type { Timeline } from './timeline';
import type { SearchFilters } from '../search/filters';
import type { Channel, ChannelMember, Frame, Message, Person } from './types';

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
  search?: { q: string; filters?: SearchFilters; busy: boolean; results: Message[]; error?: UiError };
  /** The message to open at and highlight (a search hit); n changes with each landing. */
  landing?: { channelId: number; seq: number; n: number };
}

export interface ChatDeps {
  request: Request;
  me: { id: number };
  /** Builds the socket over the store's handlers (the browser's WebSocket, or a fake). */
  socket: (h: SocketHandlers) => Socket;
  storage?: LocalStore;
  /** What of the outbox and drafts may be written to storage (secrecy levels without
   * `store` stay in memory: src/protect/storage.ts); absent, everything is written. */
  keep?: StoragePolicy;
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

/** A frame sent with a ref, waiting for its ack or error. */
export type Op =
  | { kind: 'send'; clientId: string }
  | { kind: 'edit' | 'recall'; resolve: (e?: UiError) => void; timer: unknown }
  | { kind: 'read'; channelId: number; seq: number }
  | { kind: 'react'; settle: (e?: UiError, answer?: unknown) => void; timer: unknown };

/** What every part of the store shares. */
export interface ChatContext {
  readonly deps: ChatDeps;
  readonly state: ChatState;
  /** dispose() was called: no more state changes. */
  readonly disposed: boolean;
  /** forget() was called (logout): nothing more is written to storage. */
  readonly forgotten: boolean;
  now: () => number;
  setT: (fn: () => void, ms: number) => unknown;
  clearT: (id: unknown) => void;
  /** Frames sent with a ref, by ref. */
  ops: Map<string, Op>;
  /** Read marks not yet acknowledged: channel id → seq. */
  pendingReads: Map<number, number>;
  set(next: Partial<ChatState>): void;
  setTimeline(id: number, t: Timeline): void;
  patchChannel(id: number, fn: (c: Channel) => Channel): boolean;
  setOutbox(outbox: Pending[]): void;
  failed(err: unknown): UiError;
}

export function createChatCore(deps: ChatDeps) {
  const { me, storage } = deps;
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
  let disposed = false;
  let forgotten = false;

  function set(next: Partial<ChatState>) {
    if (disposed) return;
    state = { ...state, ...next };
    listeners.forEach((fn) => fn(state));
  }

  const ctx: ChatContext = {
    deps,
    get state() {
      return state;
    },
    get disposed() {
      return disposed;
    },
    get forgotten() {
      return forgotten;
    },
    now,
    setT,
    clearT,
    ops: new Map(),
    pendingReads: new Map(),
    set,
    setTimeline(id, t) {
      set({ timelines: { ...state.timelines, [id]: t } });
    },
    patchChannel(id, fn) {
      const i = state.channels.findIndex((c) => c.id === id);
      if (i < 0) return false;
      const channels = state.channels.slice();
      channels[i] = fn(channels[i]!);
      set({ channels });
      return true;
    },
    setOutbox(outbox) {
      set({ outbox });
      if (!forgotten) saveOutbox(storage, me.id, outboxToKeep(outbox, deps.keep));
    },
    /** A REST failure: a lost session goes to the login page; the rest is returned. */
    failed(err) {
      const e = toUiError(err, now());
      if (e.code === 'unauthenticated') deps.onExpired?.();
      return e;
    },
  };

  return {
    ctx,
    subscribe(fn: (s: ChatState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** From now on set() changes nothing. */
    markDisposed() {
      disposed = true;
    },
    clearListeners() {
      listeners.clear();
    },
    /** Logout: forget what this browser kept for the user. */
    forget() {
      // Also what a pending draft save or a later outbox change would write back.
      forgotten = true;
      clearLocal(storage, me.id);
    },
  };
}
