// Browser test against the real govchat server: `npm run test:browser`.
//
//   GOVCHAT_BIN=/path/to/govchat   a govchat binary built AFTER `npm run build`, so it
//                                   embeds this client (required)
//   CHROMIUM=/usr/bin/chromium      the browser (Debian's package; never downloaded)
//
// The server runs on a random port with a fresh data directory and its demo data; the
// test reads the address from the line it prints on start.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { accessSync, constants as fsc } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, '..', 'test-results');
const URL_RE = /(http:\/\/127\.0\.0\.1:\d+)\//;
const START_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const WATCHDOG_MS = 4 * 60_000;

const DEMO = { username: 'wangjianguo', password: 'Govchat#2026', name: '王建国', org: '示范县财政局' };

let server; // ChildProcess
let serverLog = '';
let dataDir;
let browser;
let baseURL;

function killServer(signal = 'SIGKILL') {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      server.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

// Last line of defence: never leave a server behind, never hang.
process.on('exit', () => killServer('SIGKILL'));
const watchdog = setTimeout(() => {
  console.error(`e2e: watchdog fired after ${WATCHDOG_MS / 1000}s; server output:\n${serverLog}`);
  killServer('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

function requireExecutable(file, what, hint) {
  try {
    accessSync(file, fsc.X_OK);
  } catch {
    throw new Error(`${what} not found or not executable at ${file}. ${hint}`);
  }
}

/** Starts `govchat serve` and resolves with its base URL once it prints it. */
function startServer(bin) {
  return new Promise((resolve, reject) => {
    server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir], {
      cwd: dataDir,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      reject(new Error(`govchat did not print its address within ${START_TIMEOUT_MS / 1000}s. Output:\n${serverLog}`));
    }, START_TIMEOUT_MS);
    const onLine = (line) => {
      serverLog += line + '\n';
      const m = URL_RE.exec(line);
      if (m && !baseURL) {
        clearTimeout(timer);
        baseURL = m[1];
        resolve(baseURL);
      }
    };
    createInterface({ input: server.stdout }).on('line', onLine);
    createInterface({ input: server.stderr }).on('line', (l) => (serverLog += l + '\n'));
    server.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${bin}: ${err.message}`));
    });
    server.on('exit', (code, signal) => {
      if (!baseURL) {
        clearTimeout(timer);
        reject(new Error(`govchat exited (code ${code}, signal ${signal}) before printing its address. Output:\n${serverLog}`));
      }
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  killServer('SIGTERM');
  const t = setTimeout(() => killServer('SIGKILL'), 5_000);
  await exited;
  clearTimeout(t);
}

before(
  async () => {
    const bin = process.env.GOVCHAT_BIN;
    if (!bin) {
      throw new Error(
        'GOVCHAT_BIN is not set. Build the client, then the server, and point GOVCHAT_BIN at it:\n' +
          '  (cd client-web && npm run build) && go build -o /tmp/govchat ./server && GOVCHAT_BIN=/tmp/govchat npm run test:browser',
      );
    }
    requireExecutable(bin, 'GOVCHAT_BIN', 'Build it with `go build -o /tmp/govchat ./server`.');
    const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
    requireExecutable(chromiumPath, 'Chromium', 'Install it with `apt-get install -y chromium`, or set CHROMIUM.');

    dataDir = await mkdtemp(path.join(tmpdir(), 'govchat-e2e-'));
    await mkdir(RESULTS, { recursive: true });
    await startServer(path.resolve(bin));

    // The binary must embed the built client; otherwise every check below would fail
    // with a confusing timeout.
    const res = await fetch(baseURL + '/', { signal: AbortSignal.timeout(10_000) });
    const html = await res.text();
    assert.ok(
      res.ok && html.includes('id="app"'),
      `GET ${baseURL}/ did not serve the web client (HTTP ${res.status}). ` +
        'Run `npm run build` in client-web before building the govchat binary.',
    );

    browser = await chromium.launch({
      executablePath: chromiumPath,
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
    });
  },
  { timeout: 90_000 },
);

after(
  async () => {
    try {
      await browser?.close();
    } catch {
      /* best effort */
    }
    await stopServer();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    clearTimeout(watchdog);
  },
  { timeout: 20_000 },
);

/** A fresh browser context (no cookies, no localStorage) watching for CSP violations and script errors. */
async function openPage(t, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, baseURL });
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

async function shot(page, name) {
  try {
    await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
  } catch {
    /* screenshots are a nicety */
  }
}

async function fillLogin(page, username, password) {
  await page.getByRole('heading', { level: 1, name: DEMO.org }).waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at a time step. */
function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const timeStep = () => Math.floor(Date.now() / 30_000);

/** Waits until the page settles after a login attempt and says where it went. */
async function outcome(page) {
  const shell = page.locator('header.topbar');
  const alert = page.locator('.form-error[role="alert"]:not([hidden])');
  const duty = page.locator('#current_password, #totp_code, #totp_enable_code');
  await shell.or(alert).or(duty).first().waitFor();
  if (await shell.isVisible()) return { where: 'shell' };
  if (await alert.isVisible()) return { where: 'error', text: (await alert.innerText()).trim() };
  const id = await duty.first().getAttribute('id');
  return { where: id };
}

/** After submitting a code on the TOTP step: the shell, or the error shown. */
async function totpOutcome(page) {
  const shell = page.locator('header.topbar');
  const alert = page.locator('.form-error[role="alert"]:not([hidden])');
  await shell.or(alert).first().waitFor();
  if (await shell.isVisible()) return { where: 'shell' };
  return { where: 'error', text: (await alert.innerText()).trim() };
}

test('demo leader logs in and sees the shell, in Chinese', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { page, problems } = await openPage(t);
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: DEMO.org }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.ok(await page.getByRole('button', { name: '登录', exact: true }).isVisible(), 'Chinese login button');
  await shot(page, 'login-desktop');

  await fillLogin(page, DEMO.username, DEMO.password);
  const o = await outcome(page);
  assert.deepEqual(o, { where: 'shell' }, `expected the shell after logging in as ${DEMO.username}, got ${JSON.stringify(o)}`);

  const top = page.locator('header.topbar');
  await top.getByText(DEMO.name, { exact: true }).waitFor();
  assert.match(await top.innerText(), new RegExp(DEMO.org));
  assert.match(await top.innerText(), /领导/);
  const nav = page.getByRole('navigation', { name: '主导航' });
  for (const item of ['频道', '通知', '通讯录']) {
    assert.ok(await nav.getByRole('button', { name: item }).isVisible(), `nav item ${item}`);
  }
  assert.ok(await page.getByRole('heading', { level: 1, name: `${DEMO.name}，您好` }).isVisible(), 'welcome heading');
  await shot(page, 'shell-desktop');

  await page.setViewportSize({ width: 360, height: 740 });
  await nav.getByRole('button', { name: '通知' }).click();
  await page.getByText('“通知”功能即将上线，敬请期待。').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360px (overflow ${overflow}px)`);
  await shot(page, 'shell-360');

  assert.deepEqual(problems, []);
});

test('wrong password shows the localised message and stays on the login page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { page, problems } = await openPage(t, { width: 360, height: 740 });
  await page.goto('/');
  await fillLogin(page, DEMO.username, 'definitely-not-the-password');
  const o = await outcome(page);
  assert.deepEqual(o, { where: 'error', text: '用户名或密码错误。' });
  assert.ok(await page.getByLabel('用户名').isVisible(), 'still on the login form');
  assert.equal(await page.getByLabel('用户名').inputValue(), DEMO.username, 'username kept');
  assert.equal(await page.getByLabel('密码', { exact: true }).inputValue(), '', 'password cleared');
  assert.equal(await page.locator('header.topbar').count(), 0, 'no shell');
  await shot(page, 'login-error-360');
  assert.deepEqual(problems, []);
});

test('the session survives a reload, English sticks, logout returns to login', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { page, problems, context } = await openPage(t);
  await page.goto('/');
  await fillLogin(page, DEMO.username, DEMO.password);
  await page.locator('header.topbar').getByText(DEMO.name, { exact: true }).waitFor();

  // The session is an HttpOnly cookie: present, and invisible to scripts.
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.httpOnly), 'an HttpOnly session cookie is set');
  assert.equal(await page.evaluate(() => document.cookie.length), 0, 'no cookie readable from script');

  await page.getByRole('button', { name: /English/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

  await page.reload();
  await page.locator('header.topbar').getByText(DEMO.name, { exact: true }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible(), 'still English after reload');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await page.locator('header.topbar').count(), 0, 'logged out for good');
  assert.deepEqual(problems, []);
});

