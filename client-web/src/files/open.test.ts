// open.ts against the real e2e library and a fake of the server's file endpoints: my keys
// looked up in batches of at most 100 and cached, metadata read from the first bytes only,
// thumbnails decrypted and their object URLs shared and revoked, and every failure in the
// words a person reads.

import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { translate } from '../i18n';
import { createOpener, FileOpenError, openErrorText, type OpenerDeps } from './open';
import { bytesOf, FakeFiles, keyringOf, person, seal, wrapFor, type Person } from './viewkit';
import { FakeClock } from '../chat/testkit';
import * as e2e from '../e2e';

const CTX = 'channel:12';

function setup(me: Person, opts: { locked?: boolean; clock?: FakeClock; urls?: OpenerDeps['urls'] } = {}) {
  const srv = new FakeFiles();
  const state = { locked: opts.locked };
  const made: string[] = [];
  const revoked: string[] = [];
  const urls = opts.urls ?? {
    create: () => {
      const u = `blob:test/${made.length + 1}`;
      made.push(u);
      return u;
    },
    revoke: (u: string) => void revoked.push(u),
  };
  const clock = opts.clock;
  const opener = createOpener({
    request: createRequest(srv.fetch),
    fetch: srv.fetch,
    keyring: () => keyringOf(me, state),
    batchMs: 0,
    urls,
    // The fake clock runs the thumbnails' lingering; key batches (0 ms) run on the real one.
    ...(clock
      ? {
          setTimer: (fn: () => void, ms: number) => (ms === 0 ? setTimeout(fn, 0) : clock.setTimeout(fn, ms)),
          clearTimer: (t: unknown) => (typeof t === 'number' ? clock.clearTimeout(t) : clearTimeout(t as ReturnType<typeof setTimeout>)),
        }
      : {}),
  });
  return { srv, opener, state, made, revoked };
}

async function errorOf(p: Promise<unknown>): Promise<FileOpenError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FileOpenError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('open.ts: my keys', () => {
  it('looks keys up in batches of at most 100 per request, and asks once per blob', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const ids = Array.from({ length: 150 }, (_, i) => i.toString(16).padStart(32, '0'));
    const all = ids.map((id) => opener.keys(id, CTX).catch((e: unknown) => e));
    const results = await Promise.all(all);
    expect(srv.keyLookups.map((l) => l.length)).toEqual([100, 50]);
    expect(new Set(srv.keyLookups.flat())).toEqual(new Set(ids));
    // None of them has a key for me: each is the no-key refusal.
    for (const r of results) expect((r as FileOpenError).code).toBe('no_key');
    // Asked again: the answer (no rows) is remembered for the page's life.
    await opener.keys(ids[0]!, CTX).catch(() => undefined);
    expect(srv.keyLookups).toHaveLength(2);
  });

  it('unwraps my key, preferring the row of the context being viewed, and caches it', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: '通知.docx', type: '', bytes: bytesOf(1000) });
    // Two rows: a forward gave me a second one for another channel.
    srv.add(s, await wrapFor(s, me, 'channel:99'), await wrapFor(s, me, CTX));
    const k = await opener.keys(s.att.blob_id, CTX);
    expect(k.file).toEqual(s.key);
    const again = await opener.keys(s.att.blob_id, 'channel:99');
    expect(again).toBe(k);
    expect(srv.keyLookups).toHaveLength(1);
  });

  it('opens with another context’s row when there is none for this one', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: 'a.txt', type: 'text/plain', bytes: bytesOf(10) });
    srv.add(s, await wrapFor(s, me, 'channel:3'));
    expect((await opener.keys(s.att.blob_id, CTX)).file).toEqual(s.key);
  });

  it('refuses a row wrapped for someone else’s key, or bound to another blob, as unusable', async () => {
    const me = await person(7);
    const other = await person(8);
    const { srv, opener } = setup(me);
    const s = await seal({ name: 'a.txt', type: 'text/plain', bytes: bytesOf(10) });
    const t = await seal({ name: 'b.txt', type: 'text/plain', bytes: bytesOf(10) });
    const forOther = await wrapFor(s, other, CTX);
    // The server says it is mine (user 7), but it was wrapped to person 8's key.
    srv.add(s, { ...forOther, user_id: 7, key_id: me.keyId });
    // A wrap of file t moved onto blob s.
    const moved = await wrapFor(t, me, CTX);
    srv.add(t);
    srv.keys.push({ ...moved, blob_id: s.att.blob_id });
    expect((await errorOf(opener.keys(s.att.blob_id, CTX))).code).toBe('key_unusable');
  });

  it('says the keyring is locked, and opens once it is unlocked', async () => {
    const me = await person(7);
    const { srv, opener, state } = setup(me, { locked: true });
    const s = await seal({ name: 'a.txt', type: 'text/plain', bytes: bytesOf(10) });
    srv.add(s, await wrapFor(s, me, CTX));
    expect((await errorOf(opener.meta(s.att, CTX))).code).toBe('locked');
    state.locked = false;
    expect((await opener.meta(s.att, CTX)).name).toBe('a.txt');
  });
});

