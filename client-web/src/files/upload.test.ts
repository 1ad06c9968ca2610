import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import type { EncryptedFile, FileMeta } from '../e2e';
import { sha256Hex } from './testbytes';
import type { Thumbnail } from './thumb';
import type { Attachment, Upload } from './types';
import { clampName, createUploadQueue, hex, percent, type OutboxEntry, type UploadDeps } from './upload';

const PART = 1000; // bytes a part, in these tests (4 MiB in the app)
const OVERHEAD = 300; // what the fake "encryption" adds

/** The server's side of uploads: parts kept, digests checked at complete, failures on demand. */
function fakeServer(PART_SIZE = PART) {
  const s = {
    uploads: new Map<string, { size: number; parts: Map<number, Uint8Array>; complete: boolean }>(),
    puts: [] as { id: string; n: number }[],
    calls: [] as string[],
    deleted: [] as string[],
    inFlight: 0,
    maxInFlight: 0,
    /** Answers a PUT with an error instead (the test decides). */
    failPut: undefined as undefined | ((id: string, n: number) => ApiError | undefined),
    failCreate: undefined as ApiError | undefined,
    /** Holds every PUT until released. */
    gate: undefined as Promise<void> | undefined,
    /** Makes a PUT take this long (ms), by part number. */
    delay: undefined as undefined | ((n: number) => number),
    /** Forgets an upload (the sweeper after a day). */
    sweep(id: string) {
      s.uploads.delete(id);
    },
  };
  let next = 0;
  const view = (id: string): Upload => {
    const u = s.uploads.get(id)!;
    const parts = Math.ceil(u.size / PART_SIZE);
    return { id, size: u.size, part_size: PART_SIZE, parts, received: [...u.parts.keys()].sort((a, b) => a - b), complete: u.complete, expires_at: '' };
  };
  const api: UploadDeps['api'] = {
    async createUpload(size) {
      s.calls.push('create');
      if (s.failCreate) throw s.failCreate;
      const id = (++next).toString(16).padStart(32, '0');
      s.uploads.set(id, { size, parts: new Map(), complete: false });
      return view(id);
    },
    async upload(id) {
      s.calls.push(`status ${id.slice(-2)}`);
      if (!s.uploads.has(id)) throw new ApiError(404, 'not_found', '');
      return view(id);
    },
    async putPart(id, n, bytes, signal) {
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      try {
        if (s.gate) await s.gate;
        if (s.delay) await new Promise((r) => setTimeout(r, s.delay!(n)));
        if (signal?.aborted) throw signal.reason;
        s.puts.push({ id, n });
        const e = s.failPut?.(id, n);
        if (e) throw e;
        const u = s.uploads.get(id);
        if (!u) throw new ApiError(404, 'not_found', '');
        const want = Math.min(u.size, (n + 1) * PART_SIZE) - n * PART_SIZE;
        if (bytes.length !== want) throw new ApiError(400, 'bad_request', 'size');
        u.parts.set(n, bytes.slice());
      } finally {
        s.inFlight--;
      }
    },
    async complete(id, digest) {
      s.calls.push(`complete ${id.slice(-2)}`);
      const u = s.uploads.get(id)!;
      const parts = Math.ceil(u.size / PART_SIZE);
      for (let n = 0; n < parts; n++) if (!u.parts.has(n)) throw new ApiError(409, 'upload_incomplete', '');
      const all = new Uint8Array(u.size);
      for (let n = 0; n < parts; n++) all.set(u.parts.get(n)!, n * PART_SIZE);
      // WebCrypto's digest, not the client's incremental one: the two must agree.
      if (hex(new Uint8Array(await crypto.subtle.digest('SHA-256', all))) !== digest) throw new ApiError(400, 'digest_mismatch', '');
      u.complete = true;
      return view(id);
    },
    async cancel(id) {
      s.deleted.push(id);
      s.uploads.delete(id);
    },
  };
  return { s, api };
}

/** Stands in for e2e.encryptFile: a deterministic "ciphertext" of the plaintext's size
 * plus overhead, any byte range of which can be made again. Counts the parts alive. */
