// Opening received files (E2E.md): my wrapped keys for a blob, unwrapped with my private
// key; a file's metadata from its first bytes; a picture's thumbnail; the decrypted bytes
// of a whole file as a stream. Everything is checked by src/e2e before it is shown —
// the key commitment against the message's, every record's tag — and any failure is
// one of a few errors worded for people (openErrorText).
//
// Caches live as long as the page's session: the Opener is made by the shell's files
// scope and wiped (keys zeroed, object URLs revoked) when that scope ends at logout.

import { ApiError, type FetchLike, type Request } from '../api';
import * as e2e from '../e2e';
import { translate, type Locale } from '../i18n';
import type { Keyring } from './keyring';
import type { Attachment, FileKey } from './types';
import { viewableImageType } from './display';

export type FileMeta = e2e.FileMeta;
export type UnwrappedKeys = e2e.FileKeys;

/** The e2e functions the opener uses (the real module; tests may hand in the same module). */
export type OpenCrypto = Pick<typeof e2e, 'unwrapFileKeys' | 'readMeta' | 'decryptStream' | 'b64u' | 'META_PREFIX_BYTES' | 'DamagedFileError'>;

/** Why a file cannot be opened, in the words openErrorText gives it. */
export type OpenErrorCode =
  | 'no_key' // no wrapped key for me: sent before I joined, or not shared with me
  | 'locked' // my private key is not unlocked in this browser
  | 'key_unusable' // a key for me exists but my private key cannot open it (my key was replaced)
  | 'damaged' // any authentication failure: damaged or tampered with
  | 'gone' // 404: not in the channel any more (or the message was recalled)
  | 'too_large' // bigger than we decrypt in memory (pictures, PDF preview): download instead
  | 'no_stream' // this browser can neither write a file nor stream through the service worker
  | 'not_allowed' // a save refused: the file's secrecy level allows viewing only (download_not_allowed)
  | 'failed'; // anything else: network, server; `cause` has the ApiError

export class FileOpenError extends Error {
  readonly code: OpenErrorCode;
  readonly cause?: unknown;
  constructor(code: OpenErrorCode, cause?: unknown) {
    super(`file: ${code}`);
    this.name = 'FileOpenError';
    this.code = code;
    this.cause = cause;
  }
}

/** The text a person reads for a file that would not open. */
export function openErrorText(err: unknown, locale: Locale, describe?: (e: ApiError) => string): string {
  const e = asOpenError(err);
  switch (e.code) {
    case 'no_key':
      return translate(locale, 'filesview.err_no_key');
    case 'locked':
      return translate(locale, 'filesview.err_locked');
    case 'key_unusable':
      return translate(locale, 'filesview.err_key_unusable');
    case 'damaged':
      return translate(locale, 'filesview.err_damaged');
    case 'gone':
      return translate(locale, 'filesview.err_gone');
    case 'too_large':
      return translate(locale, 'filesview.err_too_large');
    case 'no_stream':
      return translate(locale, 'filesview.err_no_stream');
    case 'not_allowed':
      return translate(locale, 'error.download_not_allowed');
    default:
      if (e.cause instanceof ApiError && describe) return describe(e.cause);
      if (e.cause instanceof ApiError && e.cause.code === 'network') return translate(locale, 'filesview.err_network');
      return translate(locale, 'filesview.err_failed');
  }
}

/** Any error of opening, as a FileOpenError (a damaged stream surfaces as DamagedFileError). */
export function asOpenError(err: unknown, damaged: (e: unknown) => boolean = (x) => x instanceof e2e.DamagedFileError): FileOpenError {
  if (err instanceof FileOpenError) return err;
  if (damaged(err)) return new FileOpenError('damaged', err);
  if (err instanceof ApiError) return fromApiError(err);
  return new FileOpenError('failed', err);
}

