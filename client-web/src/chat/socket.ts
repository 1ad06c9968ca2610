// The WebSocket connection: connect, say hello, notice a dead link, reconnect with
// backoff, and follow the browser's online/offline and wake-up signals. It knows
// nothing of channels; the chat store gives it the hello to send and gets every frame.
// It also keeps the server told whether the person is away (setAway; the page's idle
// watch in browser.ts decides), again after each welcome.
//
// States:  connecting ──welcome──▶ online
//              ▲   └─close──▶ waiting (retry timer) ──▶ connecting
//              └─"online" event── offline ◀── "offline" event or no network at close
//          any ──4001──▶ expired (log in again; never retried)      stop() ──▶ closed

import { CLOSE_UNAUTHENTICATED, PROTOCOL_VERSION, type AwayData, type Frame, type WelcomeData } from './types';

export type ConnState = 'connecting' | 'online' | 'waiting' | 'offline' | 'expired' | 'closed';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

const OPEN = 1;

export interface SocketDeps {
  url: string;
  create(url: string): WebSocketLike;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  random(): number;
  isOnline(): boolean;
}

export interface SocketHandlers {
  /** The hello frame's data, built afresh at each connect from what the store holds. */
  hello(): unknown;
  frame(f: Frame): void;
  state(s: ConnState, retryInMs?: number): void;
}

/** Milliseconds without any frame before we ask with a ping (the server pings every 25 s,
 * but a browser cannot see those), and how long the pong may take. */
export const DEFAULT_HEARTBEAT_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
const OFFLINE_RECHECK_MS = 30_000;
/** Refs of the socket's own away frames; their answers are not handed on. */
const AWAY_REF = 'away:';

/** The delay before reconnect attempt n (1, 2, …): about 1 s doubling to 30 s, with
 * jitter so that an office whose network came back does not reconnect in one instant. */
