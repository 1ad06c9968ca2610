import { describe, expect, it, vi } from 'vitest';
import { createRequest } from '../api';
import { err, fakeFetch } from '../testing';
import { fromBase64Url, toBase64Url } from './base64url';
import {
  disablePush,
  enablePush,
  forgetPush,
  listenForNavigation,
  navigationPath,
  NAVIGATE_MESSAGE,
  PushError,
  pushState,
  refreshPush,
  REFRESH_MS,
  type NotificationLike,
  type PushDeps,
  type PushManagerLike,
  type SubscriptionLike,
} from './client';

// A P-256 public key as the server sends it (65 bytes, uncompressed, base64url).
const KEY_BYTES = new Uint8Array(65).map((_, i) => (i === 0 ? 4 : (i * 37) % 256));
const KEY = toBase64Url(KEY_BYTES);
const OTHER_KEY = toBase64Url(new Uint8Array(65).map((_, i) => (i === 0 ? 4 : (i * 11) % 256)));

function storage() {
  const data = new Map<string, string>();
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
}

class FakeSub implements SubscriptionLike {
  unsubscribed = false;
  constructor(
    readonly endpoint: string,
    key: string,
    private readonly pm: FakePushManager,
  ) {
    this.options = { applicationServerKey: fromBase64Url(key).buffer };
  }
  options: { applicationServerKey: ArrayBuffer | null };
  toJSON(): PushSubscriptionJSON {
    return { endpoint: this.endpoint, keys: { p256dh: 'BPUB', auth: 'AUTH' } };
  }
  async unsubscribe() {
    this.unsubscribed = true;
    if (this.pm.sub === this) this.pm.sub = null;
    return true;
  }
}

class FakePushManager implements PushManagerLike {
  sub: FakeSub | null = null;
  n = 0;
  subscribed: BufferSource[] = [];
  async getSubscription() {
    return this.sub;
  }
  async subscribe(opts: { userVisibleOnly: boolean; applicationServerKey: BufferSource }) {
    expect(opts.userVisibleOnly).toBe(true);
    this.subscribed.push(opts.applicationServerKey);
    this.sub = new FakeSub(`https://push.example/ep/${++this.n}`, toBase64Url(opts.applicationServerKey as Uint8Array), this);
    return this.sub;
  }
}

function fakeNotification(permission: NotificationPermission, answer: NotificationPermission = 'granted'): NotificationLike & { asked: number } {
  const n = {
    permission,
    asked: 0,
    async requestPermission() {
      n.asked++;
      n.permission = answer;
      return answer;
    },
  };
  return n;
}

function setup(opts: { permission?: NotificationPermission; answer?: NotificationPermission; key?: string; noWorker?: boolean; now?: number } = {}) {
  const pm = new FakePushManager();
  let key = opts.key ?? KEY;
  const net = fakeFetch({
    'GET /api/v1/push/key': () => ({ status: 200, body: { public_key: key } }),
    'POST /api/v1/push/subscriptions': () => ({ status: 204 }),
    'DELETE /api/v1/push/subscriptions': () => ({ status: 204 }),
  });
  let now = opts.now ?? 1_000_000;
  const deps: PushDeps = {
    request: createRequest(net.fetch),
    notification: fakeNotification(opts.permission ?? 'default', opts.answer),
    pushManager: async () => (opts.noWorker ? undefined : pm),
    storage: storage(),
    now: () => now,
  };
  const calls = (m: string) => net.calls.filter((c) => `${c.method} ${c.url}` === m);
  return { pm, deps, net, calls, setKey: (k: string) => void (key = k), advance: (ms: number) => void (now += ms) };
}

