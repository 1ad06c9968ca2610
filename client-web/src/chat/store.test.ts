import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch, type Handler, type Reply } from '../testing';
import { createChatStore } from './store';
import { FakeClock, fakeSocketDeps, localStore, msg, msgs, server, settle, type FakeWebSocket } from './testkit';
import type { Channel, ChannelMember, Frame, Message, Person } from './types';

const ME = 1;
const T0 = Date.UTC(2026, 10, 24, 1, 0);
const NEWEST = Number.MAX_SAFE_INTEGER;

function chan(id: number, over: Partial<Channel> = {}): Channel {
  return {
    id,
    kind: 'group',
    name: `组${id}`,
    post_policy: 'everyone',
    mention_all: 'everyone',
    max_secrecy: 1,
    last_seq: 0,
    epoch: 1,
    role: 'member',
    read_seq: 0,
    unread: 0,
    ...over,
  };
}

const MEMBERS: ChannelMember[] = [
  { user_id: 1, username: 'wangjianguo', display_name: '王建国', role: 'admin' },
  { user_id: 3, username: 'chenzhiqiang', display_name: '陈志强', role: 'member' },
];
const PEOPLE: Person[] = [
  { id: 1, username: 'wangjianguo', display_name: '王建国', title: '局长' },
  { id: 3, username: 'chenzhiqiang', display_name: '陈志强', title: '办公室主任' },
];

/** A fake govchat server over REST: channels, per-channel history paged as §4.9 says,
 * members, people and presence. Any route can be overridden. */
function fakeServer() {
  const srv = {
    channels: [chan(2, { last_seq: 60, read_seq: 58, unread: 2 }), chan(9, { kind: 'party', name: '机关党支部' })],
    history: { 2: msgs(1, 60) } as Record<number, Message[]>,
    people: PEOPLE,
    override: {} as Record<string, Handler>,
  };
  const messages = (id: number, q: URLSearchParams): Reply => {
    const all = srv.history[id] ?? [];
    const limit = Number(q.get('limit') ?? 50);
    const before = q.has('before') ? Number(q.get('before')) : Infinity;
    if (q.has('around')) {
      const at = Number(q.get('around'));
      const older = all.filter((m) => m.seq < at);
      const newer = all.filter((m) => m.seq >= at);
      const half = Math.floor(limit / 2);
      const body = { messages: [...older.slice(-half), ...newer.slice(0, limit - half)], has_more_before: older.length > half, has_more_after: newer.length > limit - half };
      return { status: 200, body };
    }
    if (q.has('after')) {
      const after = Number(q.get('after'));
      const range = all.filter((m) => m.seq > after && m.seq < before);
      return { status: 200, body: { messages: range.slice(0, limit), has_more: range.length > limit } };
    }
    if (q.has('before')) {
      const range = all.filter((m) => m.seq < before);
      return { status: 200, body: { messages: range.slice(-limit), has_more: range.length > limit } };
    }
    return { status: 200, body: { messages: all.slice(0, limit), has_more: all.length > limit } };
  };
  const route = (key: string): Handler | undefined => {
    if (srv.override[key]) return srv.override[key];
    const [method, url] = key.split(' ') as [string, string];
    const u = new URL(url, 'http://test');
    const path = u.pathname.replace(/^\/api\/v1/, '');
    if (method !== 'GET') return undefined;
    if (path === '/channels') return () => ({ status: 200, body: { channels: srv.channels } });
    if (path === '/org/people') {
      const offset = Number(u.searchParams.get('offset') ?? 0);
      const limit = Number(u.searchParams.get('limit') ?? 200);
      return () => ({ status: 200, body: { people: srv.people.slice(offset, offset + limit) } });
    }
    if (path === '/presence') {
      const ids = (u.searchParams.get('users') ?? '').split(',');
      return () => ({ status: 200, body: { online: Object.fromEntries(ids.map((i) => [i, i === '3'])) } });
    }
    let m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m) return () => messages(Number(m![1]), u.searchParams);
    m = /^\/channels\/(\d+)\/members$/.exec(path);
    if (m) return () => ({ status: 200, body: { members: MEMBERS } });
    return undefined;
  };
  // fakeFetch looks routes up by "METHOD url"; a proxy answers for every url.
  const routes = new Proxy({} as Record<string, Handler>, { get: (_, key) => (typeof key === 'string' ? route(key) : undefined) });
  return { srv, ...fakeFetch(routes) };
}

function setup(opts: { storage?: ReturnType<typeof localStore>; online?: () => boolean } = {}) {
  const clock = new FakeClock(T0);
  const { srv, fetch, calls } = fakeServer();
  const { sockets, make } = fakeSocketDeps(clock, undefined, { online: opts.online });
  const storage = opts.storage ?? localStore();
  let expired = 0;
  const store = createChatStore({
    request: createRequest(fetch),
    me: { id: ME },
    socket: make,
    storage,
    now: clock.time,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    onExpired: () => expired++,
    onOtherFrame: (f) => others.push(f),
    onWelcome: () => welcomes++,
  });
  const others: Frame[] = [];
  let welcomes = 0;
  const t = {
    others,
    welcomes: () => welcomes,
    clock,
    srv,
    calls,
    sockets,
    storage,
    store,
    expiredCalls: () => expired,
    st: () => store.getState(),
    ws: (): FakeWebSocket => sockets.last(),
    urls: () => calls.map((c) => `${c.method} ${c.url.replace(/^\/api\/v1/, '')}`),
    /** Frames the client sent on the current socket, of a type. */
    sent: (type: string): Frame[] => sockets.last().framesOf(type),
    /** Opens the current socket and welcomes it. */
    async welcome() {
      const ws = sockets.last();
      if (ws.readyState === 0) ws.open();
      ws.deliver(server.welcome({ user_id: ME }));
      await settle();
    },
    /** Starts the store and brings the connection online. */
    async live() {
      store.start();
      await settle();
      await t.welcome();
    },
    /** The connection drops; the retry timer runs; a new socket is made. */
    async drop(code = 1006) {
      sockets.last().serverClose(code);
      clock.advance(1000);
      await settle();
    },
    channel: (id: number) => store.getState().channels.find((c) => c.id === id),
    seqs: (id: number) => store.getState().timelines[id]?.messages.map((m) => m.seq),
  };
  return t;
}

