// Issue 12 in real browsers against the real server (nothing mocked, real WebCrypto):
//
//   1. no recovery configured: 吴强's password is reset, he gives up the old key (放弃旧密钥);
//      a file sent to him before says 此文件在密钥重置前发送，需请发送者重新共享, one click
//      asks, 张静's browser (she accepts his changed key, 知道了) re-shares, and it opens;
//   2. device-assisted: 张静's password is reset (every session revoked); a new browser signs
//      in with the one-time password, chooses a password, lands on the locked-key screen and
//      asks 在其他设备上批准; her office PC — which still holds the key under its device key —
//      signs in with the new password and re-wraps the key; the new browser opens it at once;
//   3. officer-approved: 赵敏 makes the account-recovery key in the browser (key file
//      downloaded), 李华 sends a file, her password is reset, a new browser asks
//      申请保密员恢复, 赵敏 loads the key file and approves; the file from before opens;
//   4. the server's data directory holds none of the passwords used, none of the private
//      keys the test made (the recovery key file) and none of the files' plaintext.
//
// Screenshots at 390 and 1280 px: login, choose password, locked-key screen, officer page.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_PASSWORD, login, sendFile, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 240_000;
const CHANNEL = '预算股';
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const KEY_RESET = '此文件在密钥重置前发送，需请发送者重新共享';