describe('enablePush', () => {
  it('asks for permission, subscribes with the server key and posts the subscription', async () => {
    const s = setup();
    const st = await enablePush(s.deps, 7);
    expect(st).toEqual({ kind: 'on', endpoint: 'https://push.example/ep/1' });
    expect((s.deps.notification as unknown as { asked: number }).asked).toBe(1);
    expect([...(s.pm.subscribed[0] as Uint8Array)]).toEqual([...KEY_BYTES]);
    expect(s.calls('POST /api/v1/push/subscriptions').map((c) => c.body)).toEqual([
      { endpoint: 'https://push.example/ep/1', keys: { p256dh: 'BPUB', auth: 'AUTH' } },
    ]);
    expect(await pushState(s.deps, 7)).toEqual({ kind: 'on', endpoint: 'https://push.example/ep/1' });
    // Another person on the same browser has not turned it on.
    expect(await pushState(s.deps, 8)).toEqual({ kind: 'off' });
  });

  it('refuses when the browser says no, and says so', async () => {
    const denied = setup({ answer: 'denied' });
    await expect(enablePush(denied.deps, 7)).rejects.toEqual(new PushError('denied'));
    expect(await pushState(denied.deps, 7)).toEqual({ kind: 'denied' });
    const dismissed = setup({ answer: 'default' });
    await expect(enablePush(dismissed.deps, 7)).rejects.toMatchObject({ code: 'dismissed' });
    expect(dismissed.calls('POST /api/v1/push/subscriptions')).toEqual([]);
  });

  it('needs a service worker and a valid key', async () => {
    await expect(enablePush(setup({ permission: 'granted', noWorker: true }).deps, 7)).rejects.toMatchObject({ code: 'no_worker' });
    await expect(enablePush(setup({ permission: 'granted', key: 'not a key!' }).deps, 7)).rejects.toMatchObject({ code: 'bad_key' });
    await expect(enablePush(setup({ permission: 'granted', key: toBase64Url(new Uint8Array(32)) }).deps, 7)).rejects.toMatchObject({ code: 'bad_key' });
  });

  it('passes the server error through', async () => {
    const s = setup({ permission: 'granted' });
    s.deps.request = createRequest(fakeFetch({ 'GET /api/v1/push/key': () => ({ status: 503, body: err('unavailable') }) }).fetch);
    await expect(enablePush(s.deps, 7)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('replaces a subscription made with another key', async () => {
    const s = setup({ permission: 'granted' });
    const old = new FakeSub('https://push.example/old', OTHER_KEY, s.pm);
    s.pm.sub = old;
    await enablePush(s.deps, 7);
    expect(old.unsubscribed).toBe(true);
    expect(s.pm.sub?.endpoint).toBe('https://push.example/ep/1');
  });
});

describe('refreshPush', () => {
  it('does nothing while the subscription is unchanged and recent', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    s.advance(60_000);
    expect(await refreshPush(s.deps, 7)).toMatchObject({ kind: 'on' });
    expect(s.calls('POST /api/v1/push/subscriptions')).toHaveLength(1);
    s.advance(REFRESH_MS);
    await refreshPush(s.deps, 7);
    expect(s.calls('POST /api/v1/push/subscriptions')).toHaveLength(2);
  });

  it('re-subscribes and re-posts when the browser dropped the subscription or the endpoint changed', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    s.pm.sub = null; // the browser (or forgetPush on logout) dropped it
    expect(await refreshPush(s.deps, 7)).toEqual({ kind: 'on', endpoint: 'https://push.example/ep/2' });
    expect(s.calls('POST /api/v1/push/subscriptions').map((c) => (c.body as { endpoint: string }).endpoint)).toEqual([
      'https://push.example/ep/1',
      'https://push.example/ep/2',
    ]);
    expect(s.calls('DELETE /api/v1/push/subscriptions').map((c) => c.body)).toEqual([{ endpoint: 'https://push.example/ep/1' }]);
  });

  it('re-subscribes when the server key changed', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    s.setKey(OTHER_KEY);
    await refreshPush(s.deps, 7);
    expect(s.pm.sub?.endpoint).toBe('https://push.example/ep/2');
    expect(s.calls('POST /api/v1/push/subscriptions')).toHaveLength(2);
  });

  it('removes a subscription this person never asked for', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    const left = s.pm.sub!;
    expect(await refreshPush(s.deps, 8)).toEqual({ kind: 'off' });
    expect(left.unsubscribed).toBe(true);
    expect(s.calls('DELETE /api/v1/push/subscriptions').map((c) => c.body)).toEqual([{ endpoint: left.endpoint }]);
  });

  it('forgets the choice when the permission was taken back, and never throws', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    (s.deps.notification as { permission: NotificationPermission }).permission = 'denied';
    expect(await refreshPush(s.deps, 7)).toEqual({ kind: 'denied' });
    (s.deps.notification as { permission: NotificationPermission }).permission = 'granted';
    expect(await pushState(s.deps, 7)).toEqual({ kind: 'off' });
    s.deps.pushManager = () => Promise.reject(new Error('boom'));
    expect(await refreshPush(s.deps, 7)).toEqual({ kind: 'off' });
  });
});