type T = ReturnType<typeof setup>;

async function openChannel(t: T, id = 2) {
  t.store.open(id);
  await settle();
}

/** A send as it went out: the ref and client id it carries. */
function sendFrame(t: T, i = 0) {
  const f = t.sent('send')[i]!;
  return { ref: f.ref!, data: f.data as { channel_id: number; client_id: string; text: string } };
}

function ackSend(t: T, i: number, seq: number, extra: Record<string, unknown> = {}) {
  const { ref, data } = sendFrame(t, i);
  t.ws().deliver(server.ack(ref, { channel_id: data.channel_id, seq, client_id: data.client_id, created_at: '2026-11-24T01:00:00Z', ...extra }));
}

describe('start', () => {
  it('loads the channels and the people, and connects', async () => {
    const t = setup();
    t.store.start();
    expect(t.st().channelsLoaded).toBe(false);
    await settle();
    expect(t.st().channelsLoaded).toBe(true);
    expect(t.st().channels.map((c) => c.id)).toEqual([2, 9]);
    expect(t.st().people[3]).toMatchObject({ display_name: '陈志强', title: '办公室主任' });
    expect(t.urls()).toContain('GET /channels');
    expect(t.sockets.all).toHaveLength(1);
    expect(t.st().conn).toBe('connecting');
  });

  it('a failing channel list is shown as an error', async () => {
    const t = setup();
    t.srv.override['GET /api/v1/channels'] = () => ({ status: 503, body: err('unavailable') });
    t.store.start();
    await settle();
    expect(t.st().listError?.code).toBe('unavailable');
    expect(t.expiredCalls()).toBe(0);
  });

  it('pages through everyone; a short page is not the last (disabled accounts are left out after paging)', async () => {
    const t = setup();
    const many: Person[] = Array.from({ length: 1500 }, (_, i) => ({ id: i + 1, username: `u${i + 1}`, display_name: `人${i + 1}` }));
    t.srv.override['GET /api/v1/org/people?limit=1000&offset=0'] = () => ({ status: 200, body: { people: many.slice(0, 999) } });
    t.srv.people = many;
    t.store.start();
    await settle(10);
    expect(Object.keys(t.st().people)).toHaveLength(1499);
    expect(t.st().people[1500]?.display_name).toBe('人1500');
  });

  it('goes online at welcome', async () => {
    const t = setup();
    await t.live();
    expect(t.st()).toMatchObject({ conn: 'online', everOnline: true });
  });
});

describe('open', () => {
  it('loads the newest page, the members and their presence', async () => {
    const t = setup();
    await t.live();
    t.store.open(2);
    expect(t.st().activeId).toBe(2);
    expect(t.st().timelines[2]?.loading).toBe(true);
    await settle();
    expect(t.urls()).toContain(`GET /channels/2/messages?before=${NEWEST}&limit=50`);
    expect(t.seqs(2)).toEqual(msgs(11, 60).map((m) => m.seq));
    expect(t.st().timelines[2]).toMatchObject({ hasOlder: true, loading: false });
    expect(t.st().members[2]).toEqual(MEMBERS);
    expect(t.st().presence).toEqual({ 1: false, 3: true });
  });

  it('opening again does not reload', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    const n = t.calls.length;
    t.store.open(9);
    t.store.open(2);
    await settle();
    expect(t.urls().slice(n).filter((u) => u.includes('/channels/2/'))).toEqual([]);
  });

  it('loadOlder pages back until the start', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    void t.store.loadOlder(2);
    await settle();
    expect(t.urls()).toContain('GET /channels/2/messages?before=11&limit=50');
    expect(t.seqs(2)).toEqual(msgs(1, 60).map((m) => m.seq));
    expect(t.st().timelines[2]?.hasOlder).toBe(false);
  });

  it('a failed load is kept as an error and retried when opened again', async () => {
    const t = setup();
    await t.live();
    const key = `GET /api/v1/channels/2/messages?before=${NEWEST}&limit=50`;
    t.srv.override[key] = () => ({ status: 500, body: err('internal') });
    await openChannel(t);
    expect(t.st().timelineErrors[2]?.code).toBe('internal');
    expect(t.st().timelines[2]?.loading).toBe(false);
    delete t.srv.override[key];
    t.store.open(undefined);
    await openChannel(t);
    expect(t.st().timelineErrors[2]).toBeUndefined();
    expect(t.seqs(2)).toHaveLength(50);
  });
});

