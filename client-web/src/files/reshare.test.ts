// reshare.ts: the responder's decision (answer only for a file my own wrap opens, to the
// key the directory publishes for the requester now, never to one I flag as changed, once,
// after a random wait that a key_shared frame cuts short) with the real e2e library and a
// real opener; and the requester's states (asking → received / unanswered → 重试), on a
// fake clock.

import { describe, expect, it } from 'vitest';
import { ApiError, createRequest } from '../api';
import * as e2e from '../e2e';
import { FakeClock } from '../chat/testkit';
import { createOpener } from './open';
import { ANSWER_JITTER_MS, createRequester, createResponder, POLL_AT_MS, requestFileKey, type RequestState } from './reshare';
import type { PostFileKeysRequest, UserKey } from './types';
import { bytesOf, FakeFiles, keyringOf, person, seal, wrapFor, type Person } from './viewkit';

const CTX = 'channel:12';

/** Lets the promises started by a timer run to their end. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

function userKey(p: Person, keyId = p.keyId): UserKey {
  return { user_id: p.userId, key_id: keyId, public_key: e2e.b64u(p.publicKey), created_at: '' };
}

async function world(opts: { random?: number; withWrap?: boolean } = {}) {
  const me = await person(7);
  const them = await person(8);
  const file = await seal({ name: '预算表.xlsx', type: 'application/vnd.ms-excel', bytes: bytesOf(3000), thumb: bytesOf(400, 3) });
  const srv = new FakeFiles();
  srv.add(file, ...(opts.withWrap === false ? [] : [await wrapFor(file, me, CTX)]));
  const lock = { locked: false };
  const opener = createOpener({ request: createRequest(srv.fetch), fetch: srv.fetch, keyring: () => keyringOf(me, lock), batchMs: 0 });
  const clock = new FakeClock(1_000_000);
  const posted: { blobId: string; body: PostFileKeysRequest }[] = [];
  const directory = new Map<number, UserKey>([[them.userId, userKey(them)]]);
  const cached = new Map<number, UserKey>(directory);
  const asked: boolean[] = [];
  const changed: number[] = [];
  const post = { fail: false };
  const responder = createResponder({
    keyring: () => ({ ...keyringOf(me, lock), changedKeys: () => changed }),
    async publicKeys(ids, fresh) {
      asked.push(fresh);
      const from = fresh ? directory : cached;
      return new Map(ids.filter((id) => from.has(id)).map((id) => [id, from.get(id)!]));
    },
    keys: (blobId, context) => opener.keys(blobId, context),
    crypto: e2e,
    api: {
      async postFileKeys(blobId, body) {
        if (post.fail) throw new ApiError(400, 'bad_request', 'stale key');
        posted.push({ blobId, body });
      },
    },
    random: () => opts.random ?? 0.5,
    setTimer: clock.setTimeout,
    clearTimer: clock.clearTimeout,
    now: clock.time,
  });
  const frame = (over: Record<string, unknown> = {}) => ({ blob_id: file.att.blob_id, context: CTX, user_id: them.userId, key_id: them.keyId, ...over });
  /** Delivers a request and runs the clock past the wait. */
  const run = async (data: unknown) => {
    const out = responder.request(data);
    clock.advance(ANSWER_JITTER_MS);
    return out;
  };
  return { me, them, file, srv, lock, clock, posted, directory, cached, asked, changed, post, responder, frame, run };
}

