import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import type { Notice, PublishNoticeRequest } from '../notices/types';
import { createSharer } from './share';
import {
  ATTACHMENT_FAILED,
  createNoticeDraft,
  intakeNoticeFiles,
  MAX_NOTICE_ATTACHMENTS,
  planNoticeWraps,
  planRewrap,
  type DraftQueue,
} from './noticeDraft';
import type { PostFileKeysRequest, UserKey } from './types';
import { fakeDraftQueue as fakeQueue } from './testqueue';
import type { DraftFile } from './upload';

const ME = 7;
const uk = (id: number, key = `k${id}`): UserKey => ({ user_id: id, key_id: key, public_key: `pub-${id}-${key}`, created_at: '' });
const blob = (n: number) => n.toString(16).padStart(32, '0');

function setup(o: { audience?: () => UserKey[]; escrow?: boolean; limit?: number } = {}) {
  const queue = fakeQueue();
  const posts: { blob: string; body: PostFileKeysRequest }[] = [];
  const looked: number[][] = [];
  let forgot = 0;
  let audienceCalls = 0;
  const sharer = createSharer({
    keyring: {
      async publicKeys(ids) {
        looked.push([...ids]);
        return new Map(ids.filter((id) => id === ME).map((id) => [id, uk(id)]));
      },
      escrowKey: async () => (o.escrow ? { key_id: 'esc', public_key: 'pub-esc' } : null),
    },
    api: {
      async postFileKeys(blobId, body) {
        posts.push({ blob: blobId, body });
      },
    },
    crypto: { wrapFileKeys: async (_pub, keys, b) => `w:${b.userId}:${keys.thumb ? 64 : 32}`, fromB64u: (s) => new TextEncoder().encode(s) },
  });
  const d = createNoticeDraft({
    queue,
    async audienceKeys(audience) {
      audienceCalls++;
      expect(audience).toEqual({ departments: [{ id: 3, sub: true }] });
      return o.audience ? o.audience() : [uk(2), uk(3)];
    },
    escrowKey: async () => (o.escrow ? { key_id: 'esc' } : null),
    share: (x) => sharer.shareCounting(x),
    forgetKeys: () => forgot++,
    me: { id: ME },
    limit: o.limit ?? 1000,
    draft: 'd1',
  });
  return { d, queue, posts, looked, forgot: () => forgot, audienceCalls: () => audienceCalls };
}

const BODY: PublishNoticeRequest = { title: '通知', body: '正文', audience: { departments: [{ id: 3, sub: true }] } };
const notice = (b: PublishNoticeRequest) => ({ id: 1, title: b.title, attachments: b.attachments }) as unknown as Notice;
const file = (name: string, size = 10, type = 'application/pdf') => new File([new Uint8Array(size)], name, { type });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('planning the wraps of a notice’s files', () => {
  it('wraps to the audience’s people with a key, then the author; counts the escrow’s', () => {
    const p = planNoticeWraps(2, [uk(5), uk(2), uk(ME)], ME, true);
    expect(p.recipients).toEqual([2, 5, ME]);
    expect([...p.publicKeys.keys()]).toEqual([5, 2]);
    expect(p.people).toBe(2);
    expect(p.total).toBe(2 * (3 + 1));
    expect(planNoticeWraps(1, [], ME, false)).toMatchObject({ recipients: [ME], people: 0, total: 1 });
  });

  it('after key_missing, only the new and the changed are wrapped again', () => {
    const before = planNoticeWraps(1, [uk(2), uk(3), uk(4)], ME, false).publicKeys;
    expect(planRewrap(before, [uk(2), uk(3, 'new3'), uk(4), uk(9), uk(ME, 'mine')], ME).map((k) => [k.user_id, k.key_id])).toEqual([
      [3, 'new3'],
      [9, 'k9'],
    ]);
  });

  it('takes at most 10 files, within the size limit, and no folders', () => {
    const many = Array.from({ length: 12 }, (_, i) => file(`${i}.pdf`));
    const r = intakeNoticeFiles(3, [...many, file('big.zip', 5000)], ['照片'], 1000);
    expect(r.ok.map((f) => f.name)).toEqual(['0.pdf', '1.pdf', '2.pdf', '3.pdf', '4.pdf', '5.pdf', '6.pdf']);
    expect(r.refused).toEqual([
      { name: 'big.zip', reason: 'too_large' },
      { name: '照片', reason: 'folder' },
      ...many.slice(7).map((f) => ({ name: f.name, reason: 'too_many' })),
    ]);
    expect(intakeNoticeFiles(MAX_NOTICE_ATTACHMENTS, [file('a.pdf')], [], 1000).ok).toEqual([]);
  });
});

