import { describe, expect, it } from 'vitest';
import { b64u, concat } from './bytes';
import { DamagedFileError } from './errors';
import {
  CONTENT_START,
  SEALED,
  ciphertextSize,
  decodeMeta,
  encryptFile,
  encryptFileWithNonce,
  paddedSize,
  readMeta,
  type FileMeta,
} from './format';
import { bytesOf, craft, decryptAll, metaRecord, sameBytes } from './testing';

const key = bytesOf(32, 7);
const nonce = bytesOf(16, 8);

async function sealAll(data: Uint8Array, meta?: Partial<FileMeta>, k = key) {
  const m: FileMeta = { name: '预算表.xlsx', type: 'application/vnd.ms-excel', size: data.length, ...meta };
  const f = await encryptFile(k, m, new Blob([data as Uint8Array<ArrayBuffer>]));
  return { f, ct: await f.range(0, f.size), meta: m };
}

const damaged = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(DamagedFileError);

describe('paddedSize and ciphertextSize', () => {
  it('follows the buckets b0 = 541, b(k+1) = b(k) + max(1, floor(b(k)/20))', () => {
    expect([0, 1, 541, 542, 568, 569].map(paddedSize)).toEqual([541, 541, 541, 568, 568, 596]);
    // Every bucket up to 2 GiB, walked independently; the overhead stays under 5 %.
    let b = 541;
    while (b < 2 ** 31) {
      expect(paddedSize(b)).toBe(b);
      const next = b + Math.max(1, Math.floor(b / 20));
      expect(paddedSize(b + 1)).toBe(next);
      expect((next - (b + 1)) / (b + 1)).toBeLessThan(0.05);
      b = next;
    }
  });
  it('adds the header, record 0 and a tag per 64 KiB record', () => {
    expect(ciphertextSize(0)).toBe(53 + 4096 + 16 + 541 + 16);
    const p = paddedSize(2 ** 31);
    expect(ciphertextSize(2 ** 31)).toBe(53 + 4112 + p + 16 * Math.ceil(p / 65536));
  });
  it('refuses what is not a length', () => {
    for (const n of [-1, 0.5, NaN, Infinity, 2 ** 50 + 1, 2 ** 53]) expect(() => paddedSize(n)).toThrow(RangeError);
  });
});

