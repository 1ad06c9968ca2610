// A notice's attachments in real browsers against the real server (nothing mocked): 李华, a
// leader, composes a notice to 预算股 (with the groups below it) and attaches a PDF and a
// picture through 添加附件; 发布 waits for the uploads, wraps each file's key for everyone
// the audience reaches and publishes. 张静, a recipient, opens the notice: the picture's
// thumbnail and the PDF's card, names decrypted in her browser; she downloads the PDF
// through the service worker and its SHA-256 is the original's. 何平 (国库股) is outside the
// audience: the server refuses him the blobs (404). The revise form shows the attachments
// read-only. Screenshots of the form with two attachments and of the notice at 1280 and
// 390 px. `GOVCHAT_BIN=… node --test e2e/notice-files.test.mjs`.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_PASSWORD, login, shot, waitUntil } from './harness.mjs';
import { pdf, png } from './samples.mjs';

const TIMEOUT = 240_000;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TITLE = '关于报送2027年部门预算草案的通知';
const PDF = '2027年部门预算编制方案（征求意见稿）.pdf';
const PIC = '预算草案签字页.png';

const e2e = fixture();

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const pdfBytes = pdf('2027 budget plan - notice attachment');
const picBytes = png(1200, 900, { band: [200, 30, 30] });
const FILES = [
  { name: PDF, mimeType: 'application/pdf', buffer: pdfBytes },
  { name: PIC, mimeType: 'image/png', buffer: picBytes },
];

const person = (t, username, options) => e2e.person(t, username, options);
const personWithoutPicker = (t, username, options) => e2e.person(t, username, { ...options, noPicker: true });

async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const type = r.headers.get('Content-Type') ?? '';
      const text = await r.text();
      return { status: r.status, body: text && type.includes('json') ? JSON.parse(text) : undefined };
    },
    [method, url, body],
  );
}

/** Waits until the person has a key pair (made at the first sign-in on the web client):
 * a notice's file keys are wrapped only to people who have one. */
async function withKey(t, username) {
  const p = await person(t, username, DESKTOP);
  await waitUntil(async () => (await api(p.page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: `${username}'s key pair` });
  await p.context.close();
}

/** Opens 发布通知 and fills the title, the body and the audience (预算股 with its groups). */
async function composeNotice(page) {
  // Within the page (a reload just after signing in could come before this device keeps
  // its copy of the key, and leave it locked).
  await page.locator('.sidenav .nav-notices').click();
  await page.getByRole('button', { name: '发布通知' }).click();
  const form = page.getByRole('dialog', { name: '发布通知' });
  await form.getByLabel('标题').fill(TITLE);
  await form.getByLabel('正文').fill('各股室：请于本周五17:00前将本股室2027年部门预算草案报送预算股。编制方案与签字页见附件。');
  const tree = form.locator('.ntc-tree');
  await tree.locator('label.ntc-check', { hasText: /^预算股$/ }).locator('input').check();
  const sub = form.getByLabel('预算股：含下级部门');
  if (!(await sub.isChecked())) await sub.check();
  return form;
}

/** 添加附件 with the two files — or the PDF picked and the picture dropped onto the form, as
 * from the desktop's file manager; waits until both are uploaded. */
async function attach(form, { drop = false } = {}) {
  if (!drop) await form.locator('#ntc-publish-files').setInputFiles(FILES);
  else {
    await form.locator('#ntc-publish-files').setInputFiles([FILES[0]]);
    const dt = await form.evaluateHandle((_, [name, b64]) => {
      const t = new DataTransfer();
      t.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }));
      return t;
    }, [PIC, picBytes.toString('base64')]);
    const target = form.locator('form.ntc-form');
    await target.dispatchEvent('dragenter', { dataTransfer: dt });
    await form.locator('.nf-drop-over', { hasText: '松开即可添加附件' }).waitFor();
    await target.dispatchEvent('drop', { dataTransfer: dt });
    await form.locator('.nf-drop-over').waitFor({ state: 'detached' });
  }
  const rows = form.locator('.nf-list .upload-item');
  await waitUntil(async () => (await rows.count()) === 2, { what: 'two attachment rows' });
  let states = [];
  await waitUntil(
    async () => {
      states = await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-upload-stage')}: ${e.querySelector('.upload-status')?.textContent}`));
      return states.every((x) => x.startsWith('uploaded'));
    },
    { timeout: 60_000, what: () => `both attachments uploaded (${states.join('; ')})` },
  );
  return rows;
}

let noticeId = 0;