function fromApiError(e: ApiError): FileOpenError {
  // The server answers not_found for a blob one may not read (not a member any more, the
  // message recalled): the same words, since the reader cannot tell those apart anyway.
  if (e.status === 404 || e.code === 'not_found' || e.code === 'not_member') return new FileOpenError('gone', e);
  if (e.code === 'key_missing') return new FileOpenError('no_key', e);
  if (e.code === 'download_not_allowed') return new FileOpenError('not_allowed', e);
  return new FileOpenError('failed', e);
}

const BLOB_ID = /^[0-9a-f]{32}$/;
/** Keys asked for in one GET /file-keys (protocol.MaxFileKeyLookup). */
export const KEY_BATCH = 100;
/** A thumbnail's ciphertext larger than this is not a thumbnail (≤ 320 px JPEG/WebP). */
export const MAX_THUMB_BYTES = 4 << 20;
/** Pictures (and PDFs for preview) decrypted whole in memory up to this many bytes; larger
 * ones are offered as a download, which streams. */
export const MAX_IN_MEMORY = 50 << 20;
/** An unused thumbnail's object URL is revoked after this long (a message scrolled out and
 * back in within it keeps its picture without a new download). */
const THUMB_LINGER_MS = 30_000;

export interface OpenerDeps {
  request: Request;
  /** For blob bytes: same-origin credentials are added here. */
  fetch: FetchLike;
  /** The keyring, once the shell has one; undefined reads as locked. */
  keyring: () => Keyring | undefined;
  crypto?: OpenCrypto;
  /** Where the REST API lives (the same base createRequest uses). */
  base?: string;
  /** How long key lookups wait to be batched together (ms). */
  batchMs?: number;
  /** For object URLs (tests pass fakes). */
  urls?: { create(b: Blob): string; revoke(u: string): void };
  /** Timers (tests use fake ones). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** Why a file's ciphertext is fetched (GET /files/{id}?purpose=…, PROTOCOL.md §4.18):
 * `view` to show it here (always allowed to readers), `save` to write the original to
 * disk — refused with download_not_allowed at a level that allows viewing only, and
 * audited as a save. */
export type Purpose = 'view' | 'save';

/** A thumbnail in use: its object URL while at least one view holds it. */
export interface ThumbHandle {
  url: Promise<string>;
  release(): void;
}

/** The decrypted bytes of a whole file, checked as they come. */
export interface OpenedFile {
  meta: Promise<FileMeta>;
  body: ReadableStream<Uint8Array>;
}

export interface Opener {
  /** My file keys of a blob, unwrapped; prefers the key row of `context` (channel:<id>, notice). */
  keys(blobId: string, context?: string): Promise<UnwrappedKeys>;
  /** The name, type, size (and picture size, thumbnail) inside record 0. Cached. */
  meta(att: Attachment, context?: string): Promise<FileMeta>;
  /** The meta when it is already known (no request), for a first paint without a flash. */
  cachedMeta(blobId: string): FileMeta | undefined;
  /** The picture's thumbnail as an object URL, shared between views and revoked when unused. */
  thumb(att: Attachment, context?: string): ThumbHandle;
  /** The whole file decrypted as a stream; `onBytes` counts ciphertext bytes received;
   * `purpose` says why (default view; a download asks for save). */
  open(att: Attachment, context?: string, opts?: { signal?: AbortSignal; onBytes?: (n: number) => void; purpose?: Purpose }): Promise<OpenedFile>;
  /** The whole file in memory (pictures, PDF preview), refused above MAX_IN_MEMORY. */
  blob(att: Attachment, context?: string, opts?: { signal?: AbortSignal; onBytes?: (n: number) => void; type?: string }): Promise<{ meta: FileMeta; blob: Blob }>;
  /** Forgets what is known of a blob (a retry after a share arrived, a failure). */
  forget(blobId: string): void;
  /** Logout: zero the unwrapped keys, revoke every object URL, drop every cache. */
  wipe(): void;
}

/** A thumbnail's object URL and how many views hold it. */
interface ThumbEntry {
  count: number;
  url: Promise<string>;
  made?: string;
  timer?: unknown;
}

interface Waiter {
  resolve: (rows: FileKey[]) => void;
  reject: (e: unknown) => void;
}

export function createOpener(deps: OpenerDeps): Opener {
  const c: OpenCrypto = deps.crypto ?? e2e;
  const base = deps.base ?? '/api/v1';
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const urls = deps.urls ?? { create: (b) => URL.createObjectURL(b), revoke: (u) => URL.revokeObjectURL(u) };
  const damaged = (e: unknown) => e instanceof c.DamagedFileError;
  const fail = (e: unknown) => asOpenError(e, damaged);

  const rows = new Map<string, Promise<FileKey[]>>();
  const unwrapped = new Map<string, Promise<UnwrappedKeys>>();
  const keyBytes: Uint8Array[] = []; // every unwrapped key, to zero at wipe
  const metas = new Map<string, Promise<FileMeta>>();
  const metaDone = new Map<string, FileMeta>();
  const thumbs = new Map<string, ThumbEntry>();
  let queue = new Map<string, Waiter[]>();
  let flushTimer: unknown;
  let generation = 0; // bumped by wipe: answers to requests made before it are dropped

  const flush = () => {
    flushTimer = undefined;
    const batch = queue;
    queue = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += KEY_BATCH) {
      const part = ids.slice(i, i + KEY_BATCH);
      const gen = generation;
      deps.request<{ keys: FileKey[] }>('GET', `/file-keys?blobs=${part.join(',')}`).then(
        (answer) => {
          const by = new Map<string, FileKey[]>(part.map((id) => [id, []]));
          for (const k of answer?.keys ?? []) by.get(k.blob_id)?.push(k);
          for (const id of part) for (const w of batch.get(id)!) w.resolve(gen === generation ? by.get(id)! : []);
        },
        (err) => {
          for (const id of part) {
            if (gen === generation) rows.delete(id); // a failed lookup is asked again next time
            for (const w of batch.get(id)!) w.reject(err);
          }
        },
      );
    }
  };

