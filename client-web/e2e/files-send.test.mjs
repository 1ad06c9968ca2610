// Sending files in real browsers against the real server (nothing mocked): 李华 sends a
// picture and a 50 MiB file to 张静 in their department channel (预算股). The uploads
// finish (progress reaches 100 %), 张静 sees both, and the server's --data folder (the
// database and the blob folder) holds not one byte of the plaintext. A dropped
// connection mid-upload resumes without sending what the server already holds. And the
// composer with two uploads under way, at 1280 px and 390 px, for the eye.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture } from './fixture.mjs';
import { png } from './samples.mjs';
import { answered, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 240_000;
const A = 'lihua'; // 李华, 预算股股长
const B = 'zhangjing'; // 张静, 预算编制组 (under 预算股)
const CHANNEL = '预算股';
const MiB = 1 << 20;
// A string no ciphertext will ever contain by chance: found on the server, it leaked.
const MARKER = `GOVCHAT-PLAINTEXT-${randomBytes(8).toString('hex')}`;
const BIG_NAME = '2027年预算执行情况汇总.xlsx';
const PIC_NAME = '签字页照片.png';

const e2e = fixture();
let dir;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'govchat-files-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ---- files to send ----


/** `size` bytes of text with the marker at the start, in the middle and at the end. */
async function bigFile(name, size, marker) {
  const line = Buffer.from(`${marker} 第一季度 预算执行 ${'数据'.repeat(20)}\n`);
  const buf = Buffer.alloc(size);
  for (let o = 0; o < size; o += line.length) line.copy(buf, o);
  Buffer.from(marker).copy(buf, size - marker.length);
  const p = path.join(dir, name);
  await writeFile(p, buf);
  return { path: p, sha: createHash('sha256').update(buf).digest('hex') };
}

// ---- the page ----

async function openChannel(page, name) {
  await page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) }).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

const fileInput = (page) => page.locator('.composer input[type="file"]:not([accept])');
const pictureInput = (page) => page.locator('.composer input[type="file"][accept="image/*"]:not([capture])');

/** Collects every value the upload rows' progress bars take, into window.__progress. */
async function watchProgress(page) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__progress = [];
    const look = () => {
      for (const p of document.querySelectorAll('.upload-item progress')) w.__progress.push(Number(p.getAttribute('value') ?? p.value));
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  });
}

/** Waits until the upload rows are all sent: gone, or left with the note on members who
 * have no key yet (most of the demo's people never signed in), which 知道了 dismisses. */
async function allSent(page, timeout) {
  // The row appears once the file has passed the DLP check (rules fetched, text read),
  // which is asynchronous: wait for it, or "nothing busy" would hold before it began.
  await page.locator('.upload-item').first().waitFor({ state: 'attached', timeout });
  const busy = page.locator('.upload-item:not([data-upload-stage="done"])');
  await busy.first().waitFor({ state: 'detached', timeout });
  for (const row of await page.locator('.upload-item[data-upload-stage="done"]').all()) {
    assert.match(await row.locator('.upload-status').innerText(), /已发送。\d+ 人尚未启用加密，暂时无法查看/);
    await row.getByRole('button', { name: '知道了' }).click();
  }
  await page.locator('.upload-item').first().waitFor({ state: 'detached' });
}

