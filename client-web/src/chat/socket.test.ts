import { describe, expect, it } from 'vitest';
import { backoffMs, createSocket, DEFAULT_HEARTBEAT_MS, parseFrames, PONG_TIMEOUT_MS, type ConnState } from './socket';
import { FakeClock, fakeSocketDeps, server } from './testkit';
import type { Frame } from './types';

function setup(opts: { online?: boolean; random?: () => number; hello?: unknown } = {}) {
  const clock = new FakeClock();
  let online = opts.online ?? true;
  const { deps, sockets } = fakeSocketDeps(clock, undefined, { online: () => online, random: opts.random });
  const frames: Frame[] = [];
  const states: { s: ConnState; retryIn?: number }[] = [];
  const helloData = opts.hello ?? { resume: [{ channel_id: 2, last_seq: 41, epoch: 1 }] };
  const sock = createSocket(deps, {
    hello: () => helloData,
    frame: (f) => frames.push(f),
    state: (s, retryIn) => states.push({ s, retryIn }),
  });
  return {
    clock,
    sockets,
    sock,
    frames,
    states,
    setOnline: (v: boolean) => (online = v),
    /** start, open, welcome: a live connection. */
    live() {
      sock.start();
      sockets.last().open();
      sockets.last().deliver(server.welcome());
      return sockets.last();
    },
  };
}

describe('parseFrames', () => {
  it('splits an NDJSON batch into frames', () => {
    const raw = [server.message({ channel_id: 2, seq: 1 } as never), server.read(2, 1), server.welcome()].map((f) => JSON.stringify(f)).join('\n');
    expect(parseFrames(raw).map((f) => f.type)).toEqual(['message', 'read', 'welcome']);
  });

  const cases: { name: string; data: unknown; types: string[] }[] = [
    { name: 'one frame', data: '{"v":1,"type":"pong"}', types: ['pong'] },
    { name: 'a trailing newline and blank lines', data: '{"v":1,"type":"pong"}\n\n', types: ['pong'] },
    { name: 'a broken line is skipped, the rest kept', data: '{"v":1,"type":"a"}\n{oops\n{"v":1,"type":"b"}', types: ['a', 'b'] },
    { name: 'lines that are not frames', data: '5\nnull\n"x"\n{"v":1}\n[]', types: [] },
    { name: 'binary data', data: new Uint8Array([123, 125]), types: [] },
  ];
  for (const c of cases) it(c.name, () => expect(parseFrames(c.data).map((f) => f.type)).toEqual(c.types));
});

describe('backoffMs', () => {
  it('about 1 s at first, doubling, capped at 30 s, with jitter between half and all of it', () => {
    const table: [number, number][] = [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 16000],
      [6, 30000],
      [7, 30000],
      [50, 30000],
    ];
    for (const [attempt, base] of table) {
      expect(backoffMs(attempt, () => 0)).toBe(base / 2);
      expect(backoffMs(attempt, () => 0.999999)).toBeLessThanOrEqual(base);
      expect(backoffMs(attempt, () => 0.999999)).toBeGreaterThan(base * 0.99);
    }
  });

  it('jitter spreads an office over the interval', () => {
    const seen = new Set([0, 0.25, 0.5, 0.75].map((r) => backoffMs(3, () => r)));
    expect(seen.size).toBe(4);
  });
});