  /** My key rows of a blob, batched with the other lookups of the moment and cached. */
  const keyRows = (blobId: string): Promise<FileKey[]> => {
    let p = rows.get(blobId);
    if (!p) {
      p = new Promise<FileKey[]>((resolve, reject) => {
        const list = queue.get(blobId) ?? [];
        list.push({ resolve, reject });
        queue.set(blobId, list);
      });
      rows.set(blobId, p);
      if (flushTimer === undefined) flushTimer = setTimer(flush, deps.batchMs ?? 8);
    }
    return p;
  };

  const keys = (blobId: string, context?: string): Promise<UnwrappedKeys> => {
    if (!BLOB_ID.test(blobId)) return Promise.reject(new FileOpenError('damaged'));
    const hit = unwrapped.get(blobId);
    if (hit) return hit;
    const p = (async () => {
      const kr = deps.keyring();
      const priv = kr?.privateKey();
      if (!kr || !priv) throw new FileOpenError('locked');
      let mine: FileKey[];
      try {
        mine = (await keyRows(blobId)).filter((k) => k.user_id === kr.userId);
      } catch (e) {
        throw fail(e);
      }
      if (mine.length === 0) throw new FileOpenError('no_key');
      // The row of the context being viewed first; any other context's row opens it too.
      mine.sort((a, b) => Number(b.context === context) - Number(a.context === context));
      for (const row of mine) {
        try {
          const k = await c.unwrapFileKeys(priv, row.wrapped, { blobId, context: row.context, userId: kr.userId, keyId: row.key_id });
          keyBytes.push(k.file);
          if (k.thumb) keyBytes.push(k.thumb);
          return k;
        } catch {
          // A row for an older key of mine, or bound to something else: try the next.
        }
      }
      throw new FileOpenError('key_unusable');
    })();
    unwrapped.set(blobId, p);
    // Failures are not kept: unlocking, or a share arriving, makes the next try succeed.
    p.catch(() => {
      if (unwrapped.get(blobId) === p) unwrapped.delete(blobId);
    });
    return p;
  };

