// 保密管理 in real browsers against the real server (nothing mocked): the security officer
// (赵敏) generates the escrow key in the page, saves the private key file (the browser's
// download), proves it by typing the key id's last four, and sets it. 李华 then sends a
// file in 预算股 through the composer — a channel the officer is not in. The officer opens
// it for a case: the wrong key file is refused in words, the saved one decrypts the file
// to disk with the same SHA-256 as the original, and `govchat e2e open --key-file` reads
// the same key file. The officer copies a file's id from the message menu. The system
// administrator (周涛) has no entry and the API refuses him. Screenshots at 1280 and
// 390 px. `npm run test:browser`.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { fixture } from './fixture.mjs';
import { sendFile as sendFileIn, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 240_000;
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const FILE_NAME = '关于2027年预算调整事项的请示.docx';
const CASE_NUMBER = '（2026）保密字第7号';
const REASON = '依据保密检查通知，核查预算调整文件的流转情况。';

const e2e = fixture();
let dir;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'govchat-escrow-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const run = promisify(execFile);

const person = (t, username, options) => e2e.person(t, username, options);

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

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

/** Sends a file in the channel through the composer and waits until it is sent; answers
 * its attachment. */
async function sendFile(page, channel, file) {
  await openChannel(page, channel);
  return sendFileIn(page, (p) => p.locator('.composer input[type="file"]:not([accept])'), file, { timeout: 120_000 });
}

const original = Buffer.concat([Buffer.from('PK\u0003\u0004'), randomBytes(300_000)]);
let keyFile; // the private key file the officer saved
let keyId;

test('the officer generates and sets the escrow key, then opens a file sent in a channel they are not in, for a case', { timeout: TIMEOUT }, async (t) => {
  // A file sent before there is an escrow key: it has no escrow wrap.
  const early = await person(t, 'lihua', DESKTOP);
  const earlyAtt = await sendFile(early.page, '预算股', { name: '早先的通知.txt', mimeType: 'text/plain', buffer: Buffer.from('早先的通知\n') });
  await early.context.close();

  const officer = await person(t, 'zhaomin', { ...DESKTOP, noPicker: true });
  const page = officer.page;
  await page.locator('nav.sidenav').getByRole('button', { name: '保密管理' }).click();
  await page.waitForURL(/\/security\/escrow$/);
  await page.getByRole('heading', { name: '保密管理', level: 1 }).waitFor();
  await page.getByTestId('escrow-current').getByText('未设置').waitFor();
  assert.match(await page.locator('.esc-explain').innerText(), /此后发送的每个文件.*审计日志。设置之前已发送的文件不在托管范围内/);

  // 生成托管密钥 → 下载私钥文件 (the browser's download) → the last four → 设为托管密钥.
  await page.getByRole('button', { name: '生成托管密钥' }).click();
  // The key is made asynchronously: until its step shows, the first .esc-flow .esc-mono is
  // 案件调取's empty 文件编号 field. Read once 下载私钥文件 (that step's own button) is there.
  await page.getByRole('button', { name: '下载私钥文件' }).waitFor();
  const idText = await page.locator('.esc-flow .esc-mono').first().innerText();
  assert.match(idText, /^[0-9a-f]{16}$/);
  keyId = idText;
  await shot(page, 'escrow-generated-1280');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载私钥文件' }).click()]);
  assert.equal(download.suggestedFilename(), `govchat-escrow-${keyId}.key`);
  keyFile = path.join(dir, download.suggestedFilename());
  await download.saveAs(keyFile);
  await chmod(keyFile, 0o600);
  assert.match(await readFile(keyFile, 'utf8'), /^[A-Za-z0-9_-]{43}\n$/, 'one base64url line, as keygen writes');
  const confirm = page.getByLabel('密钥编号的最后 4 位');
  await confirm.fill('0000' === keyId.slice(-4) ? '1111' : '0000');
  await page.getByText('与密钥编号的最后 4 位不一致。').waitFor();
  assert.equal(await page.getByRole('button', { name: '设为托管密钥' }).isDisabled(), true);
  await confirm.fill(keyId.slice(-4));
  await page.getByRole('button', { name: '设为托管密钥' }).click();
  await page.getByText(`托管密钥已设置（编号 ${keyId}）`).waitFor();
  const current = page.getByTestId('escrow-current');
  await current.getByText(keyId).waitFor();
  await current.getByText('赵敏').waitFor(); // the name, from the directory
  assert.match(await current.innerText(), /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  const server = await api(page, 'GET', '/api/v1/keys/escrow');
  assert.equal(server.body.key_id, keyId);
  await shot(page, 'escrow-key-1280');

  // 李华 sends a file in 预算股 (the officer is not a member), through the composer.
  const lihua = await person(t, 'lihua', DESKTOP);
  const att = await sendFile(lihua.page, '预算股', { name: FILE_NAME, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: original });
  assert.equal((await api(page, 'GET', `/api/v1/files/${att.blob_id}`)).status, 404, 'not a reader before the open');

  // 案件调取: the form, the audited open. The early file first: it cannot be opened.
  await page.getByLabel('文件编号').fill(earlyAtt.blob_id);
  await page.getByLabel('案件编号').fill(CASE_NUMBER);
  await page.getByLabel('调取事由').fill(REASON);
  await page.getByRole('button', { name: '调取', exact: true }).click();
  await page.getByText('此文件发送于设置托管密钥之前，没有托管副本，无法调取。本次尝试已记入审计日志。').waitFor();
  await page.getByLabel('文件编号').fill(` ${att.blob_id.toUpperCase()} `);
  const [openRes] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/files/${att.blob_id}/escrow-open`)),
    page.getByRole('button', { name: '调取', exact: true }).click(),
  ]);
  const opened = await openRes.json();
  await page.getByText('已调取，并已记入审计日志。').waitFor();
  const keyInput = page.getByLabel('托管私钥文件');

  // The wrong key file, and a file that is no key at all: said in words.
  await keyInput.setInputFiles({ name: 'other.key', mimeType: 'application/octet-stream', buffer: Buffer.from(randomBytes(32).toString('base64url') + '\n') });
  await page.getByText('密钥文件与托管密钥不符').waitFor();
  await page.getByText(new RegExp(`此文件托管给密钥 ${keyId}`)).waitFor();
  await keyInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('保密员工作笔记\n') });
  await page.getByText('这不是托管私钥文件：应为一行 base64url 文本（32 字节）。').waitFor();

  // The saved key file: name, type and size first, then 下载并解密 to disk.
  await keyInput.setInputFiles(keyFile);
  const card = page.locator('.esc-file-card');
  await card.getByText(FILE_NAME).waitFor({ timeout: 30_000 });
  assert.match(await card.innerText(), /Word 文档/);
  assert.match(await card.innerText(), /293 KB/);
  await shot(page, 'escrow-open-1280');
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 20_000 });
  const [fileDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), card.getByRole('button', { name: '下载并解密' }).click()]);
  assert.equal(fileDownload.suggestedFilename(), FILE_NAME);
  const saved = path.join(dir, 'opened.docx');
  await fileDownload.saveAs(saved);
  assert.equal(await fileDownload.failure(), null);
  assert.equal(sha256(await readFile(saved)), sha256(original), 'the officer gets the bytes that were sent');
  await page.getByTestId('escrow-saved').waitFor();

  // The same key file opens it offline: `govchat e2e open --key-file` (E2E.md §5).
  const ct = await page.evaluate(async (id) => {
    const b = new Uint8Array(await (await fetch(`/api/v1/files/${id}`)).arrayBuffer());
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  }, att.blob_id);
  const ctPath = path.join(dir, 'file.gvcf');
  await writeFile(ctPath, Buffer.from(ct, 'base64'));
  const plainPath = path.join(dir, 'offline.docx');
  const k = opened.key;
  await run(process.env.GOVCHAT_BIN, ['e2e', 'open', '--in', ctPath, '--out', plainPath, '--commitment', att.commitment, '--key-file', keyFile, '--wrapped', k.wrapped,
    '--blob-id', k.blob_id, '--context', k.context, '--user-id', '0', '--key-id', k.key_id]);
  assert.equal(sha256(await readFile(plainPath)), sha256(original), 'govchat e2e open reads the page’s key file');

  // The trail: the open with its case, the downloads marked escrow.
  const opens = await api(page, 'GET', '/api/v1/audit/events?action=file.escrow_open');
  assert.deepEqual(opens.body.events.map((e) => [e.target_id, e.outcome]), [[att.blob_id, 'ok'], [earlyAtt.blob_id, 'failed']]);
  assert.deepEqual(
    (({ case_number, reason }) => ({ case_number, reason }))(JSON.parse(opens.body.events[0].detail)),
    { case_number: CASE_NUMBER, reason: REASON },
  );
  const downloads = await api(page, 'GET', '/api/v1/audit/events?action=file.download');
  const mine = downloads.body.events.filter((e) => e.actor_name === 'zhaomin');
  assert.ok(mine.length >= 1 && mine.every((e) => JSON.parse(e.detail).escrow === true), JSON.stringify(mine));
  assert.deepEqual(officer.problems, []);
  assert.deepEqual(lihua.problems, []);
});

test('the officer copies a file’s id from the message menu; nobody else has the item', { timeout: TIMEOUT }, async (t) => {
  const staff = await person(t, 'zhouhaiyan', DESKTOP);
  const att = await sendFile(staff.page, '办公室', { name: '会议纪要.txt', mimeType: 'text/plain', buffer: Buffer.from('会议纪要\n'.repeat(100)) });
  const menuOf = async (page) => {
    await openChannel(page, '办公室');
    const msg = page.locator('.timeline .msg', { has: page.locator('.fv-card') }).last();
    await msg.waitFor({ timeout: 30_000 });
    await msg.click({ button: 'right', position: { x: 5, y: 5 } });
    return page.getByRole('menu');
  };
  // The sender, staff: no such item.
  const theirs = await menuOf(staff.page);
  // Read once it is open, or the check below would pass on no menu at all.
  await theirs.getByRole('menuitem').first().waitFor();
  assert.equal(await theirs.getByRole('menuitem', { name: '复制文件编号' }).count(), 0);

  const officer = await person(t, 'zhaomin', DESKTOP);
  await officer.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.server.baseURL });
  const menu = await menuOf(officer.page);
  await menu.getByRole('menuitem', { name: '复制文件编号' }).click();
  const copied = await officer.page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, att.blob_id);
  assert.deepEqual(officer.problems, []);
});

test('the system administrator has no 保密管理 and the API refuses him', { timeout: TIMEOUT }, async (t) => {
  const admin = await person(t, 'zhoutao', DESKTOP);
  const nav = admin.page.locator('nav.sidenav');
  await nav.getByRole('button', { name: '系统管理' }).waitFor();
  assert.equal(await nav.getByRole('button', { name: '保密管理' }).count(), 0);
  await admin.page.goto(e2e.server.baseURL + '/security/escrow');
  await admin.page.getByText('此页面仅供保密员使用。').waitFor();
  assert.equal(await admin.page.getByRole('button', { name: '生成托管密钥' }).count(), 0);
  const pub = randomBytes(32).toString('base64url');
  const put = await api(admin.page, 'PUT', '/api/v1/admin/escrow-key', { public_key: pub });
  assert.equal(put.status, 403);
  assert.equal(put.body.error.code, 'forbidden');
  const open = await api(admin.page, 'POST', `/api/v1/files/${'0'.repeat(32)}/escrow-open`, { case_number: CASE_NUMBER, reason: REASON });
  assert.equal(open.status, 403);
  assert.equal(open.body.error.code, 'forbidden');
  assert.deepEqual(admin.problems, []);
});

test('the page at phone width, reached from 我', { timeout: TIMEOUT }, async (t) => {
  const officer = await person(t, 'zhaomin', PHONE);
  const page = officer.page;
  await page.locator('nav.tabbar').getByRole('button', { name: '我' }).click();
  await page.getByRole('link', { name: /保密管理/ }).click();
  await page.waitForURL(/\/security\/escrow$/);
  await page.getByTestId('escrow-current').waitFor();
  // No sideways scrolling at 390 px.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), 'no horizontal overflow');
  await shot(page, 'escrow-key-390');
  await page.getByRole('button', { name: '使用已有公钥' }).click();
  await page.getByLabel('托管公钥').fill('这不是公钥');
  await page.getByRole('button', { name: '检查公钥' }).click();
  await page.getByText('这不是有效的公钥：应为 43 个字符的 base64url 文本（32 字节）。').waitFor();
  await page.getByLabel('文件编号').fill('12345');
  await page.getByRole('button', { name: '调取', exact: true }).click();
  await page.getByText('文件编号应为 32 位，由数字 0–9 和字母 a–f 组成。').waitFor();
  await shot(page, 'escrow-forms-390');

  // Replacing the key with one made offline by `govchat e2e keygen`: its whole line pasted,
  // the replacement acknowledged.
  const { stdout } = await run(process.env.GOVCHAT_BIN, ['e2e', 'keygen', '--out', path.join(dir, 'offline.key')]);
  const [offlineId] = stdout.trim().split(' ');
  await page.getByLabel('托管公钥').fill(stdout);
  await page.getByRole('button', { name: '检查公钥' }).click();
  await page.getByText(`公钥有效，密钥编号为 ${offlineId}。`).waitFor();
  const set = page.getByRole('button', { name: '设为托管密钥' });
  assert.equal(await set.isDisabled(), true, 'not before the replacement is acknowledged');
  await page.getByLabel(new RegExp(`原托管私钥（编号 ${keyId}）`)).check();
  await shot(page, 'escrow-replace-390');
  await set.click();
  await page.getByText(`托管密钥已设置（编号 ${offlineId}）`).waitFor();
  assert.equal((await api(page, 'GET', '/api/v1/keys/escrow')).body.key_id, offlineId);
  assert.deepEqual(officer.problems, []);
});