describe('disablePush and forgetPush', () => {
  it('disable: the server forgets the device, the browser unsubscribes, the choice is dropped', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    const sub = s.pm.sub!;
    expect(await disablePush(s.deps, 7)).toEqual({ kind: 'off' });
    expect(sub.unsubscribed).toBe(true);
    expect(s.calls('DELETE /api/v1/push/subscriptions').map((c) => c.body)).toEqual([{ endpoint: sub.endpoint }]);
    expect(await refreshPush(s.deps, 7)).toEqual({ kind: 'off' });
    expect(s.pm.sub).toBeNull();
  });

  it('logout: unsubscribes even when the server fails, keeps the choice for the next login', async () => {
    const s = setup({ permission: 'granted' });
    await enablePush(s.deps, 7);
    const sub = s.pm.sub!;
    const failing = createRequest(fakeFetch({ 'DELETE /api/v1/push/subscriptions': () => new TypeError('offline') }).fetch);
    await forgetPush({ ...s.deps, request: failing });
    expect(sub.unsubscribed).toBe(true);
    // Logging in again here re-subscribes.
    expect(await refreshPush(s.deps, 7)).toMatchObject({ kind: 'on' });
  });

  it('logout is never held up for long', async () => {
    vi.useFakeTimers();
    try {
      const s = setup({ permission: 'granted' });
      s.pm.sub = new FakeSub('https://push.example/x', KEY, s.pm);
      const hanging = (() => new Promise(() => {})) as unknown as PushDeps['request'];
      let done = false;
      void forgetPush({ ...s.deps, request: hanging }).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(3_100);
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('navigation requests from the service worker', () => {
  const O = 'https://chat.example.gov.cn';

  it('accepts only same-origin app paths', () => {
    expect(navigationPath({ type: NAVIGATE_MESSAGE, path: '/c/12' }, O)).toBe('/c/12');
    expect(navigationPath({ type: NAVIGATE_MESSAGE, path: `${O}/notices/7` }, O)).toBe('/notices/7');
    expect(navigationPath({ type: NAVIGATE_MESSAGE, path: 'https://evil.example/c/1' }, O)).toBeUndefined();
    expect(navigationPath({ type: NAVIGATE_MESSAGE, path: '/api/v1/logout' }, O)).toBeUndefined();
    expect(navigationPath({ type: 'other', path: '/c/1' }, O)).toBeUndefined();
    expect(navigationPath('/c/1', O)).toBeUndefined();
  });

  it('routes the page and answers the worker', () => {
    const target = new EventTarget();
    const navigate = vi.fn();
    const stop = listenForNavigation(navigate, target as unknown as Parameters<typeof listenForNavigation>[1], O);
    const answered: unknown[] = [];
    const port = { postMessage: (m: unknown) => answered.push(m) };
    const send = (data: unknown, origin = O) => target.dispatchEvent(Object.assign(new Event('message'), { data, origin, ports: [port] }));
    send({ type: NAVIGATE_MESSAGE, path: '/c/12' });
    expect(navigate).toHaveBeenCalledWith({ section: 'channels', channelId: 12 }, '/c/12');
    expect(answered).toEqual([{ type: 'govchat:navigated', path: '/c/12' }]);
    send({ type: NAVIGATE_MESSAGE, path: '/c/13' }, 'https://evil.example');
    send({ type: NAVIGATE_MESSAGE, path: 'https://evil.example/c/13' });
    expect(navigate).toHaveBeenCalledTimes(1);
    stop();
    send({ type: NAVIGATE_MESSAGE, path: '/notices/7' });
    expect(navigate).toHaveBeenCalledTimes(1);
  });
});

describe('a push service out of reach', () => {
  it('says so instead of a bare error', async () => {
    const s = setup({ permission: 'granted' });
    s.pm.subscribe = () => Promise.reject(new DOMException('Registration failed - push service error', 'AbortError'));
    await expect(enablePush(s.deps, 7)).rejects.toEqual(new PushError('push_service'));
    expect(s.calls('POST /api/v1/push/subscriptions')).toEqual([]);
    expect(await pushState(s.deps, 7)).toEqual({ kind: 'off' });
  });
});