describe('a notice draft', () => {
  it('发布 waits for the uploads, then wraps each file for the audience and the author, posts, and publishes with the attachments', async () => {
    const t = setup({ escrow: true });
    t.d.add([file('方案.pdf'), file('现场.jpg', 10, 'image/jpeg')]);
    expect(t.d.getState().items.map((x) => x.name)).toEqual(['方案.pdf', '现场.jpg']);
    const published: PublishNoticeRequest[] = [];
    const phases: string[] = [];
    t.d.subscribe((s) => phases.at(-1) !== s.phase && phases.push(s.phase));
    const done = t.d.publish(BODY, async (b) => (published.push(b), notice(b)));
    await tick();
    expect(t.d.getState().phase).toBe('uploading');
    expect(t.audienceCalls()).toBe(0);
    t.queue.stage('u1', 'uploaded');
    await tick();
    expect(t.audienceCalls()).toBe(0); // one file still uploading
    t.queue.stage('u2', 'uploaded');
    const n = await done;
    expect(phases).toEqual(['uploading', 'keys', 'wrapping', 'publishing', 'idle']);
    expect(published).toEqual([{ ...BODY, attachments: [{ blob_id: blob(1), commitment: 'c1' }, { blob_id: blob(2), commitment: 'c2', thumb_blob_id: blob(102) }] }]);
    expect(n.attachments).toHaveLength(2);
    // Each file: the escrow's wrap first, then the audience's people, then the author, for "notice".
    expect(t.posts.map((p) => [p.blob, p.body.context, p.body.keys.map((k) => k.user_id)])).toEqual([
      [blob(1), 'notice', [0, 2, 3, ME]],
      [blob(2), 'notice', [0, 2, 3, ME]],
    ]);
    expect(t.posts[1]!.body.keys[1]!.wrapped).toBe('w:2:64'); // the picture's key and its thumbnail's
    // The audience's keys were not asked again; only the author's own.
    expect(t.looked).toEqual([[ME], [ME]]);
    expect(t.d.getState()).toMatchObject({ people: 2, total: 8, wrapped: 8 });
    expect(t.queue.log).toEqual(['release d1']);
  });

  it('a failed upload stops the publication; 重试 and 发布 again go through', async () => {
    const t = setup();
    t.d.add([file('a.pdf')]);
    const post = async (b: PublishNoticeRequest) => notice(b);
    const first = t.d.publish(BODY, post);
    t.queue.stage('u1', 'failed');
    await expect(first).rejects.toMatchObject({ code: ATTACHMENT_FAILED });
    expect(t.d.getState().phase).toBe('idle');
    expect(t.posts).toEqual([]);
    t.d.retry('u1');
    const second = t.d.publish(BODY, post);
    t.queue.stage('u1', 'uploaded');
    expect((await second).attachments).toEqual([{ blob_id: blob(1), commitment: 'c1' }]);
  });

  it('key_missing at publish: the audience asked again, the new and changed wrapped, published once more', async () => {
    let audience = [uk(2), uk(3)];
    const t = setup({ audience: () => audience });
    t.d.add([file('a.pdf')]);
    t.queue.stage('u1', 'uploaded');
    let tries = 0;
    const n = await t.d.publish(BODY, async (b) => {
      if (++tries === 1) {
        audience = [uk(2), uk(3, 'k3-new'), uk(4)]; // 3 made a new key, 4 their first
        throw new ApiError(409, 'key_missing', '', { field: 'attachments[0]' });
      }
      return notice(b);
    });
    expect(n.id).toBe(1);
    expect(tries).toBe(2);
    expect(t.forgot()).toBe(1);
    expect(t.audienceCalls()).toBe(2);
    expect(t.posts.map((p) => p.body.keys.map((k) => [k.user_id, k.key_id]))).toEqual([
      [
        [2, 'k2'],
        [3, 'k3'],
        [ME, `k${ME}`],
      ],
      [
        [3, 'k3-new'],
        [4, 'k4'],
      ],
    ]);
  });

  it('key_missing twice: the second refusal is the answer (no loop)', async () => {
    const t = setup();
    t.d.add([file('a.pdf')]);
    t.queue.stage('u1', 'uploaded');
    let tries = 0;
    await expect(
      t.d.publish(BODY, async () => {
        tries++;
        throw new ApiError(409, 'key_missing', '');
      }),
    ).rejects.toMatchObject({ code: 'key_missing' });
    expect(tries).toBe(2);
    expect(t.queue.log).toEqual([]); // the files stay for another try
  });

  it('without attachments 发布 is the publication alone', async () => {
    const t = setup();
    const n = await t.d.publish(BODY, async (b) => notice(b));
    expect(n.attachments).toBeUndefined();
    expect(t.audienceCalls()).toBe(0);
  });

  it('progress for a large audience: at most about a hundred updates, ending at the total', async () => {
    const people = Array.from({ length: 1000 }, (_, i) => uk(100 + i));
    const t = setup({ audience: () => people });
    t.d.add([file('a.pdf'), file('b.pdf')]);
    t.queue.stage('u1', 'uploaded');
    t.queue.stage('u2', 'uploaded');
    const seen: number[] = [];
    t.d.subscribe((s) => s.phase === 'wrapping' && seen.at(-1) !== s.wrapped && seen.push(s.wrapped));
    await t.d.publish(BODY, async (b) => notice(b));
    expect(t.d.getState()).toMatchObject({ people: 1000, total: 2002, wrapped: 2002 });
    expect(seen.length).toBeLessThanOrEqual(102);
    expect(seen.at(-1)).toBe(2002);
    expect(t.posts.map((p) => p.body.keys.length)).toEqual([1000, 1, 1000, 1]);
  });

  it('closing the form stops a publication waiting for uploads and deletes the files', async () => {
    const t = setup();
    t.d.add([file('a.pdf')]);
    const p = t.d.publish(BODY, async (b) => notice(b));
    t.d.close();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.queue.log).toEqual(['discard d1']);
    expect(t.d.add([file('b.pdf')])).toBe(0);
  });

  it('refuses files beyond ten and shows why', () => {
    const t = setup({ limit: 100 });
    expect(t.d.add(Array.from({ length: 9 }, (_, i) => file(`${i}.pdf`)))).toBe(9);
    expect(t.d.add([file('9.pdf'), file('10.pdf'), file('big.pdf', 500)])).toBe(1);
    expect(t.d.getState().refused).toEqual([
      { name: 'big.pdf', reason: 'too_large' },
      { name: '10.pdf', reason: 'too_many' },
    ]);
    t.d.clearRefused();
    expect(t.d.getState().refused).toEqual([]);
    expect(t.d.getState().items).toHaveLength(10);
  });
});