describe('reshare.ts: answering a key request', () => {
  it('wraps the file and thumbnail keys to the requester, bound to the channel, after a random wait', async () => {
    const w = await world({ random: 0.5 });
    const out = w.responder.request(w.frame());
    expect(w.clock.pending()).toEqual([1000]); // 0.5 of the 2 s
    await settle();
    expect(w.posted).toEqual([]);
    w.clock.advance(1000);
    expect(await out).toBe('posted');
    expect(w.posted).toHaveLength(1);
    const { blobId, body } = w.posted[0]!;
    expect(blobId).toBe(w.file.att.blob_id);
    expect(body.context).toBe(CTX);
    expect(body.keys.map((k) => [k.user_id, k.key_id, k.context])).toEqual([[w.them.userId, w.them.keyId, CTX]]);
    const got = await e2e.unwrapFileKeys(w.them.privateKey, body.keys[0]!.wrapped, { blobId, context: CTX, userId: w.them.userId, keyId: w.them.keyId });
    expect(got.file).toEqual(w.file.key);
    expect(got.thumb).toEqual(w.file.thumbKey);
    // The same request again (a second frame, a repeat): answered already.
    expect(await w.run(w.frame())).toBe('answered');
    expect(w.posted).toHaveLength(1);
  });

  it('stops when a key_shared frame names the requester during the wait', async () => {
    const w = await world();
    const out = w.responder.request(w.frame());
    w.responder.shared({ blob_id: w.file.att.blob_id, context: CTX, user_ids: [3, w.them.userId] });
    w.clock.advance(ANSWER_JITTER_MS);
    expect(await out).toBe('answered');
    expect(w.posted).toEqual([]);
  });

  it('answers each frame once while it waits', async () => {
    const w = await world();
    const first = w.responder.request(w.frame());
    expect(await w.responder.request(w.frame())).toBe('duplicate');
    w.clock.advance(ANSWER_JITTER_MS);
    expect(await first).toBe('posted');
    expect(w.posted).toHaveLength(1);
  });

  it('ignores my own requests and frames that are not requests', async () => {
    const w = await world();
    expect(await w.run(w.frame({ user_id: w.me.userId, key_id: w.me.keyId }))).toBe('mine');
    for (const bad of [null, {}, w.frame({ blob_id: '../x' }), w.frame({ context: 'notice' }), w.frame({ context: 'channel:012' }), w.frame({ user_id: 0 }), w.frame({ key_id: 'KEY' })])
      expect(await w.run(bad)).toBe('malformed');
    expect(w.posted).toEqual([]);
  });

  it('never answers for a file it cannot open, or while locked', async () => {
    const w = await world({ withWrap: false });
    expect(await w.run(w.frame())).toBe('cannot_open');
    w.srv.add(w.file, await wrapFor(w.file, await person(7), CTX)); // a wrap to another key of mine
    expect(await w.run(w.frame())).toBe('cannot_open');
    const v = await world();
    v.lock.locked = true;
    expect(await v.run(v.frame())).toBe('locked');
    expect([...w.posted, ...v.posted]).toEqual([]);
  });

  it('wraps only to the key the directory publishes now, and not to a key it flags as changed', async () => {
    const w = await world();
    // The directory has another key for them than the request names.
    w.directory.set(w.them.userId, userKey(w.them, '0123456789abcdef'));
    w.cached.set(w.them.userId, userKey(w.them, '0123456789abcdef'));
    expect(await w.run(w.frame())).toBe('key_mismatch');
    expect(w.asked).toEqual([false, true]); // the cache, then the server once more
    // A cache older than their new key: the server's answer is used.
    w.directory.set(w.them.userId, userKey(w.them));
    expect(await w.run(w.frame())).toBe('posted');
    // No key at all.
    const v = await world();
    v.directory.clear();
    v.cached.clear();
    expect(await v.run(v.frame())).toBe('no_key');
    // Their key is not the one this browser pinned: not given anything unasked.
    const u = await world();
    u.changed.push(u.them.userId);
    expect(await u.run(u.frame())).toBe('key_changed');
    expect([...v.posted, ...u.posted]).toEqual([]);
  });

  it('reports a refused post and answers a later request again', async () => {
    const w = await world();
    w.post.fail = true;
    expect(await w.run(w.frame())).toBe('failed');
    w.post.fail = false;
    expect(await w.run(w.frame())).toBe('posted');
  });

  it('drops waiting answers when disposed', async () => {
    const w = await world();
    void w.responder.request(w.frame());
    w.responder.dispose();
    expect(w.clock.pending()).toEqual([]);
    expect(await w.responder.request(w.frame())).toBe('malformed');
  });
});