describe('live messages', () => {
  it('append to the timeline and bump unread for others’ messages', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver(server.message(msg(61)));
    expect(t.seqs(2)!.at(-1)).toBe(61);
    // Also in the open channel: the UI marks it read when the person sees it (the page
    // may be hidden), so the count is right on every device.
    expect(t.channel(2)).toMatchObject({ last_seq: 61, unread: 3, latest: { seq: 61 } });
  });

  it('one’s own messages (from another device) do not count as unread', async () => {
    const t = setup();
    await t.live();
    t.ws().deliver(server.message(msg(61, { sender_id: ME })));
    expect(t.channel(2)).toMatchObject({ last_seq: 61, unread: 2, latest: { seq: 61 } });
  });

  it('a system line is the latest but never unread, and one about members refreshes them', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    const n = t.calls.length;
    const line = msg(61, { sender_id: 0, text: '', kind: 'system', system: { event: 'members_added', actor_id: 3, user_ids: [4] } });
    t.ws().deliver(server.message(line));
    expect(t.channel(2)).toMatchObject({ last_seq: 61, unread: 2, latest: { seq: 61, kind: 'system' } });
    expect(t.seqs(2)!.at(-1)).toBe(61);
    await settle();
    expect(t.urls().slice(n)).toContain('GET /channels/2/members');
  });

  it('免打扰 set here shows at once in the list', async () => {
    const t = setup();
    await t.live();
    t.store.setNotify(2, 'mentions');
    expect(t.channel(2)?.notify).toBe('mentions');
  });

  it('a repeated message counts once', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver(server.message(msg(61)), server.message(msg(61)));
    expect(t.channel(2)?.unread).toBe(3);
    expect(t.seqs(2)!.filter((s) => s === 61)).toHaveLength(1);
  });

  it('a recall of an unread message takes it off the count and the text off the timeline', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver(server.message(msg(61)));
    t.ws().deliver(server.message(msg(61, { text: '', recalled_at: '2026-11-24T01:02:00Z', recalled_by: 3 })));
    expect(t.channel(2)?.unread).toBe(2);
    expect(t.st().timelines[2]?.messages.at(-1)).toMatchObject({ seq: 61, text: '', recalled_by: 3 });
  });

  it('an edit replaces the message without counting as new', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver(server.message(msg(60, { text: '改过', edited_at: '2026-11-24T01:05:00Z' })));
    expect(t.st().timelines[2]?.messages.at(-1)?.text).toBe('改过');
    expect(t.channel(2)?.unread).toBe(2);
  });

  it('a message for a channel not in the list refreshes the list', async () => {
    const t = setup();
    await t.live();
    const n = t.calls.length;
    t.ws().deliver(server.message(msg(1, { channel_id: 12 })));
    t.clock.advance(300);
    await settle();
    expect(t.urls().slice(n)).toEqual(['GET /channels']);
  });

  it('a gap triggers a REST catch-up after what is held', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.srv.history[2] = msgs(1, 65);
    t.ws().deliver(server.message(msg(65)));
    await settle();
    expect(t.urls()).toContain('GET /channels/2/messages?after=60&limit=200');
    expect(t.seqs(2)).toEqual(msgs(11, 65).map((m) => m.seq));
  });

  it('a message out of order (cluster) keeps the history held', async () => {
    const t = setup();
    t.srv.history[2] = msgs(1, 30);
    t.srv.channels[0] = chan(2, { last_seq: 30 });
    await t.live();
    await openChannel(t);
    expect(t.st().timelines[2]?.hasOlder).toBe(false);
    t.srv.history[2] = msgs(1, 32);
    t.ws().deliver(server.message(msg(32)));
    expect(t.seqs(2)).toEqual([...msgs(1, 30), msg(32)].map((m) => m.seq));
    t.ws().deliver(server.message(msg(31)));
    await settle();
    expect(t.seqs(2)).toEqual(msgs(1, 32).map((m) => m.seq));
    expect(t.st().timelines[2]?.hasOlder).toBe(false);
  });

  it('a message that comes while the newest page is loading is not lost', async () => {
    const t = setup();
    await t.live();
    let answer!: () => void;
    const key = `GET /api/v1/channels/2/messages?before=${NEWEST}&limit=50`;
    // The server answered with 11..60; message 61 overtakes the answer on the socket.
    t.srv.override[key] = () => new Promise<Reply>((r) => (answer = () => r({ status: 200, body: { messages: msgs(11, 60), has_more: true } })));
    t.store.open(2);
    await settle();
    t.srv.history[2] = msgs(1, 61);
    t.ws().deliver(server.message(msg(61)));
    answer();
    await settle();
    expect(t.seqs(2)).toEqual(msgs(11, 61).map((m) => m.seq));
  });
});

