// Hand-written fakes for the chat tests: a clock whose timers run only when a test moves
// it, a WebSocket whose server side the test plays, and storage with removeItem.

import { memoryStorage } from '../testing';
import type { LocalStore } from './outbox';
import { createSocket, type SocketDeps, type SocketHandlers, type WebSocketLike } from './socket';
import type { Frame, Message } from './types';

/** A controllable clock: setTimeout/clearTimeout as the socket and store take them, and
 * advance() to run what falls due, in time order (timers set meanwhile included). */
export class FakeClock {
  now = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.now = start;
  }

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers.delete(id as number);
  };

  /** Date.now stand-in. */
  time = (): number => this.now;

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }

  /** Delays of the timers still waiting, from now, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
}

/** A WebSocket whose server side is the test. */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  /** The code the client closed with, if it did. */
  closedWith?: number;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
    this.sent.push(data);
  }

  close(code?: number): void {
    if (this.readyState >= 2) return;
    this.closedWith = code ?? 1005;
    this.readyState = 3;
  }

  /** Every frame the client sent, parsed. */
  frames(): Frame[] {
    return this.sent.map((s) => JSON.parse(s) as Frame);
  }

  /** The frames the client sent of one type. */
  framesOf(type: string): Frame[] {
    return this.frames().filter((f) => f.type === type);
  }

  /** The handshake completed. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** One WebSocket message from the server carrying these frames as NDJSON. */
  deliver(...frames: object[]): void {
    this.deliverRaw(frames.map((f) => JSON.stringify(f)).join('\n'));
  }

  deliverRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** The server (or the network) closed the connection. */
  serverClose(code: number): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code });
  }
}

/** A factory for SocketDeps.create that keeps every socket it made. */
export function fakeSockets() {
  const all: FakeWebSocket[] = [];
  return {
    all,
    create: (url: string): WebSocketLike => {
      const ws = new FakeWebSocket(url);
      all.push(ws);
      return ws;
    },
    last(): FakeWebSocket {
      const ws = all[all.length - 1];
      if (!ws) throw new Error('no socket was created');
      return ws;
    },
  };
}

/** Server frame builders (PROTOCOL.md §7.5). */
export const server = {
  welcome: (over: Record<string, unknown> = {}, ref?: string) => ({
    v: 1,
    type: 'welcome',
    ...(ref ? { ref } : {}),
    data: { user_id: 1, session_expires_at: '2026-11-30T00:00:00Z', heartbeat_ms: 25_000, max_frame_bytes: 16_384, ...over },
  }),
  message: (m: Message) => ({ v: 1, type: 'message', data: m }),
  ack: (ref: string, data: Record<string, unknown>) => ({ v: 1, type: 'ack', ref, data }),
  error: (ref: string, code: string, extra: Record<string, unknown> = {}) => ({
    v: 1,
    type: 'error',
    ref,
    data: { code, message: `test ${code}`, ...extra },
  }),
  read: (channelId: number, seq: number) => ({ v: 1, type: 'read', data: { channel_id: channelId, seq } }),
  resync: (channelId: number, lastSeq: number, reason = 'too_far_behind', epoch = 1) => ({
    v: 1,
    type: 'resync',
    data: { channel_id: channelId, reason, last_seq: lastSeq, epoch },
  }),
  channel: (channelId: number, event: string) => ({ v: 1, type: 'channel', data: { channel_id: channelId, event } }),
  pong: (ref?: string) => ({ v: 1, type: 'pong', ...(ref ? { ref } : {}) }),
};

/** memoryStorage from testing.ts with the removeItem the outbox needs. */
export function localStore(initial: Record<string, string> = {}): LocalStore & { data: Map<string, string> } {
  const s = memoryStorage(initial);
  return { ...s, removeItem: (k: string) => void s.data.delete(k) };
}

/** A message as the server sends it, with defaults for the fields a test does not care about. */
export function msg(seq: number, over: Partial<Message> = {}): Message {
  return {
    channel_id: 2,
    seq,
    sender_id: 3,
    client_id: `c-${seq}`,
    text: `消息${seq}`,
    secrecy: 0,
    created_at: new Date(Date.UTC(2026, 10, 24, 1, 0, seq)).toISOString(),
    ...over,
  };
}

/** Messages from..to inclusive. */
export function msgs(from: number, to: number, over: Partial<Message> = {}): Message[] {
  const out: Message[] = [];
  for (let s = from; s <= to; s++) out.push(msg(s, over));
  return out;
}

/** A socket over fakes, as the store and the socket tests use it. */
export function fakeSocketDeps(clock: FakeClock, sockets = fakeSockets(), opts: { online?: () => boolean; random?: () => number } = {}) {
  const deps: SocketDeps = {
    url: 'ws://test/api/v1/ws',
    create: sockets.create,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: opts.random ?? (() => 0.5),
    isOnline: opts.online ?? (() => true),
  };
  return { deps, sockets, make: (h: SocketHandlers) => createSocket(deps, h) };
}

/** Lets pending promises (fake fetch answers, JSON bodies) run to completion. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
