// The service worker's push handling (public/sw-push.js and the push / notificationclick
// listeners of public/sw.js), run here on a fake worker global. The browser test
// (e2e/push.test.mjs) runs the same files in Chromium.

import { describe, expect, it, vi } from 'vitest';
import pushSource from '../../public/sw-push.js?raw';
import swSource from '../../public/sw.js?raw';

const ORIGIN = 'https://chat.example.gov.cn';

interface Shown {
  title: string;
  options: NotificationOptions & { renotify?: boolean; vibrate?: number[]; timestamp?: number };
}

type Api = {
  notificationFor(data: unknown, origin: string): Shown;
  targetOf(data: unknown, origin: string): string;
  safePath(url: unknown, origin: string): string;
};

function loadPushModule(): Api {
  const self: Record<string, unknown> = {};
  new Function('self', pushSource)(self);
  return self.GovchatPush as Api;
}

/** A PushMessageData-like body. */
function data(v: unknown) {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return { text: () => text, json: () => JSON.parse(text) };
}

describe('sw-push.js: a payload as a notification', () => {
  const P = loadPushModule();

  it('shows the title, body and tag, keeps the url as data, and renotifies for the same tag', () => {
    const n = P.notificationFor(data({ kind: 'mention', title: '办公室工作群', body: '王建国：@周海燕 请下午三点前报送', url: '/c/12', tag: 'c12', urgent: false }), ORIGIN);
    expect(n.title).toBe('办公室工作群');
    expect(n.options.body).toBe('王建国：@周海燕 请下午三点前报送');
    expect(n.options.tag).toBe('c12');
    expect(n.options.renotify).toBe(true);
    expect(n.options.requireInteraction).toBe(false);
    expect(n.options.data).toEqual({ url: '/c/12', kind: 'mention' });
    expect(n.options.icon).toBe('/icons/icon-192.png');
    expect(n.options.badge).toBe('/icons/badge-96.png');
    expect(n.options.lang).toBe('zh-CN');
  });

  it('keeps an urgent one on screen until acted on', () => {
    const n = P.notificationFor(data({ kind: 'escalation', title: '紧急通知', body: '防汛', url: '/notices/7', tag: 'n7', urgent: true }), ORIGIN);
    expect(n.options.requireInteraction).toBe(true);
    expect(n.options.vibrate).toBeDefined();
    expect(n.options.data).toEqual({ url: '/notices/7', kind: 'escalation' });
  });

  it('never throws: no data, not JSON, JSON of the wrong shape all show 您有新消息', () => {
    for (const d of [null, undefined, data('not json {'), data('[1,2]'), data('"text"'), data('null'), data({ title: 42, body: {} }), { json: () => { throw new Error('x'); } }]) {
      const n = P.notificationFor(d, ORIGIN);
      expect(n.title).toBe('govchat');
      expect(n.options.body).toBe('您有新消息');
      expect(n.options.data).toEqual({ url: '/', kind: 'message' });
      expect(n.options.tag).toBeUndefined();
      expect(n.options.renotify).toBeUndefined(); // renotify without a tag makes showNotification throw
    }
  });

  it('writes the digest from its counts when it has no body', () => {
    const n = P.notificationFor(data({ kind: 'digest', title: '上班前的新消息', url: '/', tag: 'digest', counts: { notices: 2, mentions: 1, messages: 15 } }), ORIGIN);
    expect(n.options.body).toBe('2 条通知待确认，1 条@我的消息，15 条新消息');
    const none = P.notificationFor(data({ kind: 'digest', title: 'x', counts: { notices: 0, mentions: -1, messages: 'many' } }), ORIGIN);
    expect(none.options.body).toBe('您有新消息');
  });

  it('trims over-long texts', () => {
    const n = P.notificationFor(data({ title: '标'.repeat(500), body: '文 \n\n'.repeat(1000) }), ORIGIN);
    expect([...n.title].length).toBeLessThanOrEqual(120);
    expect([...(n.options.body ?? '')].length).toBeLessThanOrEqual(400);
    expect(n.options.body).not.toMatch(/\n/);
  });

  it('opens only paths of the app itself', () => {
    const cases: [unknown, string][] = [
      ['/c/12', '/c/12'],
      ['/notices/7', '/notices/7'],
      ['/notices/channel/3?x=1#m', '/notices/channel/3?x=1#m'],
      [`${ORIGIN}/c/5`, '/c/5'],
      ['https://evil.example/c/5', '/'],
      ['//evil.example/c/5', '/'],
      ['javascript:alert(1)', '/'],
      ['data:text/html,hi', '/'],
      ['/api/v1/logout', '/'],
      ['', '/'],
      [42, '/'],
      [undefined, '/'],
    ];
    for (const [url, want] of cases) expect(P.safePath(url, ORIGIN), String(url)).toBe(want);
    expect(P.targetOf({ url: '/c/9' }, ORIGIN)).toBe('/c/9');
    expect(P.targetOf(null, ORIGIN)).toBe('/');
    expect(P.targetOf('/c/9', ORIGIN)).toBe('/');
  });
});

