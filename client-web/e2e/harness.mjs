// Shared harness for the browser tests (`npm run test:browser`, whose files set up through
// fixture.mjs) and e2e/screenshots.mjs:
// the real govchat server and Debian's chromium, nothing mocked.
//
//   GOVCHAT_BIN=/path/to/govchat   a govchat binary built AFTER `npm run build`, so it embeds
//                                   this client (required; `make test-browser` sets it)
//   CHROMIUM=/usr/bin/chromium      the browser (Debian's package; never downloaded)
//   E2E_WATCHDOG_MS=240000          kill everything and exit 1 after this long (default 4 min)
//
// Exports
//   DEMO_PASSWORD, DEMO_ORG, DEMO_USERS   the seeded demo organisation (DEMO_USERS.leader is
//                                          wangjianguo, .admin zhoutao, .security zhaomin, ...)
//   RESULTS                               client-web/test-results/ (screenshots on failure)
//   startServer(opts?) → Promise<Server>  `govchat serve` on 127.0.0.1, random port, fresh data dir
//       opts.args      extra command-line flags, e.g. ['--no-demo']
//       opts.env       extra environment, e.g. { GOVCHAT_LOCALE: 'en' }
//       opts.dataDir   use this data dir (kept on stop) instead of a fresh temporary one
//       opts.port      listen on this port instead of a random one
//       opts.checkClient  (default true) fail early unless GET / serves the embedded client
//     Server = {
//       baseURL        'http://127.0.0.1:PORT'
//       port, dataDir
//       log()          everything the server printed so far (all its runs)
//       stop({ keepData? })   SIGTERM, SIGKILL after 5 s; removes a temporary data dir
//                      unless keepData (idempotent)
//       restart(opts?) stop keeping the data, start again on the same data dir and port
//                      (same baseURL, so open browser contexts keep working); opts as above
//                      (args/env replace the previous ones when given)
//     }
//   launchBrowser(opts?) → Promise<Browser>   headless chromium (playwright-core); opts are
//                      merged into chromium.launch's options
//   openPage(browser, { baseURL, viewport?, t?, locale?, ...contextOptions })
//       → Promise<{ context, page, problems }>   a fresh context (no cookies/storage);
//                      `problems` collects CSP violations and page errors — assert it is [];
//                      with `t` (node:test context) the context closes when the test ends,
//                      after a screenshot test-results/FAILED-<test name>.png if it failed
//   shotOnFailure(page, name, fn)   runs fn(page); on a throw saves FAILED-<name>.png, rethrows
//   login(page, baseURL, username, password = DEMO_PASSWORD) → Promise<void>
//                      drives the real login form at baseURL + '/' and waits for the shell
//                      (header.topbar); throws with the shown error otherwise
//   fillLogin(page, username, password)   fills and submits the form already on screen
//   loginOutcome(page) → { where: 'shell' } | { where: 'error', text } | { where: <duty input id> }
//                      waits until a login attempt settles and says where it went
//   shot(page, name) → Promise<void>     full-page PNG test-results/<name>.png (never throws)
//   waitUntil(check, { timeout?, every?, what? }) → the first truthy result of check()
//                      (sync or async), asked again every `every` ms (100): for an answer no
//                      page event announces (a notification the service worker showed, the
//                      clock reaching a time the server named); fails after `timeout` (10 s)
//   stopAll()          stops every server this process started (also done on exit, on
//                      SIGINT/SIGTERM and by the watchdog)
//
// Never leave a server behind: every server is killed on process exit, on SIGINT/SIGTERM and
// when the watchdog fires; the watchdog (unref'd, so it never keeps the process alive) prints
// the servers' output before it exits.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants as fsc } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS = path.join(HERE, '..', 'test-results');

export const DEMO_PASSWORD = 'Govchat#2026';
export const DEMO_ORG = '示范县财政局';
export const DEMO_USERS = Object.freeze({
  leader: { username: 'wangjianguo', name: '王建国' },
  deputy: { username: 'liufang', name: '刘芳' },
  office: { username: 'chenzhiqiang', name: '陈志强' },
  security: { username: 'zhaomin', name: '赵敏' },
  auditor: { username: 'sunli', name: '孙丽' },
  staff: { username: 'zhouhaiyan', name: '周海燕' },
  budgetChief: { username: 'lihua', name: '李华' },
  budgetStaff: { username: 'zhangjing', name: '张静' },
  admin: { username: 'zhoutao', name: '周涛' },
});

