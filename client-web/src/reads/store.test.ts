import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { FakeClock } from '../chat/testkit';
import { REFETCH_DEBOUNCE_MS, createReadsStore } from './store';
import type { ChannelReads } from './types';

const T0 = '2026-11-24T01:00:00Z';

function server() {
  const calls: string[] = [];
  let answer: ChannelReads = {
    channel_id: 12,
    last_seq: 5,
    reads: [
      { user_id: 3, seq: 5, joined_at: T0 },
      { user_id: 6, seq: 2, joined_at: T0 },
    ],
  };
  let fail = false;
  const request = async <T,>(method: string, path: string): Promise<T> => {
    calls.push(`${method} ${path}`);
    if (fail) throw new ApiError(403, 'not_member', 'you are not a member');
    return structuredClone(answer) as T;
  };
  return {
    calls,
    request: request as never,
    set(a: ChannelReads) {
      answer = a;
    },
    failing() {
      fail = true;
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('reads store', () => {
  it('loads a channel when first watched, follows its frames, forgets it when unwatched', async () => {
    const srv = server();
    const clock = new FakeClock();
    const s = createReadsStore({ request: srv.request, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
    const stop1 = s.watch(12);
    const stop2 = s.watch(12);
    await flush();
    expect(srv.calls).toEqual(['GET /channels/12/reads']);
    expect(s.getState().channels[12]?.positions?.get(6)?.seq).toBe(2);

    expect(s.handleFrame({ v: 1, type: 'reads', data: { channel_id: 12, moves: [{ user_id: 6, seq: 5 }] } })).toBe(true);
    expect(s.getState().channels[12]?.positions?.get(6)?.seq).toBe(5);
    expect(s.handleFrame({ v: 1, type: 'notice', data: {} })).toBe(false);

    stop1();
    expect(s.getState().channels[12]).toBeDefined();
    stop2();
    expect(s.getState().channels[12]).toBeUndefined();
    // Frames of a channel not shown are dropped: it is fetched afresh when shown.
    s.handleFrame({ v: 1, type: 'reads', data: { channel_id: 12, moves: [{ user_id: 6, seq: 9 }] } });
    expect(s.getState().channels[12]).toBeUndefined();
  });

  it('fetches again, once, when moves name people who joined since', async () => {
    const srv = server();
    const clock = new FakeClock();
    const s = createReadsStore({ request: srv.request, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
    s.watch(12);
    await flush();
    srv.set({
      channel_id: 12,
      last_seq: 6,
      reads: [
        { user_id: 3, seq: 5, joined_at: T0 },
        { user_id: 6, seq: 2, joined_at: T0 },
        { user_id: 20, seq: 6, joined_at: T0 },
      ],
    });
    s.handleFrame({ v: 1, type: 'reads', data: { channel_id: 12, moves: [{ user_id: 20, seq: 6 }] } });
    s.handleFrame({ v: 1, type: 'reads', data: { channel_id: 12, moves: [{ user_id: 21, seq: 6 }] } });
    clock.advance(REFETCH_DEBOUNCE_MS);
    await flush();
    expect(srv.calls).toEqual(['GET /channels/12/reads', 'GET /channels/12/reads']);
    expect(s.getState().channels[12]?.positions?.get(20)?.seq).toBe(6);
  });

  it('fetches the watched channels again after a reconnect, and keeps an error', async () => {
    const srv = server();
    const s = createReadsStore({ request: srv.request });
    s.watch(12);
    await flush();
    srv.failing();
    s.resync();
    await flush();
    const c = s.getState().channels[12];
    expect(srv.calls).toHaveLength(2);
    expect(c?.error?.code).toBe('not_member');
    expect(c?.positions?.get(3)?.seq).toBe(5); // what was held stays shown
  });
});
