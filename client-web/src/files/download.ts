// Saving a received file to disk, decrypted as it streams: the ciphertext is fetched,
// every record checked by e2e.decryptStream, and the plaintext written to
//   1. a file the person picks (File System Access API: showSaveFilePicker →
//      createWritable; an abort discards the swap file, so nothing half-written stays), or
//   2. the browser's own download of a response the service worker makes up (public/
//      sw-download.js): the page feeds it through a MessageChannel; an error makes the
//      browser fail the download and delete its partial file.
// The whole file is never held in memory, and a damaged file stops the download and
// leaves nothing behind (the writable is aborted, a picked file that was new is removed).

import type { Attachment } from './types';
import { asOpenError, FileOpenError, type OpenedFile, type FileMeta } from './open';
import { safeFileName } from './display';

/** Where the plaintext goes, and how to undo it. */
export interface SaveTarget {
  via: 'fs' | 'sw';
  writable: WritableStream<Uint8Array>;
  /** After a failure: remove what the target left behind (a new, empty picked file). */
  discard(): Promise<void>;
}

/** The part of the opener a download needs. */
export interface DownloadOpener {
  meta(att: Attachment, context?: string): Promise<FileMeta>;
  open(att: Attachment, context?: string, opts?: { signal?: AbortSignal; onBytes?: (n: number) => void; purpose?: 'view' | 'save' }): Promise<OpenedFile>;
}

interface PickerHandle {
  createWritable(): Promise<WritableStream<Uint8Array>>;
  getFile?(): Promise<{ size: number }>;
  remove?(): Promise<void>;
}

