// Key requests (PROTOCOL.md §4.16 key-requests, §7.5 key_request / key_shared; E2E.md §3.2):
// a member who holds no wrap of a file's key — they had no key pair when it was sent,
// joined later, or replaced a lost key — asks the channel; members' browsers that can
// open the file answer by wrapping its keys to the requester.
//
//   requester (a view found no key for me):
//     POST /files/{id}/key-requests ─→ 正在向群成员请求密钥… ─ polls GET /file-keys
//       (2, 6, 14, 30 s; at once on a key_shared frame naming me)
//       ├─ my key opens it            → received: the view opens the file
//       └─ nothing after ~30 s        → unanswered: 暂无在线成员可共享密钥 + 重试
//
//   responder (every member's browser, on a key_request frame):
//     not mine → wait 0–2 s (a key_shared naming them meanwhile: someone answered, stop)
//     → my own wrap opens the file? → their public key's id is the frame's, and not a key
//       I flag as changed? → wrap the keys to it and POST /files/{id}/keys
//
// Nothing here ever answers for a file this browser cannot open, or to a key other than
// the one the directory publishes for the requester now.

import { ApiError, type Request } from '../api';
import type { WrapBinding } from '../e2e';
import type { FilesApi } from './api';
import type { Keyring } from './keyring';
import type { UnwrappedKeys } from './open';
import type { FileKeyRequestResult, KeyRequestEvent, KeySharedEvent, UserKey } from './types';

/** The longest a responder waits before answering, so that not every member answers at once. */
export const ANSWER_JITTER_MS = 2_000;
/** When the requester looks for its key again after asking (ms after the request). */
export const POLL_AT_MS = [2_000, 6_000, 14_000, 30_000];
/** How long a responder remembers that a request was answered (by anyone). */
const ANSWERED_TTL_MS = 10 * 60_000;
/** Tries of a request the server answered rate_limited. */
const RATE_LIMIT_TRIES = 3;

const BLOB_ID = /^[0-9a-f]{32}$/;
const CHANNEL_CONTEXT = /^channel:[1-9][0-9]*$/;

export const isChannelContext = (context: string | undefined): context is string => !!context && CHANNEL_CONTEXT.test(context);

interface Timers {
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

function timers(d: Timers) {
  return {
    set: d.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms)),
    clear: d.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>)),
  };
}

// ---------------------------------------------------------------- the responder

/** Why a responder did or did not answer a request (for tests and nothing else). */
export type AnswerOutcome =
  | 'posted' // wrapped to the requester and posted
  | 'mine' // my own request, coming back from the channel
  | 'malformed' // a frame that is not a request
  | 'duplicate' // already waiting to answer this one
  | 'answered' // someone answered meanwhile (a key_shared frame, or I did before)
  | 'locked' // my private key is not unlocked here
  | 'cannot_open' // I hold no wrap of it that my key opens
  | 'no_key' // the requester has no published key
  | 'key_mismatch' // the requester's published key is not the one the request names
  | 'key_changed' // the requester's key is not the one I pinned: never answered unasked
  | 'failed'; // the post was refused or the network failed

export interface ResponderDeps extends Timers {
  /** The keyring (my private key, colleagues' keys and which of them changed). */
  keyring: () => Pick<Keyring, 'userId' | 'privateKey' | 'changedKeys'> | undefined;
  /** Colleagues' public keys; `fresh` asks the server rather than the cache. */
  publicKeys(userIds: number[], fresh: boolean): Promise<Map<number, UserKey>>;
  /** My keys of a file, unwrapped (open.ts: cached, and refused when I cannot open it). */
  keys(blobId: string, context: string): Promise<UnwrappedKeys>;
  crypto: { wrapFileKeys(recipientPublic: Uint8Array, keys: UnwrappedKeys, b: WrapBinding): Promise<string>; fromB64u(s: string): Uint8Array };
  api: Pick<FilesApi, 'postFileKeys'>;
  /** 0 ≤ x < 1 (Math.random). */
  random?: () => number;
  now?: () => number;
}

