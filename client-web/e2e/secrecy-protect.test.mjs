// The protections a secrecy level switches on, in real browsers against the real server
// (nothing mocked): the security officer (赵敏) raises 预算股's ceiling and usual level to
// 秘密 through the API; 李华 sends a message and a picture there at 秘密; 张静 sees the
// viewer's watermark over the channel and drawn into the picture's pixels (thumbnail and
// viewer), no download of the original anywhere (viewer, 群文件; the server refuses
// ?purpose=save with download_not_allowed), no 复制 in the message menu and text that
// cannot be selected; the watermark element removed or hidden in the page comes back at
// once. Screenshots at 1280 px and 390 px. `npm run test:browser`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { pdf, png } from './samples.mjs';
import { sendFile, shot, waitUntil } from './harness.mjs';

const TIMEOUT = 240_000;
const CHANNEL = '预算股';
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TEXT = '秘密：2027年预算调整方案（征求意见稿），请勿外传';
const PIC = '秘密-签批件.png';
const PDF = '秘密-调整方案.pdf';
const BAND = [200, 30, 30];
// 1600×1200: the middle band (rows 40–60 %) is one flat colour, so any other pixel in it
// is the watermark.
const picture = png(1600, 1200, { band: BAND });

const e2e = fixture();

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      let parsed;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: r.status, body: parsed };
    },
    [method, url, body],
  );
}

/** How many pixels of the canvas's flat band differ clearly from the band's colour. */
function bandDeviation(canvas, band) {
  return canvas.evaluate((c, band) => {
    const ctx = c.getContext('2d');
    const y0 = Math.ceil(c.height * 0.42);
    const y1 = Math.floor(c.height * 0.58);
    const d = ctx.getImageData(0, y0, c.width, y1 - y0).data;
    let off = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - band[0]) + Math.abs(d[i + 1] - band[1]) + Math.abs(d[i + 2] - band[2]) > 24) off++;
    }
    return { off, total: d.length / 4, w: c.width, h: c.height };
  }, band);
}

