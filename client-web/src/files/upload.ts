// The upload queue: what the composer hands over (files, pictures, a pasted screenshot)
// goes out as an encrypted blob, its keys are shared with the channel, and a message
// that carries it goes into the chat's outbox. Framework-free; the shell builds it.
//
// Per item:
//   picture → thumbnail (thumb.ts), encrypted with its own key and uploaded as its own blob
//   the file, metadata {name, type, size, thumb, w, h} → e2e.encryptFile
//   POST /uploads {size} → parts: the ciphertext's 4 MiB byte ranges, made on demand,
//     three in flight, each retried with backoff; a resume (after a failure, or when the
//     connection is back) asks GET /uploads/{id} and sends only the parts missing
//   → complete with the whole ciphertext's SHA-256, hashed as the parts are made, in order
//   → share the keys for "channel:<id>" with the members (share.ts)
//   → the message with the attachment, through the outbox; its ack ends the item.
//
// A notice draft's file (addToDraft) goes the same way up to the upload and stops there,
// 'uploaded': its keys are shared when the notice is published, with the audience it then
// has (noticeDraft.ts takes draftFiles() and, once published, releaseDraft()).
//
// Memory stays bounded: a part is made when it can go, and held only until the server
// has it, so an item holds at most `inFlight` parts (plus the one being hashed and the
// next one being encrypted meanwhile).

import { ApiError } from '../api';
import { toUiError, type UiError } from '../errors';
import type { EncryptedFile, FileKeys, FileMeta } from '../e2e';
import type { FilesApi } from './api';
import { isPicture, type Thumbnail } from './thumb';
import { channelContext, FILE_PART_SIZE, type Attachment, type AttachmentRef, type Upload } from './types';

/** 2 GiB: the largest file when /info says nothing (protocol.DefaultMaxFileSize). */
export const DEFAULT_MAX_FILE_SIZE = 2 ** 31;
export const PARTS_IN_FLIGHT = 3;
/** Items uploading at once; the others wait in order. */
export const ITEMS_AT_ONCE = 2;
/** Tries of one request before the item stops with 重试 (automatic resume still follows
 * when the connection comes back). */
export const MAX_ATTEMPTS = 5;
const MAX_BACKOFF_MS = 30_000;
/** The hash runs on the page's thread (noble, ~65–140 MiB/s): in slices this long, with
 * the page given a turn between, so typing never stalls for a whole 4 MiB part. */
const HASH_SLICE = 1 << 20;

/** Lets the page handle input before going on; not a timer (a background tab throttles
 * timers to one a second or less, which would stall an upload). */
export function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(0);
  });
}
const NAME_MAX = 255;
const TYPE_MAX = 127;

/** 'uploaded': a notice draft's file, on the server and waiting for the notice's 发布. */
export type Stage = 'waiting' | 'preparing' | 'uploading' | 'uploaded' | 'sharing' | 'sending' | 'done' | 'failed';

export interface UploadItem {
  id: string;
  /** The channel it is sent to; 0 for a notice draft's file. */
  channelId: number;
  /** The notice draft it is attached to; absent for a channel's file. */
  draft?: string;
  name: string;
  /** Plaintext bytes. */
  size: number;
  picture: boolean;
  stage: Stage;
  /** Ciphertext bytes the server holds, and all there are to send (thumbnail included). */
  done: number;
  total: number;
  error?: UiError;
  /** Waits for the person's key pair (none made yet). */
  needsKey?: boolean;
  /** Sent, but these many members have no key yet and cannot open it. */
  missing?: number;
}

/** A file the composer refused before any byte left (pick.ts says why). */
export interface Refused {
  channelId: number;
  name: string;
  reason: 'too_large' | 'folder';
}

export interface UploadState {
  items: UploadItem[];
  refused: Refused[];
}

/** A notice draft's file once uploaded: what the notice names, and the keys to wrap for
 * its audience at publish (held in memory only, as the queue holds them). */
export interface DraftFile {
  id: string;
  ref: AttachmentRef;
  keys: FileKeys;
}

