// Byte helpers of the e2e library: base64url without padding (every key, commitment and
// wrap on the wire, E2E.md §1), UTF-8 and concatenation.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = (() => {
  const v = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) v[ALPHABET.charCodeAt(i)] = i;
  return v;
})();

/** base64url without padding. */
export function b64u(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const x = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63] + ALPHABET[(x >> 6) & 63] + ALPHABET[x & 63];
  }
  if (n - i === 1) {
    const x = bytes[i] << 16;
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63];
  } else if (n - i === 2) {
    const x = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[x >> 18] + ALPHABET[(x >> 12) & 63] + ALPHABET[(x >> 6) & 63];
  }
  return out;
}

/**
 * Decodes base64url without padding. Refuses anything else — padding, whitespace, the
 * standard alphabet's + and /, a length no encoding has, and unused trailing bits that are
 * not zero — so one value has exactly one spelling (Go's RawURLEncoding.Strict agrees).
 */
export function fromB64u(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 4 === 1) throw new TypeError('e2e: not base64url');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUES[c] : -1;
    if (v < 0) throw new TypeError('e2e: not base64url');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new TypeError('e2e: not base64url');
  return out;
}

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Equal contents, in time that depends on the length only (E2E.md §2.6 asks it of commitments). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * The bytes as a BufferSource WebCrypto takes without complaint from TypeScript (whose DOM
 * types want an ArrayBuffer-backed view); no copy.
 */
export const src = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;
