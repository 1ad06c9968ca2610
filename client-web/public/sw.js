// govchat service worker: makes the installed web app open without a network. Plain JS,
// copied as it is to /sw.js (the server sends it with Cache-Control: no-cache, so a new
// release is picked up on the next visit) and registered by src/pwa.ts.
//
// What it does on fetch:
//   - never touches /api/ (REST and the WebSocket), any non-GET request, or other origins:
//     the browser handles those as if there were no worker — with one exception: a save of
//     a file (GET /api/v1/files/<blob>?purpose=save) is passed through unchanged and never
//     cached, only to note that the server allowed it (sw-download.js streams nothing else);
//   - /assets/* (Vite names them by content hash, so they never change): cache first;
//   - navigations: network first, and the last app page seen as the fallback when offline
//     (every client route is the same index.html), so the app opens and shows itself as
//     disconnected instead of the browser's error page;
//   - the few public files (favicon, manifest, icons): network first, cache as fallback.
//
// Push: the server's push worker decides what may be delivered and when (quiet hours,
// secrecy levels); this file shows it. sw-push.js (plain JS, imported below) turns the
// payload into a notification and a click into an app path:
//   - `push`: one notification per push; a bad payload still shows 您有新消息, never throws;
//   - `notificationclick`: closes it, then focuses an open app window and asks the page to
//     route to the path (message {type: 'govchat:navigate', path}, answered on the port it
//     carries; an unanswered request makes the window load the path instead), or opens a
//     new window at the path. Only same-origin app paths are ever opened;
//   - `pushsubscriptionchange`: subscribes again with the same key and tells the server.
//
// Downloads: a browser without a save picker saves a received file through this worker.
// The page decrypts the file and feeds the plaintext to sw-download.js (imported below),
// which answers a request for /dl/<random id> with that stream as an attachment:
//   - `message` {type: 'govchat:download'} with a port offers a download (single use);
//     {type: 'govchat:download-keepalive'} keeps the worker awake while one streams;
//   - fetch of /dl/<id>: the stream, or 404 for an id it was not offered.
//
// Bump VERSION when this file's caching changes: activate drops every other govchat cache.

importScripts('/sw-push.js', '/sw-download.js');

const VERSION = 'v2';
const PREFIX = 'govchat-';
const CACHE = `${PREFIX}${VERSION}`;
const APP_PAGE = '/';
const STATIC_FILES = [
  '/favicon.svg',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
  '/icons/badge-96.png',
];
// How long a window has to answer a navigate request before it is made to load the path.
const NAVIGATE_ANSWER_MS = 1500;
// Old hashed assets pile up release after release; keep at most this many.
const MAX_ASSETS = 80;

self.addEventListener('install', (event) => {
  event.waitUntil(precache().finally(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const saving = self.GovchatDownload.saveRequestBlob(url);
  if (saving) {
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok) self.GovchatDownload.allowSave(saving);
        return res;
      }),
    );
    return;
  }
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/dl/')) {
    event.respondWith(self.GovchatDownload.respond(url.pathname.slice(4)));
    return;
  }

  if (req.mode === 'navigate') {
    event.respondWith(navigation(req));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req));
  } else if (STATIC_FILES.includes(url.pathname)) {
    event.respondWith(networkFirst(req));
  }
  // Anything else (health checks, unknown files) goes to the network untouched.
});

/** Caches the app page, the assets it loads and the public files; a failure here is not fatal. */
async function precache() {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(APP_PAGE, { cache: 'no-cache' });
    if (isAppPage(res)) {
      const html = await res.clone().text();
      await cache.put(APP_PAGE, res);
      await cacheAll(cache, assetsIn(html));
    }
  } catch {
    /* offline while installing: the first navigation will fill the cache */
  }
  await cacheAll(cache, STATIC_FILES);
}

async function cacheAll(cache, urls) {
  await Promise.all(
    urls.map(async (u) => {
      try {
        const res = await fetch(u, { cache: 'no-cache' });
        if (res.ok) await cache.put(u, res);
      } catch {
        /* best effort */
      }
    }),
  );
}

/** The /assets/ files an app page refers to (its script, style sheets, preloads). */
function assetsIn(html) {
  const found = new Set();
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"?#]+)"/g)) found.add(m[1]);
  return [...found];
}

function isAppPage(res) {
  return res.ok && !res.redirected && (res.headers.get('Content-Type') || '').includes('text/html');
}