function fakeCrypto() {
  const c = {
    metas: [] as FileMeta[],
    made: 0,
    ranges: 0,
    newFileKey: () => new Uint8Array(32).fill(++c.made),
    ciphertextSize: (n: number) => n + OVERHEAD,
    async encryptFile(key: Uint8Array, meta: FileMeta, _data: Blob): Promise<EncryptedFile> {
      c.metas.push(meta);
      const size = meta.size + OVERHEAD;
      const seed = key[0]!;
      return {
        header: new Uint8Array(53),
        commitment: `commit-${seed}`,
        size,
        async range(start, end) {
          c.ranges++;
          const out = new Uint8Array(end - start);
          for (let i = 0; i < out.length; i++) out[i] = ((start + i) * 31 + seed) & 255;
          return out;
        },
      };
    },
  };
  return c;
}

function whole(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 255;
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(cond: () => boolean, what = 'condition') {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

function setup(o: { hasKey?: () => boolean; thumb?: Thumbnail | null; missing?: number[] } = {}) {
  const { s, api } = fakeServer();
  const c = fakeCrypto();
  const sent: { channelId: number; attachment: Attachment; clientId: string }[] = [];
  const shares: { blobId: string; keys: { file: Uint8Array; thumb?: Uint8Array }; context: string; recipients: number[] }[] = [];
  const discarded: string[] = [];
  const delays: number[] = [];
  let ids = 0;
  let shareFail: ApiError | undefined;
  const q = createUploadQueue({
    api,
    crypto: c,
    hasher: () => sha256.create(),
    thumbnail: async () => o.thumb ?? null,
    recipients: async () => [1, 2, 3],
    share: async (x) => {
      if (shareFail) throw shareFail;
      shares.push(x);
      return { missing: o.missing ?? [] };
    },
    send: (channelId, attachment, clientId) => {
      sent.push({ channelId, attachment, clientId });
      return undefined;
    },
    discard: (id) => discarded.push(id),
    hasKey: o.hasKey ?? (() => true),
    me: { id: 1 },
    newClientId: () => `web-${++ids}`,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return setTimeout(fn, 0);
    },
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
    random: () => 0.5,
    partSize: PART,
  });
  return {
    q,
    s,
    c,
    sent,
    shares,
    discarded,
    delays,
    failShare: (e?: ApiError) => (shareFail = e),
    item: (i = 0) => q.getState().items[i]!,
  };
}

const file = (name: string, size: number, type = 'application/pdf') => new File([new Uint8Array(size)], name, { type });

describe('upload queue', () => {
  it('encrypts, uploads the parts three at a time, completes with the SHA-256, shares and sends', async () => {
    const t = setup();
    const seen: number[] = [];
    t.q.subscribe((st) => st.items[0] && seen.push(st.items[0].done));
    t.q.add(7, [file('预算表.xlsx', 5500, 'application/vnd.ms-excel')]);
    expect(t.item()).toMatchObject({ channelId: 7, name: '预算表.xlsx', size: 5500, picture: false, total: 5800 });
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.c.metas).toEqual([{ name: '预算表.xlsx', type: 'application/vnd.ms-excel', size: 5500 }]);
    const [id] = [...t.s.uploads.keys()];
    const u = t.s.uploads.get(id!)!;
    expect(u.complete).toBe(true);
    expect(t.s.puts.map((p) => p.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.s.maxInFlight).toBeLessThanOrEqual(3);
    // The whole ciphertext's hash was right (the server compared it).
    expect(t.s.calls.filter((x) => x.startsWith('complete'))).toHaveLength(1);
    expect(t.shares).toEqual([{ blobId: id, keys: { file: new Uint8Array(32).fill(1) }, context: 'channel:7', recipients: [1, 2, 3] }]);
    expect(t.sent).toEqual([{ channelId: 7, clientId: 'web-1', attachment: { blob_id: id, size: 5800, commitment: 'commit-1' } }]);
    expect(t.item()).toMatchObject({ stage: 'sending', done: 5800 });
    // Progress went up part by part, to the end.
    expect(seen.at(-1)).toBe(5800);
    expect(new Set(seen).size).toBeGreaterThan(3);
    // The outbox carries it; its ack (gone from the outbox) ends the row.
    const out: OutboxEntry[] = [{ clientId: 'web-1', status: 'sending' }];
    t.q.outboxChanged(out);
    expect(t.q.getState().items).toHaveLength(1);
    t.q.outboxChanged([]);
    expect(t.q.getState().items).toEqual([]);
  });

  it('a picture: its thumbnail goes first as its own blob, named in the file’s metadata', async () => {
    const thumb = { blob: new Blob([new Uint8Array(700)], { type: 'image/jpeg' }), width: 4032, height: 3024 };
    const t = setup({ thumb });
    t.q.add(7, [file('IMG_0001.jpg', 2500, 'image/jpeg')]);
    expect(t.item().picture).toBe(true);
    await until(() => t.item().stage === 'sending', 'sending');
    const [thumbId, mainId] = [...t.s.uploads.keys()];
    expect(t.c.metas[0]).toEqual({ name: 'thumbnail.jpg', type: 'image/jpeg', size: 700 });
    expect(t.c.metas[1]).toEqual({ name: 'IMG_0001.jpg', type: 'image/jpeg', size: 2500, thumb: thumbId, width: 4032, height: 3024 });
    expect(t.s.uploads.get(thumbId!)!.complete).toBe(true);
    expect(t.shares[0]!.blobId).toBe(mainId);
    expect(t.shares[0]!.keys.thumb).toEqual(new Uint8Array(32).fill(1));
    expect(t.shares[0]!.keys.file).toEqual(new Uint8Array(32).fill(2));
    expect(t.sent[0]!.attachment).toEqual({ blob_id: mainId, size: 2800, commitment: 'commit-2', thumb_blob_id: thumbId, thumb_size: 1000 });
    expect(t.item().total).toBe(1000 + 2800);
    expect(t.item().done).toBe(3800);
  });

  it('a picture the browser cannot decode goes as a plain file', async () => {
    const t = setup({ thumb: null });
    t.q.add(7, [file('a.png', 100, 'image/png')]);
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.s.uploads.size).toBe(1);
    expect(t.sent[0]!.attachment.thumb_blob_id).toBeUndefined();
  });

  it('a part that fails on the way is sent again after a backoff; each part reaches the server once more at most', async () => {
    const t = setup();
    const failed = new Set<number>();
    t.s.failPut = (_id, n) => {
      if (n === 2 && !failed.has(n)) {
        failed.add(n);
        return new ApiError(0, 'network', 'dropped');
      }
      return undefined;
    };
    t.q.add(7, [file('a.pdf', 5500)]);
    await until(() => t.item().stage === 'sending', 'sending');
    const counts = new Map<number, number>();
    for (const p of t.s.puts) counts.set(p.n, (counts.get(p.n) ?? 0) + 1);
    expect(counts.get(2)).toBe(2);
    for (const [n, k] of counts) if (n !== 2) expect(k).toBe(1);
    expect(t.delays).toEqual([1000]); // 1 s (± a quarter, here exactly) before the second try
  });

  it('a part refused as damaged on the way (digest_mismatch) is sent again too', async () => {
    const t = setup();
    let once = true;
    t.s.failPut = (_id, n) => (n === 0 && once ? ((once = false), new ApiError(400, 'digest_mismatch', '')) : undefined);
    t.q.add(7, [file('a.pdf', 1500)]);
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.s.puts.filter((p) => p.n === 0)).toHaveLength(2);
  });

  it('after the connection stays down: failed with 重试; resume asks what the server holds and sends only the rest', async () => {
    const t = setup();
    let down = false;
    t.s.failPut = (_id, n) => (n >= 3 && down ? new ApiError(0, 'network', 'offline') : undefined);
    down = true;
    t.q.add(7, [file('大文件.zip', 7500, 'application/zip')]);
    await until(() => t.item().stage === 'failed', 'failed');
    expect(t.item().error?.code).toBe('network');
    // Each part in flight backs off 1, 2, 4, 8 s before the item gives up.
    expect([...new Set(t.delays)].sort((a, b) => a - b)).toEqual([1000, 2000, 4000, 8000]);
    const [id] = [...t.s.uploads.keys()];
    const held = [...t.s.uploads.get(id!)!.parts.keys()].sort();
    expect(held).toEqual([0, 1, 2]);
    const before = t.s.puts.length;
    const ranges = t.c.ranges;
    down = false;
    t.q.resume();
    await until(() => t.item().stage === 'sending', 'sending');
    const again = t.s.puts.slice(before).map((p) => p.n).sort();
    expect(again).toEqual([3, 4, 5, 6, 7]);
    expect(t.s.calls).toContain(`status ${id!.slice(-2)}`);
    expect(t.s.calls.filter((x) => x === 'create')).toHaveLength(1);
    // Only the missing parts (and those not hashed yet) were made again.
    expect(t.c.ranges - ranges).toBeLessThanOrEqual(5);
    expect(t.s.uploads.get(id!)!.complete).toBe(true);
  });

  it('retry by hand after a refusal that is not passing', async () => {
    const t = setup();
    t.s.failCreate = new ApiError(413, 'quota_exceeded', '');
    t.q.add(7, [file('a.pdf', 500)]);
    await until(() => t.item().stage === 'failed', 'failed');
    expect(t.item().error?.code).toBe('quota_exceeded');
    expect(t.delays).toEqual([]); // no automatic retries
    t.q.resume();
    await tick();
    expect(t.item().stage).toBe('failed'); // resume leaves it: only 重试 does
    t.s.failCreate = undefined;
    t.q.retry(t.item().id);
    await until(() => t.item().stage === 'sending', 'sending');
  });

  it('an upload swept meanwhile (a day old) starts again as a new upload', async () => {
    const t = setup();
    let down = true;
    t.s.failPut = (_id, n) => (n === 1 && down ? new ApiError(0, 'network', '') : undefined);
    t.q.add(7, [file('a.pdf', 2500)]);
    await until(() => t.item().stage === 'failed', 'failed');
    const [first] = [...t.s.uploads.keys()];
    t.s.sweep(first!);
    down = false;
    t.q.retry(t.item().id);
    await until(() => t.item().stage === 'sending', 'sending');
    const ids = [...t.s.uploads.keys()];
    expect(ids).toHaveLength(1);
    expect(ids[0]).not.toBe(first);
    expect(t.s.uploads.get(ids[0]!)!.complete).toBe(true);
  });

  it('取消 aborts the parts in flight and deletes the upload', async () => {
    const t = setup();
    let release!: () => void;
    t.s.gate = new Promise((r) => (release = r));
    t.q.add(7, [file('a.pdf', 5500)]);
    await until(() => t.s.inFlight === 3, 'parts in flight');
    const [id] = [...t.s.uploads.keys()];
    expect(t.q.cancel(t.item().id)).toBe(true);
    expect(t.q.getState().items).toEqual([]);
    release();
    await until(() => t.s.inFlight === 0, 'aborted');
    await tick();
    expect(t.s.deleted).toEqual([id]);
    expect(t.s.puts).toEqual([]); // each was aborted before the server took it
    expect(t.s.calls.filter((x) => x.startsWith('complete'))).toEqual([]);
    expect(t.sent).toEqual([]);
  });

  it('holds at most three parts (plus the one being hashed and the next being made) at a time', async () => {
    const t = setup();
    let release!: () => void;
    t.s.gate = new Promise((r) => (release = r));
    t.q.add(7, [file('a.pdf', 20_000)]);
    await until(() => t.s.inFlight === 3, 'parts in flight');
    for (let i = 0; i < 20; i++) await tick();
    expect(t.c.ranges).toBeLessThanOrEqual(5);
    release();
    t.s.gate = undefined;
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.c.ranges).toBe(21); // every part made once, hashed once
  });

  it('two items upload at once, the rest wait their turn', async () => {
    const t = setup();
    let release!: () => void;
    t.s.gate = new Promise((r) => (release = r));
    t.q.add(7, [file('1.pdf', 500), file('2.pdf', 500), file('3.pdf', 500)]);
    await until(() => t.s.inFlight === 2, 'two uploads');
    expect(t.q.getState().items.map((x) => x.stage)).toEqual(['uploading', 'uploading', 'waiting']);
    release();
    t.s.gate = undefined;
    await until(() => t.q.getState().items.every((x) => x.stage === 'sending'), 'all sending');
    expect(t.sent.map((x) => x.clientId)).toHaveLength(3);
  });

  it('a send refused for a missing key: the row takes it back; 重试 shares again and sends with the same client id', async () => {
    const t = setup();
    t.q.add(7, [file('a.pdf', 500)]);
    await until(() => t.item().stage === 'sending', 'sending');
    t.q.outboxChanged([{ clientId: 'web-1', status: 'queued' }]);
    t.q.outboxChanged([{ clientId: 'web-1', status: 'failed', error: { code: 'key_missing', at: 0 } }]);
    expect(t.discarded).toEqual(['web-1']);
    expect(t.item()).toMatchObject({ stage: 'failed', error: { code: 'key_missing' } });
    t.q.retry(t.item().id);
    await until(() => t.sent.length === 2, 'sent again');
    expect(t.shares).toHaveLength(2);
    expect(t.sent[1]!.clientId).toBe('web-1');
    expect(t.s.calls.filter((x) => x === 'create')).toHaveLength(1); // no upload again
  });

  it('a share that fails is retried (network) and then offered as 重试, without uploading again', async () => {
    const t = setup();
    t.failShare(new ApiError(403, 'not_member', ''));
    t.q.add(7, [file('a.pdf', 500)]);
    await until(() => t.item().stage === 'failed', 'failed');
    expect(t.item().error?.code).toBe('not_member');
    t.failShare(undefined);
    t.q.retry(t.item().id);
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.s.calls.filter((x) => x === 'create')).toHaveLength(1);
  });

  it('members without a key: the sent row stays with its note until 知道了', async () => {
    const t = setup({ missing: [1, 3, 4] });
    t.q.add(7, [file('a.pdf', 500)]);
    await until(() => t.item().stage === 'sending', 'sending');
    expect(t.item().missing).toBe(2); // not counting oneself
    t.q.outboxChanged([{ clientId: 'web-1', status: 'sending' }]);
    t.q.outboxChanged([]);
    expect(t.item()).toMatchObject({ stage: 'done', missing: 2 });
    t.q.dismiss(t.item().id);
    expect(t.q.getState().items).toEqual([]);
  });

  it('waits for the person’s key pair, then goes on', async () => {
    let has = false;
    const t = setup({ hasKey: () => has });
    t.q.add(7, [file('a.pdf', 500)]);
    await tick();
    expect(t.item()).toMatchObject({ stage: 'waiting', needsKey: true });
    expect(t.s.calls).toEqual([]);
    has = true;
    t.q.resume();
    await until(() => t.item().stage === 'sending', 'sending');
  });

  it('refusals are kept per channel until dismissed', () => {
    const t = setup();
    t.q.refuse(7, [{ name: 'big.iso', reason: 'too_large' }]);
    t.q.refuse(8, [{ name: 'dir', reason: 'folder' }]);
    expect(t.q.getState().refused).toEqual([
      { channelId: 7, name: 'big.iso', reason: 'too_large' },
      { channelId: 8, name: 'dir', reason: 'folder' },
    ]);
    t.q.clearRefused(7);
    expect(t.q.getState().refused.map((r) => r.channelId)).toEqual([8]);
  });

  it('dispose stops everything and deletes what was never sent', async () => {
    const t = setup();
    let release!: () => void;
    t.s.gate = new Promise((r) => (release = r));
    t.q.add(7, [file('a.pdf', 5500)]);
    await until(() => t.s.inFlight === 3, 'in flight');
    t.q.dispose();
    release();
    await until(() => t.s.inFlight === 0, 'stopped');
    expect(t.s.deleted).toHaveLength(1);
  });

  it('the hash is of the ciphertext in order, even when parts finish out of order', async () => {
    const t = setup();
    const order: number[] = [];
    t.s.delay = (n) => (n === 0 ? 30 : 0);
    const put = t.s.puts;
    t.q.add(7, [file('a.pdf', 3200)]);
    await until(() => t.item().stage === 'sending', 'sending');
    order.push(...put.map((p) => p.n));
    expect(order[0]).not.toBe(0); // part 0 arrived after others
    const [id] = [...t.s.uploads.keys()];
    // The server compared the digest sent with the in-order hash of what it holds.
    expect(t.s.uploads.get(id!)!.complete).toBe(true);
    const sent = t.s.uploads.get(id!)!.parts;
    expect(sha256Hex(new Uint8Array([...sent.keys()].sort().flatMap((n) => [...sent.get(n)!])))).toBe(sha256Hex(whole(1, 3500)));
  });
});

