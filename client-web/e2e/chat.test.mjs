// Chat in real browsers against the real server: two people in two browser contexts, a
// network drop, and hostile message text. `npm run test:browser` (see harness.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';

const TIMEOUT = 90_000;
// 李华 (预算股股长) and 张静 (预算编制组, under 预算股) share the 预算股 channel.
const A = 'lihua';
const B = 'zhangjing';
const CHANNEL = '预算股';

const e2e = fixture();

function channelLink(page, name) {
  return page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
}

async function openChannel(page, name) {
  await channelLink(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.timeline[data-channel]').waitFor();
  await waitOnline(page);
}

async function waitOnline(page) {
  await page.locator('.chat[data-conn="online"]').waitFor();
}

function composer(page) {
  return page.locator('textarea.composer-input');
}

async function send(page, text) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The texts of the messages in the open channel, oldest first (pending ones included). */
async function texts(page) {
  return page.locator('.timeline .msg .msg-text').evaluateAll((els) =>
    els.map((e) => {
      const c = e.cloneNode(true);
      c.querySelectorAll('.msg-edited').forEach((x) => x.remove());
      return c.textContent;
    }),
  );
}

async function waitForText(page, text) {
  await page.locator('.timeline .msg .msg-text', { hasText: text }).first().waitFor();
}

test('two people chat live in a department channel; replies, mentions and a reload keep the history', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A);
  const b = await e2e.person(t, B);
  await openChannel(a.page, CHANNEL);
  await openChannel(b.page, CHANNEL);

  const first = '请各位今天下班前报送2027年预算草案。';
  await send(a.page, first);
  await waitForText(b.page, first); // live, without a reload
  const msg = b.page.locator('.timeline .msg', { hasText: first });
  assert.match(await msg.locator('.msg-name').innerText(), /李华/);

  // B replies to it, mentioning A through the completion list.
  await msg.hover();
  await msg.getByRole('button', { name: '回复' }).click();
  await b.page.locator('.composer-context', { hasText: '回复 李华' }).waitFor();
  await composer(b.page).fill('收到，');
  await composer(b.page).press('End');
  await composer(b.page).pressSequentially('@李');
  await b.page.getByRole('option', { name: /李华/ }).waitFor();
  await composer(b.page).press('Enter'); // picks the suggestion
  await composer(b.page).pressSequentially('草案下午三点前发您。');
  await composer(b.page).press('Enter');
  const reply = '收到，@李华 草案下午三点前发您。';

  await waitForText(a.page, '草案下午三点前发您');
  const got = a.page.locator('.timeline .msg', { hasText: '草案下午三点前发您' });
  assert.match(await got.locator('.msg-quote').innerText(), /李华: 请各位今天下班前报送/);
  assert.ok(await got.evaluate((e) => e.classList.contains('msg-mentioned')), 'the mention of A is highlighted for A');
  assert.equal(await got.locator('.mention-me').innerText(), '@李华');

  // A reload keeps the history, in order.
  await b.page.reload();
  await b.page.locator('#channel-title', { hasText: CHANNEL }).waitFor();
  await waitForText(b.page, '草案下午三点前发您');
  const after = await texts(b.page);
  assert.deepEqual(after.slice(-2), [first, reply]);
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
});

test('reading on one device clears the unread count on the other', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A);
  const phone = await e2e.person(t, B, { viewport: { width: 360, height: 740 } });
  const desk = await e2e.person(t, B);
  await openChannel(a.page, CHANNEL);
  await waitOnline(phone.page);
  await waitOnline(desk.page);

  await send(a.page, '预算股本周例会改到周四下午。');
  const badge = channelLink(phone.page, CHANNEL).locator('.badge');
  await badge.waitFor();
  assert.equal(await badge.innerText(), '1');

  await openChannel(desk.page, CHANNEL); // reads it at the bottom of a visible page
  await waitForText(desk.page, '例会改到周四下午');
  await badge.waitFor({ state: 'detached' });
  assert.deepEqual(phone.problems, []);
});

test('a message written offline is delivered once when back, after what others sent meanwhile', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A);
  const b = await e2e.person(t, B);
  await openChannel(a.page, CHANNEL);
  await openChannel(b.page, CHANNEL);

  await b.context.setOffline(true);
  await b.page.locator('.chat[data-conn="offline"]').waitFor();
  const offline = '我这边网络断了，恢复后再发这条：报表已核对无误。';
  await send(b.page, offline);
  const pending = b.page.locator('.msg-pending', { hasText: '报表已核对无误' });
  await pending.waitFor();
  assert.match(await pending.locator('.msg-status').innerText(), /等待网络连接/);

  const meanwhile = ['国库股的数据已经到了。', '请张静核对后回复。'];
  for (const m of meanwhile) await send(a.page, m);
  await waitForText(a.page, meanwhile[1]);

  // The draft of a half-written message survives too.
  await composer(b.page).fill('还没写完的草稿');

  await b.context.setOffline(false);
  await waitOnline(b.page);
  await waitForText(a.page, '报表已核对无误');
  await pending.waitFor({ state: 'detached' });
  await waitForText(b.page, meanwhile[1]);

  const bTexts = await texts(b.page);
  const tail = bTexts.slice(-3);
  assert.deepEqual(tail, [...meanwhile, offline], 'others’ messages first, in order, then the one written offline');
  const aTexts = await texts(a.page);
  assert.equal(aTexts.filter((x) => x === offline).length, 1, 'delivered exactly once');
  assert.equal(await composer(b.page).inputValue(), '还没写完的草稿');

  // And once in the stored history too.
  await a.page.reload();
  await waitForText(a.page, '报表已核对无误');
  assert.equal((await texts(a.page)).filter((x) => x === offline).length, 1);
});

test('hostile message text shows as text and harms nothing', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A);
  const b = await e2e.person(t, B, { viewport: { width: 360, height: 740 } });
  await openChannel(a.page, CHANNEL);
  await openChannel(b.page, CHANNEL);

  const hostile = [
    '<script>window.__pwned = 1</script>',
    '<img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned=3">点我</a> javascript:window.__pwned=4',
    '<b onmouseover="window.__pwned=5">悬停</b>',
    '文件名\u202Egpj.exe',
    'x'.repeat(4000),
  ];
  for (const h of hostile) await send(a.page, h);
  await waitForText(b.page, 'x'.repeat(100));

  // 100 KB does not go out: the composer says why, precisely, and keeps the text.
  await composer(a.page).fill('长'.repeat(100_000));
  await composer(a.page).press('Enter');
  const problem = a.page.locator('.composer .form-error[role="alert"]');
  await problem.waitFor();
  assert.match(await problem.innerText(), /最多 5000 字，当前 100000 字/);
  assert.equal((await composer(a.page).inputValue()).length, 100_000);

  for (const { page, problems } of [a, b]) {
    const shown = await texts(page);
    for (const h of hostile.slice(0, 4)) assert.ok(shown.includes(h), `shown literally: ${h}`);
    assert.ok(shown.includes('文件名[U+202E]gpj.exe'), 'the right-to-left override is shown as a marker');
    const dom = await page.evaluate(() => ({
      pwned: window.__pwned,
      scripts: document.querySelectorAll('.timeline script, .timeline img, .timeline b').length,
      jsLinks: [...document.querySelectorAll('a')].filter((x) => /^\s*javascript:/i.test(x.getAttribute('href') ?? '')).length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    await page.locator('.timeline .msg', { hasText: '悬停' }).hover();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(dom, { pwned: undefined, scripts: 0, jsLinks: 0, overflow: 0 });
    assert.deepEqual(problems, []);
  }
});