const URL_RE = /(http:\/\/127\.0\.0\.1:(\d+))\//;
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const WATCHDOG_MS = Number(process.env.E2E_WATCHDOG_MS) || 4 * 60_000;

/** Every server process this process started and has not seen exit. */
const live = new Set();
/** Output of every server, for the watchdog. */
const logs = [];

function kill(child, signal) {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kills every server still running, at once (no grace). */
function killAll() {
  for (const child of live) kill(child, 'SIGKILL');
}

let guarded = false;
function guard() {
  if (guarded) return;
  guarded = true;
  // Last line of defence: never leave a server behind, never hang.
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`e2e: watchdog fired after ${WATCHDOG_MS / 1000}s; server output:\n${logs.map((l) => l.text).join('\n---\n')}`);
    killAll();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
}

function requireExecutable(file, what, hint) {
  try {
    accessSync(file, fsc.X_OK);
  } catch {
    throw new Error(`${what} not found or not executable at ${file}. ${hint}`);
  }
}

function govchatBin() {
  const bin = process.env.GOVCHAT_BIN;
  if (!bin) {
    throw new Error(
      'GOVCHAT_BIN is not set. Build the client, then the server, and point GOVCHAT_BIN at it:\n' +
        '  make build && (cd client-web && GOVCHAT_BIN=$PWD/../bin/govchat npm run test:browser)\n' +
        'or simply `make test-browser`.',
    );
  }
  requireExecutable(bin, 'GOVCHAT_BIN', 'Build it with `make build` (or `go build -o bin/govchat ./server` after `npm run build`).');
  return path.resolve(bin);
}