/** Non-transparent pixels of the overlay canvas (the faint text). */
function inked(canvas) {
  return canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

let channelId;
let seeded = false;

/** 赵敏 raises the ceiling; 李华 sends the text and the picture at 秘密. The reader signs in
 * first, so that the picture's key is wrapped to her too. */
async function seed(t) {
  if (seeded) return;
  const reader = await e2e.person(t, 'zhangjing', DESKTOP);
  await waitUntil(async () => (await api(reader.page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: 'zhangjing’s key pair' });
  const list = await api(reader.page, 'GET', '/api/v1/channels');
  channelId = list.body.channels.find((c) => c.name === CHANNEL).id;
  await reader.context.close();

  const officer = await e2e.person(t, 'zhaomin', DESKTOP);
  const put = await api(officer.page, 'PUT', `/api/v1/secrecy/channels/${channelId}`, { max_secrecy: 3, default_secrecy: 3 });
  assert.equal(put.status, 200, `PUT /api/v1/secrecy/channels/${channelId} as the security officer: ${JSON.stringify(put)}`);
  const ladder = await api(officer.page, 'GET', '/api/v1/secrecy');
  const top = ladder.body.levels.find((l) => l.level === 3);
  assert.deepEqual([top.watermark, top.download, top.copy, top.store], [true, false, false, false], '秘密 by default: watermark, view only, no copy, no storage');
  await officer.context.close();

  const sender = await e2e.person(t, 'lihua', DESKTOP);
  await openChannel(sender.page, CHANNEL);
  const level = sender.page.locator('.composer select.composer-secrecy');
  await level.waitFor();
  await level.selectOption('3');
  await sender.page.locator('.composer textarea').fill(TEXT);
  await sender.page.locator('.composer textarea').press('Enter');
  await sender.page.locator('.timeline .msg:not(.msg-pending)', { hasText: TEXT }).waitFor({ timeout: 20_000 });
  // "Sent" read off the server (sendFile), not the timeline's count: history still arriving
  // raises that count too, and the sender's page closes right after.
  await sendFile(sender.page, (p) => p.locator('.composer input[type="file"][accept="image/*"]:not([capture])'), { name: PIC, mimeType: 'image/png', buffer: picture }, { timeout: 120_000 });
  await sendFile(sender.page, (p) => p.locator('.composer input[type="file"]:not([accept])'), { name: PDF, mimeType: 'application/pdf', buffer: pdf('restricted plan - govchat') }, { timeout: 120_000 });
  // All three are stored at 秘密 (the files take the channel's usual level).
  const page = await api(sender.page, 'GET', `/api/v1/channels/${channelId}/messages?limit=10`);
  const mine = page.body.messages.filter((m) => m.text === TEXT || m.attachment);
  assert.deepEqual(
    mine.map((m) => m.secrecy),
    [3, 3, 3],
    `all at 秘密: ${JSON.stringify(mine.map((m) => ({ seq: m.seq, secrecy: m.secrecy })))}`,
  );
  await sender.context.close();
  seeded = true;
}

test('a 秘密 channel: watermark over the view and in the picture, no download, no 复制, the watermark comes back', { timeout: TIMEOUT }, async (t) => {
  await seed(t);
  const b = await e2e.person(t, 'zhangjing', { ...DESKTOP, noPicker: true });
  const { page } = b;
  await openChannel(page, CHANNEL);
  const msg = page.locator('.timeline .msg', { hasText: TEXT });
  await msg.waitFor();

  // The watermark over the channel: a click-through canvas with ink on it.
  const overlay = page.locator('section.channel > canvas.wm-overlay');
  await overlay.waitFor();
  assert.equal(await overlay.evaluate((c) => getComputedStyle(c).pointerEvents), 'none');
  await waitUntil(async () => (await inked(overlay)) > 1000, { what: 'the overlay drawn' });
  const box = await overlay.boundingBox();
  const section = await page.locator('section.channel').boundingBox();
  assert.ok(Math.abs(box.width - section.width) < 2 && Math.abs(box.height - section.height) < 2, 'covers the channel view');
  // Clicks go through it: 回复 under the watermark (a real mouse click) still works.
  await msg.hover();
  await msg.getByRole('button', { name: '回复' }).click();
  await page.locator('.composer-context', { hasText: '李华' }).waitFor({ timeout: 5000 });
  await page.locator('.composer-context').getByRole('button').click();

  // No copying: not selectable, no 复制 in the menu, a copy event refused.
  assert.equal(await msg.evaluate((el) => getComputedStyle(el.querySelector('.msg-text')).userSelect), 'none');
  await msg.click({ button: 'right' });
  const menu = page.locator('.msg-menu');
  await menu.waitFor();
  assert.equal(await menu.locator('[data-item="copy"]').count(), 0, '复制 absent');
  assert.ok((await menu.locator('[role="menuitem"]').count()) > 0);
  await page.keyboard.press('Escape');
  const copied = await msg.evaluate((el) => {
    const r = document.createRange();
    r.selectNodeContents(el.querySelector('.msg-text'));
    const s = getSelection();
    s.removeAllRanges();
    s.addRange(r);
    const dt = new DataTransfer();
    const ev = new ClipboardEvent('copy', { clipboardData: dt, bubbles: true, cancelable: true });
    el.querySelector('.msg-text').dispatchEvent(ev);
    return { prevented: ev.defaultPrevented, data: dt.getData('text/plain') };
  });
  assert.deepEqual(copied, { prevented: true, data: '' });

  // The thumbnail is drawn with the watermark in its pixels.
  const thumb = page.locator('.timeline .fv-thumb canvas.wm-picture');
  await thumb.waitFor({ timeout: 30_000 });
  await shot(page, 'secrecy-channel-1280');

  // The viewer: the whole picture in a canvas, watermark in its pixels, no 下载.
  await page.locator('.timeline .fv-thumb').click();
  const viewer = page.getByRole('dialog', { name: '图片查看器' });
  await viewer.waitFor();
  const full = viewer.locator('canvas.fv-stage-img:not(.fv-stage-img-thumb)');
  await full.waitFor({ timeout: 30_000 });
  await waitUntil(async () => (await full.evaluate((c) => c.width)) === 1600, { what: 'the full picture drawn' });
  const dev = await bandDeviation(full, BAND);
  assert.deepEqual([dev.w, dev.h], [1600, 1200]);
  assert.ok(dev.off > dev.total * 0.01, `watermark pixels in the flat band: ${JSON.stringify(dev)}`);
  assert.ok(dev.off < dev.total * 0.5, `the picture still shows through: ${JSON.stringify(dev)}`);
  assert.equal(await viewer.getByRole('button', { name: '下载' }).count(), 0, 'no 下载 in the viewer');
  await viewer.getByText('仅可在线查看').waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'secrecy-viewer-1280');
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });

  // The PDF preview: the watermark over the frame (guarded too), no 下载, no new tab, the
  // browser's own PDF toolbar (which can save) asked away.
  const pdfCard = page.locator('.timeline .fv-card', { has: page.locator(`.fv-card-name[title="${PDF}"]`) });
  await pdfCard.getByRole('button', { name: '预览' }).waitFor({ timeout: 30_000 });
  assert.equal(await pdfCard.getByRole('button', { name: /^下载/ }).count(), 0, 'no 下载 on the card');
  await pdfCard.getByRole('button', { name: '预览' }).click();
  const pv = page.getByRole('dialog', { name: `PDF 预览：${PDF}` });
  await pv.locator('iframe.fv-pdf-frame').waitFor({ timeout: 30_000 });
  assert.match(await pv.locator('iframe.fv-pdf-frame').getAttribute('src'), /^blob:.*#toolbar=0/);
  assert.equal(await pv.getByRole('button', { name: '下载' }).count(), 0);
  assert.equal(await pv.getByText('在新标签页打开').count(), 0);
  const pdfMark = pv.locator('.wm-pdf-stage > canvas.wm-overlay');
  await pdfMark.waitFor();
  await waitUntil(async () => (await inked(pdfMark)) > 1000, { what: 'the PDF watermark drawn' });
  await page.waitForTimeout(1000);
  await shot(page, 'secrecy-pdf-1280');
  await pdfMark.evaluate((c) => c.remove());
  await waitUntil(async () => (await pdfMark.count()) === 1, { timeout: 2000, what: 'the PDF watermark back' });
  await pv.getByRole('button', { name: '关闭' }).click();
  await pv.waitFor({ state: 'detached' });

  // 群文件: listed, not downloadable.
  await page.getByRole('button', { name: '群文件' }).click();
  const files = page.locator('.fv-files');
  await files.locator('.fv-file-name', { hasText: PIC }).waitFor({ timeout: 30_000 });
  assert.equal(await files.getByRole('button', { name: `下载 ${PIC}` }).count(), 0, 'no 下载 in 群文件');
  await files.getByText('仅可在线查看').first().waitFor();
  await page.getByRole('button', { name: '群文件' }).click();

  // The server refuses the original (purpose=save) and allows viewing (purpose=view).
  const list = await api(page, 'GET', `/api/v1/channels/${channelId}/files`);
  const blob = list.body.files.find((f) => f.seq).attachment.blob_id;
  const save = await api(page, 'GET', `/api/v1/files/${blob}?purpose=save`);
  assert.equal(save.status, 403);
  assert.equal(save.body.error.code, 'download_not_allowed');
  assert.equal((await page.evaluate((u) => fetch(u, { headers: { Range: 'bytes=0-15' } }).then((r) => r.status), `/api/v1/files/${blob}?purpose=view`)), 206);

  // Removed in DevTools: back within a moment, drawn again.
  await page.evaluate(() => document.querySelector('canvas.wm-overlay').remove());
  await waitUntil(async () => (await page.locator('section.channel > canvas.wm-overlay').count()) === 1, { timeout: 2000, what: 'the watermark back after removal' });
  await waitUntil(async () => (await inked(overlay)) > 1000, { timeout: 2000, what: 'the new overlay drawn' });
  // Hidden by its style, or by a style sheet: back as well.
  await page.evaluate(() => (document.querySelector('canvas.wm-overlay').style.display = 'none'));
  await waitUntil(async () => (await overlay.evaluate((c) => getComputedStyle(c).display)) === 'block', { timeout: 2000, what: 'the watermark shown again after display:none' });
  await page.evaluate(() => document.querySelector('canvas.wm-overlay').setAttribute('hidden', ''));
  await waitUntil(async () => (await overlay.evaluate((c) => !c.hidden)), { timeout: 2000, what: 'the watermark back after hidden' });
  // A style sheet added as DevTools or a script would (the CSP refuses a <style> element):
  // it applies to the page, yet the overlay's own !important declarations win.
  await page.evaluate(() => {
    const s = new CSSStyleSheet();
    s.replaceSync('canvas.wm-overlay { opacity: 0 !important; visibility: hidden !important; } #channel-title { color: rgb(1, 2, 3) !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, s];
  });
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('#channel-title').evaluate((e) => getComputedStyle(e).color), 'rgb(1, 2, 3)', 'the sheet applies');
  assert.equal(await overlay.evaluate((c) => getComputedStyle(c).visibility), 'visible', 'a style sheet does not hide it');
  assert.equal(await overlay.evaluate((c) => getComputedStyle(c).opacity), '1');
  assert.deepEqual(b.problems, []);
});

