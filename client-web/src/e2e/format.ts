// The file format, suite 0x01 (E2E.md §2; BRIEF §1): a 53-byte header with the key
// commitment, record 0 with the metadata, then the padded content in 64 KiB records, each
// sealed with AES-256-GCM under a counter ‖ final-flag nonce and the header's hash as AAD.
//
// Speed: AES-GCM calls per 64 KiB record are the hot path. The CryptoKeys are imported
// once per file; WebCrypto copies its inputs when a call starts (the spec's "get a copy of
// the bytes held by"), so one nonce buffer serves every call, plaintext is handed over as
// views of the Blob read (no copy of our own), and the records of a batch are sealed or
// opened concurrently (Chromium runs WebCrypto off the main thread).
import { b64u, concat, equalBytes, fromB64u, src, utf8 } from './bytes';
import { DamagedFileError } from './errors';

export const MAGIC = utf8('GVCF');
export const SUITE_V1 = 0x01;
export const HEADER_BYTES = 53;
export const NONCE_BYTES = 16;
export const KEY_BYTES = 32;
export const META_PLAIN = 4096;
export const TAG = 16;
export const META_SEALED = META_PLAIN + TAG;
export const RECORD = 65536;
export const SEALED = RECORD + TAG;
/** Where content record 1 starts in the ciphertext. */
export const CONTENT_START = HEADER_BYTES + META_SEALED;
/** The ciphertext bytes a client fetches to read record 0: header + sealed metadata. */
export const META_PREFIX_BYTES = CONTENT_START;

const NAME_MAX = 255;
const TYPE_MAX = 127;
const BLOB_ID = /^[0-9a-f]{32}$/;
/** The largest size record 0 may state (Go's bound too): P and every offset stay below 2^53. */
const SIZE_MAX = 2 ** 50;
/** The largest picture side (pixels) record 0 may state. */
const PIXELS_MAX = 2 ** 31 - 1;
/** A UTF-16 surrogate without its pair: JSON can escape one, UTF-8 cannot carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Records sealed or opened at once: enough to keep WebCrypto's threads busy, 1–4 MiB in memory. */
const ENCRYPT_BATCH = 64;
const DECRYPT_DEPTH = 16;

/** What record 0 of a file carries (E2E.md §2.3). */
export interface FileMeta {
  name: string;
  type: string;
  size: number;
  /** The thumbnail's blob id, for a picture. */
  thumb?: string;
  width?: number;
  height?: number;
}

/** A file being encrypted: any byte range of its ciphertext can be produced again (resume). */
export interface EncryptedFile {
  header: Uint8Array;
  /** base64url of the key commitment (also inside header). */
  commitment: string;
  /** Ciphertext bytes in all. */
  size: number;
  /** The ciphertext bytes [start, end), made from the source on demand. */
  range(start: number, end: number): Promise<Uint8Array>;
}

function checkLength(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`e2e: ${what} must be a non-negative integer`);
}

/**
 * The content length a file of n bytes is padded to: the smallest bucket ≥ n of
 * b₀ = 541, bₖ₊₁ = bₖ + max(1, ⌊bₖ/20⌋). Integers stay far below 2^53, so this agrees with
 * Go's protocol.PaddedSize to the byte.
 */
export function paddedSize(n: number): number {
  checkLength(n, 'size');
  if (n > SIZE_MAX) throw new RangeError('e2e: size beyond 2^50');
  let b = 541;
  while (b < n) b += Math.max(1, Math.floor(b / 20));
  return b;
}

/** The ciphertext size of a file of plainSize bytes: header, record 0, padded content records. */
export function ciphertextSize(plainSize: number): number {
  const p = paddedSize(plainSize);
  return CONTENT_START + p + TAG * Math.ceil(p / RECORD);
}

/** The keys and AAD of one file, derived once. */
interface FileKeys {
  payload: CryptoKey;
  commit: CryptoKey;
}

const PAYLOAD_INFO = utf8('govchat-file/1 payload');
const COMMIT_INFO = utf8('govchat-file/1 commit');