describe('large parts', () => {
  it('a part hashed in slices, with the page given turns between, still hashes right', async () => {
    const { s, api } = fakeServer(2.5 * 2 ** 20);
    const c = fakeCrypto();
    const q = createUploadQueue({
      api,
      crypto: c,
      hasher: () => sha256.create(),
      thumbnail: async () => null,
      recipients: async () => [1],
      share: async () => ({ missing: [] }),
      send: () => undefined,
      discard: () => undefined,
      hasKey: () => true,
      me: { id: 1 },
      newClientId: () => 'web-1',
      partSize: PART,
    });
    q.add(7, [file('big.bin', 5 * 2 ** 20)]);
    await until(() => q.getState().items[0]!.stage === 'sending', 'sending');
    expect([...s.uploads.values()][0]!.complete).toBe(true);
    // Three parts of the server's 2.5 MiB, not the queue's own size.
    expect(s.puts.map((p) => p.n).sort()).toEqual([0, 1, 2]);
  });
});

describe('percent', () => {
  it('floors, so 100 % means the server holds every byte', () => {
    expect(percent({ done: 0, total: 0, stage: 'waiting' })).toBe(0);
    expect(percent({ done: 999, total: 1000, stage: 'uploading' })).toBe(99);
    expect(percent({ done: 1000, total: 1000, stage: 'uploading' })).toBe(100);
    expect(percent({ done: 10, total: 1000, stage: 'sending' })).toBe(100);
  });
});