test('at phone width the watermark lies over the chat and the picture, which stay readable', { timeout: TIMEOUT }, async (t) => {
  await seed(t);
  const b = await e2e.person(t, 'zhangjing', PHONE);
  const { page } = b;
  await openChannel(page, CHANNEL);
  await page.locator('.timeline .msg', { hasText: TEXT }).waitFor();
  await page.locator('section.channel > canvas.wm-overlay').waitFor();
  await page.locator('.timeline .fv-thumb canvas.wm-picture').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await shot(page, 'secrecy-channel-390');
  await page.locator('.timeline .fv-thumb').click();
  const viewer = page.getByRole('dialog', { name: '图片查看器' });
  await viewer.locator('canvas.fv-stage-img:not(.fv-stage-img-thumb)').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await shot(page, 'secrecy-viewer-390');
  await page.keyboard.press('Escape');
  // A draft written in a channel that may carry 秘密 stays in memory: nothing of it, nor of
  // the messages, is written to this browser's storage (drafts are saved after 400 ms).
  await page.locator('.composer textarea').fill('秘密草稿：不应保存');
  await page.waitForTimeout(1200);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('秘密'), `no 秘密 text in localStorage: ${stored.slice(0, 300)}`);
  assert.equal(await page.locator('.composer textarea').inputValue(), '秘密草稿：不应保存', 'the draft is kept in the page');
  assert.deepEqual(b.problems, []);
});