  const fetchBlob = async (blobId: string, init: RequestInit = {}, purpose: Purpose = 'view'): Promise<Response> => {
    let res: Response;
    try {
      res = await deps.fetch(`${base}/files/${blobId}?purpose=${purpose}`, { credentials: 'same-origin', cache: 'no-store', ...init });
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') throw e;
      throw new FileOpenError('failed', new ApiError(0, 'network', e instanceof Error ? e.message : String(e)));
    }
    if (!res.ok) {
      let code = '';
      try {
        code = ((await res.json()) as { error?: { code?: string } })?.error?.code ?? '';
      } catch {
        /* not JSON */
      }
      throw fromApiError(new ApiError(res.status, code || (res.status === 404 ? 'not_found' : 'unavailable'), `HTTP ${res.status}`));
    }
    if (!res.body) throw new FileOpenError('failed');
    return res;
  };

  const meta = (att: Attachment, context?: string): Promise<FileMeta> => {
    const hit = metas.get(att.blob_id);
    if (hit) return hit;
    const p = (async () => {
      const k = await keys(att.blob_id, context);
      const n = c.META_PREFIX_BYTES;
      const res = await fetchBlob(att.blob_id, { headers: { Range: `bytes=0-${n - 1}` } });
      let first: Uint8Array;
      try {
        first = await readAtMost(res.body!, n);
      } catch (e) {
        throw fail(e);
      }
      let m: FileMeta;
      try {
        m = await c.readMeta(k.file, att.commitment, first);
      } catch (e) {
        throw fail(e);
      }
      // The message and the encrypted metadata must name the same thumbnail.
      if (att.thumb_blob_id && m.thumb && m.thumb !== att.thumb_blob_id) throw new FileOpenError('damaged');
      metaDone.set(att.blob_id, m);
      return m;
    })();
    metas.set(att.blob_id, p);
    p.catch(() => {
      if (metas.get(att.blob_id) === p) metas.delete(att.blob_id);
    });
    return p;
  };