async function deriveKeys(key: Uint8Array, nonce: Uint8Array): Promise<FileKeys> {
  const ikm = await crypto.subtle.importKey('raw', src(key), 'HKDF', false, ['deriveKey']);
  const hkdf = (info: Uint8Array) => ({ name: 'HKDF', hash: 'SHA-256', salt: src(nonce), info: src(info) });
  const [payload, commit] = await Promise.all([
    crypto.subtle.deriveKey(hkdf(PAYLOAD_INFO), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    crypto.subtle.deriveKey(hkdf(COMMIT_INFO), ikm, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
  ]);
  return { payload, commit };
}

/**
 * Seals or opens the records of one file. The nonce buffer is reused: WebCrypto copies
 * the iv when a call starts, so concurrent calls each get their own.
 */
class RecordCipher {
  private readonly nonce = new Uint8Array(12);
  private readonly view = new DataView(this.nonce.buffer);
  private readonly params: AesGcmParams;

  constructor(
    private readonly key: CryptoKey,
    aad: Uint8Array,
  ) {
    this.params = { name: 'AES-GCM', iv: this.nonce, additionalData: src(aad), tagLength: 128 };
  }

  /** nonce = i as an 11-byte big-endian counter ‖ final flag. */
  private setNonce(i: number, final: boolean): void {
    // i < 2^53: bytes 0..2 stay zero, 3..6 hold the high 32 bits, 7..10 the low 32.
    this.view.setUint32(3, Math.floor(i / 0x1_0000_0000));
    this.view.setUint32(7, i >>> 0);
    this.nonce[11] = final ? 1 : 0;
  }

  seal(i: number, final: boolean, plain: Uint8Array): Promise<ArrayBuffer> {
    this.setNonce(i, final);
    return crypto.subtle.encrypt(this.params, this.key, src(plain));
  }

  /** Opens record i; any failure is damage. */
  open(i: number, final: boolean, sealed: Uint8Array): Promise<ArrayBuffer> {
    this.setNonce(i, final);
    return crypto.subtle.decrypt(this.params, this.key, src(sealed)).catch(() => {
      throw new DamagedFileError(`e2e: record ${i} failed authentication`);
    });
  }
}

function prefixOf(nonce: Uint8Array): Uint8Array {
  const p = new Uint8Array(HEADER_BYTES - 32);
  p.set(MAGIC, 0);
  p[4] = SUITE_V1;
  p.set(nonce, 5);
  return p;
}

async function headerAad(header: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', src(header)));
}

// ---- metadata (record 0) ----

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
/** A name or type record 0 may carry: well-formed text of at most max characters. */
const textOk = (s: unknown, max: number): s is string => typeof s === 'string' && !LONE_SURROGATE.test(s) && codePoints(s) <= max;

/** Record 0's plaintext: the JSON object, zero bytes to 4096. Field order as Go writes it. */
export function encodeMeta(meta: FileMeta): Uint8Array {
  if (!textOk(meta.name, NAME_MAX)) throw new RangeError('e2e: name longer than 255 characters or not text');
  if (!textOk(meta.type, TYPE_MAX)) throw new RangeError('e2e: type longer than 127 characters or not text');
  checkLength(meta.size, 'size');
  if (meta.size > SIZE_MAX) throw new RangeError('e2e: size beyond 2^50');
  const obj: Record<string, unknown> = { v: 1, name: meta.name, type: meta.type, size: meta.size };
  if (meta.thumb !== undefined) {
    if (!BLOB_ID.test(meta.thumb)) throw new RangeError('e2e: thumb is not a blob id');
    obj.thumb = meta.thumb;
  }
  // A side of 0 pixels says nothing: left out, as Go leaves it out (omitempty).
  if (meta.width !== undefined) {
    if (!isPixels(meta.width)) throw new RangeError('e2e: width must be an integer 0..2^31-1');
    if (meta.width > 0) obj.w = meta.width;
  }
  if (meta.height !== undefined) {
    if (!isPixels(meta.height)) throw new RangeError('e2e: height must be an integer 0..2^31-1');
    if (meta.height > 0) obj.h = meta.height;
  }
  const json = utf8(JSON.stringify(obj));
  // 255 + 127 characters of at most 6 bytes each (a \uXXXX escape) and the rest fit easily.
  if (json.length > META_PLAIN) throw new RangeError('e2e: metadata too long');
  const plain = new Uint8Array(META_PLAIN);
  plain.set(json);
  return plain;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isInt = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max;
const isPixels = (x: unknown): x is number => isInt(x, PIXELS_MAX);

/** Parses record 0's plaintext; anything but a well-formed metadata record is damage. */
export function decodeMeta(plain: Uint8Array): FileMeta {
  const bad = (why: string) => new DamagedFileError(`e2e: bad metadata (${why})`);
  if (plain.length !== META_PLAIN) throw bad('length');
  let end = plain.indexOf(0);
  if (end < 0) end = META_PLAIN;
  for (let i = end; i < META_PLAIN; i++) if (plain[i] !== 0) throw bad('bytes after the JSON');
  let obj: unknown;
  try {
    obj = JSON.parse(strictUtf8.decode(plain.subarray(0, end)));
  } catch {
    throw bad('not JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad('not an object');
  const m = obj as Record<string, unknown>;
  if (m.v !== 1) throw bad('version');
  if (!textOk(m.name, NAME_MAX)) throw bad('name');
  if (!textOk(m.type, TYPE_MAX)) throw bad('type');
  if (!isInt(m.size, SIZE_MAX)) throw bad('size');
  const meta: FileMeta = { name: m.name, type: m.type, size: m.size };
  // The optional fields may be absent or null, and a side of 0 pixels is no side, as Go
  // reads them (protocol/testdata/e2e/meta.json).
  if (m.thumb != null) {
    if (typeof m.thumb !== 'string' || !BLOB_ID.test(m.thumb)) throw bad('thumb');
    meta.thumb = m.thumb;
  }
  if (m.w != null) {
    if (!isPixels(m.w)) throw bad('w');
    if (m.w > 0) meta.width = m.w;
  }
  if (m.h != null) {
    if (!isPixels(m.h)) throw bad('h');
    if (m.h > 0) meta.height = m.h;
  }
  return meta;
}

// ---- encryption ----

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new RangeError('e2e: a file key is 32 bytes');
}

/**
 * Encrypts data under key with a fresh random nonce. Nothing is read yet: range() reads and
 * seals only the records a byte range overlaps, so an upload can resume anywhere and a
 * 2 GiB file never sits in memory.
 */
export function encryptFile(key: Uint8Array, meta: FileMeta, data: Blob): Promise<EncryptedFile> {
  return encryptFileWithNonce(key, crypto.getRandomValues(new Uint8Array(NONCE_BYTES)), meta, data);
}

/** encryptFile with a given nonce: for the test vectors only (a nonce must never repeat under a key). */
export async function encryptFileWithNonce(key: Uint8Array, nonce: Uint8Array, meta: FileMeta, data: Blob): Promise<EncryptedFile> {
  checkKey(key);
  if (nonce.length !== NONCE_BYTES) throw new RangeError('e2e: a file nonce is 16 bytes');
  if (meta.size !== data.size) throw new RangeError('e2e: meta.size is not the size of the data');
  const size = data.size;
  const metaPlain = encodeMeta(meta);
  const keys = await deriveKeys(key, nonce);
  const prefix = prefixOf(nonce);
  const commitment = new Uint8Array(await crypto.subtle.sign('HMAC', keys.commit, src(prefix)));
  const header = concat(prefix, commitment);
  const cipher = new RecordCipher(keys.payload, await headerAad(header));
  const record0 = new Uint8Array(await cipher.seal(0, false, metaPlain));

  const padded = paddedSize(size);
  const records = Math.ceil(padded / RECORD); // content records 1..records
  const total = ciphertextSize(size);
  // The record a part boundary cuts is needed by both parts: keep the last one sealed.
  let kept: { index: number; sealed: Uint8Array } | null = null;

  /** Seals content records first..last (inclusive) and copies their overlap with [start, end) into out. */
  async function sealInto(first: number, last: number, out: Uint8Array, start: number, end: number): Promise<void> {
    const plainStart = (first - 1) * RECORD;
    const plainEnd = Math.min(last * RECORD, padded);
    const readEnd = Math.min(plainEnd, size);
    let read = new Uint8Array(0);
    if (readEnd > plainStart) {
      read = new Uint8Array(await data.slice(plainStart, readEnd).arrayBuffer());
      if (read.length !== readEnd - plainStart) throw new Error('e2e: the file changed while it was being encrypted');
    }
    const jobs: Promise<Uint8Array>[] = [];
    for (let r = first; r <= last; r++) {
      if (kept && kept.index === r) {
        jobs.push(Promise.resolve(kept.sealed));
        continue;
      }
      const a = (r - 1) * RECORD - plainStart;
      const len = Math.min(RECORD, padded - (r - 1) * RECORD);
      let plain: Uint8Array;
      if (a + len <= read.length) {
        plain = read.subarray(a, a + len);
      } else {
        // The record holds the end of the file and padding: zeros after the real bytes.
        plain = new Uint8Array(len);
        if (a < read.length) plain.set(read.subarray(a));
      }
      jobs.push(cipher.seal(r, r === records, plain).then((b) => new Uint8Array(b)));
    }
    const sealed = await Promise.all(jobs);
    for (let k = 0; k < sealed.length; k++) {
      const r = first + k;
      const at = CONTENT_START + (r - 1) * SEALED;
      copyOverlap(sealed[k], at, out, start, end);
    }
    const lastSealed = sealed[sealed.length - 1];
    const lastAt = CONTENT_START + (last - 1) * SEALED;
    // Kept only when the range ended inside it: the next part starts there.
    kept = lastAt + lastSealed.length > end ? { index: last, sealed: lastSealed } : null;
  }

  async function range(start: number, end: number): Promise<Uint8Array> {
    checkLength(start, 'start');
    checkLength(end, 'end');
    if (start > end || end > total) throw new RangeError('e2e: range outside the ciphertext');
    const out = new Uint8Array(end - start);
    copyOverlap(header, 0, out, start, end);
    copyOverlap(record0, HEADER_BYTES, out, start, end);
    if (end > CONTENT_START) {
      const first = Math.floor((Math.max(start, CONTENT_START) - CONTENT_START) / SEALED) + 1;
      const last = Math.floor((end - 1 - CONTENT_START) / SEALED) + 1;
      for (let r = first; r <= last; r += ENCRYPT_BATCH) {
        await sealInto(r, Math.min(last, r + ENCRYPT_BATCH - 1), out, start, end);
      }
    }
    return out;
  }

  return { header, commitment: b64u(commitment), size: total, range };
}

/** Copies the part of piece (which sits at ciphertext offset at) inside [start, end) into out. */
function copyOverlap(piece: Uint8Array, at: number, out: Uint8Array, start: number, end: number): void {
  const a = Math.max(at, start);
  const b = Math.min(at + piece.length, end);
  if (a < b) out.set(piece.subarray(a - at, b - at), a - start);
}

// ---- decryption ----

/** Checks the header against the expected commitment and K; answers the record cipher. */
async function openHeader(key: Uint8Array, expected: string, header: Uint8Array): Promise<RecordCipher> {
  if (!equalBytes(header.subarray(0, 4), MAGIC)) throw new DamagedFileError('e2e: not a govchat file');
  if (header[4] !== SUITE_V1) throw new DamagedFileError('e2e: unknown suite');
  let want: Uint8Array;
  try {
    want = fromB64u(expected);
  } catch {
    throw new DamagedFileError('e2e: bad commitment');
  }
  const prefix = header.subarray(0, HEADER_BYTES - 32);
  const carried = header.subarray(HEADER_BYTES - 32, HEADER_BYTES);
  if (!equalBytes(carried, want)) throw new DamagedFileError('e2e: commitment differs from the message');
  const keys = await deriveKeys(key, header.subarray(5, 5 + NONCE_BYTES));
  // verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', keys.commit, src(carried), src(prefix)))) {
    throw new DamagedFileError('e2e: commitment does not match the key');
  }
  return new RecordCipher(keys.payload, await headerAad(header));
}

async function openMeta(cipher: RecordCipher, sealed: Uint8Array): Promise<FileMeta> {
  return decodeMeta(new Uint8Array(await cipher.open(0, false, sealed)));
}

/** Reads only the header and record 0 (the first META_PREFIX_BYTES bytes). */
export async function readMeta(key: Uint8Array, commitment: string, first: Uint8Array): Promise<FileMeta> {
  checkKey(key);
  if (first.length < CONTENT_START) throw new DamagedFileError('e2e: file ends before its metadata');
  const cipher = await openHeader(key, commitment, first.subarray(0, HEADER_BYTES));
  return openMeta(cipher, first.subarray(HEADER_BYTES, CONTENT_START));
}

/** Ciphertext chunks as they arrive, taken in record-sized pieces with as few copies as may be. */
class Chunks {
  private list: Uint8Array[] = [];
  private head = 0; // bytes of list[0] already taken
  length = 0;

  push(c: Uint8Array): void {
    if (c.length === 0) return;
    this.list.push(c);
    this.length += c.length;
  }

  /**
   * The next n bytes (n ≤ length): a view when one chunk holds them, else a copy — into
   * scratch when given (for bytes handed straight to WebCrypto, which copies them at once:
   * a download then makes no garbage of its own per record).
   */
  take(n: number, scratch?: Uint8Array): Uint8Array {
    this.length -= n;
    const c = this.list[0];
    if (c.length - this.head >= n) {
      const v = c.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === c.length) {
        this.list.shift();
        this.head = 0;
      }
      return v;
    }
    const out = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const d = this.list[0];
      const k = Math.min(d.length - this.head, n - o);
      out.set(d.subarray(this.head, this.head + k), o);
      o += k;
      this.head += k;
      if (this.head === d.length) {
        this.list.shift();
        this.head = 0;
      }
    }
    return out;
  }
}

/** True when every byte is zero; word-wise where aligned (padding can be megabytes). */
function allZero(b: Uint8Array): boolean {
  let i = 0;
  const n = b.length;
  while (i < n && (b.byteOffset + i) % 4 !== 0) if (b[i++] !== 0) return false;
  const words = Math.floor((n - i) / 4);
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) if (w[k] !== 0) return false;
    i += words * 4;
  }
  while (i < n) if (b[i++] !== 0) return false;
  return true;
}