/** Spawns one `govchat serve` and resolves with its child process and address. */
function spawnServer(bin, { dataDir, port, args, env, log }) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir, ...args], {
      cwd: dataDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let addr = null;
    const timer = setTimeout(() => {
      kill(child, 'SIGKILL');
      reject(new Error(`govchat did not print its address within ${START_TIMEOUT_MS / 1000}s. Output:\n${log.text}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.text += line + '\n';
      const m = URL_RE.exec(line);
      if (m && !addr) {
        clearTimeout(timer);
        addr = { baseURL: m[1], port: Number(m[2]) };
        resolve({ child, ...addr });
      }
    });
    createInterface({ input: child.stderr }).on('line', (l) => (log.text += l + '\n'));
    child.on('error', (err) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`could not start ${bin}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (!addr) {
        clearTimeout(timer);
        reject(new Error(`govchat exited (code ${code}, signal ${signal}) before printing its address. Output:\n${log.text}`));
      }
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  kill(child, 'SIGTERM');
  const t = setTimeout(() => kill(child, 'SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(t);
}

/** Fails with a clear message when the binary was built without the client. */
async function checkServesClient(baseURL) {
  const res = await fetch(baseURL + '/', { signal: AbortSignal.timeout(10_000) });
  const html = await res.text();
  assert.ok(
    res.ok && html.includes('id="app"'),
    `GET ${baseURL}/ did not serve the web client (HTTP ${res.status}). ` +
      'Run `npm run build` in client-web before building the govchat binary (`make build` does both).',
  );
}

/** Starts the real govchat server; see the comment at the top for opts and the result. */
export async function startServer(opts = {}) {
  guard();
  const bin = govchatBin();
  const ownData = !opts.dataDir;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'govchat-e2e-')));
  await mkdir(dataDir, { recursive: true });
  const log = { text: '' };
  logs.push(log);
  let current = { args: opts.args ?? [], env: opts.env ?? {}, checkClient: opts.checkClient ?? true };
  let child = null;
  let removed = false;

  const server = {
    baseURL: '',
    port: 0,
    dataDir,
    log: () => log.text,
    async stop({ keepData = false } = {}) {
      if (child) await stopChild(child);
      if (ownData && !keepData && !removed) {
        removed = true;
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    async restart(next = {}) {
      if (removed) throw new Error('restart after stop() removed the data dir');
      if (child) await stopChild(child);
      current = {
        args: next.args ?? current.args,
        env: next.env ?? current.env,
        checkClient: next.checkClient ?? current.checkClient,
      };
      log.text += '--- restart ---\n';
      await boot(server.port);
      return server;
    },
  };

  async function boot(port) {
    const started = await spawnServer(bin, { dataDir, port, args: current.args, env: current.env, log });
    child = started.child;
    server.baseURL = started.baseURL;
    server.port = started.port;
    if (current.checkClient) await checkServesClient(server.baseURL);
  }

  try {
    await boot(opts.port ?? 0);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Stops every server this process started. */
export async function stopAll() {
  await Promise.all([...live].map(stopChild));
}

/** Launches headless chromium (Debian's; CHROMIUM overrides the path). */
export async function launchBrowser(opts = {}) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  requireExecutable(executablePath, 'Chromium', 'Install it with `apt-get install -y chromium`, or set CHROMIUM.');
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
    ...opts,
  });
}

/**
 * A fresh browser context (no cookies, no storage) and page, watching for CSP violations and
 * script errors. With `t` (a node:test context) it closes when the test ends, after a
 * screenshot named after the test if the test failed.
 */
export async function openPage(browser, { baseURL, viewport = { width: 1280, height: 800 }, t, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, baseURL, ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  if (t) {
    t.after(async () => {
      if (t.passed === false) await shot(page, `FAILED-${slug(t.name)}`);
      await context.close().catch(() => {});
    });
  }
  return { context, page, problems };
}

/**
 * Runs fn(page) and, when it throws, saves test-results/<name>.png before rethrowing.
 * Useful around the body of a test: `await shotOnFailure(page, 'chat-send', async () => {...})`.
 */
export async function shotOnFailure(page, name, fn) {
  try {
    return await fn(page);
  } catch (err) {
    await shot(page, `FAILED-${name}`);
    throw err;
  }
}

/** A file-name-safe form of a test name. */
function slug(name) {
  return (
    String(name)
      .toLowerCase()
      .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'test'
  );
}

/** Full-page screenshot into test-results/<name>.png; a nicety, so it never throws. */
export async function shot(page, name) {
  try {
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
  } catch {
    /* screenshots are a nicety */
  }
}

/** Waits for the first truthy result of check(); see the comment at the top. `what` (a
 * string, or a function for the latest state) names what did not come. */
export async function waitUntil(check, { timeout = 10_000, every = 100, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The newest attachment of the open channel (/c/<id>) on the server, or undefined. */
async function newestAttachment(page) {
  return page.evaluate(async () => {
    const id = Number(location.pathname.split('/').pop());
    const r = await fetch(`/api/v1/channels/${id}/files?limit=1`);
    if (!r.ok) throw new Error(`channel files: HTTP ${r.status}`);
    return (await r.json()).files[0]?.attachment;
  });
}

/**
 * Sends a file through the open channel's composer (`input` finds the file input), as a
 * person does, and waits until the server holds its message and the upload row is gone
 * (the row that stays when some members have no key yet is dismissed: 知道了). Answers
 * the attachment. "Sent" is read off the server, not the timeline: a timeline still
 * loading its history grows without this file, and a test that then closes the page
 * loses the send.
 */
export async function sendFile(page, input, file, { timeout = 60_000 } = {}) {
  const before = (await newestAttachment(page))?.blob_id;
  await input(page).setInputFiles(file);
  const att = await waitUntil(
    async () => {
      const a = await newestAttachment(page);
      return a && a.blob_id !== before ? a : undefined;
    },
    { timeout, what: `${file.name ?? file} sent` },
  );
  await waitUntil(
    async () => {
      for (const ok of await page.locator('.upload-item').getByRole('button', { name: '知道了' }).all()) await ok.click().catch(() => undefined);
      return (await page.locator('.upload-item').count()) === 0;
    },
    { timeout: 30_000, what: 'the upload row gone' },
  );
  return att;
}

/**
 * Starts waiting for the page's next response to a path matching `path` (a RegExp on the
 * URL's pathname). The function it returns waits until that answer has been read and the
 * page has had `settle` ms to show it: for checks that something is absent, which would
 * pass vacuously before the page had what it needs to show it.
 */
export function answered(page, path, { settle = 300, timeout = 30_000 } = {}) {
  const res = page.waitForResponse((r) => path.test(new URL(r.url()).pathname), { timeout });
  return async () => {
    await (await res).finished();
    await page.waitForTimeout(settle);
  };
}

/** Fills the login form already on screen (found by its input ids, in any language) and submits it. */
export async function fillLogin(page, username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
}

/** Waits until the page settles after a login attempt and says where it went. */
export async function loginOutcome(page) {
  const shell = page.locator('header.topbar');
  const alert = page.locator('.form-error[role="alert"]:not([hidden])');
  // The password form after a one-time password shows #new_password first (the one-time
  // password typed at login is not asked again); after a reload it also asks #current_password.
  const duty = page.locator('#current_password, #new_password, #totp_code, #totp_enable_code');
  await shell.or(alert).or(duty).first().waitFor();
  if (await shell.isVisible()) return { where: 'shell' };
  if (await alert.isVisible()) return { where: 'error', text: (await alert.innerText()).trim() };
  const id = await duty.first().getAttribute('id');
  return { where: id };
}

/** Logs in through the real login form and waits for the shell; throws otherwise. */
export async function login(page, baseURL, username, password = DEMO_PASSWORD) {
  await page.goto(baseURL + '/');
  await page.locator('#username').waitFor();
  await fillLogin(page, username, password);
  const o = await loginOutcome(page);
  if (o.where !== 'shell') {
    await shot(page, `login-failed-${username}`);
    throw new Error(`login as ${username} did not reach the shell: ${JSON.stringify(o)}`);
  }
}

/**
 * Inside a logged-in page: sends `texts` to the channel named `channel` over two fresh
 * WebSockets of that user (PROTOCOL.md §7), all at once — within the per-connection burst
 * (50 frames) and the per-user burst (100 sends) — retrying after `rate_limited`, and
 * resolves with [{ seq, text }] once every send is acknowledged.
 */
export function seed(page, channel, texts) {
  return page.evaluate(
    async ({ channel, texts }) => {
      const list = await fetch('/api/v1/channels').then((r) => r.json());
      const ch = list.channels.find((c) => c.name === channel);
      if (!ch) throw new Error(`not a member of ${channel}`);
      const url = location.origin.replace('http', 'ws') + '/api/v1/ws';
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      let refs = 0;
      const connect = () =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          const waiting = new Map();
          const call = (type, data) =>
            new Promise((answer) => {
              const ref = `r${++refs}`;
              waiting.set(ref, answer);
              ws.send(JSON.stringify({ v: 1, type, ref, data }));
            });
          ws.onmessage = (ev) => {
            for (const line of String(ev.data).split('\n')) {
              const f = JSON.parse(line);
              const answer = f.ref && waiting.get(f.ref);
              if (answer) {
                waiting.delete(f.ref);
                answer(f);
              }
            }
          };
          ws.onerror = () => reject(new Error('websocket error'));
          ws.onclose = (ev) => waiting.size && reject(new Error(`websocket closed ${ev.code}`));
          ws.onopen = () =>
            call('hello', {}).then((f) => (f.type === 'welcome' ? resolve({ ws, call }) : reject(new Error(JSON.stringify(f)))));
        });
      const sockets = [await connect(), await connect()];
      const stamp = Math.random().toString(36).slice(2, 8);
      const sendOne = async (conn, text, i) => {
        const data = { channel_id: ch.id, client_id: `seed-${stamp}-${i}`, text };
        for (;;) {
          const f = await conn.call('send', data);
          if (f.type === 'ack') return { seq: f.data.seq, text };
          if (f.data?.code !== 'rate_limited') throw new Error(JSON.stringify(f));
          await sleep(1000 * ((f.data?.retry_after ?? 1) + 0.1));
        }
      };
      const acks = await Promise.all(texts.map((text, i) => sendOne(sockets[i % sockets.length], text, i)));
      for (const s of sockets) s.ws.close(1000);
      return acks;
    },
    { channel, texts },
  );
}

/**
 * Logs an API request context (a Playwright APIRequestContext) in as username the way a
 * browser does since issue 12 (PROTOCOL.md §4.2): prelogin for the salt, then the
 * authentication hash HKDF(PBKDF2-SHA256(NFC(password), salt, iterations), "govchat-auth/1")
 * — never the password. Returns the login response's JSON.
 */
export async function apiLogin(api, username, password = DEMO_PASSWORD) {
  const { pbkdf2Sync, hkdfSync } = await import('node:crypto');
  const pre = await api.post('/api/v1/auth/prelogin', { data: { username } });
  assert.equal(pre.status(), 200, `prelogin ${username}: ${await pre.text()}`);
  const { salt, iterations } = await pre.json();
  const master = pbkdf2Sync(Buffer.from(password.normalize('NFC'), 'utf8'), Buffer.from(salt, 'base64url'), iterations, 32, 'sha256');
  const authHash = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'govchat-auth/1', 32)).toString('base64url');
  const r = await api.post('/api/v1/auth/login', { data: { username, auth_hash: authHash } });
  assert.equal(r.status(), 200, `login ${username}: ${await r.text()}`);
  return r.json();
}