describe('connecting', () => {
  it('sends hello first on open, with the data the store gives', () => {
    const t = setup();
    t.sock.start();
    expect(t.sockets.all).toHaveLength(1);
    expect(t.sockets.last().url).toBe('ws://test/api/v1/ws');
    expect(t.sock.state()).toBe('connecting');
    expect(t.sockets.last().sent).toEqual([]);
    t.sockets.last().open();
    expect(t.sockets.last().frames()).toEqual([{ v: 1, type: 'hello', data: { resume: [{ channel_id: 2, last_seq: 41, epoch: 1 }] } }]);
  });

  it('welcome makes it online and is passed on', () => {
    const t = setup();
    t.live();
    expect(t.sock.state()).toBe('online');
    expect(t.states.at(-1)).toEqual({ s: 'online', retryIn: undefined });
    expect(t.frames.map((f) => f.type)).toEqual(['welcome']);
  });

  it('frames replayed before welcome reach the store in order; pongs do not', () => {
    const t = setup();
    t.sock.start();
    const ws = t.sockets.last();
    ws.open();
    ws.deliver(server.message({ channel_id: 2, seq: 42 } as never), server.resync(9, 1260), server.pong('p1'), server.welcome());
    expect(t.frames.map((f) => f.type)).toEqual(['message', 'resync', 'welcome']);
  });

  it('send() is refused before welcome and works after', () => {
    const t = setup();
    t.sock.start();
    const ws = t.sockets.last();
    const f = { v: 1, type: 'send', ref: 's1', data: {} };
    expect(t.sock.send(f)).toBe(false);
    ws.open();
    expect(t.sock.send(f)).toBe(false);
    ws.deliver(server.welcome());
    expect(t.sock.send(f)).toBe(true);
    expect(ws.framesOf('send')).toEqual([f]);
  });

  it('starting twice makes one connection', () => {
    const t = setup();
    t.sock.start();
    t.sock.start();
    expect(t.sockets.all).toHaveLength(1);
  });

  it('starting while the browser is offline waits for the network', () => {
    const t = setup({ online: false });
    t.sock.start();
    expect(t.sock.state()).toBe('offline');
    expect(t.sockets.all).toHaveLength(0);
    t.setOnline(true);
    t.sock.reconnectNow();
    expect(t.sock.state()).toBe('connecting');
    expect(t.sockets.all).toHaveLength(1);
  });

  it('a WebSocket constructor that throws counts as a failed attempt', () => {
    const clock = new FakeClock();
    const { deps } = fakeSocketDeps(clock);
    let n = 0;
    const states: ConnState[] = [];
    const sock = createSocket(
      {
        ...deps,
        create: () => {
          n++;
          throw new Error('SyntaxError');
        },
      },
      { hello: () => ({}), frame: () => {}, state: (s) => states.push(s) },
    );
    sock.start();
    expect(sock.state()).toBe('waiting');
    clock.advance(1000);
    expect(n).toBe(2);
  });
});

describe('heartbeat', () => {
  it('pings after the heartbeat without frames, and reconnects when no pong comes', () => {
    const t = setup();
    const ws = t.live();
    t.clock.advance(DEFAULT_HEARTBEAT_MS - 1);
    expect(ws.framesOf('ping')).toEqual([]);
    t.clock.advance(1);
    const pings = ws.framesOf('ping');
    expect(pings).toHaveLength(1);
    expect(pings[0]).toMatchObject({ v: 1, type: 'ping' });
    expect(typeof pings[0]!.ref).toBe('string');
    t.clock.advance(PONG_TIMEOUT_MS);
    expect(ws.closedWith).toBe(1000);
    expect(t.sock.state()).toBe('waiting');
    t.clock.advance(1000);
    expect(t.sockets.all).toHaveLength(2);
  });

  it('a pong keeps the connection', () => {
    const t = setup();
    const ws = t.live();
    t.clock.advance(DEFAULT_HEARTBEAT_MS);
    ws.deliver(server.pong(ws.framesOf('ping')[0]!.ref));
    t.clock.advance(PONG_TIMEOUT_MS * 2);
    expect(t.sock.state()).toBe('online');
    expect(t.sockets.all).toHaveLength(1);
  });

  it('any frame counts as a sign of life and postpones the ping', () => {
    const t = setup();
    const ws = t.live();
    for (let i = 0; i < 5; i++) {
      t.clock.advance(DEFAULT_HEARTBEAT_MS - 1000);
      ws.deliver(server.read(2, i));
    }
    expect(ws.framesOf('ping')).toEqual([]);
  });

  it('follows the heartbeat the welcome announces', () => {
    const t = setup();
    t.sock.start();
    const ws = t.sockets.last();
    ws.open();
    ws.deliver(server.welcome({ heartbeat_ms: 10_000 }));
    t.clock.advance(10_000);
    expect(ws.framesOf('ping')).toHaveLength(1);
  });

  it('a silent server before welcome is noticed too', () => {
    const t = setup();
    t.sock.start();
    const ws = t.sockets.last();
    ws.open();
    t.clock.advance(DEFAULT_HEARTBEAT_MS);
    expect(ws.framesOf('ping')).toHaveLength(1);
    t.clock.advance(PONG_TIMEOUT_MS);
    expect(t.sock.state()).toBe('waiting');
  });

  it('check() proves the link at once, and does not leave a second ping behind', () => {
    const t = setup();
    const ws = t.live();
    t.clock.advance(5_000);
    t.sock.check();
    expect(ws.framesOf('ping')).toHaveLength(1);
    ws.deliver(server.pong(ws.framesOf('ping')[0]!.ref));
    // The next ping is due a full heartbeat after the pong, not at the old idle deadline.
    t.clock.advance(DEFAULT_HEARTBEAT_MS - 1);
    expect(ws.framesOf('ping')).toHaveLength(1);
    t.clock.advance(1);
    expect(ws.framesOf('ping')).toHaveLength(2);
  });

  it('check() while waiting connects now', () => {
    const t = setup();
    const ws = t.live();
    ws.serverClose(1006);
    expect(t.sock.state()).toBe('waiting');
    t.sock.check();
    expect(t.sockets.all).toHaveLength(2);
  });
});