/** Every file under `root`, recursively. */
async function walk(root) {
  const out = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** PUTs of parts, by part number, as they reach the server (page.route lets them through). */
function countParts(page, { abort } = {}) {
  const reached = new Map();
  const aborted = new Map();
  const route = async (r) => {
    const req = r.request();
    if (req.method() !== 'PUT') return r.continue();
    const n = Number(req.url().split('/parts/')[1]);
    if (abort?.(n, reached, aborted)) {
      aborted.set(n, (aborted.get(n) ?? 0) + 1);
      return r.abort('connectionreset');
    }
    reached.set(n, (reached.get(n) ?? 0) + 1);
    return r.continue();
  };
  return {
    reached,
    aborted,
    on: () => page.route('**/api/v1/uploads/*/parts/*', route),
    off: () => page.unroute('**/api/v1/uploads/*/parts/*', route),
  };
}

test('a picture and a 50 MiB file go from one person to another; the server holds no plaintext', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A, { viewport: { width: 1280, height: 800 } });
  const b = await e2e.person(t, B, { viewport: { width: 1280, height: 800 } });
  await openChannel(a.page, CHANNEL);
  await openChannel(b.page, CHANNEL);
  await watchProgress(a.page);

  // The picture, from the 图片 button's picker.
  const picture = png(1600, 1200, { marker: MARKER });
  await pictureInput(a.page).setInputFiles({ name: PIC_NAME, mimeType: 'image/png', buffer: picture });
  // 张静 sees its thumbnail (made in 李华's browser, decrypted in hers).
  await b.page.locator('.timeline .msg .fv-thumb img').last().waitFor({ timeout: 60_000 });
  await allSent(a.page, 60_000);

  // The 50 MiB file, from the 文件 button's picker; timed.
  const big = await bigFile(BIG_NAME, 50 * MiB, MARKER);
  const started = Date.now();
  await fileInput(a.page).setInputFiles(big.path);
  const row = a.page.locator('.upload-item', { has: a.page.locator('.upload-name', { hasText: BIG_NAME }) });
  await row.waitFor();
  assert.match(await row.locator('.upload-size').innerText(), /^50 MB$/);
  await row.locator('.upload-status', { hasText: '已发送' }).or(row.locator('.upload-status', { hasText: '正在发送' })).waitFor({ timeout: 180_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`files-send: 50 MiB encrypted, uploaded, shared and sent in ${seconds.toFixed(1)} s (${(50 / seconds).toFixed(1)} MiB/s)`);
  const seen = await a.page.evaluate(() => /** @type {any} */ (window).__progress);
  assert.equal(Math.max(...seen), 100, 'progress reaches 100 %');
  assert.ok(seen.some((v) => v > 0 && v < 100), 'progress moves in between');
  await allSent(a.page, 30_000);

  // 张静 sees it, with its name (decrypted in her browser).
  await b.page.locator('.timeline .msg .fv-card-name', { hasText: BIG_NAME }).waitFor({ timeout: 30_000 });
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);

  // The server's data folder: the database (with its journal) and the blob folder.
  const files = await walk(e2e.server.dataDir);
  assert.ok(files.some((f) => /\.(db|sqlite)/.test(f)), `a database among ${files.length} files`);
  const blobBytes = files.filter((f) => f.includes(`${path.sep}blobs${path.sep}`));
  assert.ok(blobBytes.length >= 13, 'the blob folder holds the parts');
  const needles = [Buffer.from(MARKER), Buffer.from(BIG_NAME), Buffer.from(PIC_NAME), Buffer.from('第一季度 预算执行')];
  for (const f of files) {
    const data = await readFile(f);
    for (const n of needles) assert.equal(data.indexOf(n), -1, `${path.relative(e2e.server.dataDir, f)} holds plaintext (${n.length} bytes)`);
  }
});

test('a dropped connection mid-upload resumes: the server receives each part once more at most', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A, { viewport: { width: 1280, height: 800 } });
  await openChannel(a.page, CHANNEL);
  const file = await bigFile('resume.bin', 24 * MiB, MARKER); // 7 parts of ciphertext

  // One part's request is cut once: the queue sends that part again by itself.
  let cut = false;
  const once = countParts(a.page, {
    abort: (n) => {
      if (n === 2 && !cut) return (cut = true);
      return false;
    },
  });
  await once.on();
  await fileInput(a.page).setInputFiles(file.path);
  await allSent(a.page, 120_000);
  await once.off();
  assert.equal(once.aborted.get(2), 1);
  for (const [n, k] of once.reached) assert.equal(k, 1, `part ${n} reached the server ${k} times`);
  assert.equal(once.reached.size, 7);

  // The connection stays down for parts 3 on: the row offers 重试 after the backoff; the
  // retry asks the server what it holds and sends only the rest.
  let down = true;
  const outage = countParts(a.page, { abort: (n) => down && n >= 3 });
  await outage.on();
  await fileInput(a.page).setInputFiles(file.path);
  const row = a.page.locator('.upload-item');
  await row.locator('.upload-status.form-error').waitFor({ timeout: 90_000 });
  assert.match(await row.innerText(), /重试/);
  const before = new Map(outage.reached);
  assert.deepEqual([...before.keys()].sort(), [0, 1, 2]);
  down = false;
  const statusAsked = a.page.waitForRequest((r) => r.method() === 'GET' && /\/api\/v1\/uploads\/[0-9a-f]{32}$/.test(r.url()));
  await row.getByRole('button', { name: /重新发送/ }).click();
  await statusAsked;
  await allSent(a.page, 120_000);
  await outage.off();
  for (const [n, k] of outage.reached) assert.equal(k, 1, `part ${n} reached the server ${k} times`);
  assert.equal(outage.reached.size, 7);
  assert.deepEqual(a.problems, []);
});

