// Forwarding (转发, 合并转发), the message menu and the 内部 tag, in real browsers at
// 1280 px and 390 px: a merged forward opened in another group as a transcript; the
// menu by long-press on a touch phone; a 内部 message grouped under its sender's previous
// one keeps its tag. `npm run test:browser`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shot, waitUntil } from './harness.mjs';
import { fixture } from './fixture.mjs';

const e2e = fixture();
const PHONE = { viewport: { width: 390, height: 844 } };
const TOUCH_PHONE = { ...PHONE, hasTouch: true, isMobile: true };

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
const message = (page, text) => page.locator('.timeline .msg', { hasText: text });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
}

async function send(page, text, { secrecy } = {}) {
  if (secrecy !== undefined) await page.locator('select.composer-secrecy').selectOption(String(secrecy));
  await page.locator('textarea.composer-input').fill(text);
  await page.locator('textarea.composer-input').press('Enter');
  await page.locator('.timeline .msg:not(.msg-pending)', { hasText: text }).waitFor();
}

/** Creates a group as the page's user, through the same API the client uses. */
async function createGroup(page, name, members) {
  const res = await page.evaluate(
    async ([name, members]) => {
      const r = await fetch('/api/v1/channels', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, members }) });
      return { status: r.status, body: await r.json() };
    },
    [name, members],
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function userId(page, username) {
  return page.evaluate(async (username) => {
    const r = await fetch(`/api/v1/org/people?q=${encodeURIComponent(username)}&limit=5`);
    const body = await r.json();
    return body.people.find((p) => p.username === username).id;
  }, username);
}