describe('sending', () => {
  it('sends at once when online; the ack takes it out of the outbox', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    expect(t.store.send(2, '明天开会', { mentions: [3], replyTo: 60 })).toBeUndefined();
    const { data } = sendFrame(t);
    expect(data).toMatchObject({ channel_id: 2, text: '明天开会', mentions: [3], reply_to: 60 });
    expect(data.client_id).toMatch(/^[A-Za-z0-9\-_:.]{1,64}$/);
    expect(t.st().outbox).toMatchObject([{ clientId: data.client_id, status: 'sending' }]);
    ackSend(t, 0, 61);
    expect(t.st().outbox).toEqual([]);
    expect(t.storage.data.has('govchat.outbox.1')).toBe(false);
    // The message frame may be missed; the ack shows it anyway.
    expect(t.st().timelines[2]?.messages.at(-1)).toMatchObject({ seq: 61, sender_id: ME, text: '明天开会', client_id: data.client_id });
    expect(t.channel(2)?.unread).toBe(2);
  });

  it('the own message frame before the ack also clears the outbox', async () => {
    const t = setup();
    await t.live();
    t.store.send(2, '收到');
    const { data } = sendFrame(t);
    t.ws().deliver(server.message(msg(61, { sender_id: ME, client_id: data.client_id, text: '收到' })));
    expect(t.st().outbox).toEqual([]);
    ackSend(t, 0, 61);
    expect(t.st().outbox).toEqual([]);
  });

  it('refuses what the server would refuse, keeping nothing', async () => {
    const t = setup();
    await t.live();
    expect(t.store.send(2, '   ')).toBe('empty');
    expect(t.store.send(2, '字'.repeat(5001))).toBe('too_long');
    expect(t.store.send(2, '😀'.repeat(5000))).toBe('too_large');
    expect(t.st().outbox).toEqual([]);
    expect(t.sent('send')).toEqual([]);
  });

  it('clears the channel’s draft', async () => {
    const t = setup();
    await t.live();
    t.store.setDraft(2, '明天');
    t.store.send(2, '明天开会');
    expect(t.st().drafts).toEqual({});
  });

  it('offline: stays queued and in storage, goes once after welcome', async () => {
    const t = setup();
    t.store.start();
    await settle();
    t.store.send(2, '离线写的');
    expect(t.st().outbox).toMatchObject([{ text: '离线写的', status: 'queued' }]);
    expect(JSON.parse(t.storage.data.get('govchat.outbox.1')!)).toMatchObject([{ text: '离线写的', channelId: 2 }]);
    t.ws().open();
    expect(t.ws().framesOf('send')).toEqual([]); // not before welcome
    await t.welcome();
    expect(t.sent('send')).toHaveLength(1);
    expect(t.st().outbox[0]?.status).toBe('sending');
    // Another welcome-less frame or a list refresh does not send it again.
    t.clock.advance(1000);
    await settle();
    expect(t.sent('send')).toHaveLength(1);
    ackSend(t, 0, 61);
    expect(t.st().outbox).toEqual([]);
  });

  it('several queued messages go in the order written', async () => {
    const t = setup();
    t.store.start();
    await settle();
    for (const text of ['一', '二', '三']) t.store.send(2, text);
    await t.welcome();
    expect(t.sent('send').map((f) => (f.data as { text: string }).text)).toEqual(['一', '二', '三']);
  });

  it('a long outbox goes a few at a time, the next as each is answered', async () => {
    const t = setup();
    t.store.start();
    await settle();
    for (let i = 1; i <= 20; i++) t.store.send(2, `第${i}条`);
    await t.welcome();
    expect(t.sent('send')).toHaveLength(8);
    ackSend(t, 0, 61);
    expect(t.sent('send')).toHaveLength(9);
    expect((t.sent('send')[8]!.data as { text: string }).text).toBe('第9条');
    for (let i = 1; i < 20; i++) if (i < t.sent('send').length) ackSend(t, i, 61 + i);
    expect(t.sent('send').map((f) => (f.data as { text: string }).text)).toEqual(Array.from({ length: 20 }, (_, i) => `第${i + 1}条`));
    expect(t.st().outbox).toEqual([]);
  });

  it('control characters a paste brought in are dropped, not refused by the server later', async () => {
    const t = setup();
    await t.live();
    expect(t.store.send(2, '报表\u0000已\u001b核对\u007f\t完毕\r\n')).toBeUndefined();
    expect((t.sent('send')[0]!.data as { text: string }).text).toBe('报表已核对\t完毕\r\n');
    expect(t.store.send(2, '\u0000\u0001')).toBe('empty');
  });

  it('a resend after a drop reuses the same client_id', async () => {
    const t = setup();
    await t.live();
    t.store.send(2, '会不会丢');
    const first = sendFrame(t).data.client_id;
    await t.drop();
    expect(t.st().outbox[0]?.status).toBe('queued');
    await t.welcome();
    expect(t.sent('send')).toHaveLength(1);
    expect(sendFrame(t).data.client_id).toBe(first);
    ackSend(t, 0, 61, { duplicate: true });
    expect(t.st().outbox).toEqual([]);
  });

  it('a file message: the attachment ref and no text go out; the ack shows it with the attachment', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    const att = { blob_id: 'a'.repeat(32), size: 5000, commitment: 'Y29tbWl0', thumb_blob_id: 'b'.repeat(32), thumb_size: 900 };
    expect(t.store.sendAttachment(2, att, 'web-file-1')).toBeUndefined();
    // The same client id again (a retry of the upload row) queues nothing twice.
    expect(t.store.sendAttachment(2, att, 'web-file-1')).toBeUndefined();
    expect(t.sent('send')).toHaveLength(1);
    const { data } = sendFrame(t);
    expect(data).toEqual({ channel_id: 2, client_id: 'web-file-1', text: '', attachment: { blob_id: att.blob_id, commitment: att.commitment, thumb_blob_id: att.thumb_blob_id } });
    expect(JSON.parse(t.storage.data.get('govchat.outbox.1')!)).toMatchObject([{ clientId: 'web-file-1', attachment: att }]);
    ackSend(t, 0, 61);
    expect(t.st().outbox).toEqual([]);
    expect(t.st().timelines[2]?.messages.at(-1)).toMatchObject({ seq: 61, text: '', attachment: att });
  });

  it('a refused file message is marked failed like any other (the upload row takes it back)', async () => {
    const t = setup();
    await t.live();
    t.store.sendAttachment(2, { blob_id: 'a'.repeat(32), size: 5000, commitment: 'c' }, 'web-file-2');
    t.ws().deliver(server.error(sendFrame(t).ref, 'key_missing'));
    expect(t.st().outbox).toMatchObject([{ clientId: 'web-file-2', status: 'failed', error: { code: 'key_missing' } }]);
    t.store.discard('web-file-2');
    expect(t.st().outbox).toEqual([]);
  });

  it('bad_request: marked failed with the error; retry sends it again, discard drops it', async () => {
    const t = setup();
    await t.live();
    t.store.send(2, '有问题');
    const { ref, data } = sendFrame(t);
    t.ws().deliver(server.error(ref, 'bad_request', { field: 'text' }));
    expect(t.st().outbox).toMatchObject([{ status: 'failed', error: { code: 'bad_request', field: 'text' } }]);
    t.clock.advance(20_000);
    expect(t.sent('send')).toHaveLength(1);
    t.store.retry(data.client_id);
    expect(t.sent('send')).toHaveLength(2);
    expect(sendFrame(t, 1).data.client_id).toBe(data.client_id);
    t.ws().deliver(server.error(sendFrame(t, 1).ref, 'forbidden'));
    t.store.discard(data.client_id);
    expect(t.st().outbox).toEqual([]);
  });

  it('unavailable: stays queued and goes again later with the same client_id', async () => {
    const t = setup();
    await t.live();
    t.store.send(2, '稍后');
    const { ref, data } = sendFrame(t);
    t.ws().deliver(server.error(ref, 'unavailable'));
    expect(t.st().outbox).toMatchObject([{ status: 'queued' }]);
    expect(t.st().outbox[0]?.error).toBeUndefined();
    t.clock.advance(5000);
    expect(t.sent('send')).toHaveLength(2);
    expect(sendFrame(t, 1).data.client_id).toBe(data.client_id);
  });

  it('rate_limited: waits retry_after seconds, also for messages written meanwhile', async () => {
    const t = setup();
    await t.live();
    t.store.send(2, '一');
    t.ws().deliver(server.error(sendFrame(t).ref, 'rate_limited', { retry_after: 3 }));
    t.store.send(2, '二');
    expect(t.sent('send')).toHaveLength(1);
    t.clock.advance(2999);
    expect(t.sent('send')).toHaveLength(1);
    t.clock.advance(1);
    expect(t.sent('send').map((f) => (f.data as { text: string }).text)).toEqual(['一', '一', '二']);
  });
});