const e2e = fixture();
/** Every password this file typed, and secrets it made: none may reach the server's disk. */
const secrets = { passwords: new Set([DEMO_PASSWORD]), keys: [], plaintexts: [] };

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}
const fileInput = (page) => page.locator('.composer input[type="file"]:not([accept])');
async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    [method, url, body],
  );
}
async function userId(page, username) {
  const r = await api(page, 'GET', `/api/v1/org/people?q=${username}&limit=5`);
  return r.body.people.find((p) => p.username === username).id;
}
/** The administrator resets a password: the one-time password (every session revoked). */
async function reset(admin, username) {
  const r = await api(admin, 'POST', `/api/v1/admin/users/${await userId(admin, username)}/reset-password`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  secrets.passwords.add(r.body.one_time_password);
  return r.body.one_time_password;
}
/** Signs in with a one-time password and chooses `next` (the browser checks the policy). */
async function firstLogin(page, username, oneTime, next, { shots } = {}) {
  secrets.passwords.add(next);
  await page.goto(e2e.server.baseURL + '/');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(oneTime);
  if (shots) await shot(page, `keys-login-${shots}`);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#new_password').waitFor({ timeout: 30_000 });
  // A password the policy refuses is refused here, with the rule broken; nothing is sent.
  await page.locator('#new_password').fill('password1234');
  await page.locator('#confirm_password').fill('password1234');
  await page.locator('form button[type="submit"]').click();
  await page.getByText('新密码过于简单').waitFor();
  await page.locator('#new_password').fill(next);
  await page.locator('#confirm_password').fill(next);
  if (shots) await shot(page, `keys-choose-password-${shots}`);
  await page.locator('form button[type="submit"]').click();
  await page.locator('header.topbar').waitFor({ timeout: 30_000 }).catch(async (err) => {
    await shot(page, `keys-firstlogin-failed-${username}`);
    throw new Error(`${err.message}\npage: ${JSON.stringify((await page.locator('body').innerText()).slice(0, 400))}`);
  });
}
const me = async (page) => (await api(page, 'GET', '/api/v1/me')).body;
/** Waits until the person's key pair exists and this page holds it (a device copy too). */
async function keyReady(page) {
  await waitUntil(async () => (await api(page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: 'the key pair' });
  await waitUntil(() => page.evaluate(() => new Promise((r) => {
    const q = indexedDB.open('govchat-keys');
    q.onsuccess = () => {
      const d = q.result;
      if (!d.objectStoreNames.contains('device')) return r(false);
      const g = d.transaction('device').objectStore('device').count();
      g.onsuccess = () => r(g.result > 0);
      g.onerror = () => r(false);
    };
    q.onerror = () => r(false);
  })), { timeout: 30_000, what: 'the device copy' });
}

test('no recovery: a new key pair, and a file sent before the reset is re-shared on one click', { timeout: TIMEOUT }, async (t) => {
  const wu = await e2e.person(t, 'wuqiang', DESKTOP);
  await keyReady(wu.page);
  await wu.context.close(); // no device of his keeps the key

  const zj = await e2e.person(t, 'zhangjing', { ...DESKTOP, online: true });
  await keyReady(zj.page);
  await openChannel(zj.page, CHANNEL);
  const doc = randomBytes(20_000);
  secrets.plaintexts.push(doc);
  await sendFile(zj.page, fileInput, { name: '重置前的材料.bin', mimeType: 'application/octet-stream', buffer: doc });

  const admin = await e2e.person(t, 'zhoutao', DESKTOP);
  const otp = await reset(admin.page, 'wuqiang');
  const c = await e2e.open(t, DESKTOP);
  await firstLogin(c.page, 'wuqiang', otp, 'Wuqiang#Reset2026');
  assert.equal((await me(c.page)).key_state, 'locked');
  const screen = c.page.getByTestId('key-recovery');
  await screen.waitFor();
  // No account-recovery key: the officer cannot help.
  await screen.getByText('本单位尚未设置账号恢复密钥').waitFor();
  assert.equal(await c.page.locator('#keyrec-officer').isDisabled(), true);
  await c.page.locator('#keyrec-abandon').click();
  await c.page.locator('#keyrec-abandon-confirm').click();
  await c.page.getByTestId('keyrec-done').waitFor({ timeout: 30_000 });
  await c.page.getByTestId('keyrec-done').getByRole('button').click();
  assert.equal((await me(c.page)).key_state, 'ok');

  // 张静 sees his changed key once in the chat and accepts it.
  const note = zj.page.locator('.key-change', { hasText: '吴强' });
  await note.waitFor({ timeout: 30_000 });
  await note.getByRole('button').click();
  await note.waitFor({ state: 'detached' });

  await openChannel(c.page, CHANNEL);
  // The file's name is in its encrypted metadata: the card has none until it opens.
  const card = c.page.locator('.timeline .fv-card').last();
  await card.getByText(KEY_RESET).waitFor({ timeout: 30_000 });
  await shot(c.page, 'keys-file-key-reset-1280');
  await card.getByRole('button', { name: '请求重新共享' }).click();
  await c.page.locator('.timeline .fv-card', { has: c.page.locator('.fv-card-name[title="重置前的材料.bin"]') }).getByRole('button', { name: '下载' }).waitFor({ timeout: 60_000 });
  assert.equal(await c.page.getByText(KEY_RESET).count(), 0);
  assert.deepEqual(c.problems, []);
  assert.deepEqual(zj.problems, []);
});

test('device-assisted: the office PC, still holding the key, signs in with the new password and the new browser opens the key', { timeout: TIMEOUT }, async (t) => {
  const pc = await e2e.person(t, 'zhangjing', DESKTOP);
  await keyReady(pc.page);
  const admin = await e2e.person(t, 'zhoutao', DESKTOP);
  const otp = await reset(admin.page, 'zhangjing');
  // The reset revoked the PC's session: it is back on the login page, its device copy kept.
  await pc.page.goto(e2e.server.baseURL + '/');
  await pc.page.locator('#username').waitFor();

  const phone = await e2e.open(t, PHONE);
  await firstLogin(phone.page, 'zhangjing', otp, '张静的新密码Zj2026', { shots: '390' });
  const screen = phone.page.getByTestId('key-recovery');
  await screen.waitFor();
  await shot(phone.page, 'keys-locked-390');
  await phone.page.locator('#keyrec-device').click();
  await phone.page.getByTestId('keyrec-waiting').waitFor();
  await shot(phone.page, 'keys-waiting-device-390');

  // The PC's socket passes through the test (for the prompt's screenshot below).
  let toPage;
  await pc.page.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
    ws.connectToServer();
    toPage = (m) => ws.send(m);
  });
  // The PC: the new password; its device copy is wrapped under it, no prompt needed.
  await login(pc.page, e2e.server.baseURL, 'zhangjing', '张静的新密码Zj2026');
  await waitUntil(async () => (await me(pc.page)).key_state === 'ok', { timeout: 30_000, what: 'the PC re-wrapped the key' });
  await phone.page.getByTestId('keyrec-done').waitFor({ timeout: 30_000 });
  assert.equal((await me(phone.page)).key_state, 'ok');
  const key = (await api(phone.page, 'GET', '/api/v1/me/key')).body;
  const before = (await api(pc.page, 'GET', '/api/v1/me/key')).body;
  assert.equal(key.public_key, before.public_key);
  // The prompt a device still signed in shows (the reset revoked every session, so no real
  // request reaches one here: a frame is handed to the PC's page for the screenshot only,
  // and its 拒绝 goes to the server, which knows no such request).
  await pc.page.locator('.chat[data-conn="online"]').waitFor();
  toPage(JSON.stringify({ v: 1, type: 'key_recovery', data: { id: 999999, method: 'device', state: 'pending', key_id: before.key_id, ephemeral_public: randomBytes(32).toString('base64url'), created_at: new Date().toISOString(), ip: '10.1.2.3', user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari' } }));
  const prompt = pc.page.locator('#keyprompt');
  await prompt.getByText('批准在新设备上恢复密钥?').waitFor();
  await shot(pc.page, 'keys-device-prompt-1280');
  await pc.page.setViewportSize({ width: 390, height: 844 });
  await shot(pc.page, 'keys-device-prompt-390');
  await prompt.getByRole('button', { name: '拒绝' }).click();
  await pc.page.getByTestId('keyprompt-outcome').waitFor();
  assert.deepEqual(phone.problems, []);
  assert.deepEqual(pc.problems, []);
});

test('officer-approved: the account-recovery key made in the browser, a reset with no device, 保密员 approves, and yesterday’s file opens', { timeout: TIMEOUT }, async (t) => {
  const officer = await e2e.person(t, 'zhaomin', { ...DESKTOP, noPicker: true });
  const op = officer.page;
  await op.goto(e2e.server.baseURL + '/security/recovery');
  await op.getByRole('tab', { name: '密钥恢复' }).waitFor();
  await op.getByRole('button', { name: '生成账号恢复密钥' }).click();
  // The key is made asynchronously: read its id once its step (下载私钥文件) shows, as the
  // escrow test does, not whatever .esc-mono the page shows first.
  await op.getByRole('button', { name: '下载私钥文件' }).waitFor();
  const keyId = await op.locator('.esc-flow .esc-mono').first().innerText();
  assert.match(keyId, /^[0-9a-f]{16}$/);
  const [download] = await Promise.all([op.waitForEvent('download'), op.getByRole('button', { name: '下载私钥文件' }).click()]);
  assert.equal(download.suggestedFilename(), `govchat-account-recovery-${keyId}.key`);
  const keyFile = path.join(await download.path().then(path.dirname), download.suggestedFilename());
  await download.saveAs(keyFile);
  const keyText = (await readFile(keyFile, 'utf8')).trim();
  secrets.keys.push(Buffer.from(keyText, 'base64url'));
  secrets.keys.push(Buffer.from(keyText));
  await op.getByLabel('密钥编号的最后 4 位').fill(keyId.slice(-4));
  await op.getByRole('button', { name: '设为账号恢复密钥' }).click();
  await op.getByText(`账号恢复密钥已设置（编号 ${keyId}）`).waitFor();

  // 李华's first sign-in here: her key pair is also wrapped to the recovery key.
  const lh = await e2e.person(t, 'lihua', DESKTOP);
  await keyReady(lh.page);
  assert.equal((await api(lh.page, 'GET', '/api/v1/me/key')).body.recovery_key_id, keyId);
  await openChannel(lh.page, CHANNEL);
  const doc = randomBytes(30_000);
  secrets.plaintexts.push(doc);
  await sendFile(lh.page, fileInput, { name: '昨天的签报.bin', mimeType: 'application/octet-stream', buffer: doc });
  await lh.page.evaluate(() => new Promise((r) => { const q = indexedDB.deleteDatabase('govchat-keys'); q.onsuccess = q.onerror = q.onblocked = () => r(undefined); }));
  await lh.context.close(); // her only device is gone

  const admin = await e2e.person(t, 'zhoutao', DESKTOP);
  const otp = await reset(admin.page, 'lihua');
  // The administrator cannot approve (recovery.manage is the officer's).
  assert.equal((await api(admin.page, 'GET', '/api/v1/key-recoveries')).status, 403);

  const nb = await e2e.open(t, DESKTOP);
  await firstLogin(nb.page, 'lihua', otp, 'Lihua#Recover2026', { shots: '1280' });
  await nb.page.getByTestId('key-recovery').waitFor();
  await shot(nb.page, 'keys-locked-1280');
  await nb.page.locator('#keyrec-officer').click();
  await nb.page.getByTestId('keyrec-waiting').waitFor();

  // 赵敏: a key file that is not the recovery key is refused before anything is sent.
  await op.reload();
  const item = op.locator('.rec-item').first();
  await item.waitFor({ timeout: 30_000 });
  await item.getByText('李华').waitFor();
  await op.locator('#rec-key-file').setInputFiles({ name: 'wrong.key', mimeType: 'text/plain', buffer: Buffer.from(randomBytes(32).toString('base64url') + '\n') });
  await op.getByText('该私钥文件与当前账号恢复密钥不符').waitFor();
  await op.locator('#rec-key-file').setInputFiles(keyFile);
  await op.getByTestId('rec-key-loaded').waitFor();
  await item.getByLabel('备注（核实身份的方式）').fill('已当面核对工作证');
  await shot(op, 'keys-officer-recovery-1280');
  await item.getByRole('button', { name: '批准恢复' }).click();
  await op.getByText('已批准。').waitFor();

  await nb.page.getByTestId('keyrec-done').waitFor({ timeout: 30_000 });
  await nb.page.getByTestId('keyrec-done').getByRole('button').click();
  await openChannel(nb.page, CHANNEL);
  const card = nb.page.locator('.timeline .fv-card', { has: nb.page.locator('.fv-card-name[title="昨天的签报.bin"]') });
  await card.getByRole('button', { name: '下载' }).waitFor({ timeout: 30_000 }).catch(async (err) => {
    // What the timeline's file cards say instead, and the page's key state, for the log.
    const cards = await nb.page.locator('.timeline .fv-card').allInnerTexts();
    const key = await api(nb.page, 'GET', '/api/v1/me/key');
    await shot(nb.page, 'keys-officer-recovered-failed-1280');
    throw new Error(`${err.message}\ncards: ${JSON.stringify(cards)}\nkey: ${JSON.stringify({ status: key.status, key_id: key.body?.key_id })}\nproblems: ${JSON.stringify(nb.problems)}`);
  });
  assert.equal((await me(nb.page)).key_state, 'ok');
  // The officer's page at 390 px too.
  await op.setViewportSize({ width: 390, height: 844 });
  await shot(op, 'keys-officer-recovery-390');
  assert.deepEqual(nb.problems, []);
  assert.deepEqual(officer.problems, []);
});

test('the server’s data directory holds no password, no private key the test made and no file’s plaintext', { timeout: TIMEOUT }, async () => {
  await e2e.server.stop({ keepData: true });
  const files = [];
  const walk = async (dir) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) await walk(p);
      else if (d.isFile()) files.push(p);
    }
  };
  await walk(e2e.server.dataDir);
  assert.ok(files.some((f) => /\.db$|sqlite/.test(f)), `a database in ${JSON.stringify(files)}`);
  const needles = [
    ...[...secrets.passwords].map((p) => ({ what: 'a password', bytes: Buffer.from(p, 'utf8') })),
    ...secrets.keys.map((k) => ({ what: 'a private key', bytes: k })),
    ...secrets.plaintexts.map((p) => ({ what: 'a file’s plaintext', bytes: p.subarray(1000, 1064) })),
  ];
  assert.ok(secrets.passwords.size >= 6, [...secrets.passwords].length);
  let scanned = 0;
  for (const f of files) {
    if ((await stat(f)).size > 200 * 1024 * 1024) continue;
    const data = await readFile(f);
    scanned += data.length;
    for (const n of needles) assert.equal(data.indexOf(n.bytes), -1, `${n.what} found in ${path.relative(e2e.server.dataDir, f)}`);
  }
  console.log(`# scanned ${files.length} files, ${scanned} bytes, for ${needles.length} secrets`);
});
