// Key requests in real browsers against the real server (nothing mocked): 李华 sends a
// picture and a document in 预算股 while 张静 and 吴强 have never signed in on the web client,
// so no key of theirs exists and none is wrapped to them. 张静 signs in (her key pair is
// made), opens 预算股: each file first says 正在向群成员请求密钥…, 李华's browser — online in
// another context, showing another section — answers by itself, and the thumbnail and the
// card appear, decrypted. 吴强 then signs in while nobody who can open the files is online:
// after about 30 s the card says 暂无在线成员可共享密钥，稍后再试; 李华 comes back, 重试, and the
// files open. Screenshots at 1280 px and 390 px. `npm run test:browser`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { login, sendFile, shot, waitUntil } from './harness.mjs';
import { png } from './samples.mjs';

const TIMEOUT = 240_000;
const CHANNEL = '预算股';
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const PIC = '签字页照片.png';
const DOC = '关于2027年预算编制的说明.docx';
const ASKING = '正在向群成员请求密钥…';
const UNANSWERED = '暂无在线成员可共享密钥，稍后再试';

const e2e = fixture();

// ---- the page ----

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

const fileInput = (page) => page.locator('.composer input[type="file"]:not([accept])');
const pictureInput = (page) => page.locator('.composer input[type="file"][accept="image/*"]:not([capture])');

/** A page signed in as username that records every request state a file card showed (the
 * asking state may last only as long as a colleague's 0–2 s wait). */
async function watchedPerson(t, username, options) {
  const p = await e2e.open(t, options);
  await p.context.addInitScript(() => {
    const seen = new Set();
    Object.defineProperty(window, '__keyTexts', { value: seen });
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.fv-card-asking, .fv-card-err')) seen.add(el.textContent);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await login(p.page, e2e.server.baseURL, username);
  return p;
}
const keyTexts = (page) => page.evaluate(() => [...(/** @type {any} */ (window).__keyTexts ?? [])]);

async function api(page, method, url) {
  return page.evaluate(
    async ([method, url]) => {
      const r = await fetch(url, { method });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    [method, url],
  );
}

const picture = png(1200, 900, { band: [200, 30, 30] });
const doc = randomBytes(40_000);

test('a member who had no key asks, an online colleague answers by itself, and the files open; with nobody online, 重试 later', { timeout: TIMEOUT }, async (t) => {
  // 李华 sends while 张静 and 吴强 have no key pair.
  const a = await e2e.person(t, 'lihua', DESKTOP);
  await openChannel(a.page, CHANNEL);
  await sendFile(a.page, pictureInput, { name: PIC, mimeType: 'image/png', buffer: picture });
  await sendFile(a.page, fileInput, { name: DOC, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: doc });
  // 李华 stays signed in, elsewhere in the app: the answer needs no open channel.
  await a.page.locator('nav').getByRole('button', { name: '通讯录' }).click();
  await a.page.locator('#channel-title').waitFor({ state: 'detached' });

  // 张静 signs in for the first time: her key pair is made, and she opens 预算股.
  const b = await watchedPerson(t, 'zhangjing', DESKTOP);
  await waitUntil(async () => (await api(b.page, 'GET', '/api/v1/me/key')).status === 200, { timeout: 30_000, what: 'her key pair' });
  await openChannel(b.page, CHANNEL);
  const opened = Date.now();
  const thumb = b.page.locator('.timeline .fv-thumb img');
  await thumb.waitFor({ timeout: 30_000 });
  // Measured: the channel shown → the thumbnail decrypted with the key a colleague sent
  // (a request, the colleague's 0–2 s wait, the wrap, the post, the key_shared frame).
  console.log(`# reshare: thumbnail ${Date.now() - opened} ms after the channel opened`);
  const card = b.page.locator('.timeline .fv-card', { has: b.page.locator(`.fv-card-name[title="${DOC}"]`) });
  await card.waitFor({ timeout: 30_000 });
  assert.match(await card.locator('.fv-card-sub').innerText(), /Word 文档$/);
  assert.deepEqual(await b.page.locator('.timeline .fv-thumb').evaluate((el) => el.getAttribute('aria-label')), `查看图片：${PIC}`);
  const seen = await keyTexts(b.page);
  assert.ok(seen.includes(ASKING), `the files said ${ASKING} first: ${JSON.stringify(seen)}`);
  assert.ok(!seen.includes(UNANSWERED), `answered in time: ${JSON.stringify(seen)}`);
  // Her keys now, wrapped by 李华's browser.
  const files = await api(b.page, 'GET', `/api/v1/channels/${await b.page.evaluate(() => Number(location.pathname.split('/').pop()))}/files?limit=10`);
  const ids = files.body.files.map((f) => f.attachment.blob_id);
  const mine = await api(b.page, 'GET', `/api/v1/file-keys?blobs=${ids.join(',')}`);
  const lihua = (await api(b.page, 'GET', '/api/v1/org/people?q=lihua&limit=5')).body.people.find((p) => p.username === 'lihua').id;
  assert.equal(mine.body.keys.length, 2, JSON.stringify(mine.body));
  assert.ok(mine.body.keys.every((k) => k.wrapped_by === lihua));
  await shot(b.page, 'files-reshare-answered-1280');
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);

  // Nobody who can open the files is online when 吴强 signs in for the first time.
  await a.context.close();
  await b.context.close();
  for (const size of [DESKTOP, PHONE]) {
    const c = await watchedPerson(t, 'wuqiang', size);
    await openChannel(c.page, CHANNEL);
    if (size === DESKTOP) {
      await c.page.locator('.timeline .fv-card-asking', { hasText: ASKING }).first().waitFor();
      await shot(c.page, 'files-reshare-asking-1280');
    }
    const cCard = c.page.locator('.timeline .fv-card').filter({ hasText: UNANSWERED });
    await waitUntil(async () => (await cCard.count()) === 2, { timeout: 60_000, what: `two cards saying ${UNANSWERED}` });
    assert.ok((await keyTexts(c.page)).includes(ASKING));
    await shot(c.page, `files-reshare-unanswered-${size.viewport.width}`);
    assert.deepEqual(c.problems, []);
    if (size === PHONE) {
      // 李华 comes back; 重试 on each card asks again, and her browser answers.
      const back = await e2e.person(t, 'lihua', { ...DESKTOP, online: true });
      for (let left = 2; left > 0; left--) {
        await cCard.first().getByRole('button', { name: '重试' }).click();
        await waitUntil(async () => (await cCard.count()) < left, { what: 'the card asking again' });
      }
      await c.page.locator('.timeline .fv-thumb img').waitFor({ timeout: 30_000 });
      await c.page.locator('.timeline .fv-card', { has: c.page.locator(`.fv-card-name[title="${DOC}"]`) }).waitFor({ timeout: 30_000 });
      await shot(c.page, 'files-reshare-retried-390');
      assert.deepEqual(back.problems, []);
    } else {
      await c.context.close();
    }
  }
});