test('a merged forward is opened in another group as a transcript with its original senders and times', { timeout: 120_000 }, async (t) => {
  const lihua = await e2e.person(t, 'lihua', { online: true }); // 1280 px
  const zhang = await e2e.person(t, 'zhangjing', { online: true, ...PHONE });
  const he = await e2e.person(t, 'heping', { online: true, ...PHONE });

  await openChannel(lihua.page, '预算股');
  await send(lihua.page, '请各位周五前报送2027年预算草案', { secrecy: 1 });
  await openChannel(zhang.page, '预算股');
  await message(zhang.page, '周五前报送').waitFor();
  await send(zhang.page, '收到，编制组负责汇总');
  await message(lihua.page, '编制组负责汇总').waitFor();

  const heId = await userId(lihua.page, 'heping');
  await createGroup(lihua.page, '预算国库协调', [heId]);
  await link(lihua.page, '预算国库协调').waitFor();

  // Right-click → 多选, tick the second, 合并转发.
  await message(lihua.page, '周五前报送').click({ button: 'right' });
  const menu = lihua.page.getByRole('menu');
  await menu.getByRole('menuitem', { name: '多选' }).click();
  await menu.waitFor({ state: 'detached' });
  await message(lihua.page, '编制组负责汇总').click();
  await lihua.page.locator('.fwd-select-count', { hasText: '已选 2 条' }).waitFor();
  await shot(lihua.page, 'forward-select-1280');
  await lihua.page.getByRole('button', { name: '合并转发' }).click();
  const dialog = lihua.page.getByRole('dialog', { name: '合并转发给' });
  await dialog.locator('.fwd-what', { hasText: '预算股的聊天记录' }).waitFor();
  await dialog.getByLabel('搜索群聊或联系人').fill('协调');
  await dialog.locator('.fwd-choice', { hasText: '预算国库协调' }).locator('input').check();
  await dialog.getByLabel('留言（选填）').fill('请何股长知悉');
  await shot(lihua.page, 'forward-dialog-1280');
  await dialog.getByRole('button', { name: /^发送/ }).click();
  await dialog.waitFor({ state: 'detached' });
  await lihua.page.locator('.fwd-select-bar').waitFor({ state: 'detached' });

  // 何平, on a phone, in the other group: the record, then the comment, then the transcript.
  await openChannel(he.page, '预算国库协调');
  const record = he.page.locator('.timeline .fwd-record');
  await record.waitFor();
  assert.match(await record.innerText(), /预算股的聊天记录[\s\S]*李华：请各位周五前报送[\s\S]*张静：收到[\s\S]*共 2 条/);
  await message(he.page, '请何股长知悉').waitFor();
  // The record is 内部 (its highest item), and shows so.
  assert.equal(await he.page.locator('.timeline .msg', { has: he.page.locator('.fwd-record') }).locator('.lvl-tag').count(), 1);
  await shot(he.page, 'forward-record-390');
  await record.click();
  const transcript = he.page.getByRole('dialog', { name: '预算股的聊天记录' });
  const items = transcript.locator('.fwd-transcript-item');
  await items.first().waitFor();
  assert.equal(await items.count(), 2);
  const first = await items.nth(0).innerText();
  const second = await items.nth(1).innerText();
  assert.match(first, /李华[\s\S]*\d{1,2}:\d{2}[\s\S]*内部[\s\S]*请各位周五前报送2027年预算草案/);
  assert.match(second, /张静[\s\S]*\d{1,2}:\d{2}[\s\S]*收到，编制组负责汇总/);
  // The times are the originals', not the forward's.
  const origTimes = await lihua.page.locator('.timeline .msg').evaluateAll((els) =>
    els.filter((e) => /周五前报送|编制组负责汇总/.test(e.textContent ?? '') && !e.querySelector('.fwd-record')).map((e) => e.querySelector('time')?.getAttribute('datetime')),
  );
  const shownTimes = await items.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
  assert.deepEqual(shownTimes.map((s) => Date.parse(s)), origTimes.filter(Boolean).map((s) => Date.parse(s)));
  await shot(he.page, 'forward-transcript-390');
  await transcript.getByRole('button', { name: '关闭' }).click();
  await transcript.waitFor({ state: 'detached' });

  // By keyboard: the message's 更多操作 button opens the menu on its first item; arrows
  // move, Escape closes and gives focus back.
  const more = message(lihua.page, '编制组负责汇总').getByRole('button', { name: '更多操作' });
  await message(lihua.page, '编制组负责汇总').focus();
  await more.focus();
  await lihua.page.keyboard.press('Enter');
  const kbMenu = lihua.page.getByRole('menu');
  await kbMenu.waitFor();
  assert.equal(await lihua.page.evaluate(() => document.activeElement?.textContent), '复制');
  await lihua.page.keyboard.press('ArrowDown');
  assert.equal(await lihua.page.evaluate(() => document.activeElement?.textContent), '回复');
  await lihua.page.keyboard.press('Escape');
  await kbMenu.waitFor({ state: 'detached' });
  const focused = () => lihua.page.evaluate(() => document.activeElement?.textContent);
  await waitUntil(async () => (await focused()) === '更多操作', { timeout: 3000, what: `focus back on 更多操作 (it is on ${JSON.stringify(await focused())})` });
  for (const p of [lihua, zhang, he]) assert.deepEqual(p.problems, []);
});