describe('encryptFile and decryptStream', () => {
  it('round-trips files around every record and bucket edge, in chunks of any size', async () => {
    for (const n of [0, 1, 540, 541, 542, 65535, 65536, 65537, 3 * 65536, 200_000]) {
      const data = bytesOf(n, n + 1);
      const { f, ct, meta } = await sealAll(data);
      expect(ct.length).toBe(ciphertextSize(n));
      expect(f.size).toBe(ciphertextSize(n));
      sameBytes(ct.subarray(0, 53), f.header);
      for (const chunk of [1 + (n % 7) * 1000, 4096, 65552, 1 << 20]) {
        const out = await decryptAll(key, f.commitment, ct, chunk);
        sameBytes(out.bytes, data);
        expect(out.meta).toEqual(meta);
      }
    }
  });

  it('carries the optional thumbnail id and picture size', async () => {
    const meta = { type: 'image/jpeg', thumb: 'a'.repeat(32), width: 4032, height: 3024 };
    const { f, ct } = await sealAll(bytesOf(5000), meta);
    const m = await readMeta(key, f.commitment, ct.subarray(0, CONTENT_START));
    expect(m).toEqual({ name: '预算表.xlsx', size: 5000, ...meta });
  });

  it('re-makes any byte range exactly as the whole (what a resumed upload relies on)', async () => {
    const data = bytesOf(300_000, 3);
    const { f, ct } = await sealAll(data);
    const cuts = [0, 1, 52, 53, 54, 4164, 4165, 4166, CONTENT_START + SEALED - 1, CONTENT_START + SEALED, 100_000, f.size - 17, f.size - 1, f.size];
    for (const a of cuts) for (const b of cuts) if (a <= b) sameBytes(await f.range(a, b), ct.subarray(a, b), `range ${a}-${b}`);
    // 4 MiB parts of a larger file, in order and out of order.
    const big = bytesOf(9 << 20, 4);
    const g = await encryptFile(key, { name: 'x', type: 'y', size: big.length }, new Blob([big as Uint8Array<ArrayBuffer>]));
    const whole = await g.range(0, g.size);
    const parts = [];
    for (let a = 0; a < g.size; a += 4 << 20) parts.push([a, Math.min(g.size, a + (4 << 20))]);
    for (const [a, b] of [...parts].reverse()) sameBytes(await g.range(a, b), whole.subarray(a, b));
    const joined = concat(...(await Promise.all(parts.map(([a, b]) => g.range(a, b)))));
    sameBytes(joined, whole);
    sameBytes((await decryptAll(key, g.commitment, whole, 1 << 20)).bytes, big);
  });

  it('is deterministic given K, N and the plaintext, and matches an independent writer', async () => {
    const data = bytesOf(70_000, 5);
    const meta: FileMeta = { name: 'a.txt', type: 'text/plain', size: data.length };
    const a = await encryptFileWithNonce(key, nonce, meta, new Blob([data as Uint8Array<ArrayBuffer>]));
    const p = paddedSize(data.length);
    const padded = new Uint8Array(p);
    padded.set(data);
    const crafted = await craft({
      key,
      nonce,
      meta: metaRecord('{"v":1,"name":"a.txt","type":"text/plain","size":70000}'),
      records: [padded.subarray(0, 65536), padded.subarray(65536)],
    });
    sameBytes(await a.range(0, a.size), crafted.ct);
    expect(a.commitment).toBe(b64u(crafted.commitment));
  });

  it('refuses a meta.size that is not the data, a bad key, and a range outside', async () => {
    await expect(encryptFile(key, { name: 'a', type: 'b', size: 3 }, new Blob(['ab']))).rejects.toThrow(RangeError);
    await expect(encryptFile(new Uint8Array(16), { name: 'a', type: 'b', size: 2 }, new Blob(['ab']))).rejects.toThrow(RangeError);
    await expect(encryptFile(key, { name: 'n'.repeat(256), type: 'b', size: 2 }, new Blob(['ab']))).rejects.toThrow(RangeError);
    const f = await encryptFile(key, { name: '𠀀'.repeat(255), type: 't'.repeat(127), size: 2 }, new Blob(['ab']));
    await expect(f.range(0, f.size + 1)).rejects.toThrow(RangeError);
    await expect(f.range(5, 4)).rejects.toThrow(RangeError);
  });
});