describe('storage across reloads', () => {
  it('a new store over the same storage restores the outbox and the drafts', async () => {
    const storage = localStore();
    const a = setup({ storage });
    a.store.start();
    await settle();
    a.store.send(2, '没发出去');
    a.store.setDraft(9, '写了一半');
    a.clock.advance(400);
    a.store.dispose();

    const b = setup({ storage });
    expect(b.st().outbox).toMatchObject([{ channelId: 2, text: '没发出去', status: 'queued' }]);
    expect(b.st().drafts).toEqual({ 9: '写了一半' });
    await b.live();
    expect(b.sent('send')).toHaveLength(1);
    expect(sendFrame(b).data.client_id).toBe(a.st().outbox[0]!.clientId);
  });

  it('a message on the wire at reload is sent again', async () => {
    const storage = localStore();
    const a = setup({ storage });
    await a.live();
    a.store.send(2, '在路上');
    expect(a.st().outbox[0]?.status).toBe('sending');
    const b = setup({ storage });
    expect(b.st().outbox[0]?.status).toBe('queued');
  });

  it('a draft is saved shortly after typing stops, and at dispose', () => {
    const storage = localStore();
    const a = setup({ storage });
    a.store.setDraft(2, '草');
    a.store.setDraft(2, '草稿');
    expect(storage.data.has('govchat.drafts.1')).toBe(false);
    a.clock.advance(400);
    expect(JSON.parse(storage.data.get('govchat.drafts.1')!)).toEqual({ 2: '草稿' });
    a.store.setDraft(2, '草稿改');
    a.store.dispose();
    expect(JSON.parse(storage.data.get('govchat.drafts.1')!)).toEqual({ 2: '草稿改' });
  });

  it('forget() clears the outbox and drafts for good', async () => {
    const storage = localStore({ 'govchat.outbox.7': '[]' });
    const a = setup({ storage });
    await a.live();
    a.store.send(2, '未确认');
    a.store.setDraft(9, '草稿');
    a.store.forget();
    a.clock.advance(1000);
    a.store.dispose();
    expect([...storage.data.keys()]).toEqual(['govchat.outbox.7']);
    const b = setup({ storage });
    expect(b.st().outbox).toEqual([]);
    expect(b.st().drafts).toEqual({});
  });
});

describe('read positions', () => {
  it('a read frame from another device clears unread', async () => {
    const t = setup();
    await t.live();
    t.ws().deliver(server.read(2, 60));
    expect(t.channel(2)).toMatchObject({ read_seq: 60, unread: 0 });
  });

  it('a read frame behind the newest keeps the count and asks the list', async () => {
    const t = setup();
    await t.live();
    const n = t.calls.length;
    t.ws().deliver(server.read(2, 59));
    expect(t.channel(2)).toMatchObject({ read_seq: 59, unread: 2 });
    t.clock.advance(300);
    await settle();
    expect(t.urls().slice(n)).toEqual(['GET /channels']);
  });

  it('a read frame never moves the position back', async () => {
    const t = setup();
    await t.live();
    t.ws().deliver(server.read(2, 10));
    expect(t.channel(2)).toMatchObject({ read_seq: 58, unread: 2 });
  });

  it('markRead sends a read frame and clears unread', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.store.markRead(2);
    expect(t.channel(2)).toMatchObject({ read_seq: 60, unread: 0 });
    expect(t.sent('read')).toMatchObject([{ v: 1, type: 'read', data: { channel_id: 2, seq: 60 } }]);
    t.ws().deliver(server.ack(t.sent('read')[0]!.ref!, { channel_id: 2, seq: 60 }), server.read(2, 60));
    t.store.markRead(2);
    expect(t.sent('read')).toHaveLength(1);
  });

  it('markRead while offline goes after welcome, once acknowledged not again', async () => {
    const t = setup();
    t.store.start();
    await settle();
    await openChannel(t);
    t.store.markRead(2);
    expect(t.channel(2)?.unread).toBe(0);
    await t.welcome();
    expect(t.sent('read')).toMatchObject([{ data: { channel_id: 2, seq: 60 } }]);
    t.ws().deliver(server.ack(t.sent('read')[0]!.ref!, { channel_id: 2, seq: 60 }));
    await t.drop();
    await t.welcome();
    expect(t.sent('read')).toEqual([]);
  });

  it('an unacknowledged read goes again after a reconnect', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.store.markRead(2);
    await t.drop();
    await t.welcome();
    expect(t.sent('read')).toMatchObject([{ data: { channel_id: 2, seq: 60 } }]);
  });
});