test('the message menu opens by long-press on a touch phone and forwards to a person', { timeout: 90_000 }, async (t) => {
  const zhang = await e2e.person(t, 'zhangjing', { online: true, ...TOUCH_PHONE });
  await openChannel(zhang.page, '预算股');
  await send(zhang.page, '下午三点在三楼会议室碰头');
  const target = message(zhang.page, '三楼会议室');
  const cdp = await zhang.context.newCDPSession(zhang.page);
  const longPress = async () => {
    const box = await target.locator('.msg-text').boundingBox();
    const point = { x: box.x + 20, y: box.y + box.height / 2 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
    // The finger rests until the menu is there.
    await zhang.page.getByRole('menu').waitFor();
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  };
  await longPress();
  const menu = zhang.page.getByRole('menu');
  const labels = await menu.getByRole('menuitem').allInnerTexts();
  assert.deepEqual(
    labels.map((s) => s.split('\n')[0]),
    // 查看已读: one's own message in a department channel (read status, e2e/reads.test.mjs).
    ['复制', '回复', '转发', '多选', '撤回', '编辑', '查看已读', '设为待办'],
  );
  // 设为待办 is choosable (e2e/todo.test.mjs takes it further).
  assert.equal(await menu.getByRole('menuitem', { name: '设为待办' }).getAttribute('aria-disabled'), null);
  // Every item is a thumb's size.
  for (const h of await menu.getByRole('menuitem').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) assert.ok(h >= 44, `item ${h}px`);
  await shot(zhang.page, 'forward-menu-touch-390');
  // A tap outside closes it.
  await zhang.page.touchscreen.tap(200, 120);
  await menu.waitFor({ state: 'detached' });

  await longPress();
  await menu.getByRole('menuitem', { name: '转发' }).tap();
  const dialog = zhang.page.getByRole('dialog', { name: '转发给' });
  await dialog.getByLabel('搜索群聊或联系人').fill('吴强');
  const person = dialog.locator('.fwd-choice', { hasText: '吴强' });
  await person.locator('input').check();
  await shot(zhang.page, 'forward-dialog-390');
  await dialog.getByRole('button', { name: /^发送/ }).tap();
  await dialog.waitFor({ state: 'detached' });
  // 多选 by touch: long-press → 多选, tap another message to tick it, then cancel.
  await longPress();
  await menu.getByRole('menuitem', { name: '多选' }).tap();
  await zhang.page.locator('.fwd-select-count', { hasText: '已选 1 条' }).waitFor();
  assert.equal(await zhang.page.locator('textarea.composer-input').count(), 0);
  const bar = zhang.page.locator('.fwd-select-bar');
  for (const h of await bar.getByRole('button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) assert.ok(h >= 44, `button ${h}px`);
  await shot(zhang.page, 'forward-select-390');
  await bar.getByRole('button', { name: '取消' }).tap();
  await bar.waitFor({ state: 'detached' });
  await zhang.page.locator('textarea.composer-input').waitFor();

  // The direct channel with 吴强 was opened and holds the forward.
  await zhang.page.locator('.channel-back').tap();
  await link(zhang.page, '吴强').click();
  await zhang.page.locator('.timeline .fwd-single', { hasText: '三楼会议室' }).waitFor();
  assert.match(await zhang.page.locator('.timeline .fwd-single .fwd-meta').innerText(), /转发\s*张静 · 来自 预算股/);
  assert.deepEqual(zhang.problems, []);
});

for (const [label, size] of [
  ['1280', {}],
  ['390', PHONE],
]) {
  test(`a 内部 message sent right after the same person's previous one keeps its tag (${label} px)`, { timeout: 90_000 }, async (t) => {
    const a = await e2e.person(t, 'wuqiang', { online: true, ...size });
    const b = await e2e.person(t, 'zhengxue', { online: true, ...size });
    await openChannel(a.page, '预算股');
    await openChannel(b.page, '预算股');
    const n = label;
    await send(a.page, `普通消息 ${n}`);
    await send(a.page, `内部消息一 ${n}`, { secrecy: 1 });
    await send(a.page, `内部消息二 ${n}`, { secrecy: 1 });
    for (const page of [a.page, b.page]) {
      const second = message(page, `内部消息一 ${n}`);
      await second.waitFor();
      const third = message(page, `内部消息二 ${n}`);
      await third.waitFor();
      // Grouped under the previous message (no header of their own), tagged all the same.
      assert.match((await second.getAttribute('class')) ?? '', /msg-compact/);
      assert.match((await third.getAttribute('class')) ?? '', /msg-compact/);
      assert.ok(await second.locator('.lvl-tag', { hasText: '内部' }).isVisible());
      assert.ok(await third.locator('.lvl-tag', { hasText: '内部' }).isVisible());
      assert.equal(await message(page, `普通消息 ${n}`).locator('.lvl-tag').count(), 0);
    }
    await shot(b.page, `forward-secrecy-tag-${label}`);
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  });
}