test('a leader publishes a notice with a PDF and a picture; a recipient sees and downloads them; someone outside cannot fetch them', { timeout: TIMEOUT }, async (t) => {
  // Each signs in once first: the key pair is made at the first sign-in (a reload while it
  // is made would leave none).
  for (const who of ['lihua', 'zhangjing', 'heping']) await withKey(t, who);

  // The form at phone width, with two attachments; closed unpublished (its uploads go).
  const phone = await person(t, 'lihua', PHONE);
  const pform = await composeNotice(phone.page);
  const prows = await attach(pform);
  assert.match(await prows.first().locator('.upload-status').innerText(), /已上传，发布时为接收人加密/);
  await pform.locator('.nf-files').scrollIntoViewIfNeeded();
  await shot(phone.page, 'notice-files-compose-390');
  await pform.getByRole('button', { name: '取消', exact: true }).last().click();
  await pform.waitFor({ state: 'detached' });
  assert.deepEqual(phone.problems, []);

  // 李华 at 1280 px: attaches, publishes.
  const a = await person(t, 'lihua', DESKTOP);
  const form = await composeNotice(a.page);
  const rows = await attach(form, { drop: true });
  assert.match(await rows.nth(0).locator('.upload-name').innerText(), new RegExp(PDF.replace(/[()（）]/g, '.')));
  assert.equal(await rows.nth(1).locator('.upload-name').innerText(), PIC);
  assert.match(await form.locator('.nf-count').innerText(), /2 \/ 10/);
  await form.locator('.nf-files').scrollIntoViewIfNeeded();
  await shot(a.page, 'notice-files-compose-1280');
  const published = a.page.waitForResponse((r) => r.url().endsWith('/api/v1/notices') && r.request().method() === 'POST');
  await form.getByRole('button', { name: '发布', exact: true }).click();
  const res = await published;
  assert.equal(res.status(), 201, await res.text());
  const n = await res.json();
  noticeId = n.id;
  assert.equal(n.attachments.length, 2);
  assert.ok(n.attachments[1].thumb_blob_id, 'the picture has its thumbnail');
  await form.waitFor({ state: 'detached' });
  // The author opens their own notice's files too (their own wrap).
  await a.page.locator('.fv-notice-files .fv-thumb img').waitFor({ timeout: 30_000 });
  await a.page.locator(`.fv-notice-files .fv-card-name[title="${PDF}"]`).waitFor();

  // The revise form shows them, not to be changed.
  await a.page.getByRole('button', { name: '修改', exact: true }).click();
  const revise = a.page.getByRole('dialog', { name: '修改通知' });
  await revise.locator('.nf-readonly-name', { hasText: PIC }).waitFor({ timeout: 30_000 });
  await revise.locator('.nf-readonly-name', { hasText: '签字页' }).waitFor();
  assert.equal(await revise.locator('.nf-readonly').count(), 2);
  assert.equal(await revise.locator('input[type="file"]').count(), 0);
  await revise.getByRole('button', { name: '取消', exact: true }).last().click();
  assert.deepEqual(a.problems, []);

  // 张静: the notice with its thumbnail and the PDF's card; the PDF downloaded and intact.
  const b = await personWithoutPicker(t, 'zhangjing', DESKTOP);
  // Within the page, as a person does (a reload now could come before this device keeps
  // its copy of the key: the phone test below goes that way).
  await b.page.locator('.sidenav .nav-notices').click();
  await b.page.locator('.ntc-list').getByText(TITLE).click();
  const files = b.page.locator('.fv-notice-files');
  await files.locator('.fv-thumb img').waitFor({ timeout: 30_000 });
  await b.page.getByRole('button', { name: `查看图片：${PIC}` }).waitFor();
  const card = files.locator('.fv-card', { has: b.page.locator(`.fv-card-name[title="${PDF}"]`) });
  await card.waitFor({ timeout: 30_000 });
  assert.match(await card.locator('.fv-card-sub').innerText(), /PDF 文件$/);
  assert.equal(await files.locator('.fv-notice-files-title').innerText(), '附件（2）');
  await shot(b.page, 'notice-files-detail-1280');

  // The picture opens in the viewer, decrypted whole.
  await b.page.getByRole('button', { name: `查看图片：${PIC}` }).click();
  const viewer = b.page.getByRole('dialog', { name: '图片查看器' });
  await viewer.locator('.fv-stage-img:not(.fv-stage-img-thumb)').waitFor({ timeout: 30_000 });
  assert.deepEqual(await viewer.locator('.fv-stage-img').evaluate((img) => [img.naturalWidth, img.naturalHeight]), [1200, 900]);
  await viewer.getByRole('button', { name: '关闭' }).click();

  await b.page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 20_000 });
  const [download] = await Promise.all([b.page.waitForEvent('download', { timeout: 60_000 }), card.getByRole('button', { name: `下载 ${PDF}` }).click()]);
  assert.equal(download.suggestedFilename(), PDF);
  const saved = path.join(e2e.server.dataDir, '..', `notice-saved-${Date.now()}.pdf`);
  await download.saveAs(saved);
  assert.equal(await download.failure(), null);
  assert.equal(sha256(await readFile(saved)), sha256(pdfBytes));
  await b.page.locator('.fv-tray .fv-job-done', { hasText: '已保存' }).waitFor();
  // Her key of the file is for the context "notice", wrapped by the author.
  const mine = await api(b.page, 'GET', `/api/v1/file-keys?blobs=${n.attachments.map((x) => x.blob_id).join(',')}`);
  assert.equal(mine.status, 200);
  assert.deepEqual(
    mine.body.keys.map((k) => [k.context, k.wrapped_by]),
    [
      ['notice', n.author_id],
      ['notice', n.author_id],
    ],
  );
  for (const x of [n.attachments[0].blob_id, n.attachments[1].blob_id, n.attachments[1].thumb_blob_id]) {
    assert.equal((await api(b.page, 'GET', `/api/v1/files/${x}`)).status, 200, 'a recipient may fetch the blob');
  }
  assert.deepEqual(b.problems, []);

  // 何平 is outside the audience: the blobs are not his to fetch, nor the notice to see.
  const c = await person(t, 'heping', DESKTOP);
  for (const x of [n.attachments[0].blob_id, n.attachments[1].blob_id, n.attachments[1].thumb_blob_id]) {
    assert.equal((await api(c.page, 'GET', `/api/v1/files/${x}`)).status, 404, 'outside the audience: 404');
  }
  assert.equal((await api(c.page, 'GET', `/api/v1/notices/${noticeId}`)).status, 404);
  const none = await api(c.page, 'GET', `/api/v1/file-keys?blobs=${n.attachments[0].blob_id}`);
  assert.deepEqual(none.body.keys ?? [], []);
});