describe('open.ts: metadata, thumbnails, contents', () => {
  it('reads the metadata from the first META_PREFIX_BYTES only, once', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: '2027年预算草案.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: bytesOf(200_000) });
    srv.add(s, await wrapFor(s, me, CTX));
    const m = await opener.meta(s.att, CTX);
    expect(m).toMatchObject({ name: '2027年预算草案.xlsx', size: 200_000 });
    await opener.meta(s.att, CTX);
    expect(srv.fileGets).toEqual([{ id: s.att.blob_id, range: `bytes=0-${e2e.META_PREFIX_BYTES - 1}`, purpose: 'view' }]);
    expect(opener.cachedMeta(s.att.blob_id)?.name).toBe('2027年预算草案.xlsx');
  });

  it('refuses a commitment other than the message’s, before anything is shown', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: 'a.txt', type: 'text/plain', bytes: bytesOf(10) });
    srv.add(s, await wrapFor(s, me, CTX));
    const other = await seal({ name: 'b.txt', type: 'text/plain', bytes: bytesOf(10) });
    const e = await errorOf(opener.meta({ ...s.att, commitment: other.att.commitment }, CTX));
    expect(e.code).toBe('damaged');
    expect(openErrorText(e, 'zh-CN')).toBe('文件已损坏或被篡改，已拒绝打开');
  });

  it('decrypts a thumbnail to an image URL shared by its views, revoked a while after the last lets go', async () => {
    const me = await person(7);
    const clock = new FakeClock();
    const { srv, opener, made, revoked } = setup(me, { clock });
    const s = await seal({ name: 'IMG_0001.jpg', type: 'image/jpeg', bytes: bytesOf(300_000), thumb: bytesOf(9000, 3), width: 4032, height: 3024 });
    srv.add(s, await wrapFor(s, me, CTX));
    const a = opener.thumb(s.att, CTX);
    const b = opener.thumb(s.att, CTX);
    expect(await a.url).toBe('blob:test/1');
    expect(await b.url).toBe('blob:test/1');
    expect(srv.fileGets.filter((g) => g.id === s.att.thumb_blob_id)).toHaveLength(1);
    a.release();
    b.release();
    b.release(); // twice is once
    clock.advance(29_000);
    const c = opener.thumb(s.att, CTX); // scrolled back in time: the same URL
    expect(await c.url).toBe('blob:test/1');
    c.release();
    clock.advance(31_000);
    expect(revoked).toEqual(['blob:test/1']);
    expect(made).toHaveLength(1);
    const m = await opener.meta(s.att, CTX);
    expect(m).toMatchObject({ width: 4032, height: 3024, thumb: s.att.thumb_blob_id });
  });

  it('refuses a message whose thumbnail is not the one the encrypted metadata names', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: 'p.jpg', type: 'image/jpeg', bytes: bytesOf(1000), thumb: bytesOf(500, 2) });
    srv.add(s, await wrapFor(s, me, CTX));
    const other = await seal({ name: 'q.jpg', type: 'image/jpeg', bytes: bytesOf(1000), thumb: bytesOf(500, 5) });
    srv.add(other);
    expect((await errorOf(opener.meta({ ...s.att, thumb_blob_id: other.att.thumb_blob_id }, CTX))).code).toBe('damaged');
  });

  it('streams the whole file decrypted, and stops with damaged on a flipped bit', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const bytes = bytesOf(200_000);
    const s = await seal({ name: 'a.bin', type: '', bytes });
    srv.add(s, await wrapFor(s, me, CTX));
    const { blob } = await opener.blob(s.att, CTX);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);

    const bad = s.ct.slice();
    bad[e2e.META_PREFIX_BYTES + 70_000] ^= 1; // inside the second content record
    srv.blobs.set(s.att.blob_id, bad);
    const e = await errorOf(opener.blob(s.att, CTX));
    expect(e.code).toBe('damaged');
  });

  it('answers 404 (removed from the channel) as gone', async () => {
    const me = await person(7);
    const { srv, opener } = setup(me);
    const s = await seal({ name: 'a.txt', type: 'text/plain', bytes: bytesOf(10) });
    srv.add(s, await wrapFor(s, me, CTX));
    srv.gone.add(s.att.blob_id);
    const e = await errorOf(opener.meta(s.att, CTX));
    expect(e.code).toBe('gone');
    expect(openErrorText(e, 'zh-CN')).toBe('你已不在该频道，无法查看此文件');
  });

  it('wipe zeroes the unwrapped keys, revokes the URLs and forgets everything', async () => {
    const me = await person(7);
    const { srv, opener, revoked } = setup(me);
    const s = await seal({ name: 'p.jpg', type: 'image/jpeg', bytes: bytesOf(1000), thumb: bytesOf(500, 2) });
    srv.add(s, await wrapFor(s, me, CTX));
    const k = await opener.keys(s.att.blob_id, CTX);
    const h = opener.thumb(s.att, CTX);
    const url = await h.url;
    opener.wipe();
    expect(k.file.every((b) => b === 0)).toBe(true);
    expect(k.thumb!.every((b) => b === 0)).toBe(true);
    expect(revoked).toEqual([url]);
    expect(opener.cachedMeta(s.att.blob_id)).toBeUndefined();
    await opener.keys(s.att.blob_id, CTX);
    expect(srv.keyLookups).toHaveLength(2);
  });
});

describe('open.ts: the words', () => {
  it('says each refusal as people should read it, in both languages', () => {
    const zh = (c: FileOpenError['code']) => openErrorText(new FileOpenError(c), 'zh-CN');
    expect(zh('no_key')).toBe('此文件在你加入前发送或发送者未向你共享密钥');
    expect(zh('damaged')).toBe('文件已损坏或被篡改，已拒绝打开');
    expect(zh('gone')).toBe('你已不在该频道，无法查看此文件');
    expect(zh('locked')).toBe(translate('zh-CN', 'filesview.err_locked'));
    for (const c of ['no_key', 'locked', 'key_unusable', 'damaged', 'gone', 'too_large', 'no_stream', 'failed'] as const) {
      expect(openErrorText(new FileOpenError(c), 'en')).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
