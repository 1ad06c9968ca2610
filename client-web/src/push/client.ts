// Web Push on this device: ask for permission (only when the person asks for it), subscribe
// with the server's VAPID key, tell the server, keep that subscription fresh, and drop it on
// logout. The service worker (public/sw.js) shows what arrives.
//
// The person's choice is remembered per user on this device (localStorage
// govchat.push.<user id>), with the endpoint and key last sent to the server:
//
//   enablePush    permission → GET /push/key → subscribe → POST /push/subscriptions → remembered
//   refreshPush   after login: re-subscribes / re-POSTs when the browser's subscription or
//                 the server's key changed (or a week has passed); removes a subscription this
//                 person did not ask for (one left behind by someone whose session expired)
//   disablePush   DELETE /push/subscriptions + unsubscribe(); forgotten
//   forgetPush    on logout: DELETE + unsubscribe(), the choice kept, so the same person
//                 logging in here again gets pushes again
//
// Several devices per person are fine: each browser has its own endpoint.

import { createRequest, type Request } from '../api';
import { browserStorage } from '../i18n';
import { parseRoute, type Route } from '../router';
import { fromBase64Url, toBase64Url } from './base64url';

export interface SubscriptionLike {
  endpoint: string;
  options?: { applicationServerKey: ArrayBuffer | null };
  toJSON(): PushSubscriptionJSON;
  unsubscribe(): Promise<boolean>;
}

export interface PushManagerLike {
  getSubscription(): Promise<SubscriptionLike | null>;
  subscribe(opts: { userVisibleOnly: boolean; applicationServerKey: BufferSource }): Promise<SubscriptionLike>;
}

export interface NotificationLike {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PushDeps {
  request: Request;
  /** The active service worker's push manager; undefined where there is none. */
  pushManager: () => Promise<PushManagerLike | undefined>;
  /** The Notification API; undefined where unsupported. */
  notification?: NotificationLike;
  storage?: StorageLike;
  now?: () => number;
}

/** What the settings page shows for this device. */
export type PushState =
  | { kind: 'unsupported' }
  | { kind: 'denied' }
  | { kind: 'off' }
  | { kind: 'on'; endpoint: string };

/** Why enabling failed, beside the server's errors (which come through as ApiError). */
export class PushError extends Error {
  constructor(readonly code: 'unsupported' | 'denied' | 'dismissed' | 'no_worker' | 'bad_key' | 'push_service') {
    super(code);
    this.name = 'PushError';
  }
}

interface Remembered {
  endpoint: string;
  key: string;
  at: number;
}

/** A subscription re-sent at least this often, so the server's copy never goes stale. */
export const REFRESH_MS = 7 * 24 * 3600 * 1000;
/** How long to wait for the service worker before giving up (none in `vite` dev). */
export const WORKER_WAIT_MS = 10_000;
/** Logout waits at most this long for the server to forget this device. */
export const FORGET_WAIT_MS = 3_000;

const storageKey = (userId: number) => `govchat.push.${userId}`;

function load(deps: PushDeps, userId: number): Remembered | undefined {
  try {
    const raw = deps.storage?.getItem(storageKey(userId));
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Partial<Remembered>;
    return typeof v.endpoint === 'string' && typeof v.key === 'string' ? { endpoint: v.endpoint, key: v.key, at: Number(v.at) || 0 } : undefined;
  } catch {
    return undefined;
  }
}

function save(deps: PushDeps, userId: number, r: Remembered | undefined) {
  try {
    if (r) deps.storage?.setItem(storageKey(userId), JSON.stringify(r));
    else deps.storage?.removeItem(storageKey(userId));
  } catch {
    /* storage disabled by policy: the choice lasts for this page */
  }
}

function timeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const id = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(id);
        resolve(v);
      },
      (e) => {
        clearTimeout(id);
        reject(e);
      },
    );
  });
}

/** The browser's own objects, where it has them. */
export function browserPushDeps(request: Request = createRequest()): PushDeps {
  const hasNotification = typeof Notification !== 'undefined';
  return {
    request,
    notification: hasNotification ? Notification : undefined,
    storage: browserStorage(),
    async pushManager() {
      if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || typeof PushManager === 'undefined') return undefined;
      const reg = await timeout(navigator.serviceWorker.ready, WORKER_WAIT_MS, undefined);
      return reg?.pushManager;
    },
  };
}

