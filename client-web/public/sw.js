// govchat service worker: makes the installed web app open without a network. Plain JS,
// copied as it is to /sw.js (the server sends it with Cache-Control: no-cache, so a new
// release is picked up on the next visit) and registered by src/pwa.ts.
//
// What it does on fetch:
//   - never touches /api/ (REST and the WebSocket), any non-GET request, or other origins:
//     the browser handles those as if there were no worker;
//   - /assets/* (Vite names them by content hash, so they never change): cache first;
//   - navigations: network first, and the last app page seen as the fallback when offline
//     (every client route is the same index.html), so the app opens and shows itself as
//     disconnected instead of the browser's error page;
//   - the few public files (favicon, manifest, icons): network first, cache as fallback.
//
// Push (the `push` event) and `notificationclick` come with the quiet-hours issue: the
// push worker decides what may be delivered and when, and this file then shows it.
//
// Bump VERSION when this file's caching changes: activate drops every other govchat cache.

const VERSION = 'v1';
const PREFIX = 'govchat-';
const CACHE = `${PREFIX}${VERSION}`;
const APP_PAGE = '/';
const STATIC_FILES = ['/favicon.svg', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png', '/icons/apple-touch-icon.png'];
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
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return;

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