// ---- sw.js's listeners on a fake worker ----

interface FakeWindow {
  url: string;
  focused: boolean;
  visibilityState: string;
  focus: ReturnType<typeof vi.fn>;
  navigate: ReturnType<typeof vi.fn>;
  postMessage: ReturnType<typeof vi.fn>;
}

function fakeWindow(url: string, opts: { answers?: boolean; focused?: boolean; focusThrows?: boolean } = {}): FakeWindow {
  return {
    url,
    focused: opts.focused ?? false,
    visibilityState: 'visible',
    focus: vi.fn(async () => {
      if (opts.focusThrows) throw new Error('InvalidAccessError: not allowed to focus');
    }),
    navigate: vi.fn(async () => null),
    postMessage: vi.fn((msg: unknown, ports: MessagePort[]) => {
      if (opts.answers) ports[0]!.postMessage({ type: 'govchat:navigated', path: (msg as { path: string }).path });
    }),
  };
}

function bootWorker(windows: FakeWindow[] = []) {
  const listeners: Record<string, (e: unknown) => void> = {};
  const shown: Shown[] = [];
  let showFails = 0;
  const opened: string[] = [];
  const self: Record<string, unknown> = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] = fn),
    registration: {
      showNotification: vi.fn(async (title: string, options: Shown['options']) => {
        if (showFails > 0) {
          showFails--;
          throw new TypeError('bad option');
        }
        shown.push({ title, options });
      }),
    },
    clients: {
      matchAll: vi.fn(async () => windows),
      openWindow: vi.fn(async (u: string) => void opened.push(u)),
      claim: vi.fn(),
    },
    skipWaiting: vi.fn(),
  };
  const importScripts = (u: string) => {
    expect(u).toBe('/sw-push.js');
    new Function('self', pushSource)(self);
  };
  new Function('self', 'importScripts', 'caches', 'fetch', swSource)(self, importScripts, {}, vi.fn());
  const fire = async (type: string, ev: Record<string, unknown>) => {
    let waited: Promise<unknown> | undefined;
    listeners[type]!({ ...ev, waitUntil: (p: Promise<unknown>) => (waited = p) });
    await waited;
  };
  return {
    shown,
    opened,
    failNextShow: () => void (showFails = 1),
    push: (d: unknown) => fire('push', { data: d }),
    click: (d: unknown) => {
      const notification = { data: d, close: vi.fn() };
      return fire('notificationclick', { notification }).then(() => notification);
    },
  };
}

describe('sw.js: push and notificationclick', () => {
  it('shows a notification for each push, the generic one when the real one is refused', async () => {
    const w = bootWorker();
    await w.push(data({ kind: 'notice', title: '关于报送预算的通知', body: '请于周五前确认', url: '/notices/7', tag: 'n7', urgent: false }));
    expect(w.shown[0]!.title).toBe('关于报送预算的通知');
    w.failNextShow();
    await w.push(data({ kind: 'message', title: 't', body: 'b', tag: 'c1' }));
    expect(w.shown[1]!.options.body).toBe('您有新消息');
    await w.push(null);
    expect(w.shown[2]!.options.body).toBe('您有新消息');
  });

  it('a click closes the notification and has an open window route itself', async () => {
    const other = fakeWindow('https://elsewhere.example/');
    const app = fakeWindow(`${ORIGIN}/directory`, { answers: true, focusThrows: true });
    const w = bootWorker([other, app]);
    const n = await w.click({ url: '/c/12' });
    expect(n.close).toHaveBeenCalled();
    expect(app.focus).toHaveBeenCalled();
    expect(app.postMessage.mock.calls[0]![0]).toEqual({ type: 'govchat:navigate', path: '/c/12' });
    expect(app.navigate).not.toHaveBeenCalled();
    expect(other.postMessage).not.toHaveBeenCalled();
    expect(w.opened).toEqual([]);
  });

  it('prefers the focused window, and loads the path there when the page does not answer', async () => {
    vi.useFakeTimers();
    try {
      const a = fakeWindow(`${ORIGIN}/`);
      const b = fakeWindow(`${ORIGIN}/notices`, { focused: true });
      const w = bootWorker([a, b]);
      const done = w.click({ url: '/notices/7' });
      await vi.advanceTimersByTimeAsync(2000);
      await done;
      expect(b.postMessage).toHaveBeenCalled();
      expect(b.navigate).toHaveBeenCalledWith('/notices/7');
      expect(a.postMessage).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens a new window when none is open, and never another origin', async () => {
    const w = bootWorker([]);
    await w.click({ url: 'https://evil.example/c/1' });
    await w.click({ url: '/c/3' });
    expect(w.opened).toEqual(['/', '/c/3']);
  });
});