/** Whether this browser can do Web Push at all (iOS Safari only as an installed app; never on plain http away from localhost). */
export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext !== false &&
    typeof Notification !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof PushManager !== 'undefined'
  );
}

function keyOf(sub: SubscriptionLike): string | undefined {
  const k = sub.options?.applicationServerKey;
  return k ? toBase64Url(k) : undefined;
}

async function serverKey(deps: PushDeps): Promise<{ text: string; bytes: Uint8Array<ArrayBuffer> }> {
  const res = await deps.request<{ public_key: string }>('GET', '/push/key');
  try {
    const bytes = fromBase64Url(res.public_key);
    // An uncompressed P-256 point: 65 bytes starting with 4.
    if (bytes.length !== 65 || bytes[0] !== 4) throw new Error('bad key');
    return { text: toBase64Url(bytes), bytes };
  } catch {
    throw new PushError('bad_key');
  }
}

/** Subscribes with the server's key (replacing a subscription made with another key) and sends it. */
async function subscribeAndSend(deps: PushDeps, userId: number, pm: PushManagerLike, force: boolean): Promise<SubscriptionLike> {
  const key = await serverKey(deps);
  let sub = await pm.getSubscription();
  const had = load(deps, userId);
  if (sub && keyOf(sub) !== undefined && keyOf(sub) !== key.text) {
    await sub.unsubscribe().catch(() => false);
    sub = null;
  }
  if (!sub) {
    try {
      sub = await pm.subscribe({ userVisibleOnly: true, applicationServerKey: key.bytes });
    } catch {
      // The browser could not register with its push service (Chrome's is Google's FCM,
      // out of reach on many networks in China; Edge uses Microsoft's, Firefox Mozilla's).
      throw new PushError('push_service');
    }
  }
  const now = (deps.now ?? Date.now)();
  const stale = !had || had.endpoint !== sub.endpoint || had.key !== key.text || now - had.at >= REFRESH_MS;
  if (force || stale) {
    await deps.request('POST', '/push/subscriptions', sub.toJSON());
    // A replaced endpoint is dropped on the server too (it would fail there anyway).
    if (had && had.endpoint !== sub.endpoint) await deps.request('DELETE', '/push/subscriptions', { endpoint: had.endpoint }).catch(() => undefined);
    save(deps, userId, { endpoint: sub.endpoint, key: key.text, at: now });
  }
  return sub;
}

/** This device's state for the person. */
export async function pushState(deps: PushDeps, userId: number): Promise<PushState> {
  if (!deps.notification) return { kind: 'unsupported' };
  if (deps.notification.permission === 'denied') return { kind: 'denied' };
  const pm = await deps.pushManager().catch(() => undefined);
  if (!pm) return { kind: 'unsupported' };
  const had = load(deps, userId);
  if (!had || deps.notification.permission !== 'granted') return { kind: 'off' };
  const sub = await pm.getSubscription().catch(() => null);
  return sub ? { kind: 'on', endpoint: sub.endpoint } : { kind: 'off' };
}

/**
 * Turns pushes on for this device: asks for permission first (call it straight from a
 * click, before anything else awaits, so the browser sees the gesture), then subscribes
 * and tells the server. Throws PushError or the server's ApiError.
 */
export async function enablePush(deps: PushDeps, userId: number): Promise<PushState> {
  const n = deps.notification;
  if (!n) throw new PushError('unsupported');
  let permission = n.permission;
  if (permission === 'default') permission = await n.requestPermission();
  if (permission === 'denied') throw new PushError('denied');
  if (permission !== 'granted') throw new PushError('dismissed');
  const pm = await deps.pushManager();
  if (!pm) throw new PushError('no_worker');
  const sub = await subscribeAndSend(deps, userId, pm, true);
  return { kind: 'on', endpoint: sub.endpoint };
}