describe('close codes and reconnecting', () => {
  it('4001: expired, and never reconnects', () => {
    const t = setup();
    const ws = t.live();
    ws.serverClose(4001);
    expect(t.sock.state()).toBe('expired');
    expect(t.states.at(-1)?.s).toBe('expired');
    t.clock.advance(10 * 60_000);
    t.sock.reconnectNow();
    t.sock.check();
    t.sock.wentOffline();
    expect(t.sock.state()).toBe('expired');
    expect(t.sockets.all).toHaveLength(1);
    expect(t.clock.pending()).toEqual([]);
  });

  it('4001 before welcome too', () => {
    const t = setup();
    t.sock.start();
    t.sockets.last().open();
    t.sockets.last().serverClose(4001);
    expect(t.sock.state()).toBe('expired');
  });

  it('1001: reconnects at once (within half a second)', () => {
    const t = setup({ random: () => 0.999 });
    const ws = t.live();
    ws.serverClose(1001);
    expect(t.states.at(-1)?.s).toBe('waiting');
    expect(t.states.at(-1)!.retryIn!).toBeLessThanOrEqual(500);
    t.clock.advance(500);
    expect(t.sockets.all).toHaveLength(2);
  });

  const delayed = [1006, 1008, 1009, 1011, 4002, 4008];
  for (const code of delayed) {
    it(`${code}: reconnects after a backoff delay`, () => {
      const t = setup({ random: () => 0 });
      const ws = t.live();
      ws.serverClose(code);
      expect(t.sock.state()).toBe('waiting');
      expect(t.states.at(-1)?.retryIn).toBe(500);
      t.clock.advance(499);
      expect(t.sockets.all).toHaveLength(1);
      t.clock.advance(1);
      expect(t.sockets.all).toHaveLength(2);
      expect(t.sock.state()).toBe('connecting');
    });
  }

  it('backoff grows with each failed attempt and is capped; welcome resets it', () => {
    const t = setup({ random: () => 1 });
    const ws = t.live();
    ws.serverClose(1006);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = t.states.at(-1)!.retryIn!;
      delays.push(d);
      t.clock.advance(d);
      t.sockets.last().serverClose(1006); // the handshake fails
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    // Finally it works: the next drop starts from 1 s again.
    t.clock.advance(t.states.at(-1)!.retryIn!);
    const ok = t.sockets.last();
    ok.open();
    ok.deliver(server.welcome());
    ok.serverClose(1006);
    expect(t.states.at(-1)?.retryIn).toBe(1000);
  });

  it('a connection that opens but is dropped before welcome does not reset the backoff', () => {
    const t = setup({ random: () => 1 });
    t.live().serverClose(1006);
    t.clock.advance(1000);
    t.sockets.last().open();
    t.sockets.last().serverClose(1006);
    expect(t.states.at(-1)?.retryIn).toBe(2000);
  });

  it('a closed network at close time: offline, not a backoff', () => {
    const t = setup();
    const ws = t.live();
    t.setOnline(false);
    ws.serverClose(1006);
    expect(t.sock.state()).toBe('offline');
    t.setOnline(true);
    t.sock.reconnectNow();
    expect(t.sockets.all).toHaveLength(2);
  });

  it('offline retries by itself now and then, in case the "online" event never comes', () => {
    const t = setup();
    t.live();
    t.sock.wentOffline();
    t.clock.advance(30_000);
    expect(t.sockets.all).toHaveLength(2);
  });

  it('events of a replaced socket are ignored', () => {
    const t = setup();
    const old = t.live();
    t.sock.wentOffline();
    t.sock.reconnectNow();
    const fresh = t.sockets.last();
    expect(fresh).not.toBe(old);
    old.serverClose(4001); // the old one's handlers were detached
    old.deliverRaw(JSON.stringify(server.read(2, 9)));
    expect(t.sock.state()).toBe('connecting');
    expect(t.frames.filter((f) => f.type === 'read')).toEqual([]);
  });
});

