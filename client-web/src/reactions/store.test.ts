import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { createChatStore } from '../chat/store';
import { FakeClock, fakeSocketDeps, localStore, msgs, server, settle } from '../chat/testkit';
import type { Message } from '../chat/types';
import { fakeFetch } from '../testing';

const ME = 1;
const ALLOWED = ['收到', '👍', 'OK'];

/** A chat store online, with channel 2's messages 1..5 on screen. */
async function ready() {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 1, 0));
  const history = msgs(1, 5);
  history[2] = { ...history[2]!, reactions: [{ reaction: '👍', user_ids: [3] }] };
  const { fetch } = fakeFetch(
    new Proxy({}, {
      get: (_, key) => {
        if (typeof key !== 'string') return undefined;
        if (key.startsWith('GET /api/v1/channels/2/messages')) return () => ({ status: 200, body: { messages: history, has_more: false } });
        if (key === 'GET /api/v1/channels') return () => ({ status: 200, body: { channels: [{ id: 2, kind: 'group', name: '组', post_policy: 'everyone', mention_all: 'everyone', max_secrecy: 0, last_seq: 5, epoch: 1, role: 'member', read_seq: 5, unread: 0 }] } });
        if (key.startsWith('GET /api/v1/channels/2/members')) return () => ({ status: 200, body: { members: [] } });
        if (key.startsWith('GET /api/v1/org/people')) return () => ({ status: 200, body: { people: [] } });
        return undefined;
      },
    }),
  );
  const { sockets, make } = fakeSocketDeps(clock);
  const store = createChatStore({
    request: createRequest(fetch),
    me: { id: ME },
    socket: make,
    storage: localStore(),
    now: clock.time,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
  });
  store.start();
  await settle();
  sockets.last().open();
  sockets.last().deliver(server.welcome({ user_id: ME }));
  await settle();
  store.open(2);
  await settle();
  const message = (seq: number): Message => store.getState().timelines[2]!.messages.find((m) => m.seq === seq)!;
  const ws = () => sockets.last();
  const sent = () => ws().framesOf('react');
  const reactions = (seq: number, rev: number, list: Message['reactions']) => ({
    v: 1,
    type: 'reactions',
    data: { channel_id: 2, seq, rev, reactions: list },
  });
  return { clock, store, message, ws, sent, reactions };
}

describe('toggling a reaction', () => {
  it('sends react with on, shows it at once, and takes the ack as the truth', async () => {
    const t = await ready();
    const p = t.store.toggleReaction(2, 3, '收到', ALLOWED);
    const f = t.sent()[0]!;
    expect(f.data).toEqual({ channel_id: 2, seq: 3, reaction: '收到', on: true });
    expect(t.message(3).reactions).toEqual([{ reaction: '收到', user_ids: [ME] }, { reaction: '👍', user_ids: [3] }]);
    t.ws().deliver(server.ack(f.ref!, { channel_id: 2, seq: 3, rev: 7, reactions: [{ reaction: '收到', user_ids: [4, ME] }, { reaction: '👍', user_ids: [3] }] }));
    await expect(p).resolves.toBeUndefined();
    expect(t.message(3).reactions![0]).toEqual({ reaction: '收到', user_ids: [4, ME] });
  });

  it('takes mine back with on: false when I hold it', async () => {
    const t = await ready();
    void t.store.toggleReaction(2, 3, '收到', ALLOWED);
    t.ws().deliver(server.ack(t.sent()[0]!.ref!, { channel_id: 2, seq: 3, rev: 1, reactions: [{ reaction: '收到', user_ids: [ME] }] }));
    await settle();
    void t.store.toggleReaction(2, 3, '收到', ALLOWED);
    expect(t.sent()[1]!.data).toMatchObject({ reaction: '收到', on: false });
    expect(t.message(3).reactions).toBeUndefined();
  });

  it('puts back what was shown when the server refuses', async () => {
    const t = await ready();
    const p = t.store.toggleReaction(2, 3, 'OK', ALLOWED);
    expect(t.message(3).reactions).toHaveLength(2);
    t.ws().deliver(server.error(t.sent()[0]!.ref!, 'reaction_not_allowed', { field: 'reaction' }));
    await expect(p).resolves.toMatchObject({ code: 'reaction_not_allowed' });
    expect(t.message(3).reactions).toEqual([{ reaction: '👍', user_ids: [3] }]);
  });

  it('gives up after a while without an answer, and on a dropped connection', async () => {
    const t = await ready();
    const p = t.store.toggleReaction(2, 3, 'OK', ALLOWED);
    t.clock.advance(15_000);
    await expect(p).resolves.toMatchObject({ code: 'unavailable' });
    expect(t.message(3).reactions).toEqual([{ reaction: '👍', user_ids: [3] }]);
    const q = t.store.toggleReaction(2, 3, 'OK', ALLOWED);
    t.ws().serverClose(1006);
    await expect(q).resolves.toMatchObject({ code: 'network' });
  });
});

describe('the reactions frame', () => {
  it('replaces a message’s reactions live', async () => {
    const t = await ready();
    t.ws().deliver(t.reactions(2, 1, [{ reaction: '收到', user_ids: [3, 4] }]));
    expect(t.message(2).reactions).toEqual([{ reaction: '收到', user_ids: [3, 4] }]);
    t.ws().deliver(t.reactions(2, 2, []));
    expect(t.message(2).reactions).toBeUndefined();
  });

  it('never lets an overtaken frame show over a later one', async () => {
    const t = await ready();
    t.ws().deliver(t.reactions(2, 5, [{ reaction: '收到', user_ids: [3, 4] }]));
    t.ws().deliver(t.reactions(2, 4, [{ reaction: '收到', user_ids: [3] }]));
    expect(t.message(2).reactions).toEqual([{ reaction: '收到', user_ids: [3, 4] }]);
  });

  it('ignores frames for messages not held and malformed ones', async () => {
    const t = await ready();
    const before = t.store.getState().timelines[2];
    t.ws().deliver(t.reactions(99, 1, [{ reaction: '收到', user_ids: [3] }]));
    t.ws().deliver({ v: 1, type: 'reactions', data: { channel_id: 2, seq: 1 } });
    expect(t.store.getState().timelines[2]).toBe(before);
  });
});