describe('reshare.ts: asking for a key', () => {
  const BLOB = 'ab'.repeat(16);

  function setup() {
    const clock = new FakeClock(0);
    const asks: string[] = [];
    const answers: (Error | undefined)[] = [];
    const has = { key: false, checks: 0 };
    const requester = createRequester({
      async ask(blobId, context) {
        asks.push(`${blobId} ${context}`);
        const a = answers.shift();
        if (a) throw a;
      },
      async check() {
        has.checks++;
        return has.key;
      },
      setTimer: clock.setTimeout,
      clearTimer: clock.clearTimeout,
    });
    const seen: RequestState[] = [];
    const ask = () => {
      const s = requester.ask(BLOB, CTX);
      requester.subscribe(BLOB, (x) => seen.push(x));
      return s;
    };
    return { clock, asks, answers, has, requester, seen, ask };
  }

  it('asks once, looks again with backoff, and is received when the key opens', async () => {
    const s = setup();
    expect(s.ask().phase).toBe('asking');
    expect(s.requester.ask(BLOB, CTX).phase).toBe('asking'); // a second view of the same file
    await settle();
    expect(s.asks).toEqual([`${BLOB} ${CTX}`]);
    expect(s.clock.pending()).toEqual(POLL_AT_MS);
    s.clock.advance(POLL_AT_MS[0]!);
    await settle();
    expect(s.has.checks).toBe(1);
    expect(s.seen).toEqual([]);
    s.has.key = true;
    s.clock.advance(POLL_AT_MS[1]! - POLL_AT_MS[0]!);
    await settle();
    expect(s.seen).toEqual([{ phase: 'received' }]);
    expect(s.clock.pending()).toEqual([]); // no more looks
    expect(s.requester.state(BLOB)).toBeUndefined(); // asked afresh should it fail again
  });

  it('gives up after ~30 s without an answer, and 重试 asks again', async () => {
    const s = setup();
    s.ask();
    await settle();
    for (const ms of POLL_AT_MS) {
      s.clock.advance(ms - s.clock.now);
      await settle();
    }
    expect(s.has.checks).toBe(POLL_AT_MS.length);
    expect(s.seen).toEqual([{ phase: 'unanswered' }]);
    expect(s.clock.now).toBe(30_000);
    s.requester.retry(BLOB, CTX);
    await settle();
    expect(s.asks).toHaveLength(2);
    expect(s.seen.at(-1)).toEqual({ phase: 'asking' });
    expect(s.clock.pending()).toEqual(POLL_AT_MS);
  });

  it('looks at once when a key_shared frame names me, even after giving up', async () => {
    const s = setup();
    s.ask();
    await settle();
    s.requester.shared({ blob_id: BLOB, context: CTX, user_ids: [9] }, 7); // someone else
    await settle();
    expect(s.has.checks).toBe(0);
    s.clock.advance(30_000);
    await settle();
    expect(s.seen).toEqual([{ phase: 'unanswered' }]);
    s.has.key = true;
    s.requester.shared({ blob_id: BLOB, context: CTX, user_ids: [7] }, 7);
    await settle();
    expect(s.seen).toEqual([{ phase: 'unanswered' }, { phase: 'asking' }, { phase: 'received' }]);
  });

  it('waits out a rate limit and asks again', async () => {
    const s = setup();
    s.answers.push(new ApiError(429, 'rate_limited', 'slow down', { retryAfter: 3 }));
    s.ask();
    await settle();
    expect(s.asks).toHaveLength(1);
    expect(s.clock.pending()).toEqual([3000]);
    s.clock.advance(3000);
    await settle();
    expect(s.asks).toHaveLength(2);
    expect(s.clock.pending()).toEqual(POLL_AT_MS);
  });

  it('a conflict means the key is mine already: it looks, and opens', async () => {
    const s = setup();
    s.answers.push(new ApiError(409, 'conflict', 'you hold it'));
    s.has.key = true;
    s.ask();
    await settle();
    await settle();
    expect(s.seen).toEqual([{ phase: 'received' }]);
  });

  it('a refused request says so, and 重试 asks again', async () => {
    const s = setup();
    const refusal = new ApiError(404, 'not_found', 'no such file in this channel');
    s.answers.push(refusal);
    s.ask();
    await settle();
    expect(s.seen).toEqual([{ phase: 'failed', error: refusal }]);
    expect(s.clock.pending()).toEqual([]);
    s.requester.retry(BLOB, CTX);
    await settle();
    expect(s.asks).toHaveLength(2);
    expect(s.seen.at(-1)).toEqual({ phase: 'asking' });
  });

  it('stops looking when disposed', async () => {
    const s = setup();
    s.ask();
    await settle();
    s.requester.dispose();
    expect(s.clock.pending()).toEqual([]);
    expect(s.requester.ask(BLOB, CTX).phase).toBe('failed');
  });
});

describe('reshare.ts: the request', () => {
  it('POSTs the context to /files/{id}/key-requests and takes the 202 answer', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const request = createRequest(async (url, init) => {
      calls.push({ url: String(url), init });
      return new Response(JSON.stringify({ passed_on: true }), { status: 202, headers: { 'Content-Type': 'application/json' } });
    });
    await requestFileKey(request, 'ab'.repeat(16), CTX);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`/api/v1/files/${'ab'.repeat(16)}/key-requests`);
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ context: CTX });
  });
});
