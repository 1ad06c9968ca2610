import { describe, expect, it } from 'vitest';
import type { FileKeys, WrapBinding } from '../e2e';
import { createSharer, MAX_FILE_KEYS_PER_POST } from './share';
import { b64u, fromB64u, fromUtf8, utf8 } from './testbytes';
import type { PostFileKeysRequest, UserKey } from './types';

const BLOB = 'b'.repeat(32);
const uk = (id: number): UserKey => ({ user_id: id, key_id: `k${id}`, public_key: b64u(utf8(`pub-${id}`)), created_at: '' });

function setup(o: { have: number[]; escrow?: boolean; batch?: number }) {
  const posts: PostFileKeysRequest[] = [];
  const asked: number[][] = [];
  const wraps: { pub: string; keys: FileKeys; b: WrapBinding }[] = [];
  const s = createSharer({
    keyring: {
      async publicKeys(ids) {
        asked.push([...ids]);
        return new Map(ids.filter((id) => o.have.includes(id)).map((id) => [id, uk(id)]));
      },
      escrowKey: async () => (o.escrow ? { key_id: 'escrow-key-id', public_key: b64u(utf8('pub-escrow')) } : null),
    },
    api: {
      async postFileKeys(blobId, body) {
        expect(blobId).toBe(BLOB);
        posts.push(body);
      },
    },
    crypto: {
      async wrapFileKeys(pub, keys, b) {
        wraps.push({ pub: fromUtf8(pub), keys, b });
        return `wrapped:${b.userId}`;
      },
      fromB64u,
    },
    batch: o.batch,
  });
  return { s, posts, wraps, asked };
}

const KEYS = { file: new Uint8Array(32).fill(1), thumb: new Uint8Array(32).fill(2) };

describe('sharer', () => {
  it('wraps to each recipient with a key, bound to blob, context, user and key id; counts who has none', async () => {
    const t = setup({ have: [1, 3] });
    const res = await t.s.shareCounting({ blobId: BLOB, keys: KEYS, context: 'channel:7', recipients: [1, 3, 4, 3] });
    expect(res).toEqual({ wrapped: 2, missing: [4] });
    expect(t.wraps.map((w) => w.b)).toEqual([
      { blobId: BLOB, context: 'channel:7', userId: 1, keyId: 'k1' },
      { blobId: BLOB, context: 'channel:7', userId: 3, keyId: 'k3' },
    ]);
    expect(t.wraps[0]!.pub).toBe('pub-1');
    expect(t.wraps[0]!.keys).toBe(KEYS);
    expect(t.posts).toEqual([
      {
        context: 'channel:7',
        keys: [
          { blob_id: BLOB, context: 'channel:7', user_id: 1, key_id: 'k1', wrapped: 'wrapped:1' },
          { blob_id: BLOB, context: 'channel:7', user_id: 3, key_id: 'k3', wrapped: 'wrapped:3' },
        ],
      },
    ]);
  });

  it('adds the escrow wrap (user 0) first when the organisation has an escrow key', async () => {
    const t = setup({ have: [1], escrow: true });
    await t.s.share({ blobId: BLOB, keys: KEYS, context: 'notice', recipients: [1] });
    expect(t.posts[0]!.keys.map((k) => [k.user_id, k.key_id])).toEqual([
      [0, 'escrow-key-id'],
      [1, 'k1'],
    ]);
    expect(t.wraps[0]!.b).toEqual({ blobId: BLOB, context: 'notice', userId: 0, keyId: 'escrow-key-id' });
    expect(t.wraps[0]!.pub).toBe('pub-escrow');
  });

  it('posts at most 1000 keys a call', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
    const t = setup({ have: ids, escrow: true });
    const res = await t.s.shareCounting({ blobId: BLOB, keys: { file: KEYS.file }, context: 'channel:1', recipients: ids });
    expect(t.posts.map((p) => p.keys.length)).toEqual([MAX_FILE_KEYS_PER_POST, MAX_FILE_KEYS_PER_POST, 501]);
    expect(res.wrapped).toBe(2501);
    expect(new Set(t.posts.flatMap((p) => p.keys.map((k) => k.user_id))).size).toBe(2501);
  });

  it('wraps to the public keys it is given and looks up only the others (a notice’s audience, then the author)', async () => {
    const t = setup({ have: [9] });
    const given = new Map([
      [1, { ...uk(1), public_key: b64u(utf8('given-1')) }],
      [2, uk(2)],
    ]);
    const res = await t.s.shareCounting({ blobId: BLOB, keys: KEYS, context: 'notice', recipients: [1, 2, 9], publicKeys: given });
    expect(res).toEqual({ wrapped: 3, missing: [] });
    expect(t.asked).toEqual([[9]]);
    expect(t.wraps.map((w) => w.pub)).toEqual(['given-1', 'pub-2', 'pub-9']);
    // Nobody to look up: no request at all.
    const u = setup({ have: [] });
    await u.s.shareCounting({ blobId: BLOB, keys: KEYS, context: 'notice', recipients: [1, 2], publicKeys: given });
    expect(u.asked).toEqual([]);
  });

  it('tells how many wraps are made as they are made, the escrow’s included', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => i + 1);
    const t = setup({ have: ids, escrow: true, batch: 2 });
    const seen: number[] = [];
    await t.s.shareCounting({ blobId: BLOB, keys: KEYS, context: 'notice', recipients: ids, onWrapped: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.posts.map((p) => p.keys.length)).toEqual([2, 2, 2]);
  });

  it('nobody with a key and no escrow: nothing to post', async () => {
    const t = setup({ have: [] });
    expect(await t.s.shareCounting({ blobId: BLOB, keys: KEYS, context: 'channel:1', recipients: [2, 3] })).toEqual({ wrapped: 0, missing: [2, 3] });
    expect(t.posts).toEqual([]);
  });

  it('a failed post fails the share (the upload row offers 重试)', async () => {
    const t = setup({ have: [1] });
    const s = createSharer({
      keyring: { publicKeys: async () => new Map([[1, uk(1)]]), escrowKey: async () => null },
      api: { postFileKeys: async () => Promise.reject(new Error('down')) },
      crypto: { wrapFileKeys: async () => 'w', fromB64u: () => new Uint8Array(32) },
    });
    await expect(s.share({ blobId: BLOB, keys: KEYS, context: 'channel:1', recipients: [1] })).rejects.toThrow('down');
    expect(t.posts).toEqual([]);
  });
});