export function validRequest(e: unknown): e is KeyRequestEvent {
  const r = e as Partial<KeyRequestEvent> | null;
  return (
    !!r &&
    typeof r.blob_id === 'string' &&
    BLOB_ID.test(r.blob_id) &&
    isChannelContext(r.context) &&
    Number.isSafeInteger(r.user_id) &&
    (r.user_id ?? 0) > 0 &&
    typeof r.key_id === 'string' &&
    /^[0-9a-f]{16}$/.test(r.key_id)
  );
}

export function validShared(e: unknown): e is KeySharedEvent {
  const s = e as Partial<KeySharedEvent> | null;
  return !!s && typeof s.blob_id === 'string' && BLOB_ID.test(s.blob_id) && typeof s.context === 'string' && Array.isArray(s.user_ids) && s.user_ids.every((x) => Number.isSafeInteger(x));
}

export type Responder = ReturnType<typeof createResponder>;

export function createResponder(deps: ResponderDeps) {
  const t = timers(deps);
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const waiting = new Map<string, unknown>(); // blob:user:context → timer
  const answered = new Map<string, number>(); // blob:user:context → when (a key_shared, or my post)
  let disposed = false;
  const keyOf = (blob: string, user: number, context: string) => `${blob}:${user}:${context}`;

  function markAnswered(k: string) {
    const at = now();
    for (const [key, when] of answered) if (at - when > ANSWERED_TTL_MS) answered.delete(key);
    answered.set(k, at);
  }
  const wasAnswered = (k: string) => {
    const at = answered.get(k);
    return at !== undefined && now() - at <= ANSWERED_TTL_MS;
  };

  /** The decision and the answer, after the wait. */
  async function answer(e: KeyRequestEvent, k: string): Promise<AnswerOutcome> {
    if (wasAnswered(k)) return 'answered';
    const kr = deps.keyring();
    if (!kr?.privateKey()) return 'locked';
    let keys: UnwrappedKeys;
    try {
      keys = await deps.keys(e.blob_id, e.context);
    } catch {
      return 'cannot_open'; // never answer for a file I cannot open
    }
    let theirs: UserKey | undefined;
    try {
      theirs = (await deps.publicKeys([e.user_id], false)).get(e.user_id);
      // A key cached from before they made a new one: ask the directory once more.
      if (theirs?.key_id !== e.key_id) theirs = (await deps.publicKeys([e.user_id], true)).get(e.user_id);
    } catch {
      return 'failed';
    }
    if (!theirs) return 'no_key';
    if (theirs.key_id !== e.key_id) return 'key_mismatch';
    // Pinned, and this is another key: the person may have lost theirs, or the server may
    // be handing out a key of its own. Keys are given to it only once someone accepts it.
    if (kr.changedKeys().includes(e.user_id)) return 'key_changed';
    if (wasAnswered(k) || disposed) return 'answered';
    const binding: WrapBinding = { blobId: e.blob_id, context: e.context, userId: e.user_id, keyId: theirs.key_id };
    try {
      const wrapped = await deps.crypto.wrapFileKeys(deps.crypto.fromB64u(theirs.public_key), keys, binding);
      if (wasAnswered(k) || disposed) return 'answered';
      await deps.api.postFileKeys(e.blob_id, { context: e.context, keys: [{ blob_id: e.blob_id, context: e.context, user_id: e.user_id, key_id: theirs.key_id, wrapped }] });
    } catch {
      return 'failed';
    }
    markAnswered(k);
    return 'posted';
  }

  return {
    /** A key_request frame. Resolves when it was answered or let go (tests wait on it). */
    request(data: unknown): Promise<AnswerOutcome> {
      if (disposed || !validRequest(data)) return Promise.resolve('malformed');
      const e = data;
      if (e.user_id === deps.keyring()?.userId) return Promise.resolve('mine');
      const k = keyOf(e.blob_id, e.user_id, e.context);
      if (waiting.has(k)) return Promise.resolve('duplicate');
      if (wasAnswered(k)) return Promise.resolve('answered');
      return new Promise<AnswerOutcome>((resolve) => {
        const timer = t.set(() => {
          waiting.delete(k);
          void answer(e, k).then(resolve, () => resolve('failed'));
        }, Math.floor(random() * ANSWER_JITTER_MS));
        waiting.set(k, timer);
      });
    },
    /** A key_shared frame: those it names hold the key now; waiting answers to them stop. */
    shared(data: unknown) {
      if (!validShared(data)) return;
      for (const u of data.user_ids) markAnswered(keyOf(data.blob_id, u, data.context));
    },
    dispose() {
      disposed = true;
      for (const timer of waiting.values()) t.clear(timer);
      waiting.clear();
    },
  };
}