for (const size of [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
]) {
  test(`the composer with two uploads under way (${size.viewport.width} px)`, { timeout: TIMEOUT }, async (t) => {
    const { name, ...options } = size;
    const a = await e2e.person(t, A, options);
    await openChannel(a.page, CHANNEL);
    // Parts 0 and 1 of each go through; the rest wait, so both rows stay part-way.
    let release;
    const held = new Promise((r) => (release = r));
    const route = async (r) => {
      const n = Number(r.request().url().split('/parts/')[1]);
      if (n >= 2) await held;
      return r.continue().catch(() => undefined);
    };
    await a.page.route('**/api/v1/uploads/*/parts/*', route);
    const one = await bigFile(`第三季度财务报表-${name}.xlsx`, 20 * MiB, MARKER);
    const two = await bigFile(`关于印发2027年部门预算编制方案的通知-${name}.pdf`, 36 * MiB, MARKER);
    if (name === 'phone') {
      // On a phone one ＋ offers 图片, 拍照 and 文件.
      await a.page.getByRole('button', { name: '图片 / 文件' }).tap();
      await a.page.getByRole('group', { name: '图片 / 文件' }).waitFor();
      assert.equal(await a.page.locator('.composer input[capture="environment"]').count(), 1);
      await shot(a.page, `files-send-${name}-attach-menu`);
      await a.page.getByRole('group', { name: '图片 / 文件' }).getByRole('button', { name: '文件' }).tap();
    }
    await fileInput(a.page).setInputFiles([one.path, two.path]);
    await waitUntil(async () => (await a.page.locator('.upload-item[data-upload-stage="uploading"]').count()) === 2, { timeout: 60_000, what: 'two uploads under way' });
    await waitUntil(async () => {
      const v = await a.page.locator('.upload-item progress').evaluateAll((ps) => ps.map((p) => Number(p.getAttribute('value'))));
      return v.every((x) => x > 0);
    }, { timeout: 60_000, what: 'progress on both' });
    // Keyboard: 取消 of each row is reachable and named after its file.
    assert.equal(await a.page.getByRole('button', { name: new RegExp(`取消发送 第三季度财务报表-${name}`) }).count(), 1);
    await shot(a.page, `files-send-${name}-two-uploads`);
    // 取消 the second: it goes; the first finishes once let through.
    await a.page.getByRole('button', { name: new RegExp(`取消发送 关于印发`) }).click();
    await waitUntil(async () => (await a.page.locator('.upload-item').count()) === 1, { what: 'one row left' });
    release();
    await allSent(a.page, 120_000);
    await a.page.unroute('**/api/v1/uploads/*/parts/*', route);
    assert.deepEqual(a.problems, []);
  });
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');

test('the key: a reload stays unlocked; without the device copy a prompt unlocks it; a colleague’s new key is flagged', { timeout: TIMEOUT }, async (t) => {
  const b = await e2e.person(t, B, { viewport: { width: 1280, height: 800 } });
  await openChannel(b.page, CHANNEL); // 张静 has a key (made at her login)
  const a = await e2e.person(t, A, { viewport: { width: 1280, height: 800 } });
  await openChannel(a.page, CHANNEL); // 李华 pins the members' keys

  // What IndexedDB keeps once the login's unwrap is done (PBKDF2 takes its second): a
  // CryptoKey that cannot be exported, and the private key sealed under it.
  const kept = await waitUntil(
    () =>
      a.page.evaluate(
        () =>
          new Promise(async (resolve) => {
            // Opening a database that is not there would make it: look first.
            if (!(await indexedDB.databases()).some((d) => d.name === 'govchat-keys')) return resolve(undefined);
            const r = indexedDB.open('govchat-keys');
            r.onerror = () => resolve(undefined);
            r.onsuccess = () => {
              const db = r.result;
              if (!db.objectStoreNames.contains('device')) return resolve(undefined);
              const get = db.transaction('device').objectStore('device').getAll();
              get.onsuccess = () => resolve(get.result.length ? get.result.map((x) => ({ extractable: x.key.extractable, type: x.key.algorithm.name, sealed: x.sealed.length })) : undefined);
            };
          }),
      ),
    { what: 'the device copy of the key' },
  );
  assert.deepEqual(kept, [{ extractable: false, type: 'AES-GCM', sealed: 12 + 32 + 16 }]);
  // A reload: the device copy unlocks the key, no prompt. Looked for once the key has come
  // from the server and had a moment to unlock; before, no prompt shows either way.
  const keyRead = answered(a.page, /^\/api\/v1\/me\/key$/, { settle: 500 });
  await a.page.reload();
  await openChannel(a.page, CHANNEL);
  await a.page.locator('.composer').waitFor();
  await keyRead();
  assert.equal(await a.page.locator('.key-prompt').count(), 0);

  // Without the device copy (another computer, say), the channel asks for the password.
  // The page holds the database open: the deletion is blocked until the reload closes it.
  await a.page.evaluate(
    () =>
      new Promise((resolve) => {
        const r = indexedDB.deleteDatabase('govchat-keys');
        r.onsuccess = r.onblocked = resolve;
      }),
  );
  await a.page.reload();
  await openChannel(a.page, CHANNEL);
  const prompt = a.page.locator('form.key-prompt');
  await prompt.waitFor();
  assert.match(await prompt.innerText(), /加密文件已锁定/);
  await shot(a.page, 'files-send-desktop-unlock-prompt');
  await prompt.getByLabel('登录密码').fill('not the password');
  await prompt.getByRole('button', { name: '解锁加密文件' }).click();
  await prompt.locator('[role="alert"]').waitFor();
  assert.match(await prompt.innerText(), /密码不正确/);
  await prompt.getByLabel('登录密码').fill('Govchat#2026');
  await prompt.getByRole('button', { name: '解锁加密文件' }).click();
  await prompt.waitFor({ state: 'detached', timeout: 30_000 });
  // The chat went on meanwhile: the composer was there all along.
  assert.equal(await a.page.locator('textarea.composer-input').count(), 1);

  // 张静 gets a new key pair (as another device would make it after a reset).
  const status = await b.page.evaluate(
    async (body) => (await fetch('/api/v1/me/key', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status,
    { public_key: b64u(randomBytes(32)), wrapped_private: b64u(randomBytes(60)), kdf_salt: b64u(randomBytes(16)), kdf_iterations: 600000 },
  );
  assert.equal(status, 200);
  // 李华 opens the channel again (a reload: keys are asked afresh) and is told.
  await a.page.reload();
  await openChannel(a.page, CHANNEL);
  const line = a.page.locator('.key-change', { hasText: '张静 的加密密钥已更换' });
  await line.waitFor({ timeout: 30_000 });
  await shot(a.page, 'files-send-desktop-key-changed');
  await line.getByRole('button', { name: /知道了/ }).click();
  await line.waitFor({ state: 'detached' });
  // The members' keys are asked as the channel opens: look once they have come (and been
  // compared with the pinned ones), or the check below would pass before they were asked.
  const keysAsked = answered(a.page, /^\/api\/v1\/channels\/\d+\/keys$/, { settle: 500 });
  await a.page.reload();
  await openChannel(a.page, CHANNEL);
  await a.page.locator('.composer').waitFor();
  await keysAsked();
  assert.equal(await a.page.locator('.key-change').count(), 0, 'accepted: not flagged again');
  assert.deepEqual(a.problems, []);
});