  /** Decrypts a ciphertext stream with a key and the commitment it must carry. */
  const decrypt = (key: Uint8Array, commitment: string, body: ReadableStream<Uint8Array>, onBytes?: (n: number) => void): OpenedFile => {
    const d = c.decryptStream(key, commitment);
    let got = 0;
    const counted = onBytes
      ? body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, ctl) {
              got += chunk.byteLength;
              onBytes(got);
              ctl.enqueue(chunk);
            },
          }),
        )
      : body;
    const out = counted.pipeThrough(d.stream);
    // Stream errors come out as they are; the reader maps them (asOpenError).
    d.meta.catch(() => undefined);
    return { meta: d.meta, body: out };
  };

  const thumbBlob = async (att: Attachment, context?: string): Promise<Blob> => {
    if (!att.thumb_blob_id || !BLOB_ID.test(att.thumb_blob_id)) throw new FileOpenError('damaged');
    if ((att.thumb_size ?? 0) > MAX_THUMB_BYTES) throw new FileOpenError('too_large');
    const k = await keys(att.blob_id, context);
    if (!k.thumb) throw new FileOpenError('damaged');
    const res = await fetchBlob(att.thumb_blob_id);
    try {
      const bytes = await readAtMost(res.body!, MAX_THUMB_BYTES + 1);
      if (bytes.byteLength > MAX_THUMB_BYTES || bytes.byteLength < 53) throw new FileOpenError('damaged');
      // The thumbnail's own commitment is in its header; the message carries only the
      // main file's. Checking the header against the key still binds this key to these
      // bytes (the same blob every member downloads), which is what the check is for.
      const commitment = c.b64u(bytes.subarray(21, 53));
      const opened = decrypt(k.thumb, commitment, streamOf(bytes));
      const plain = await readAll(opened.body, MAX_THUMB_BYTES);
      const m = await opened.meta;
      const type = viewableImageType(m.type);
      if (!type) throw new FileOpenError('damaged');
      return new Blob([plain as Uint8Array<ArrayBuffer>], { type });
    } catch (e) {
      throw fail(e);
    }
  };

  const releaseThumb = (id: string, t: ThumbEntry) => {
    t.count--;
    if (t.count > 0 || thumbs.get(id) !== t) return;
    t.timer = setTimer(() => {
      if (thumbs.get(id) !== t || t.count > 0) return;
      thumbs.delete(id);
      if (t.made) urls.revoke(t.made);
    }, THUMB_LINGER_MS);
  };

  const open = async (att: Attachment, context?: string, opts: { signal?: AbortSignal; onBytes?: (n: number) => void; purpose?: Purpose } = {}): Promise<OpenedFile> => {
    const k = await keys(att.blob_id, context);
    const res = await fetchBlob(att.blob_id, { signal: opts.signal }, opts.purpose ?? 'view');
    return decrypt(k.file, att.commitment, res.body!, opts.onBytes);
  };

  return {
    keys,
    meta,
    cachedMeta: (id) => metaDone.get(id),

    thumb(att, context) {
      const id = att.blob_id;
      let t = thumbs.get(id);
      if (!t) {
        const entry: ThumbEntry = { count: 0, url: Promise.resolve('') };
        entry.url = thumbBlob(att, context).then((b) => {
          const u = urls.create(b);
          if (thumbs.get(id) === entry) entry.made = u;
          else urls.revoke(u); // wiped or forgotten meanwhile
          return u;
        });
        entry.url.catch(() => {
          if (thumbs.get(id) === entry) thumbs.delete(id);
        });
        thumbs.set(id, entry);
        t = entry;
      }
      if (t.timer !== undefined) {
        clearTimer(t.timer);
        t.timer = undefined;
      }
      t.count++;
      const held = t;
      let released = false;
      return {
        url: held.url,
        release: () => {
          if (released) return;
          released = true;
          releaseThumb(id, held);
        },
      };
    },

    open,

    async blob(att, context, opts = {}) {
      const m = await meta(att, context);
      if (m.size > MAX_IN_MEMORY) throw new FileOpenError('too_large');
      const opened = await open(att, context, opts);
      try {
        const plain = await readAll(opened.body, MAX_IN_MEMORY);
        const full = await opened.meta;
        return { meta: full, blob: new Blob([plain as Uint8Array<ArrayBuffer>], { type: opts.type ?? viewableImageType(full.type) ?? 'application/octet-stream' }) };
      } catch (e) {
        throw fail(e);
      }
    },

    forget(blobId) {
      rows.delete(blobId);
      unwrapped.delete(blobId);
      metas.delete(blobId);
      metaDone.delete(blobId);
    },

    wipe() {
      generation++;
      if (flushTimer !== undefined) clearTimer(flushTimer);
      flushTimer = undefined;
      for (const ws of queue.values()) for (const w of ws) w.reject(new FileOpenError('locked'));
      queue = new Map();
      for (const k of keyBytes) k.fill(0);
      keyBytes.length = 0;
      for (const t of thumbs.values()) {
        if (t.timer !== undefined) clearTimer(t.timer);
        if (t.made) urls.revoke(t.made);
      }
      thumbs.clear();
      rows.clear();
      unwrapped.clear();
      metas.clear();
      metaDone.clear();
    },
  };
}

/** The first `limit` bytes of a stream (the rest is cancelled): a server that ignores Range
 * sends the whole file, of which only the start is read. */
export async function readAtMost(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
    }
  } finally {
    if (n >= limit) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return join(parts, Math.min(n, limit));
}

/** Every byte of a stream, refused (too_large) past `limit`. */
export async function readAll(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > limit) {
      await reader.cancel().catch(() => undefined);
      throw new FileOpenError('too_large');
    }
    parts.push(value);
  }
  return join(parts, n);
}

function join(parts: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.byteLength, n - at);
    out.set(p.subarray(0, take), at);
    at += take;
    if (at >= n) break;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      ctl.enqueue(bytes);
      ctl.close();
    },
  });
}