async function navigation(req) {
  try {
    const res = await fetch(req);
    if (isAppPage(res)) {
      const copy = res.clone();
      // Keep the newest app page, and the assets it needs, for the next offline start.
      caches
        .open(CACHE)
        .then(async (cache) => {
          const html = await copy.clone().text();
          await cache.put(APP_PAGE, copy);
          const missing = [];
          for (const a of assetsIn(html)) if (!(await cache.match(a))) missing.push(a);
          await cacheAll(cache, missing);
          await trimAssets(cache);
        })
        .catch(() => {});
    }
    return res;
  } catch (err) {
    const cached = await caches.match(APP_PAGE, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) cache.put(req, res.clone()).catch(() => {});
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(req, res.clone()).catch(() => {});
    return res;
  } catch (err) {
    const hit = await cache.match(req);
    if (hit) return hit;
    throw err;
  }
}

/** Drops the oldest cached assets beyond MAX_ASSETS (keys come back in insertion order). */
async function trimAssets(cache) {
  const assets = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
  await Promise.all(assets.slice(0, Math.max(0, assets.length - MAX_ASSETS)).map((r) => cache.delete(r)));
}

// ---- downloads (sw-download.js) ----

self.addEventListener('message', (event) => {
  const d = event.data;
  if (!d || typeof d !== 'object') return;
  // Only this site's own pages may offer a download.
  if (event.origin && event.origin !== self.location.origin) return;
  if (d.type === 'govchat:download') keep(event, self.GovchatDownload.accept(d, event.ports && event.ports[0]));
  else if (d.type === 'govchat:download-keepalive') keep(event, self.GovchatDownload.linger(15000));
});

// ---- push ----

/** event.waitUntil, tolerating events the worker dispatched to itself (tests, untrusted),
 * which may not extend their lifetime. */
function keep(event, promise) {
  try {
    event.waitUntil(promise);
  } catch {
    /* untrusted event: the promise runs anyway */
  }
  return promise;
}

self.addEventListener('push', (event) => {
  keep(event, showPush(event.data));
});

async function showPush(data) {
  const n = self.GovchatPush.notificationFor(data, self.location.origin);
  try {
    await self.registration.showNotification(n.title, n.options);
  } catch {
    // An option this browser refuses (or no permission any more): try the plain one.
    const f = self.GovchatPush.fallback();
    await self.registration.showNotification(f.title, f.options).catch(() => {});
  }
}

self.addEventListener('notificationclick', (event) => {
  const n = event.notification;
  n.close();
  keep(event, openApp(self.GovchatPush.targetOf(n.data, self.location.origin)));
});

/** Brings the app to the path: an open window routes itself; otherwise a new window. */
async function openApp(path) {
  const origin = self.location.origin;
  const wins = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((c) => {
    try {
      return new URL(c.url).origin === origin;
    } catch {
      return false;
    }
  });
  const win = wins.find((c) => c.focused) || wins.find((c) => c.visibilityState === 'visible') || wins[0];
  if (!win) {
    if (self.clients.openWindow) await self.clients.openWindow(path).catch(() => null);
    return;
  }
  // Focusing is allowed only in answer to a real click on the notification.
  await Promise.resolve()
    .then(() => win.focus())
    .catch(() => {});
  if (await askToRoute(win, path)) return;
  // No answer (an old page, or one still starting): load the path in that window.
  if (win.navigate) await win.navigate(path).catch(() => null);
}

/** Posts the navigate request; true when the page answered that it routed. */
function askToRoute(win, path) {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    const timer = setTimeout(() => resolve(false), NAVIGATE_ANSWER_MS);
    ch.port1.onmessage = () => {
      clearTimeout(timer);
      resolve(true);
    };
    try {
      win.postMessage({ type: 'govchat:navigate', path }, [ch.port2]);
    } catch {
      clearTimeout(timer);
      resolve(false);
    }
  });
}

self.addEventListener('pushsubscriptionchange', (event) => {
  keep(event, resubscribe(event.oldSubscription, event.newSubscription));
});

/** The browser replaced (or dropped) our subscription: subscribe again and tell the server.
 * Best effort; the page also re-checks after each login (src/push/client.ts refreshPush). */
async function resubscribe(oldSub, newSub) {
  try {
    let sub = newSub;
    if (!sub) {
      const key = oldSub && oldSub.options && oldSub.options.applicationServerKey;
      if (!key) return;
      sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    const json = { 'Content-Type': 'application/json' };
    await fetch('/api/v1/push/subscriptions', { method: 'POST', credentials: 'same-origin', headers: json, body: JSON.stringify(sub.toJSON()) });
    if (oldSub && oldSub.endpoint !== sub.endpoint) {
      await fetch('/api/v1/push/subscriptions', { method: 'DELETE', credentials: 'same-origin', headers: json, body: JSON.stringify({ endpoint: oldSub.endpoint }) });
    }
  } catch {
    /* logged out, offline: the next login sorts it out */
  }
}