test('an account with two-step verification passes the code step', { timeout: TEST_TIMEOUT_MS + 40_000 }, async (t) => {
  const user = { username: 'zhaomin', name: '赵敏' };
  const { page, problems } = await openPage(t);
  await page.goto('/');
  await fillLogin(page, user.username, DEMO.password);
  await page.locator('header.topbar').getByText(user.name, { exact: true }).waitFor();

  // Enrol a second factor through the API with the page's own session (the settings
  // screen for this comes later), then sign out.
  const setup = await page.evaluate(async () => {
    const r = await fetch('/api/v1/me/totp/setup', { method: 'POST', credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(setup.status, 200, `totp/setup: ${JSON.stringify(setup.body)}`);
  assert.match(setup.body.qr_png, /^data:image\/png;base64,/);
  const enrolStep = timeStep();
  const enabled = await page.evaluate(async (code) => {
    const r = await fetch('/api/v1/me/totp/enable', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    return r.status;
  }, totpCode(setup.body.secret, enrolStep));
  assert.equal(enabled, 204, 'totp/enable');
  await page.getByRole('button', { name: '退出登录' }).click();

  await fillLogin(page, user.username, DEMO.password);
  const codeInput = page.getByLabel('动态验证码');
  await codeInput.waitFor();
  assert.equal(await codeInput.getAttribute('autocomplete'), 'one-time-code');

  // A wrong code is refused with the localised text, and the step stays.
  const wrong = totpCode(setup.body.secret, enrolStep + 1000);
  await codeInput.fill(wrong);
  await page.getByRole('button', { name: '验证', exact: true }).click();
  assert.deepEqual(await totpOutcome(page), { where: 'error', text: '验证码错误或已过期，请输入应用中当前显示的验证码。' });

  // The code of the enrolment step was used once already (replays are refused): use the
  // next step's code, which servers accept within their clock-skew window; if this one
  // does not, wait for the next step to begin.
  await codeInput.fill(totpCode(setup.body.secret, enrolStep + 1));
  await page.getByRole('button', { name: '验证', exact: true }).click();
  let o = await totpOutcome(page);
  if (o.where === 'error') {
    while (timeStep() <= enrolStep + 1) await page.waitForTimeout(500);
    await codeInput.fill(totpCode(setup.body.secret, timeStep()));
    await page.getByRole('button', { name: '验证', exact: true }).click();
    o = await totpOutcome(page);
  }
  assert.deepEqual(o, { where: 'shell' });
  await page.locator('header.topbar').getByText(user.name, { exact: true }).waitFor();
  assert.deepEqual(problems, []);
});

test('repeated failures lock the account and say until when', { timeout: 120_000 }, async (t) => {
  const { page, problems } = await openPage(t, { width: 360, height: 740 });
  await page.goto('/');
  let text = '';
  let rateLimited = 0;
  for (let i = 0; i < 20 && !/锁定/.test(text); i++) {
    await fillLogin(page, 'lihua', `wrong-password-${i}`);
    const o = await outcome(page);
    assert.equal(o.where, 'error', `attempt ${i + 1}: ${JSON.stringify(o)}`);
    text = o.text;
    // The server also limits login requests per address (a burst, then one every few
    // seconds), and the earlier tests used part of the burst: honour the wait it gives.
    const wait = /^操作过于频繁，请 (\d+) 秒后再试。$/.exec(text);
    if (wait) {
      rateLimited++;
      await page.waitForTimeout(Number(wait[1]) * 1000 + 300);
    }
    await page.getByRole('button', { name: '登录', exact: true }).and(page.locator(':enabled')).waitFor();
  }
  assert.match(text, /^登录失败次数过多，账号已临时锁定。请于 (\d{2}:\d{2}|\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}) 后重试（约 .+）。$/);
  assert.ok(await page.getByLabel('用户名').isVisible(), 'still on the login form');
  t.diagnostic(`locked after the wrong passwords; ${rateLimited} rate-limited answer(s) on the way`);
  await shot(page, 'locked-360');
  assert.deepEqual(problems, []);
});