/** What the browser offers (window and navigator.serviceWorker, or fakes in tests). */
export interface DownloadEnv {
  showSaveFilePicker?: (opts: { suggestedName: string }) => Promise<PickerHandle>;
  /** The page's service worker, when one controls it. */
  controller?: () => Pick<ServiceWorker, 'postMessage'> | null | undefined;
  /** Starts the browser's download of a same-origin URL (a hidden iframe); returns a remover. */
  navigate?: (url: string) => () => void;
  /** Random ids for service-worker downloads. */
  randomId?: () => string;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export type DownloadState = 'preparing' | 'running' | 'done' | 'failed' | 'cancelled';

export interface DownloadJob {
  id: number;
  name: string;
  /** Ciphertext bytes in all, and received so far (progress). */
  total: number;
  received: number;
  state: DownloadState;
  error?: FileOpenError;
  via?: 'fs' | 'sw';
}

export interface Downloads {
  getState(): readonly DownloadJob[];
  subscribe(fn: () => void): () => void;
  /** Starts a download; call it straight from the click (the save picker needs the gesture). */
  start(att: Attachment, context?: string): Promise<void>;
  cancel(id: number): void;
  dismiss(id: number): void;
  /** Logout: cancel everything. */
  dispose(): void;
}

/** How often progress is published (a 1 GiB file has 16,000 records). */
const PROGRESS_MS = 200;
/** How long the service worker has to take up a download before it counts as failed. */
const SW_START_MS = 15_000;
/** How long a saved or cancelled download stays in the list. */
const DONE_LINGER_MS = 8_000;
/** Keep the service worker awake while it streams (browsers stop idle workers after ~30 s). */
const SW_KEEPALIVE_MS = 10_000;

export function createDownloads(opener: DownloadOpener, env: DownloadEnv): Downloads {
  let jobs: DownloadJob[] = [];
  const listeners = new Set<() => void>();
  const aborts = new Map<number, AbortController>();
  let nextId = 1;
  const now = env.now ?? (() => Date.now());

  const emit = () => {
    for (const fn of listeners) fn();
  };
  const update = (id: number, patch: Partial<DownloadJob>) => {
    jobs = jobs.map((j) => (j.id === id ? { ...j, ...patch } : j));
    emit();
  };

  // A saved or cancelled download leaves the list by itself after a while; a failure
  // stays until dismissed, so that it is read.
  const linger = (id: number) => {
    (env.setTimer ?? ((fn, ms) => setTimeout(fn, ms)))(() => {
      jobs = jobs.filter((j) => j.id !== id);
      emit();
    }, DONE_LINGER_MS);
  };

  const start = async (att: Attachment, context?: string) => {
    const id = nextId++;
    const ac = new AbortController();
    aborts.set(id, ac);
    jobs = [...jobs, { id, name: '', total: att.size, received: 0, state: 'preparing' }];
    emit();
    let target: SaveTarget | null = null;
    // Set when the target gives up by itself (the worker never took the download up):
    // then the abort is a failure, not the person's cancel.
    let reason: unknown;
    const stop = (why?: unknown) => {
      if (why !== undefined && reason === undefined) reason = why;
      ac.abort();
    };
    try {
      const meta = await opener.meta(att, context);
      update(id, { name: meta.name });
      let last = 0;
      const fetchOriginal = () =>
        opener.open(att, context, {
          signal: ac.signal,
          purpose: 'save',
          onBytes: (n) => {
            const t = now();
            if (t - last < PROGRESS_MS && n < att.size) return;
            last = t;
            update(id, { received: n });
          },
        });
      let opened: OpenedFile;
      if (env.showSaveFilePicker) {
        // The picker first, straight from the click (it needs the gesture); the original
        // is asked for (purpose=save) only once a file was picked, so a closed dialog is
        // no save in the server's trail. A refusal (download_not_allowed: view-only at its
        // level) removes the empty file the picker made.
        target = await openTarget(env, meta, { signal: ac.signal, stop });
        if (!target) {
          // The person closed the save dialog: nothing to report.
          jobs = jobs.filter((j) => j.id !== id);
          emit();
          return;
        }
        try {
          opened = await fetchOriginal();
        } catch (e) {
          await abandon(target, e);
          throw e;
        }
      } else {
        // Through the service worker: the server is asked first, and the worker streams
        // only a file whose save it has just seen allowed (public/sw-download.js), so a
        // view-only file never becomes a browser download, not even a failed one.
        if (!env.controller?.() || !env.navigate) throw new FileOpenError('no_stream');
        opened = await fetchOriginal();
        try {
          target = await openTarget(env, meta, { signal: ac.signal, stop, blobId: att.blob_id });
        } catch (e) {
          await opened.body.cancel().catch(() => undefined);
          throw e;
        }
        if (!target) throw new FileOpenError('no_stream');
      }
      update(id, { state: 'running', via: target.via });
      await saveTo(opened.body, target, ac.signal);
      update(id, { state: 'done', received: att.size });
      linger(id);
    } catch (e) {
      if (reason !== undefined) update(id, { state: 'failed', error: asOpenError(reason) });
      else if (ac.signal.aborted) {
        update(id, { state: 'cancelled' });
        linger(id);
      } else update(id, { state: 'failed', error: asOpenError(e) });
    } finally {
      aborts.delete(id);
    }
  };

  return {
    getState: () => jobs,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start,
    cancel(id) {
      aborts.get(id)?.abort();
    },
    dismiss(id) {
      jobs = jobs.filter((j) => j.id !== id || j.state === 'running' || j.state === 'preparing');
      emit();
    },
    dispose() {
      for (const ac of aborts.values()) ac.abort();
      aborts.clear();
      jobs = [];
      listeners.clear();
    },
  };
}

/**
 * Pipes the decrypted body into the target. On any failure — a damaged record, a dropped
 * connection, a cancel — the writable is aborted (pipeTo does it), then whatever the
 * target left is removed, and the error is thrown on.
 */
export async function saveTo(body: ReadableStream<Uint8Array>, target: SaveTarget, signal?: AbortSignal): Promise<void> {
  try {
    await body.pipeTo(target.writable, { signal });
  } catch (e) {
    await abandon(target, e);
    throw e;
  }
}

/** Aborts the writable (pipeTo has done so already after a failure inside the pipe; this
 * covers one that failed before the first byte) and removes what the target left. */
async function abandon(target: SaveTarget, e: unknown): Promise<void> {
  await target.writable.abort(e).catch(() => undefined);
  await target.discard().catch(() => undefined);
}

/** How a target stops the download it is part of: `stop()` the person cancelled (in the
 * browser's download list), `stop(err)` it failed. */
export interface TargetControl {
  signal?: AbortSignal;
  stop?: (why?: unknown) => void;
  /** The file being saved: the service worker streams only a file whose save the server
   * has just allowed (public/sw-download.js). */
  blobId?: string;
}

/** A save picker when the browser has one, else the service worker; null when the person
 * closed the picker. */
export async function openTarget(env: DownloadEnv, meta: FileMeta, ctl: TargetControl = {}): Promise<SaveTarget | null> {
  const name = safeFileName(meta.name);
  if (env.showSaveFilePicker) {
    let handle: PickerHandle;
    try {
      handle = await env.showSaveFilePicker({ suggestedName: name });
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') return null;
      throw e;
    }
    // A file that had content before was picked to be overwritten: an aborted writable
    // leaves its old content as it was, so it must not be removed after a failure.
    const existed = ((await handle.getFile?.().catch(() => undefined))?.size ?? 0) > 0;
    const writable = await handle.createWritable();
    return {
      via: 'fs',
      writable,
      discard: async () => {
        if (!existed) await handle.remove?.();
      },
    };
  }
  const sw = env.controller?.();
  if (sw && env.navigate) return serviceWorkerTarget(env, sw, name, meta.size, ctl);
  throw new FileOpenError('no_stream');
}

/** The page's half of a service-worker download (the worker's half: public/sw-download.js). */
export async function serviceWorkerTarget(
  env: DownloadEnv,
  sw: Pick<ServiceWorker, 'postMessage'>,
  name: string,
  size: number | undefined,
  ctl: TargetControl = {},
): Promise<SaveTarget> {
  const setTimer = env.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = env.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const id = env.randomId?.() ?? randomId();
  const ch = new MessageChannel();
  const port = ch.port1;
  let credits = 0;
  let wake: (() => void) | undefined;
  let failed: Error | undefined;
  let started = false;
  let removeFrame: (() => void) | undefined;
  const keepalive = setInterval(() => sw.postMessage({ type: 'govchat:download-keepalive' }), SW_KEEPALIVE_MS);
  const ended = () => {
    clearInterval(keepalive);
    clearTimer(startTimer);
    port.close();
    // The browser has the response by now; the frame is only a leftover.
    const remove = removeFrame;
    if (remove) setTimer(remove, 1000);
  };
  const fail = (why: Error, cancelled = false) => {
    if (failed) return;
    failed = why;
    wake?.();
    ctl.stop?.(cancelled ? undefined : why);
  };
  const ready = new Promise<void>((resolve, reject) => {
    port.onmessage = (e: MessageEvent) => {
      const m = e.data as { type?: string };
      switch (m?.type) {
        case 'ready':
          resolve();
          break;
        case 'started':
          started = true;
          break;
        case 'pull':
          credits++;
          wake?.();
          break;
        case 'cancel': // the person cancelled it in the browser's download list
          fail(new DOMException('download cancelled', 'AbortError'), true);
          reject(failed);
          break;
        case 'expired': // the browser never asked for it
          fail(new FileOpenError('no_stream'));
          reject(failed);
          break;
        case 'refused': // the worker saw no allowed save of this file (a view-only file)
          fail(new FileOpenError('not_allowed'));
          reject(failed);
          break;
      }
    };
  });
  const startTimer = setTimer(() => {
    if (!started) fail(new FileOpenError('no_stream'));
  }, SW_START_MS);
  sw.postMessage({ type: 'govchat:download', id, name, size, blob: ctl.blobId }, [ch.port2]);
  try {
    await withTimeout(ready, SW_START_MS, () => new FileOpenError('no_stream'), ctl.signal);
  } catch (e) {
    ended();
    throw e;
  }
  removeFrame = env.navigate!(`/dl/${id}`);

  const credit = async () => {
    while (credits === 0 && !failed) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    if (failed) throw failed;
    credits--;
  };
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      await credit();
      // A copy: the decrypter may reuse its buffers, and a transferred one is gone.
      const copy = chunk.slice();
      port.postMessage({ type: 'chunk', chunk: copy.buffer }, [copy.buffer]);
    },
    close() {
      port.postMessage({ type: 'end' });
      ended();
    },
    abort() {
      port.postMessage({ type: 'error' });
      ended();
    },
  });
  return { via: 'sw', writable, discard: async () => undefined };
}

function withTimeout<T>(p: Promise<T>, ms: number, err: () => Error, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(err()), ms);
    const onAbort = () => reject(new DOMException('download cancelled', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The browser's real environment: the picker where it exists, the controlling worker, a
 * hidden iframe to start the download (a same-origin frame, allowed by the CSP). */
export function browserDownloadEnv(): DownloadEnv {
  const w = window as unknown as { showSaveFilePicker?: DownloadEnv['showSaveFilePicker'] };
  return {
    showSaveFilePicker: typeof w.showSaveFilePicker === 'function' ? (o) => w.showSaveFilePicker!(o) : undefined,
    controller: () => navigator.serviceWorker?.controller,
    navigate(url) {
      const f = document.createElement('iframe');
      f.hidden = true;
      f.src = url;
      f.setAttribute('aria-hidden', 'true');
      document.body.append(f);
      return () => f.remove();
    },
  };
}