describe('damage', () => {
  const data = bytesOf(3 * 65536 + 1000, 9);
  const sealed = sealAll(data);

  it('refuses every bit flipped anywhere', async () => {
    const { f, ct } = await sealed;
    const spots = [0, 3, 4, 5, 20, 21, 52, 53, 2000, 4164, 4165, 4165 + SEALED - 1, 4165 + SEALED, ct.length - 1];
    for (const at of spots) {
      const bad = ct.slice();
      bad[at] ^= 0x01;
      await damaged(decryptAll(key, f.commitment, bad));
    }
  });

  it('refuses truncation at every boundary and in between', async () => {
    const { f, ct } = await sealed;
    const ends = [0, 10, 53, 100, CONTENT_START, CONTENT_START + 16, CONTENT_START + SEALED, CONTENT_START + 2 * SEALED, CONTENT_START + 3 * SEALED, ct.length - 1];
    for (const end of ends) await damaged(decryptAll(key, f.commitment, ct.subarray(0, end)));
  });

  it('refuses bytes after the final record, a dropped, a repeated and reordered records', async () => {
    const { f, ct } = await sealed;
    const rec = (r: number) => ct.subarray(CONTENT_START + (r - 1) * SEALED, Math.min(ct.length, CONTENT_START + r * SEALED));
    const head = ct.subarray(0, CONTENT_START);
    const cases = [
      concat(ct, new Uint8Array(1)),
      concat(ct, rec(4)),
      concat(head, rec(1), rec(2), rec(4)), // record 3 dropped
      concat(head, rec(2), rec(1), rec(3), rec(4)),
      concat(head, rec(1), rec(1), rec(2), rec(3), rec(4)),
      concat(ct.subarray(0, 53), rec(1), rec(2), rec(3), rec(4)), // record 0 dropped
    ];
    for (const c of cases) await damaged(decryptAll(key, f.commitment, c));
  });

  it('checks the commitment against the message and the key before decrypting', async () => {
    const { f, ct } = await sealed;
    const other = b64u(bytesOf(32, 99));
    await damaged(decryptAll(key, other, ct));
    await damaged(decryptAll(key, 'not base64!', ct));
    await damaged(decryptAll(bytesOf(32, 100), f.commitment, ct));
    await damaged(readMeta(bytesOf(32, 100), f.commitment, ct));
    await damaged(readMeta(key, f.commitment, ct.subarray(0, CONTENT_START - 1)));
    // A sender who holds two keys cannot make one header open under both: the HMAC differs.
    const { f: g } = await sealAll(data, {}, bytesOf(32, 101));
    expect(g.commitment).not.toBe(f.commitment);
  });

  it('refuses what a dishonest sender could make', async () => {
    const meta = (size: number) => metaRecord(`{"v":1,"name":"a","type":"b","size":${size}}`);
    const zeros = new Uint8Array(541);
    const fine = await craft({ key, nonce, meta: meta(3), records: [concat(new Uint8Array([1, 2, 3]), zeros.subarray(3))] });
    sameBytes((await decryptAll(key, b64u(fine.commitment), fine.ct)).bytes, new Uint8Array([1, 2, 3]));

    const nonZeroPad = concat(new Uint8Array([1, 2, 3]), zeros.subarray(4), new Uint8Array([1]));
    const bad: Parameters<typeof craft>[0][] = [
      { key, nonce, meta: meta(3), records: [nonZeroPad] },
      { key, nonce, meta: meta(542), records: [zeros] }, // size > P
      { key, nonce, meta: meta(0), records: [] }, // no content record: EOF before final
      { key, nonce, meta: meta(0), records: [], finals: [true] }, // final record at index 0
      { key, nonce, meta: meta(0), records: [zeros, zeros], finals: [false, true, true] }, // bytes after the final
      { key, nonce, meta: meta(0), records: [new Uint8Array(0)] }, // empty final record
      { key, nonce, meta: meta(0), records: [zeros], suite: 2 }, // the reserved SM suite
      { key, nonce, meta: meta(0), records: [zeros], suite: 0 },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","type":"b","size":0'), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":2,"name":"a","type":"b","size":0}'), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","type":"b","size":-1}'), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","type":"b","size":1.5}'), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","size":0}'), records: [zeros] },
      { key, nonce, meta: metaRecord('[1]'), records: [zeros] },
      { key, nonce, meta: concat(metaRecord('{"v":1,"name":"a","type":"b","size":0}').subarray(0, 4095), new Uint8Array([1])), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","type":"b","size":0}').subarray(0, 4095), records: [zeros] },
      { key, nonce, meta: concat(new Uint8Array([0xff]), metaRecord('{}').subarray(1)), records: [zeros] },
      { key, nonce, meta: metaRecord(`{"v":1,"name":"${'n'.repeat(256)}","type":"b","size":0}`), records: [zeros] },
      { key, nonce, meta: metaRecord('{"v":1,"name":"a","type":"b","size":0,"thumb":"../x"}'), records: [zeros] },
    ];
    for (const opts of bad) {
      const c = await craft(opts);
      await damaged(decryptAll(key, b64u(c.commitment), c.ct));
    }
  });

  it('reads metadata with its limits and the JSON ending at the first zero', () => {
    expect(decodeMeta(metaRecord('{"v":1,"name":"a","type":"b","size":7,"extra":true}'))).toEqual({ name: 'a', type: 'b', size: 7 });
    expect(decodeMeta(metaRecord(`{"v":1,"name":"${'名'.repeat(255)}","type":"b","size":0}`)).name).toHaveLength(255);
    expect(() => decodeMeta(metaRecord('{"v":1,"name":"a","type":"b","size":7,"w":-1}'))).toThrow(DamagedFileError);
  });
});