describe('wentOffline and reconnectNow', () => {
  it('wentOffline closes the live connection at once', () => {
    const t = setup();
    const ws = t.live();
    t.sock.wentOffline();
    expect(ws.closedWith).toBe(1000);
    expect(t.sock.state()).toBe('offline');
    expect(t.sock.send({ v: 1, type: 'ping' })).toBe(false);
  });

  it('reconnectNow skips the remaining backoff and starts counting from the first attempt', () => {
    const t = setup({ random: () => 1 });
    t.live().serverClose(1006);
    t.clock.advance(1000);
    t.sockets.last().serverClose(1006);
    expect(t.states.at(-1)?.retryIn).toBe(2000);
    t.sock.reconnectNow();
    expect(t.sockets.all).toHaveLength(3);
    t.sockets.last().serverClose(1006);
    expect(t.states.at(-1)?.retryIn).toBe(1000);
  });

  it('reconnectNow does nothing while online or connecting', () => {
    const t = setup();
    t.live();
    t.sock.reconnectNow();
    expect(t.sockets.all).toHaveLength(1);
    expect(t.sock.state()).toBe('online');
  });
});

describe('stop', () => {
  it('closes with 1000, cancels every timer and stays closed', () => {
    const t = setup();
    const ws = t.live();
    t.sock.stop();
    expect(ws.closedWith).toBe(1000);
    expect(t.sock.state()).toBe('closed');
    expect(t.states.at(-1)?.s).toBe('closed');
    expect(t.clock.pending()).toEqual([]);
    t.sock.reconnectNow();
    t.sock.check();
    t.clock.advance(60_000);
    expect(t.sockets.all).toHaveLength(1);
  });

  it('stop while waiting cancels the retry', () => {
    const t = setup();
    t.live().serverClose(1006);
    t.sock.stop();
    t.clock.advance(60_000);
    expect(t.sockets.all).toHaveLength(1);
  });
});

describe('away', () => {
  const awayOf = (ws: { framesOf(t: string): Frame[] }) => ws.framesOf('away').map((f) => (f.data as { away: boolean }).away);

  it('is sent when it changes while online, once per change', () => {
    const t = setup();
    const ws = t.live();
    t.sock.setAway(true);
    t.sock.setAway(true);
    t.sock.setAway(false);
    expect(awayOf(ws)).toEqual([true, false]);
    expect(ws.framesOf('away').every((f) => typeof f.ref === 'string' && f.ref !== '')).toBe(true);
  });

  it('a new connection starts active: only away is said again after welcome', () => {
    const t = setup();
    t.live();
    t.sock.setAway(true);
    t.sockets.last().serverClose(1006);
    t.clock.advance(1000);
    const ws = t.sockets.last();
    ws.open();
    expect(awayOf(ws)).toEqual([]); // not before welcome
    ws.deliver(server.welcome());
    expect(awayOf(ws)).toEqual([true]);
    expect(ws.frames().map((f) => f.type)).toEqual(['hello', 'away']);

    t.sock.setAway(false);
    ws.serverClose(1006);
    t.clock.advance(1000);
    const next = t.sockets.last();
    next.open();
    next.deliver(server.welcome());
    expect(awayOf(next)).toEqual([]);
  });

  it('set before the first welcome is sent with it', () => {
    const t = setup();
    t.sock.setAway(true);
    const ws = t.live();
    expect(awayOf(ws)).toEqual([true]);
  });

  it('its acks and errors are the socket’s own; a refused away is sent again', () => {
    const t = setup();
    const ws = t.live();
    const before = t.frames.length;
    t.sock.setAway(true);
    const ref = ws.framesOf('away')[0]!.ref!;
    ws.deliver(server.error(ref, 'rate_limited', { retry_after: 2 }));
    expect(t.frames.length).toBe(before);
    t.clock.advance(1999);
    expect(awayOf(ws)).toEqual([true]);
    t.clock.advance(1);
    expect(awayOf(ws)).toEqual([true, true]);
    ws.deliver(server.ack(ws.framesOf('away')[1]!.ref!, { away: true }));
    expect(t.frames.length).toBe(before);
  });
});