describe('clampName', () => {
  it('keeps short names, strips control characters, keeps the extension of long ones', () => {
    expect(clampName('报告.docx')).toBe('报告.docx');
    expect(clampName('a\u0000b\u001f.txt')).toBe('ab.txt');
    expect(clampName('')).toBe('file');
    const long = '字'.repeat(300) + '.pdf';
    const c = clampName(long);
    expect([...c]).toHaveLength(255);
    expect(c.endsWith('.pdf')).toBe(true);
    expect([...clampName('x'.repeat(300))]).toHaveLength(255);
  });
});

describe('upload queue: a notice draft’s files', () => {
  it('encrypts and uploads, then waits as uploaded: no share, no message; draftFiles names them with their keys', async () => {
    const thumb = { blob: new Blob([new Uint8Array(700)], { type: 'image/jpeg' }), width: 800, height: 600 };
    const t = setup({ thumb });
    t.q.addToDraft('d1', [file('方案.pdf', 2500), file('现场.jpg', 1500, 'image/jpeg')]);
    t.q.add(7, [file('other.pdf', 100)]);
    expect(t.q.getState().items.map((x) => [x.channelId, x.draft])).toEqual([
      [0, 'd1'],
      [0, 'd1'],
      [7, undefined],
    ]);
    await until(() => t.q.getState().items.filter((x) => x.draft === 'd1').every((x) => x.stage === 'uploaded'), 'uploaded');
    expect(t.q.getState().items.filter((x) => x.draft).map((x) => percent(x))).toEqual([100, 100]);
    await until(() => t.item(2).stage === 'sending', 'the channel’s file sent');
    // Only the channel's file was shared and sent.
    expect(t.shares.map((x) => x.context)).toEqual(['channel:7']);
    expect(t.sent.map((x) => x.channelId)).toEqual([7]);
    const files = t.q.draftFiles('d1');
    expect(files).toHaveLength(2);
    const pdfBlob = files[0]!.ref.blob_id;
    expect(files[0]).toEqual({ id: t.item(0).id, ref: { blob_id: pdfBlob, commitment: expect.stringMatching(/^commit-/) }, keys: { file: expect.any(Uint8Array) } });
    expect(files[1]!.ref.thumb_blob_id).toMatch(/^[0-9a-f]{32}$/);
    expect(files[1]!.keys.thumb).toBeInstanceOf(Uint8Array);
    expect(t.s.uploads.get(files[1]!.ref.thumb_blob_id!)!.complete).toBe(true);
    expect(t.q.draftFiles('other')).toEqual([]);
  });

  it('取消 of an uploaded file deletes it; a closed form deletes them all; a published one keeps them', async () => {
    const t = setup();
    t.q.addToDraft('a', [file('1.pdf', 100), file('2.pdf', 100)]);
    t.q.addToDraft('b', [file('3.pdf', 100)]);
    await until(() => t.q.getState().items.every((x) => x.stage === 'uploaded'), 'uploaded');
    const [one, two] = t.q.draftFiles('a');
    expect(t.q.cancel(one!.id)).toBe(true);
    expect(t.s.deleted).toEqual([one!.ref.blob_id]);
    t.q.discardDraft('a');
    expect(t.s.deleted).toEqual([one!.ref.blob_id, two!.ref.blob_id]);
    const [three] = t.q.draftFiles('b');
    t.q.releaseDraft('b');
    expect(t.q.getState().items).toEqual([]);
    expect(t.s.uploads.get(three!.ref.blob_id)!.complete).toBe(true);
    expect(t.s.deleted).not.toContain(three!.ref.blob_id);
  });

  it('a failed draft upload offers 重试 and resumes', async () => {
    const t = setup();
    let fail = true;
    t.s.failPut = () => (fail ? new ApiError(403, 'quota_exceeded', '') : undefined);
    t.q.addToDraft('d', [file('a.pdf', 2500)]);
    await until(() => t.item().stage === 'failed', 'failed');
    expect(t.item().error?.code).toBe('quota_exceeded');
    fail = false;
    t.q.retry(t.item().id);
    await until(() => t.item().stage === 'uploaded', 'uploaded after 重试');
    expect(t.q.draftFiles('d')).toHaveLength(1);
  });
});