/** Turns pushes off for this device: the server forgets it, the browser unsubscribes. */
export async function disablePush(deps: PushDeps, userId: number): Promise<PushState> {
  save(deps, userId, undefined);
  await dropSubscription(deps);
  return deps.notification?.permission === 'denied' ? { kind: 'denied' } : { kind: 'off' };
}

async function dropSubscription(deps: PushDeps): Promise<void> {
  const pm = await deps.pushManager().catch(() => undefined);
  const sub = await pm?.getSubscription().catch(() => null);
  if (!sub) return;
  // Unsubscribing kills the endpoint at the push service even if the DELETE fails: the
  // server then hears 404/410 on its next push and drops it.
  await deps.request('DELETE', '/push/subscriptions', { endpoint: sub.endpoint }).catch(() => undefined);
  await sub.unsubscribe().catch(() => false);
}

/**
 * After login: keeps the server's copy of this device's subscription current, re-subscribing
 * when the browser dropped it or the server's key changed. A subscription this person never
 * asked for (left by someone else whose session ended without a logout) is removed, so their
 * pushes stop arriving here. Never throws.
 */
export async function refreshPush(deps: PushDeps, userId: number): Promise<PushState> {
  try {
    const n = deps.notification;
    if (!n) return { kind: 'unsupported' };
    const had = load(deps, userId);
    const pm = await deps.pushManager();
    if (!pm) return { kind: 'unsupported' };
    if (!had || n.permission !== 'granted') {
      if (had) save(deps, userId, undefined); // permission taken back in the browser
      const stray = await pm.getSubscription();
      if (stray) await dropSubscription(deps);
      return n.permission === 'denied' ? { kind: 'denied' } : { kind: 'off' };
    }
    const sub = await subscribeAndSend(deps, userId, pm, false);
    return { kind: 'on', endpoint: sub.endpoint };
  } catch {
    return { kind: 'off' };
  }
}

/** Asks the server to send a test push to every device of mine; says to how many. */
export async function sendTestPush(request: Request): Promise<{ queued?: number } | undefined> {
  return request<{ queued?: number } | undefined>('POST', '/push/test');
}

/**
 * On logout, before the session ends (the DELETE needs it): the server forgets this
 * device's subscription and the browser unsubscribes. Resolves within FORGET_WAIT_MS
 * whatever happens, never rejects, so logout is never held up.
 */
export async function forgetPush(deps: Partial<PushDeps> = {}): Promise<void> {
  const d: PushDeps = { ...browserPushDeps(deps.request), ...deps };
  await timeout(
    dropSubscription(d).catch(() => undefined),
    FORGET_WAIT_MS,
    undefined,
  );
}

// ---- the service worker's request to open a path in this page ----

/** The message public/sw.js posts to a window when a notification is clicked. */
export const NAVIGATE_MESSAGE = 'govchat:navigate';

/** A same-origin app path from the worker's message, or undefined. */
export function navigationPath(data: unknown, origin: string): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { type?: unknown; path?: unknown };
  if (d.type !== NAVIGATE_MESSAGE || typeof d.path !== 'string') return undefined;
  try {
    const u = new URL(d.path, origin);
    if (u.origin !== origin || u.pathname.startsWith('/api/')) return undefined;
    return u.pathname;
  } catch {
    return undefined;
  }
}

interface MessageSource {
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

/**
 * Routes the page when the service worker asks (a notification was clicked while the app
 * was open): calls navigate with the route of the path, and answers the worker so it does
 * not fall back to reloading the window. Returns a function that stops listening.
 */
export function listenForNavigation(
  navigate: (route: Route, path: string) => void,
  source: MessageSource | undefined = typeof navigator !== 'undefined' && 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
  origin: string = typeof location !== 'undefined' ? location.origin : '',
): () => void {
  if (!source) return () => {};
  const onMessage = (e: MessageEvent) => {
    if (e.origin && e.origin !== origin) return;
    const path = navigationPath(e.data, origin);
    if (!path) return;
    navigate(parseRoute(path), path);
    e.ports?.[0]?.postMessage({ type: 'govchat:navigated', path });
  };
  source.addEventListener('message', onMessage);
  return () => source.removeEventListener('message', onMessage);
}