/**
 * Decrypts a whole ciphertext stream: chunks of any size in, verified content bytes out
 * (padding checked to be zero and cut). The commitment is checked before anything is
 * decrypted; every damage errors the stream with DamagedFileError, the end of input before
 * the final record included (raised in flush). Record 0 states the size, so the content is
 * exactly P = paddedSize(size) bytes in ⌈P/65536⌉ records, the last flagged final: a file
 * cut or padded any other way is refused, as Go's reader does (a reader that only followed
 * the final flag would open files Go refuses).
 */
export function decryptStream(key: Uint8Array, commitment: string): { meta: Promise<FileMeta>; stream: TransformStream<Uint8Array, Uint8Array> } {
  checkKey(key);
  let resolveMeta!: (m: FileMeta) => void;
  let rejectMeta!: (e: unknown) => void;
  const meta = new Promise<FileMeta>((res, rej) => {
    resolveMeta = res;
    rejectMeta = rej;
  });
  meta.catch(() => {}); // a caller that reads only the stream sees the error there

  const buf = new Chunks();
  let cipher: RecordCipher | null = null;
  let fileMeta: FileMeta | null = null;
  let next = 1; // the next content record to open
  let records = 0; // content records, once record 0 is read
  let lastSealed = 0; // the final record's length, tag included
  let content = 0; // plaintext content bytes opened so far
  const pending: Promise<ArrayBuffer>[] = [];
  const scratch = new Uint8Array(SEALED);

  const emit = (plain: ArrayBuffer, out: TransformStreamDefaultController<Uint8Array>) => {
    const size = fileMeta!.size;
    const len = plain.byteLength;
    const keep = Math.max(0, Math.min(len, size - content));
    if (keep > 0) out.enqueue(new Uint8Array(plain, 0, keep));
    if (keep < len && !allZero(new Uint8Array(plain, keep))) throw new DamagedFileError('e2e: padding is not zero');
    content += len;
  };

  const drain = async (upTo: number, out: TransformStreamDefaultController<Uint8Array>) => {
    while (pending.length > upTo) emit(await pending.shift()!, out);
  };

  const open = (final: boolean, sealed: Uint8Array) => {
    const p = cipher!.open(next++, final, sealed);
    p.catch(() => {}); // rejections surface through drain, in order
    pending.push(p);
  };

  const guard = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      rejectMeta(e);
      throw e;
    }
  };

  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, out) =>
      guard(async () => {
        buf.push(chunk);
        if (!cipher) {
          if (buf.length < HEADER_BYTES) return;
          cipher = await openHeader(key, commitment, buf.take(HEADER_BYTES));
        }
        if (!fileMeta) {
          if (buf.length < META_SEALED) return;
          fileMeta = await openMeta(cipher, buf.take(META_SEALED));
          const padded = paddedSize(fileMeta.size);
          records = Math.ceil(padded / RECORD);
          lastSealed = padded - (records - 1) * RECORD + TAG;
          resolveMeta(fileMeta);
        }
        for (;;) {
          if (next > records) {
            if (buf.length > 0) throw new DamagedFileError('e2e: bytes after the final record');
            break;
          }
          const final = next === records;
          const need = final ? lastSealed : SEALED;
          if (buf.length < need) break;
          open(final, buf.take(need, scratch));
          if (pending.length >= DECRYPT_DEPTH) await drain(DECRYPT_DEPTH / 2, out);
        }
      }),
    flush: (out) =>
      guard(async () => {
        if (!cipher || !fileMeta) throw new DamagedFileError('e2e: file ends before its metadata');
        if (next <= records) throw new DamagedFileError('e2e: file ends before its final record');
        await drain(0, out);
      }),
  });
  return { meta, stream };
}