describe('a notice to 1,000 recipients with the real e2e library', () => {
  it('wraps a picture’s keys for each of them, the author and the escrow; each opens its own and nobody else’s', async () => {
    const e2e = await import('../e2e');
    const people = 1000;
    const pairs = new Map<number, { publicKey: Uint8Array; privateKey: Uint8Array; keyId: string }>();
    for (let id = 1; id <= people + 1; id++) {
      const p = await e2e.generateKeyPair();
      pairs.set(id === people + 1 ? ME * 10_000 : 100 + id, { ...p, keyId: await e2e.keyIdOf(p.publicKey) });
    }
    const author = ME * 10_000;
    const escrow = await e2e.generateKeyPair();
    const escrowId = await e2e.keyIdOf(escrow.publicKey);
    const pub = (id: number): UserKey => ({ user_id: id, key_id: pairs.get(id)!.keyId, public_key: e2e.b64u(pairs.get(id)!.publicKey), created_at: '' });
    const audience = [...pairs.keys()].filter((id) => id !== author).map(pub);
    const keys = { file: e2e.newFileKey(), thumb: e2e.newFileKey() };
    const file: DraftFile = { id: 'u1', ref: { blob_id: blob(1), commitment: 'c', thumb_blob_id: blob(2) }, keys };
    const item = { id: 'u1', channelId: 0, draft: 'big', name: 'a.jpg', size: 1, picture: true, stage: 'uploaded' as const, done: 1, total: 1 };
    const queue: DraftQueue = {
      getState: () => ({ items: [item], refused: [] }),
      subscribe: () => () => true,
      addToDraft: () => [],
      draftFiles: () => [file],
      releaseDraft: () => undefined,
      discardDraft: () => undefined,
      cancel: () => true,
      retry: () => undefined,
    };
    const posted: PostFileKeysRequest[] = [];
    const sharer = createSharer({
      keyring: { publicKeys: async (ids) => new Map(ids.filter((id) => id === author).map((id) => [id, pub(id)])), escrowKey: async () => ({ key_id: escrowId, public_key: e2e.b64u(escrow.publicKey) }) },
      api: { postFileKeys: async (_b, body) => void posted.push(body) },
      crypto: e2e,
    });
    const d = createNoticeDraft({
      queue,
      audienceKeys: async () => audience,
      escrowKey: async () => ({ key_id: escrowId }),
      share: (o) => sharer.shareCounting(o),
      forgetKeys: () => undefined,
      me: { id: author },
      limit: 1 << 30,
      draft: 'big',
    });
    const started = performance.now();
    await d.publish(BODY, async (b) => notice(b));
    const ms = performance.now() - started;
    console.log(`noticeDraft: one picture's keys wrapped for ${people} recipients + author + escrow in ${ms.toFixed(0)} ms (${((ms * 1000) / (people + 2)).toFixed(0)} µs a wrap)`);
    const all = posted.flatMap((p) => p.keys);
    expect(posted.map((p) => p.keys.length)).toEqual([1000, 2]);
    expect(new Set(all.map((k) => k.user_id)).size).toBe(people + 2);
    const binding = (userId: number, keyId: string) => ({ blobId: blob(1), context: 'notice', userId, keyId });
    for (const id of [101, 550, 1100, author]) {
      const k = all.find((x) => x.user_id === id)!;
      const got = await e2e.unwrapFileKeys(pairs.get(id)!.privateKey, k.wrapped, binding(id, k.key_id));
      expect(got.file).toEqual(keys.file);
      expect(got.thumb).toEqual(keys.thumb);
    }
    const esc = all.find((x) => x.user_id === 0)!;
    expect((await e2e.unwrapFileKeys(escrow.privateKey, esc.wrapped, binding(0, escrowId))).file).toEqual(keys.file);
    // A key moved to someone else (or the same person's key for another file) does not open.
    const first = all.find((x) => x.user_id === 101)!;
    await expect(e2e.unwrapFileKeys(pairs.get(102)!.privateKey, first.wrapped, binding(102, pairs.get(102)!.keyId))).rejects.toThrow();
    await expect(e2e.unwrapFileKeys(pairs.get(101)!.privateKey, first.wrapped, { ...binding(101, first.key_id), blobId: blob(3) })).rejects.toThrow();
  }, 60_000);
});
