// Test helpers of the e2e library (imported by *.test.ts only, never by the product).
import { concat, src, utf8 } from './bytes';
import { decryptStream, type FileMeta } from './format';

/** Feeds ct to decryptStream in chunks of `chunk` bytes; answers the content and metadata. */
export async function decryptAll(key: Uint8Array, commitment: string, ct: Uint8Array, chunk = 65536): Promise<{ bytes: Uint8Array; meta: FileMeta }> {
  const { meta, stream } = decryptStream(key, commitment);
  let at = 0;
  const input = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= ct.length) return c.close();
      const n = Math.min(chunk, ct.length - at);
      // Fresh copies, as a network would hand them over.
      c.enqueue(ct.slice(at, at + n));
      at += n;
    },
  });
  const parts: Uint8Array[] = [];
  await input.pipeThrough(stream).pipeTo(new WritableStream({ write: (p) => void parts.push(p) }));
  return { bytes: concat(...parts), meta: await meta };
}

/** Deterministic pseudo-random bytes (xorshift), so a failure shows the same bytes again. */
export function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A second, independent writer of the format, written from the spec with WebCrypto alone:
 * it seals whatever records it is given with whatever flags, so the tests can make the
 * files a dishonest sender (who holds K) could make — bad JSON, padding that is not zero,
 * a final record in the wrong place — and check that the reader refuses each.
 */
export async function craft(opts: {
  key: Uint8Array;
  nonce: Uint8Array;
  meta: Uint8Array; // record 0's plaintext as is
  records: Uint8Array[]; // content records 1..n as is
  finals?: boolean[]; // the final flag of records 0..n (default: only the last)
  suite?: number;
}): Promise<{ ct: Uint8Array; commitment: Uint8Array }> {
  const { key, nonce } = opts;
  const ikm = await crypto.subtle.importKey('raw', src(key), 'HKDF', false, ['deriveBits']);
  const hkdf = async (info: string) =>
    new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: src(nonce), info: src(utf8(info)) }, ikm, 256));
  const payload = await crypto.subtle.importKey('raw', await hkdf('govchat-file/1 payload'), 'AES-GCM', false, ['encrypt']);
  const commitKey = await crypto.subtle.importKey('raw', await hkdf('govchat-file/1 commit'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const prefix = concat(utf8('GVCF'), new Uint8Array([opts.suite ?? 1]), nonce);
  const commitment = new Uint8Array(await crypto.subtle.sign('HMAC', commitKey, src(prefix)));
  const header = concat(prefix, commitment);
  const aad = new Uint8Array(await crypto.subtle.digest('SHA-256', src(header)));
  const all = [opts.meta, ...opts.records];
  const sealed: Uint8Array[] = [header];
  for (let i = 0; i < all.length; i++) {
    const iv = new Uint8Array(12);
    new DataView(iv.buffer).setUint32(7, i);
    iv[11] = (opts.finals ? opts.finals[i] : i === all.length - 1) ? 1 : 0;
    sealed.push(new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, payload, src(all[i]))));
  }
  return { ct: concat(...sealed), commitment };
}

/** Record 0's plaintext for a JSON text: its UTF-8 bytes, zeros to 4096. */
export function metaRecord(json: string): Uint8Array {
  const m = new Uint8Array(4096);
  m.set(utf8(json));
  return m;
}

/**
 * Asserts equal bytes. Vitest's toEqual walks typed arrays element by element and renders
 * a diff of megabytes when they differ, which takes minutes; this names the first difference.
 */
export function sameBytes(got: Uint8Array, want: Uint8Array, what = 'bytes'): void {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) throw new Error(`${what}: ${got.length} bytes, want ${want.length}; first difference at ${i}`);
  }
}