test('at phone width, opened straight from its address on a device that keeps no key: the unlock prompt, then the attachments', { timeout: TIMEOUT }, async (t) => {
  assert.ok(noticeId, 'the notice of the first test');
  const p = await e2e.open(t, PHONE);
  // No IndexedDB for the key (a private window, a policy): a reload comes back locked.
  await p.context.addInitScript(() => {
    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = (name, ...rest) => {
      if (name === 'govchat-keys') throw new DOMException('blocked by the test', 'SecurityError');
      return open(name, ...rest);
    };
  });
  await login(p.page, e2e.server.baseURL, 'zhangjing');
  await p.page.goto(`/notices/${noticeId}`);
  const files = p.page.locator('.fv-notice-files');
  const prompt = files.locator('.key-prompt');
  await prompt.getByText('加密文件已锁定').waitFor({ timeout: 30_000 });
  await files.locator('.fv-card-err').first().waitFor();
  await prompt.getByPlaceholder('登录密码').fill(DEMO_PASSWORD);
  await prompt.getByRole('button', { name: '解锁加密文件' }).click();
  // Unlocked: the views try again by themselves (the keyring tells them).
  await prompt.waitFor({ state: 'detached', timeout: 30_000 });
  await files.locator('.fv-thumb img').waitFor({ timeout: 30_000 });
  await files.locator(`.fv-card-name[title="${PDF}"]`).waitFor({ timeout: 30_000 });
  // The card fits the screen: nothing wider than the page.
  const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  await files.scrollIntoViewIfNeeded();
  await shot(p.page, 'notice-files-detail-390');
  assert.deepEqual(p.problems, []);
});

test('withdrawn, the notice gives its recipients the files no more', { timeout: TIMEOUT }, async (t) => {
  assert.ok(noticeId, 'the notice of the first test');
  const a = await person(t, 'lihua', DESKTOP);
  const before = await api(a.page, 'GET', `/api/v1/notices/${noticeId}`);
  const blobs = before.body.attachments.map((x) => x.blob_id);
  const w = await api(a.page, 'POST', `/api/v1/notices/${noticeId}/withdraw`, { reason: '附件有误，另行发布' });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  const b = await person(t, 'zhangjing', DESKTOP);
  for (const x of blobs) assert.equal((await api(b.page, 'GET', `/api/v1/files/${x}`)).status, 404);
  await b.page.locator('.sidenav .nav-notices').click();
  await b.page.locator('.ntc-tabs a', { hasText: '收到的' }).click();
  await b.page.locator('.ntc-list').getByText(TITLE).click();
  await b.page.locator('.fv-notice-files').getByText('通知已撤回，附件已不可查看。').waitFor();
  assert.equal(await b.page.locator('.fv-notice-files .fv-card, .fv-notice-files .fv-thumb').count(), 0);
  // The author still has them.
  for (const x of blobs) assert.equal((await api(a.page, 'GET', `/api/v1/files/${x}`)).status, 200);
  assert.deepEqual(b.problems, []);
});