/** An incremental SHA-256 (WebCrypto has none). */
export interface Hasher {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

export interface UploadCrypto {
  newFileKey(): Uint8Array;
  ciphertextSize(plainSize: number): number;
  encryptFile(key: Uint8Array, meta: FileMeta, data: Blob): Promise<EncryptedFile>;
}

/** What the outbox says of one file message (chat's Pending, narrowed). */
export interface OutboxEntry {
  clientId: string;
  status: 'queued' | 'sending' | 'failed';
  error?: UiError;
}

export interface UploadDeps {
  api: Pick<FilesApi, 'createUpload' | 'upload' | 'putPart' | 'complete' | 'cancel'>;
  crypto: UploadCrypto;
  hasher: () => Hasher;
  thumbnail: (file: Blob) => Promise<Thumbnail | null>;
  /** The channel's members now (the recipients of the keys). */
  recipients: (channelId: number) => Promise<number[]>;
  share: (o: { blobId: string; keys: FileKeys; context: string; recipients: number[] }) => Promise<{ missing: number[] }>;
  /** Puts the message into the outbox; a problem string when it cannot. */
  send: (channelId: number, attachment: Attachment, clientId: string) => string | undefined;
  /** Takes a refused file message out of the outbox (its 重试 is the item's). */
  discard: (clientId: string) => void;
  /** Whether the person has a key pair (the server refuses a send without one). */
  hasKey: () => boolean;
  me: { id: number };
  newClientId: () => string;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  random?: () => number;
  partSize?: number;
  inFlight?: number;
  itemsAtOnce?: number;
  maxAttempts?: number;
}

interface BlobJob {
  enc: EncryptedFile;
  uploadId?: string;
  /** The server's part size (protocol.FilePartSize), once it said. */
  partSize: number;
  hasher: Hasher;
  /** Parts fed to the hasher, in order from 0. */
  hashed: number;
  digest?: string;
  /** Ciphertext bytes the server holds. */
  done: number;
  complete: boolean;
}

interface Job {
  file: Blob;
  type: string;
  thumbTried: boolean;
  thumb?: { key: Uint8Array; blob: BlobJob; width: number; height: number };
  key?: Uint8Array;
  main?: BlobJob;
  shared: boolean;
  clientId?: string;
  seenInOutbox: boolean;
  abort?: AbortController;
  running: boolean;
}

/** Codes after which the same request may simply go again. */
const RETRYABLE = new Set(['network', 'unavailable', 'internal', 'rate_limited', 'timeout']);
/** A part's digest that did not match was damaged on the way: send it again. */
const PART_RETRYABLE = new Set([...RETRYABLE, 'digest_mismatch']);

function codeOf(e: unknown): string {
  return e instanceof ApiError ? e.code : 'unknown_response';
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The progress bar's percentage: the bytes the server holds; 100 once uploaded. Floored,
 * so 100 % means done. */
export function percent(it: Pick<UploadItem, 'done' | 'total' | 'stage'>): number {
  if (it.stage === 'uploaded' || it.stage === 'sharing' || it.stage === 'sending' || it.stage === 'done') return 100;
  if (it.total <= 0) return 0;
  return Math.min(100, Math.floor((it.done * 100) / it.total));
}

/** A name the metadata record takes: at most 255 characters, the extension kept. */
export function clampName(name: string, max = NAME_MAX): string {
  const chars = [...name.replace(/[\u0000-\u001f\u007f]/g, '')];
  if (chars.length <= max) return chars.join('') || 'file';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length > 16 || ext.length >= max) return chars.slice(0, max).join('');
  return chars.slice(0, max - ext.length).join('') + ext.join('');
}

function mimeOf(type: string): string {
  return type && type.length <= TYPE_MAX ? type : 'application/octet-stream';
}

class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

export type UploadQueue = ReturnType<typeof createUploadQueue>;

export function createUploadQueue(deps: UploadDeps) {
  const now = deps.now ?? Date.now;
  const setT = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>));
  const random = deps.random ?? Math.random;
  const partSize = deps.partSize ?? FILE_PART_SIZE;
  const inFlight = deps.inFlight ?? PARTS_IN_FLIGHT;
  const atOnce = deps.itemsAtOnce ?? ITEMS_AT_ONCE;
  const maxAttempts = deps.maxAttempts ?? MAX_ATTEMPTS;
  const jobs = new Map<string, Job>();
  let state: UploadState = { items: [], refused: [] };
  const listeners = new Set<(s: UploadState) => void>();
  let seq = 0;
  let disposed = false;

  function set(items: UploadItem[], refused = state.refused) {
    state = { items, refused };
    listeners.forEach((fn) => fn(state));
  }
  function item(id: string): UploadItem | undefined {
    return state.items.find((x) => x.id === id);
  }
  function patch(id: string, p: Partial<UploadItem>) {
    if (disposed) return;
    set(state.items.map((x) => (x.id === id ? { ...x, ...p } : x)));
  }
  function remove(id: string) {
    jobs.delete(id);
    set(state.items.filter((x) => x.id !== id));
  }

  function progress(id: string, job: Job) {
    const t = job.thumb?.blob;
    const main = job.main?.enc.size ?? deps.crypto.ciphertextSize(item(id)?.size ?? 0);
    patch(id, { done: (t?.done ?? 0) + (job.main?.done ?? 0), total: (t?.enc.size ?? 0) + main });
  }

  // ---- waiting with an abort ----

  function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Aborted());
      const timer = setT(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearT(timer);
        reject(new Aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  function backoff(attempt: number, e: unknown): number {
    if (e instanceof ApiError && e.code === 'rate_limited' && e.retryAfter) return e.retryAfter * 1000;
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
    return Math.round(base * (0.75 + 0.5 * random()));
  }

  /** Runs `fn` again after a passing failure (a dropped connection, a busy server). */
  async function retrying<T>(fn: () => Promise<T>, signal: AbortSignal, codes = RETRYABLE): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new Aborted();
      try {
        return await fn();
      } catch (e) {
        if (signal.aborted) throw new Aborted();
        if (!codes.has(codeOf(e)) || attempt + 1 >= maxAttempts) throw e;
        await sleep(backoff(attempt, e), signal);
      }
    }
  }

  // ---- one blob ----

  function newBlob(enc: EncryptedFile): BlobJob {
    return { enc, partSize, hasher: deps.hasher(), hashed: 0, done: 0, complete: false };
  }

  function partLen(b: BlobJob, n: number): number {
    return Math.min(b.enc.size, (n + 1) * b.partSize) - n * b.partSize;
  }

  async function status(b: BlobJob, signal: AbortSignal): Promise<Upload> {
    if (b.uploadId) {
      try {
        return await retrying(() => deps.api.upload(b.uploadId!), signal);
      } catch (e) {
        // Swept (a day old) or never made: start a new upload of the same ciphertext.
        if (codeOf(e) !== 'not_found') throw e;
        b.uploadId = undefined;
      }
    }
    const up = await retrying(() => deps.api.createUpload(b.enc.size), signal);
    b.uploadId = up.id;
    return up;
  }

  async function uploadBlob(id: string, job: Job, b: BlobJob, signal: AbortSignal): Promise<void> {
    for (let round = 0; ; round++) {
      const up = await status(b, signal);
      if (up.complete) {
        b.done = b.enc.size;
        b.complete = true;
        progress(id, job);
        return;
      }
      if (up.part_size > 0 && up.part_size !== b.partSize) {
        // The server cuts parts otherwise than assumed: what was hashed counts no more.
        b.partSize = up.part_size;
        b.hasher = deps.hasher();
        b.hashed = 0;
      }
      const parts = Math.ceil(b.enc.size / b.partSize);
      const have = new Set((up.received ?? []).filter((n) => n >= 0 && n < parts));
      b.done = [...have].reduce((s, n) => s + partLen(b, n), 0);
      progress(id, job);
      await sendParts(id, job, b, parts, have, signal);
      b.digest ??= hex(b.hasher.digest());
      try {
        await retrying(() => deps.api.complete(b.uploadId!, b.digest!), signal);
      } catch (e) {
        // A part the server lost meanwhile: ask again which, once.
        if (codeOf(e) === 'upload_incomplete' && round === 0) continue;
        throw e;
      }
      b.complete = true;
      b.done = b.enc.size;
      progress(id, job);
      return;
    }
  }

  /** Sends the parts not in `have`, at most `inFlight` at once; hashes every part not
   * hashed yet, in order (a part already held is made only to be hashed). */
  async function sendParts(id: string, job: Job, b: BlobJob, parts: number, have: Set<number>, signal: AbortSignal) {
    const pool = new AbortController();
    const stop = () => pool.abort();
    signal.addEventListener('abort', stop, { once: true });
    let running = 0;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const changed = () => new Promise<void>((r) => (wake = r));
    const room = async () => {
      while (running >= inFlight && failure === undefined) await changed();
      if (failure !== undefined) throw failure;
      if (signal.aborted) throw new Aborted();
    };
    const range = (n: number) => b.enc.range(n * b.partSize, n * b.partSize + partLen(b, n));
    const put = (n: number, bytes: Uint8Array) => {
      running++;
      retrying(() => deps.api.putPart(b.uploadId!, n, bytes, pool.signal), pool.signal, PART_RETRYABLE)
        .then(
          () => {
            b.done += bytes.length;
            progress(id, job);
          },
          (e) => {
            if (failure === undefined) failure = signal.aborted ? new Aborted() : e;
            pool.abort(); // the others stop too: the item is stopping
          },
        )
        .finally(() => {
          running--;
          wake?.();
        });
    };
    try {
      // Parts hashed in an earlier round that the server does not hold: made again.
      for (let n = 0; n < b.hashed; n++) {
        if (have.has(n)) continue;
        await room();
        const bytes = await range(n);
        if (failure !== undefined) throw failure;
        put(n, bytes);
      }
      // The next part is encrypted (WebCrypto works off the main thread) while this one
      // is hashed (on it): one part more in memory, the two costs overlapped.
      let ahead: Promise<Uint8Array> | undefined;
      for (let n = b.hashed; n < parts; n++) {
        if (!have.has(n)) await room();
        else if (failure !== undefined) throw failure;
        const bytes = await (ahead ?? range(n));
        ahead = n + 1 < parts ? range(n + 1) : undefined;
        ahead?.catch(() => undefined); // awaited next round; a stop before that is no failure
        if (signal.aborted) throw new Aborted();
        for (let o = 0; o < bytes.length; o += HASH_SLICE) {
          if (o > 0) await yieldToPage();
          b.hasher.update(bytes.subarray(o, o + HASH_SLICE));
        }
        b.hashed = n + 1;
        if (have.has(n)) continue;
        if (failure !== undefined) throw failure;
        put(n, bytes);
      }
      while (running > 0) await changed();
      if (failure !== undefined) throw failure;
    } catch (e) {
      pool.abort();
      while (running > 0) await changed();
      throw e;
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  // ---- one item ----

  async function run(id: string) {
    const job = jobs.get(id);
    const it = item(id);
    if (!job || !it || job.running) return;
    if (!deps.hasKey()) {
      patch(id, { stage: 'waiting', needsKey: true });
      return;
    }
    job.running = true;
    const abort = new AbortController();
    job.abort = abort;
    const signal = abort.signal;
    try {
      patch(id, { stage: 'preparing', error: undefined, needsKey: false });
      if (it.picture && !job.thumbTried) {
        job.thumbTried = true;
        const t = await deps.thumbnail(job.file).catch(() => null);
        if (signal.aborted) throw new Aborted();
        if (t) {
          const key = deps.crypto.newFileKey();
          const enc = await deps.crypto.encryptFile(key, { name: 'thumbnail.jpg', type: t.blob.type || 'image/jpeg', size: t.blob.size }, t.blob);
          job.thumb = { key, blob: newBlob(enc), width: t.width, height: t.height };
          progress(id, job);
        }
      }
      if (job.thumb && !job.thumb.blob.complete) {
        patch(id, { stage: 'uploading' });
        await uploadBlob(id, job, job.thumb.blob, signal);
      }
      if (!job.main) {
        const key = deps.crypto.newFileKey();
        const meta: FileMeta = { name: clampName(it.name), type: mimeOf(job.type), size: it.size };
        if (job.thumb) {
          meta.thumb = job.thumb.blob.uploadId;
          meta.width = job.thumb.width;
          meta.height = job.thumb.height;
        }
        const enc = await deps.crypto.encryptFile(key, meta, job.file);
        if (signal.aborted) throw new Aborted();
        job.key = key;
        job.main = newBlob(enc);
        progress(id, job);
      }
      if (!job.main.complete) {
        patch(id, { stage: 'uploading' });
        await uploadBlob(id, job, job.main, signal);
      }
      if (it.draft !== undefined) {
        // A notice's file: its keys go out when the notice is published.
        patch(id, { stage: 'uploaded' });
        return;
      }
      const blobId = job.main.uploadId!;
      if (!job.shared) {
        patch(id, { stage: 'sharing' });
        const recipients = await retrying(() => deps.recipients(it.channelId), signal);
        const keys: FileKeys = job.thumb ? { file: job.key!, thumb: job.thumb.key } : { file: job.key! };
        const res = await retrying(() => deps.share({ blobId, keys, context: channelContext(it.channelId), recipients }), signal);
        job.shared = true;
        const missing = res.missing.filter((u) => u !== deps.me.id).length;
        patch(id, { missing: missing || undefined });
      }
      if (signal.aborted) throw new Aborted();
      const attachment: Attachment = { blob_id: blobId, size: job.main.enc.size, commitment: job.main.enc.commitment };
      if (job.thumb) {
        attachment.thumb_blob_id = job.thumb.blob.uploadId;
        attachment.thumb_size = job.thumb.blob.enc.size;
      }
      job.clientId ??= deps.newClientId();
      job.seenInOutbox = false;
      patch(id, { stage: 'sending' });
      const problem = deps.send(it.channelId, attachment, job.clientId);
      if (problem) throw new ApiError(0, problem, problem);
    } catch (e) {
      if (e instanceof Aborted || signal.aborted) return;
      patch(id, { stage: 'failed', error: toUiError(e, now()) });
    } finally {
      job.running = false;
      if (job.abort === abort) job.abort = undefined;
      pump();
    }
  }

  /** Starts waiting items while fewer than `atOnce` are under way. */
  function pump() {
    if (disposed) return;
    const busy = state.items.filter((x) => x.stage === 'preparing' || x.stage === 'uploading' || x.stage === 'sharing').length;
    let room = atOnce - busy;
    for (const x of state.items) {
      if (room <= 0) break;
      if (x.stage !== 'waiting' || jobs.get(x.id)?.running) continue;
      if (x.needsKey && !deps.hasKey()) continue;
      room--;
      void run(x.id);
    }
  }

  function enqueue(files: readonly File[], where: { channelId: number; draft?: string }): string[] {
    const ids: string[] = [];
    const added: UploadItem[] = [];
    for (const f of files) {
      const id = `u${++seq}`;
      const picture = isPicture(f.type);
      jobs.set(id, { file: f, type: f.type, thumbTried: false, shared: false, seenInOutbox: false, running: false });
      const it: UploadItem = { id, channelId: where.channelId, name: f.name, size: f.size, picture, stage: 'waiting', done: 0, total: deps.crypto.ciphertextSize(f.size) };
      if (where.draft !== undefined) it.draft = where.draft;
      added.push(it);
      ids.push(id);
    }
    set([...state.items, ...added]);
    pump();
    return ids;
  }

  /** Deletes the uploads of an item that was never sent (best effort: the server's
   * sweeper removes what is left after a day). */
  function deleteUploads(job: Job) {
    for (const b of [job.thumb?.blob, job.main]) if (b?.uploadId) void deps.api.cancel(b.uploadId).catch(() => undefined);
  }

  return {
    getState: (): UploadState => state,
    subscribe(fn: (s: UploadState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** Queues files for a channel; the caller has checked sizes (pick.ts). */
    add(channelId: number, files: readonly File[]): string[] {
      return enqueue(files, { channelId });
    },

    /** Queues files of a notice draft: encrypted and uploaded, then 'uploaded' until the
     * notice is published (draftFiles, releaseDraft) or the form closes (discardDraft). */
    addToDraft(draft: string, files: readonly File[]): string[] {
      return enqueue(files, { channelId: 0, draft });
    },

    /** A draft's files that are uploaded, in the order they were added. */
    draftFiles(draft: string): DraftFile[] {
      const out: DraftFile[] = [];
      for (const it of state.items) {
        const job = jobs.get(it.id);
        if (it.draft !== draft || it.stage !== 'uploaded' || !job?.main?.complete || !job.key) continue;
        const ref: AttachmentRef = { blob_id: job.main.uploadId!, commitment: job.main.enc.commitment };
        const keys: FileKeys = { file: job.key };
        if (job.thumb) {
          ref.thumb_blob_id = job.thumb.blob.uploadId;
          keys.thumb = job.thumb.key;
        }
        out.push({ id: it.id, ref, keys });
      }
      return out;
    },

    /** The notice is published: its files leave the queue; their uploads stay (the notice
     * carries them now). */
    releaseDraft(draft: string) {
      const gone = state.items.filter((x) => x.draft === draft);
      if (!gone.length) return;
      for (const it of gone) {
        jobs.get(it.id)?.abort?.abort();
        jobs.delete(it.id);
      }
      set(state.items.filter((x) => x.draft !== draft));
      pump();
    },

    /** The form closed unpublished: its files stop and their uploads are deleted. */
    discardDraft(draft: string) {
      const gone = state.items.filter((x) => x.draft === draft);
      if (!gone.length) return;
      for (const it of gone) {
        const job = jobs.get(it.id);
        if (!job) continue;
        job.abort?.abort();
        deleteUploads(job);
        jobs.delete(it.id);
      }
      set(state.items.filter((x) => x.draft !== draft));
      pump();
    },

    /** Shows what the composer refused (until dismissed or the next pick). */
    refuse(channelId: number, list: readonly Omit<Refused, 'channelId'>[]) {
      set(state.items, [...state.refused.filter((r) => r.channelId !== channelId), ...list.map((r) => ({ ...r, channelId }))]);
    },
    clearRefused(channelId: number) {
      if (state.refused.some((r) => r.channelId === channelId)) set(state.items, state.refused.filter((r) => r.channelId !== channelId));
    },

    /** 取消: stops the item and deletes what was uploaded. Not once its message is out. */
    cancel(id: string): boolean {
      const it = item(id);
      const job = jobs.get(id);
      if (!it || !job || it.stage === 'sending' || it.stage === 'done') return false;
      job.abort?.abort();
      deleteUploads(job);
      remove(id);
      pump();
      return true;
    },

    /** 重试 of a failed item: it goes on from where it stopped. */
    retry(id: string) {
      const it = item(id);
      if (!it || it.stage !== 'failed') return;
      patch(id, { stage: 'waiting', error: undefined });
      pump();
    },

    /** 知道了 on a sent item's note. */
    dismiss(id: string) {
      const it = item(id);
      if (it?.stage === 'done') remove(id);
    },

    /** The connection is back, or the key pair now exists: failed-for-a-moment items go
     * on (each asks the server which parts it holds), waiting ones start. */
    resume() {
      const again = state.items.filter((x) => x.stage === 'failed' && x.error && RETRYABLE.has(x.error.code));
      if (again.length) set(state.items.map((x) => (again.includes(x) ? { ...x, stage: 'waiting' as const, error: undefined } : x)));
      pump();
    },

    /** The chat's outbox changed: a file message acknowledged ends its item; a refused
     * one comes back here with 重试. */
    outboxChanged(outbox: readonly OutboxEntry[]) {
      for (const it of state.items) {
        if (it.stage !== 'sending') continue;
        const job = jobs.get(it.id);
        if (!job?.clientId) continue;
        const p = outbox.find((x) => x.clientId === job.clientId);
        if (p) {
          job.seenInOutbox = true;
          if (p.status === 'failed') {
            deps.discard(job.clientId);
            // The server may have lost a member's wrap (or the escrow was set meanwhile).
            if (p.error?.code === 'key_missing') job.shared = false;
            patch(it.id, { stage: 'failed', error: p.error ?? { code: 'unknown_response', at: now() } });
          }
        } else if (job.seenInOutbox) {
          if (it.missing) patch(it.id, { stage: 'done', done: it.total });
          else remove(it.id);
        }
      }
    },

    /** Logout or a new session: stops everything; unsent uploads are deleted. */
    dispose() {
      for (const [, job] of jobs) {
        job.abort?.abort();
        if (!job.clientId) deleteUploads(job);
      }
      disposed = true;
      listeners.clear();
    },
  };
}