describe('reconnecting', () => {
  it('hello resumes the open channel from what it holds without a gap', async () => {
    const t = setup();
    await t.live();
    expect(t.ws().framesOf('hello')).toEqual([{ v: 1, type: 'hello', data: {} }]);
    await openChannel(t);
    await t.drop();
    t.ws().open();
    expect(t.ws().framesOf('hello')).toEqual([{ v: 1, type: 'hello', data: { resume: [{ channel_id: 2, last_seq: 60, epoch: 1 }] } }]);
  });

  it('after welcome: reloads the channel list and refreshes the open timeline', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    await t.drop();
    const n = t.calls.length;
    t.ws().open();
    t.ws().deliver(server.message(msg(61)), server.welcome());
    await settle();
    expect(t.urls().slice(n).sort()).toEqual(['GET /channels', `GET /channels/2/messages?before=${NEWEST}&limit=50`].sort());
    expect(t.seqs(2)!.at(-1)).toBe(61);
  });

  it('catches up a channel whose last_seq is beyond what is held', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.srv.history[2] = msgs(1, 63);
    t.srv.channels[0] = chan(2, { last_seq: 63, read_seq: 58, unread: 5 });
    await t.store.reloadChannels();
    await settle();
    expect(t.urls()).toContain('GET /channels/2/messages?after=60&limit=200');
    expect(t.seqs(2)!.at(-1)).toBe(63);
  });

  it('resync drops the timeline and reloads it', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.srv.history[2] = msgs(1, 900).map((m) => ({ ...m, text: '恢复后' }));
    t.srv.channels[0] = chan(2, { last_seq: 900, epoch: 2 });
    await t.drop();
    t.ws().open();
    t.ws().deliver(server.resync(2, 900, 'epoch_changed', 2));
    expect(t.st().timelines[2]?.loading).toBe(true);
    t.ws().deliver(server.welcome());
    await settle();
    expect(t.seqs(2)).toEqual(msgs(851, 900).map((m) => m.seq));
    expect(t.st().timelines[2]?.messages[0]?.text).toBe('恢复后');
    expect(t.channel(2)?.epoch).toBe(2);
  });

  it('timelines of channels not open are dropped at welcome and reload when opened', async () => {
    const t = setup();
    await t.live();
    await openChannel(t, 2);
    await openChannel(t, 9);
    await t.drop();
    await t.welcome();
    expect(Object.keys(t.st().timelines)).toEqual(['9']);
  });

  it('a channel event refreshes the list; joined/left forget the members', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    const n = t.calls.length;
    t.ws().deliver(server.channel(2, 'updated'));
    t.ws().deliver(server.channel(12, 'joined'));
    t.clock.advance(300);
    await settle();
    expect(t.urls().slice(n).sort()).toEqual(['GET /channels', 'GET /channels/2/members', 'GET /presence?users=1,3'].sort());
    t.ws().deliver(server.channel(2, 'left'));
    expect(t.st().members[2]).toBeUndefined();
  });
});

describe('the session', () => {
  it('close 4001 calls onExpired and does not reconnect', async () => {
    const t = setup();
    await t.live();
    t.ws().serverClose(4001);
    expect(t.st().conn).toBe('expired');
    expect(t.expiredCalls()).toBe(1);
    t.clock.advance(120_000);
    expect(t.sockets.all).toHaveLength(1);
  });

  it('a REST 401 calls onExpired', async () => {
    const t = setup();
    await t.live();
    t.srv.override[`GET /api/v1/channels/2/messages?before=${NEWEST}&limit=50`] = () => ({ status: 401, body: err('unauthenticated') });
    await openChannel(t);
    expect(t.expiredCalls()).toBe(1);
  });

  it('other 401s are not a lost session', async () => {
    const t = setup();
    await t.live();
    t.srv.override[`GET /api/v1/channels/2/messages?before=${NEWEST}&limit=50`] = () => ({ status: 401, body: err('totp_required') });
    await openChannel(t);
    expect(t.expiredCalls()).toBe(0);
  });
});