// ---------------------------------------------------------------- the requester

/** Where a request for one file's key stands. */
export type RequestPhase =
  | 'asking' // asked, waiting for a member to answer (正在向群成员请求密钥…)
  | 'received' // my key of it arrived: open it again
  | 'unanswered' // no member answered in time (暂无在线成员可共享密钥，稍后再试)
  | 'failed'; // the server refused the request; `error` says why

export interface RequestState {
  phase: RequestPhase;
  error?: unknown;
}

export interface RequesterDeps extends Timers {
  /** POST /files/{id}/key-requests. */
  ask(blobId: string, context: string): Promise<void>;
  /** Whether my keys of the file open now: forgets what is cached and unwraps afresh. */
  check(blobId: string, context: string): Promise<boolean>;
}

interface Entry {
  context: string;
  state: RequestState;
  listeners: Set<(s: RequestState) => void>;
  timers: unknown[];
  run: number;
}

export type Requester = ReturnType<typeof createRequester>;

export function createRequester(deps: RequesterDeps) {
  const t = timers(deps);
  const entries = new Map<string, Entry>();
  let disposed = false;

  function set(id: string, e: Entry, state: RequestState) {
    e.state = state;
    if (state.phase !== 'asking') stop(e);
    e.listeners.forEach((fn) => fn(state));
    if (state.phase === 'received') entries.delete(id); // asked again if it ever fails again
  }
  function stop(e: Entry) {
    for (const x of e.timers) t.clear(x);
    e.timers = [];
  }

  /** Looks for the key; received when it opens, or unanswered after the last look. */
  async function look(id: string, e: Entry, run: number, last: boolean) {
    let ok = false;
    try {
      ok = await deps.check(id, e.context);
    } catch {
      ok = false;
    }
    if (disposed || e.run !== run || e.state.phase !== 'asking') return;
    if (ok) set(id, e, { phase: 'received' });
    else if (last) set(id, e, { phase: 'unanswered' });
  }

  async function start(id: string, e: Entry) {
    const run = ++e.run;
    stop(e);
    set(id, e, { phase: 'asking' });
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.ask(id, e.context);
        break;
      } catch (err) {
        if (disposed || e.run !== run) return;
        if (err instanceof ApiError && err.code === 'conflict') {
          // The server says I hold it already: it arrived between the open and the ask.
          void look(id, e, run, true);
          return;
        }
        if (err instanceof ApiError && err.code === 'rate_limited' && attempt < RATE_LIMIT_TRIES) {
          await new Promise<void>((resolve) => e.timers.push(t.set(resolve, Math.max(1, err.retryAfter ?? 2) * 1000)));
          if (disposed || e.run !== run) return;
          continue;
        }
        set(id, e, { phase: 'failed', error: err });
        return;
      }
    }
    if (disposed || e.run !== run) return;
    POLL_AT_MS.forEach((ms, i) => e.timers.push(t.set(() => void look(id, e, run, i === POLL_AT_MS.length - 1), ms)));
  }

  function entry(id: string, context: string): Entry {
    let e = entries.get(id);
    if (!e) {
      e = { context, state: { phase: 'asking' }, listeners: new Set(), timers: [], run: 0 };
      entries.set(id, e);
      void start(id, e);
    }
    return e;
  }

  return {
    /** Asks for the file's key once (a second call while it stands answers its state). */
    ask(blobId: string, context: string): RequestState {
      if (disposed) return { phase: 'failed' };
      return entry(blobId, context).state;
    },
    state: (blobId: string): RequestState | undefined => entries.get(blobId)?.state,
    /** 重试: asks again. */
    retry(blobId: string, context: string) {
      const e = entries.get(blobId);
      if (!e) {
        entry(blobId, context);
        return;
      }
      e.context = context;
      void start(blobId, e);
    },
    subscribe(blobId: string, fn: (s: RequestState) => void): () => void {
      const e = entries.get(blobId);
      if (!e) return () => undefined;
      e.listeners.add(fn);
      return () => e.listeners.delete(fn);
    },
    /** A key_shared frame: if it names me, look at once. */
    shared(data: unknown, me: number) {
      if (!validShared(data) || !data.user_ids.includes(me)) return;
      const e = entries.get(data.blob_id);
      if (!e || (e.state.phase !== 'asking' && e.state.phase !== 'unanswered')) return;
      // Given up on already: looking once more is the last look.
      const late = e.state.phase === 'unanswered';
      if (late) set(data.blob_id, e, { phase: 'asking' });
      void look(data.blob_id, e, e.run, late);
    },
    dispose() {
      disposed = true;
      for (const e of entries.values()) {
        stop(e);
        e.listeners.clear();
      }
      entries.clear();
    },
  };
}