export function backoffMs(attempt: number, random: () => number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Splits one WebSocket message into frames (the server batches them as NDJSON). Lines
 * that are not a frame object are dropped. */
export function parseFrames(data: unknown): Frame[] {
  if (typeof data !== 'string') return [];
  const out: Frame[] = [];
  for (const line of data.split('\n')) {
    if (!line) continue;
    try {
      const f = JSON.parse(line) as Frame;
      if (f && typeof f === 'object' && typeof f.type === 'string') out.push(f);
    } catch {
      /* a broken line: skip it, keep the rest */
    }
  }
  return out;
}

export type Socket = ReturnType<typeof createSocket>;

export function createSocket(deps: SocketDeps, h: SocketHandlers) {
  let ws: WebSocketLike | undefined;
  let state: ConnState = 'closed';
  let attempt = 0;
  let heartbeat = DEFAULT_HEARTBEAT_MS;
  let retryTimer: unknown;
  let idleTimer: unknown;
  let pongTimer: unknown;
  let awayTimer: unknown;
  let refs = 0;
  // away is what the person is (setAway); told is what this connection last had acked
  // or sent — false on a new connection, which the server starts active; undefined when
  // the server refused the last away and the state is to be sent again.
  let away = false;
  let told: boolean | undefined = false;

  function setState(s: ConnState, retryIn?: number) {
    state = s;
    h.state(s, retryIn);
  }

  function clearTimers() {
    for (const id of [retryTimer, idleTimer, pongTimer, awayTimer]) if (id !== undefined) deps.clearTimeout(id);
    retryTimer = idleTimer = pongTimer = awayTimer = undefined;
  }

  function connect() {
    if (state === 'expired' || state === 'closed') return;
    clearTimers();
    detach();
    setState('connecting');
    let sock: WebSocketLike;
    try {
      sock = deps.create(deps.url);
    } catch {
      dropped(undefined);
      return;
    }
    ws = sock;
    told = false;
    sock.onopen = () => {
      if (ws !== sock) return;
      rawSend({ v: PROTOCOL_VERSION, type: 'hello', data: h.hello() });
      armIdle();
    };
    sock.onmessage = (ev) => {
      if (ws !== sock) return;
      for (const f of parseFrames(ev.data)) {
        if (f.type === 'welcome') {
          const w = f.data as WelcomeData | undefined;
          if (w && w.heartbeat_ms > 0) heartbeat = w.heartbeat_ms;
          attempt = 0;
          setState('online');
          tellAway();
        }
        if (f.ref?.startsWith(AWAY_REF) && (f.type === 'ack' || f.type === 'error')) {
          if (f.type === 'error') awayRefused(f);
          continue; // the socket's own; the store has no use for it
        }
        if (f.type !== 'pong') h.frame(f);
      }
      // After the frames: a welcome may have set the heartbeat, a handler may have
      // closed this socket.
      if (ws === sock) armIdle();
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      dropped(ev.code);
    };
    sock.onerror = () => {
      /* onclose follows and decides */
    };
  }

  function detach() {
    if (!ws) return;
    const old = ws;
    ws = undefined;
    old.onopen = old.onmessage = old.onclose = old.onerror = null;
    try {
      old.close(1000);
    } catch {
      /* already closing */
    }
  }

  /** The connection is gone (code undefined: we gave up on it ourselves). */
  function dropped(code: number | undefined) {
    detach();
    clearTimers();
    if (state === 'closed' || state === 'expired') return;
    if (code === CLOSE_UNAUTHENTICATED) {
      setState('expired');
      return;
    }
    if (!deps.isOnline()) {
      setState('offline');
      retryTimer = deps.setTimeout(connect, OFFLINE_RECHECK_MS);
      return;
    }
    attempt++;
    // A node going away (1001): reconnect at once, the balancer picks another.
    const delay = code === 1001 && attempt === 1 ? Math.round(deps.random() * 500) : backoffMs(attempt, deps.random);
    setState('waiting', delay);
    retryTimer = deps.setTimeout(connect, delay);
  }

  function armIdle() {
    if (idleTimer !== undefined) deps.clearTimeout(idleTimer);
    if (pongTimer !== undefined) deps.clearTimeout(pongTimer);
    pongTimer = undefined;
    idleTimer = deps.setTimeout(probe, heartbeat);
  }

  /** Asks the server for a pong; no answer in time means the link is dead. */
  function probe() {
    // check() probes early: the idle timer must not send a second ping later.
    if (idleTimer !== undefined) deps.clearTimeout(idleTimer);
    idleTimer = undefined;
    if (!ws || ws.readyState !== OPEN) return;
    rawSend({ v: PROTOCOL_VERSION, type: 'ping', ref: `p${++refs}` });
    if (pongTimer === undefined) pongTimer = deps.setTimeout(() => dropped(undefined), PONG_TIMEOUT_MS);
  }

  /** Tells the server this connection's away state when it does not have it yet. */
  function tellAway() {
    if (state !== 'online' || told === away) return;
    if (rawSend({ v: PROTOCOL_VERSION, type: 'away', ref: `${AWAY_REF}${++refs}`, data: { away } satisfies AwayData })) told = away;
  }

  /** The server refused an away (rate_limited, most likely): send the state again later. */
  function awayRefused(f: Frame) {
    told = undefined;
    if (awayTimer !== undefined) return;
    const retryAfter = (f.data as { retry_after?: number } | undefined)?.retry_after ?? 1;
    awayTimer = deps.setTimeout(() => {
      awayTimer = undefined;
      tellAway();
    }, Math.max(1, retryAfter) * 1000);
  }

  function rawSend(f: Frame): boolean {
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(f));
      return true;
    } catch {
      return false;
    }
  }

  return {
    state: () => state,
    start() {
      if (state !== 'closed') return;
      if (deps.isOnline()) {
        setState('connecting');
        connect();
      } else {
        setState('offline');
        retryTimer = deps.setTimeout(connect, OFFLINE_RECHECK_MS);
      }
    },
    stop() {
      clearTimers();
      state = 'closed';
      detach();
      h.state('closed');
    },
    /** Sends a frame once the server has welcomed us; false when it could not be sent. */
    send(f: Frame): boolean {
      return state === 'online' && rawSend(f);
    },
    /** The browser lost its network: close now instead of waiting for a timeout. */
    wentOffline() {
      if (state === 'closed' || state === 'expired') return;
      detach();
      clearTimers();
      setState('offline');
      retryTimer = deps.setTimeout(connect, OFFLINE_RECHECK_MS);
    },
    /** The network is back, or the person asked: connect now if not connected. */
    reconnectNow() {
      if (state === 'waiting' || state === 'offline') {
        attempt = 0;
        connect();
      }
    },
    /** The person left the page idle (true) or came back: the server hears it now if
     * connected, else after the next welcome (a new connection starts active). */
    setAway(v: boolean) {
      away = v;
      tellAway();
    },
    /** The page became visible or the machine woke up: prove the link is alive. */
    check() {
      if (state === 'online' || state === 'connecting') probe();
      else if (state === 'waiting' || state === 'offline') connect();
    },
  };
}