describe('edit and recall', () => {
  async function ready() {
    const t = setup();
    await t.live();
    await openChannel(t);
    return t;
  }

  it('edit resolves with nothing on ack', async () => {
    const t = await ready();
    const p = t.store.edit(2, 60, '改后', [3]) as Promise<unknown>;
    const f = t.sent('edit')[0]!;
    expect(f).toMatchObject({ type: 'edit', data: { channel_id: 2, seq: 60, text: '改后', mentions: [3] } });
    t.ws().deliver(server.ack(f.ref!, { channel_id: 2, seq: 60 }));
    await expect(p).resolves.toBeUndefined();
  });

  it('edit without mentions sends none', async () => {
    const t = await ready();
    void t.store.edit(2, 60, '改后');
    expect(t.sent('edit')[0]!.data).toEqual({ channel_id: 2, seq: 60, text: '改后' });
  });

  it('edit checks the text first', async () => {
    const t = await ready();
    expect(t.store.edit(2, 60, ' ')).toBe('empty');
    expect(t.sent('edit')).toEqual([]);
  });

  const codes = ['window_expired', 'forbidden', 'conflict', 'not_found'];
  for (const code of codes) {
    it(`recall resolves with the server's ${code}`, async () => {
      const t = await ready();
      const p = t.store.recall(2, 60);
      const f = t.sent('recall')[0]!;
      expect(f.data).toEqual({ channel_id: 2, seq: 60 });
      t.ws().deliver(server.error(f.ref!, code));
      await expect(p).resolves.toMatchObject({ code });
    });
    it(`edit resolves with the server's ${code}`, async () => {
      const t = await ready();
      const p = t.store.edit(2, 60, '改') as Promise<unknown>;
      t.ws().deliver(server.error(t.sent('edit')[0]!.ref!, code));
      await expect(p).resolves.toMatchObject({ code });
    });
  }

  it('refs are unique on the connection', async () => {
    const t = await ready();
    void t.store.recall(2, 59);
    void t.store.edit(2, 60, '改');
    t.store.markRead(2);
    void t.store.recall(2, 58);
    const refs = t.ws().frames().map((f) => f.ref).filter(Boolean);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('not connected: network at once', async () => {
    const t = setup();
    t.store.start();
    await settle();
    await expect(t.store.recall(2, 60)).resolves.toMatchObject({ code: 'network' });
  });

  it('the connection drops before the answer: network', async () => {
    const t = await ready();
    const p = t.store.recall(2, 60);
    t.ws().serverClose(1006);
    await expect(p).resolves.toMatchObject({ code: 'network' });
  });

  it('no answer in time: unavailable', async () => {
    const t = await ready();
    const p = t.store.recall(2, 60);
    t.clock.advance(15_000);
    await expect(p).resolves.toMatchObject({ code: 'unavailable' });
  });
});

describe('search and direct channels', () => {
  it('searches, trimmed, in one channel if asked; a blank query clears', async () => {
    const t = setup();
    t.srv.override['GET /api/v1/search?q=%E9%A2%84%E7%AE%97&limit=30&channel=2'] = () => ({
      status: 200,
      body: { messages: [msg(42, { text: '预算编制' })], has_more: false },
    });
    await t.store.search('  预算 ', { channelId: 2 });
    expect(t.st().search).toMatchObject({ q: '预算', busy: false, results: [{ seq: 42 }] });
    await t.store.search('   ');
    expect(t.st().search).toBeUndefined();
  });

  it('a failed search keeps its error', async () => {
    const t = setup();
    t.srv.override['GET /api/v1/search?q=x&limit=30'] = () => ({ status: 400, body: err('bad_request', { field: 'q' }) });
    await t.store.search('x');
    expect(t.st().search).toMatchObject({ busy: false, results: [], error: { code: 'bad_request', field: 'q' } });
  });

  it('openDirect adds the channel at once and returns its id', async () => {
    const t = setup();
    await t.live();
    t.srv.override['POST /api/v1/direct/3'] = () => ({ status: 200, body: chan(13, { kind: 'direct', name: '', peer_id: 3 }) });
    await expect(t.store.openDirect(3)).resolves.toBe(13);
    expect(t.channel(13)).toMatchObject({ kind: 'direct', peer_id: 3 });
  });
});

describe('dispose', () => {
  it('closes the socket and stops every timer', async () => {
    const t = setup();
    await t.live();
    t.ws().deliver(server.channel(2, 'updated'));
    const ws = t.ws();
    t.store.dispose();
    expect(ws.closedWith).toBe(1000);
    expect(t.clock.pending()).toEqual([]);
  });
});

describe('sharing the socket', () => {
  it('passes frames that are not chat’s on, and tells of each welcome', async () => {
    const t = setup();
    await t.live();
    expect(t.welcomes()).toBe(1);
    const notice = { v: 1, type: 'notice', data: { notice_id: 7, event: 'published', revision: 1 } };
    t.ws().deliver(notice);
    t.ws().deliver(server.read(2, 60));
    expect(t.others).toEqual([notice]);
    await t.drop();
    await t.welcome();
    expect(t.welcomes()).toBe(2);
  });
});

describe('away', () => {
  it('rides on the store’s socket and is said again after each welcome', async () => {
    const t = setup();
    t.store.socket.setAway(true); // the page was left idle before the connection came up
    await t.live();
    const away = () => t.sent('away').map((f) => (f.data as { away: boolean }).away);
    expect(away()).toEqual([true]);
    t.ws().deliver(server.ack(t.sent('away')[0]!.ref!, { away: true }));
    expect(t.st().conn).toBe('online');

    await t.drop();
    await t.welcome();
    expect(away()).toEqual([true]); // the new connection is told too
    t.store.socket.setAway(false);
    expect(away()).toEqual([true, false]);
  });
});

describe('landing on a message (search hit)', () => {
  const long = () => {
    const t = setup();
    t.srv.channels = [chan(2, { last_seq: 200 })];
    t.srv.history[2] = msgs(1, 200);
    return t;
  };

  it('opens at the message with both sides, then pages newer until it joins the live end', async () => {
    const t = long();
    await t.live();
    void t.store.openAt(2, 50);
    t.store.open(2); // the route opens the channel: it must not load the newest page over the landing
    await settle();
    expect(t.urls()).toContain('GET /channels/2/messages?around=50&limit=50');
    expect(t.urls().some((u) => u.startsWith('GET /channels/2/messages?before='))).toBe(false);
    expect(t.seqs(2)).toEqual(msgs(25, 74).map((m) => m.seq));
    expect(t.st().landing).toMatchObject({ channelId: 2, seq: 50 });
    expect(t.st().timelines[2]).toMatchObject({ hasOlder: true, hasNewer: true });

    // A live message past the window is not kept (it would leave a hole)…
    t.ws().deliver(server.message(msg(201)));
    t.srv.history[2] = msgs(1, 201);
    await settle();
    expect(t.seqs(2)?.at(-1)).toBe(74);
    expect(t.urls().some((u) => u.includes('after=') && u.includes('limit=200'))).toBe(false); // no catch-up either

    // …and scrolling down pages newer, without holes, until the live end.
    for (let i = 0; i < 5 && t.st().timelines[2]?.hasNewer; i++) {
      await t.store.loadNewer(2);
      await settle();
    }
    expect(t.st().timelines[2]?.hasNewer).toBe(false);
    expect(t.seqs(2)).toEqual(msgs(25, 201).map((m) => m.seq));
    // Back at the live end, live messages go in again.
    t.ws().deliver(server.message(msg(202)));
    await settle();
    expect(t.seqs(2)?.at(-1)).toBe(202);
  });

  it('does not fetch when the message is held, but lands again', async () => {
    const t = long();
    await t.live();
    await openChannel(t); // the newest 50: 151..200
    const n = t.calls.length;
    await t.store.openAt(2, 180);
    await t.store.openAt(2, 180);
    expect(t.urls().slice(n)).toEqual([]);
    expect(t.st().landing).toMatchObject({ seq: 180, n: 2 });
  });

  it('the way back to the latest replaces the window with the newest page', async () => {
    const t = long();
    await t.live();
    await t.store.openAt(2, 10);
    t.store.jumpToLatest(2);
    await settle();
    expect(t.seqs(2)).toEqual(msgs(151, 200).map((m) => m.seq));
    expect(t.st().timelines[2]?.hasNewer).toBeFalsy();
  });

  it('leaving the channel ends the landing; opening it again shows the newest', async () => {
    const t = long();
    await t.live();
    void t.store.openAt(2, 10);
    t.store.open(2);
    await settle();
    expect(t.st().landing?.channelId).toBe(2);
    t.store.open(undefined);
    expect(t.st().landing).toBeUndefined();
    t.store.open(2);
    await settle();
    expect(t.seqs(2)).toEqual(msgs(151, 200).map((m) => m.seq));
    expect(t.st().timelines[2]?.hasNewer).toBeFalsy();
  });

  it('a reconnect leaves the reader where they landed', async () => {
    const t = long();
    await t.live();
    void t.store.openAt(2, 50);
    t.store.open(2);
    await settle();
    await t.drop();
    await t.welcome();
    expect(t.sent('hello').at(-1)?.data).toEqual({});
    expect(t.seqs(2)).toEqual(msgs(25, 74).map((m) => m.seq));
    expect(t.st().timelines[2]?.hasNewer).toBe(true);
  });

  it('a refused landing is kept as the channel error', async () => {
    const t = long();
    await t.live();
    t.srv.override['GET /api/v1/channels/2/messages?around=999&limit=50'] = () => ({ status: 400, body: err('bad_request', { field: 'around' }) });
    await t.store.openAt(2, 999);
    expect(t.st().timelineErrors[2]).toMatchObject({ code: 'bad_request' });
    expect(t.st().timelines[2]?.loading).toBe(false);
  });

  it('searches with filters', async () => {
    const t = setup();
    t.srv.override['GET /api/v1/search?q=x&limit=30&channel=2&sender=3&from=2026-11-20&to=2026-11-24'] = () => ({
      status: 200,
      body: { messages: [msg(7)], has_more: false },
    });
    const filters = { channelId: 2, senderId: 3, from: '2026-11-20', to: '2026-11-24' };
    await t.store.search('x', filters);
    expect(t.st().search).toMatchObject({ q: 'x', filters, busy: false, results: [{ seq: 7 }] });
  });
});

describe('retention: expired frames and deleted seqs (§7.5, §7.7)', () => {
  const expired = (channel_id: number, seqs: number[]) => ({ v: 1, type: 'expired', data: { channel_id, seqs } });
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const without = (all: number[], gone: number[]) => all.filter((s) => !gone.includes(s));

  it('an expired frame takes the messages out of the open timeline at once, and its hole is not a gap', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver(expired(2, [20, 21, 22, 59]));
    await settle();
    expect(t.seqs(2)).toEqual(without(range(11, 60), [20, 21, 22, 59]));
    expect(t.st().timelines[2]?.gone).toEqual([
      [20, 22],
      [59, 59],
    ]);
    // The resume position passes over deleted seqs: nothing is fetched again for them.
    const n = t.calls.length;
    t.ws().deliver(server.message(msg(61, { channel_id: 2 })));
    await settle();
    expect(t.calls.slice(n).map((c) => c.url)).toEqual([]);
    await t.drop();
    t.ws().open();
    expect(t.ws().framesOf('hello')[0]?.data).toEqual({ resume: [{ channel_id: 2, last_seq: 61, epoch: 1 }] });
  });

  it('a deleted latest message leaves the channel list, which is asked again', async () => {
    const t = setup();
    t.srv.channels[0] = chan(2, { last_seq: 60, latest: msg(60, { channel_id: 2 }) });
    await t.live();
    expect(t.channel(2)?.latest?.seq).toBe(60);
    const n = t.calls.length;
    t.ws().deliver(expired(2, [60]));
    await settle();
    expect(t.channel(2)?.latest).toBeUndefined();
    t.clock.advance(300);
    await settle();
    expect(t.calls.slice(n).map((c) => c.url)).toContain('/api/v1/channels');
  });

  it('drops expired messages from search results', async () => {
    const t = setup();
    t.srv.override['GET /api/v1/search?q=%E9%A2%84%E7%AE%97&limit=30'] = () => ({ status: 200, body: { messages: [msg(5, { channel_id: 2 }), msg(7, { channel_id: 2 })], has_more: false } });
    await t.live();
    await t.store.search('预算');
    expect(t.st().search?.results.map((m) => m.seq)).toEqual([5, 7]);
    t.ws().deliver(expired(2, [5]));
    await settle();
    expect(t.st().search?.results.map((m) => m.seq)).toEqual([7]);
  });

  it('a re-fetched page without some seqs held means they were deleted: they leave the timeline', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    // Deleted by the sweep while this client was away; no frame reached it.
    t.srv.history[2] = t.srv.history[2]!.filter((m) => ![40, 41, 42].includes(m.seq));
    await t.drop();
    await t.welcome(); // a welcome re-fetches the open channel's newest page (now 8…60)
    expect(t.seqs(2)).toEqual(without(range(8, 60), [40, 41, 42]));
    // And the list's last_seq (60) is held: no catch-up for the hole.
    const n = t.calls.length;
    await t.store.reloadChannels();
    await settle();
    expect(t.calls.slice(n).some((c) => c.url.includes('after='))).toBe(false);
  });

  it('an older page: holes inside it, and between it and the first message held, are deletions', async () => {
    const t = setup();
    t.srv.history[2] = msgs(1, 60).filter((m) => ![5, 6, 10].includes(m.seq));
    await t.live();
    await openChannel(t);
    void t.store.loadOlder(2);
    await settle();
    expect(t.seqs(2)).toEqual(without(range(1, 60), [5, 6, 10]));
    expect(t.st().timelines[2]?.gone).toEqual([
      [5, 6],
      [10, 10],
    ]);
  });

  it('a catch-up page with holes counts them as deleted, so it does not ask again', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.srv.history[2] = [...msgs(1, 60), ...msgs(61, 70).filter((m) => m.seq !== 63 && m.seq !== 64)];
    // A live message ahead of a gap starts a catch-up.
    t.ws().deliver(server.message(msg(70, { channel_id: 2 })));
    await settle();
    expect(t.seqs(2)).toEqual(without(range(11, 70), [63, 64]));
    const n = t.calls.length;
    t.ws().deliver(server.message(msg(71, { channel_id: 2 })));
    await settle();
    expect(t.calls.slice(n).some((c) => c.url.includes('after='))).toBe(false);
  });

  it('ignores a malformed expired frame', async () => {
    const t = setup();
    await t.live();
    await openChannel(t);
    t.ws().deliver({ v: 1, type: 'expired', data: { channel_id: 2, seqs: 'x' } }, { v: 1, type: 'expired' });
    await settle();
    expect(t.seqs(2)).toEqual(range(11, 60));
  });
});