// ---------------------------------------------------------------- the wiring

/** POST /files/{id}/key-requests. */
export async function requestFileKey(request: Request, blobId: string, context: string): Promise<void> {
  await request<FileKeyRequestResult>('POST', `/files/${encodeURIComponent(blobId)}/key-requests`, { context });
}

/** What the responder and requester read of the opener (open.ts). */
export interface ReshareOpener {
  keys(blobId: string, context?: string): Promise<UnwrappedKeys>;
  forget(blobId: string): void;
}

export interface ReshareDeps extends Timers {
  request: Request;
  keyring: () => Pick<Keyring, 'userId' | 'privateKey' | 'changedKeys' | 'publicKeys'> | undefined;
  /** Colleagues' public keys asked of the server, not the cache (keyring-impl). */
  freshPublicKeys?: (userIds: number[]) => Promise<Map<number, UserKey>>;
  api: Pick<FilesApi, 'postFileKeys'>;
  crypto: ResponderDeps['crypto'];
  random?: () => number;
  now?: () => number;
}

export type Reshare = ReturnType<typeof createReshare>;

/** Both halves for one signed-in person; the opener of the files view is attached when it exists. */
export function createReshare(deps: ReshareDeps) {
  let opener: ReshareOpener | undefined;
  const noOpener = () => Promise.reject(new Error('reshare: no opener yet'));
  const responder = createResponder({
    ...deps,
    keyring: deps.keyring,
    keys: (blobId, context) => (opener ? opener.keys(blobId, context) : noOpener()),
    async publicKeys(ids, fresh) {
      const kr = deps.keyring();
      if (!kr) return new Map();
      return fresh && deps.freshPublicKeys ? deps.freshPublicKeys(ids) : kr.publicKeys(ids);
    },
  });
  const requester = createRequester({
    ...deps,
    ask: (blobId, context) => requestFileKey(deps.request, blobId, context),
    async check(blobId, context) {
      if (!opener) return false;
      opener.forget(blobId);
      await opener.keys(blobId, context);
      return true;
    },
  });
  return {
    requester,
    /** Handles key_request and key_shared frames; false for any other. */
    frame(f: { type: string; data?: unknown }): boolean {
      if (f.type === 'key_request') {
        void responder.request(f.data);
        return true;
      }
      if (f.type === 'key_shared') {
        responder.shared(f.data);
        const me = deps.keyring()?.userId;
        if (me !== undefined) requester.shared(f.data, me);
        return true;
      }
      return false;
    },
    /** The files view's opener: its keys are cached and batched. Answers the detach. */
    attach(o: ReshareOpener): () => void {
      opener = o;
      return () => {
        if (opener === o) opener = undefined;
      };
    },
    dispose() {
      responder.dispose();
      requester.dispose();
    },
  };
}
