// 待办 in real browsers against the real server: 李华 (预算股股长, at a desk) makes a message a
// to-do for 张静 (on a phone) from the message menu, with a due time and a note; 张静 sees it
// arrive in 待办 and marks it done; 李华's 我交办的 shows it done, and when — live. Then the
// 待办 page with items of every due group, overdue in red, at 390 px and 1280 px.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { shot } from './harness.mjs';

const TIMEOUT = 180_000;
const CHANNEL = '预算股';
const e2e = fixture();

async function openChannel(page, name) {
  await page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) }).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

const messageOf = (page, text) => page.locator('.timeline .msg', { has: page.locator('.msg-text', { hasText: text }) });

/** The Beijing date (YYYY-MM-DD) `days` from now. */
function beijingDate(days) {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** A REST call from the page, as the signed-in person. */
async function api(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const r = await fetch(`/api/v1${path}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [method, path, body],
  );
}

test('a message made a to-do for a colleague, done by them, and the assigner sees it done', { timeout: TIMEOUT }, async (t) => {
  const lihua = await e2e.person(t, 'lihua', { viewport: { width: 1280, height: 800 } });
  const zhang = await e2e.person(t, 'zhangjing', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await openChannel(lihua.page, CHANNEL);
  await openChannel(zhang.page, CHANNEL);

  const text = '请把2027年部门预算基数表报给我';
  await lihua.page.locator('textarea.composer-input').fill(text);
  await lihua.page.locator('textarea.composer-input').press('Enter');
  const msg = messageOf(lihua.page, text);
  await msg.waitFor();
  await messageOf(zhang.page, text).waitFor();

  // 李华: 更多操作 → 设为待办 → 张静, due tomorrow 17:00 Beijing time, a note.
  await msg.hover();
  await msg.getByRole('button', { name: '更多操作' }).click();
  const menu = lihua.page.getByRole('menu');
  const item = menu.getByRole('menuitem', { name: '设为待办' });
  assert.equal(await item.getAttribute('aria-disabled'), null, '设为待办 is choosable');
  await item.click();
  const dialog = lihua.page.getByRole('dialog', { name: '设为待办' });
  await dialog.waitFor();
  const assignee = dialog.getByLabel('交给');
  await lihua.page.waitForFunction(() => document.querySelectorAll('#todo-assignee option').length > 1);
  const options = await assignee.locator('option').allInnerTexts();
  assert.equal(options[0], '自己');
  assert.ok(options.some((o) => o.startsWith('张静')), `张静 is offered: ${options}`);
  await assignee.selectOption({ label: options.find((o) => o.startsWith('张静')) });
  await dialog.getByLabel('截止日期').fill(beijingDate(1));
  await dialog.getByLabel('截止时刻').fill('17:00');
  await dialog.getByLabel('备注（可不填）').fill('周五前报送，附说明');
  await shot(lihua.page, 'todo-dialog-1280');
  await dialog.getByRole('button', { name: '设为待办' }).click();
  await lihua.page.getByRole('status').filter({ hasText: '已交办给 张静' }).waitFor();
  await dialog.waitFor({ state: 'detached' });

  // 李华 watches 我交办的: not done yet.
  await lihua.page.locator('.sidenav .nav-todos').click();
  await lihua.page.getByRole('link', { name: '我交办的' }).click();
  const given = lihua.page.locator('.todo-item', { hasText: text });
  await given.waitFor();
  await given.getByText('未完成').waitFor();
  assert.match(await given.innerText(), /交给 张静/);

  // 张静's 待办 tab shows it (the frame came live), in 明天截止, with who and the note. The
  // tab bar is hidden inside a channel, as in WeChat: back to the list first.
  await zhang.page.locator('.channel-back').click();
  const tab = zhang.page.locator('.tabbar .nav-todos');
  await tab.locator('.nav-badge', { hasText: '1' }).waitFor();
  await tab.click();
  const mine = zhang.page.locator('.todo-item', { hasText: text });
  await mine.waitFor();
  const row = await mine.innerText();
  assert.match(row, /李华 交办/);
  assert.match(row, /备注：周五前报送，附说明/);
  assert.match(row, /截止 .*17:00/);
  assert.equal(await zhang.page.locator('.todo-group-tomorrow .todo-item', { hasText: text }).count(), 1);
  await shot(zhang.page, 'todo-mine-390-one');

  // Opening it goes to the message in its channel.
  await mine.locator('.todo-open').click();
  await zhang.page.locator('#channel-title', { hasText: CHANNEL }).waitFor();
  await zhang.page.goBack();
  await mine.waitFor();

  await mine.getByRole('button', { name: `将“${text}”标记为完成` }).click();
  await mine.waitFor({ state: 'detached' });
  await zhang.page.getByText('暂无待办事项。').waitFor();
  await tab.locator('.nav-badge').waitFor({ state: 'detached' });

  // 李华 sees it done, by whom and when, without reloading.
  await given.locator('.todo-state-done', { hasText: /张静 已于 .* 完成/ }).waitFor();
  await shot(lihua.page, 'todo-assigned-1280');

  // Every step is in the to-do's own record.
  const list = await api(lihua.page, 'GET', '/todos/assigned');
  const id = list.body.items.find((i) => i.title === text).id;
  const rec = await api(lihua.page, 'GET', `/todos/${id}`);
  assert.deepEqual(rec.body.history.map((h) => `${h.event}:${h.actor.name}`), ['assigned:李华', 'done:张静']);
  // Someone else's to-do does not exist for a third person.
  const wu = await e2e.person(t, 'wuqiang');
  assert.equal((await api(wu.page, 'POST', `/todos/${id}/done`)).status, 404);
});

test('the 待办 page with every kind of deadline, overdue in red (390 px and 1280 px)', { timeout: TIMEOUT }, async (t) => {
  const zhang = await e2e.person(t, 'zhangjing', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const lihua = await e2e.person(t, 'lihua', { viewport: { width: 1280, height: 800 } });
  await openChannel(lihua.page, CHANNEL);
  const channelId = Number(new URL(lihua.page.url()).pathname.split('/').pop());
  const texts = ['核对国库集中支付台账', '准备预算执行分析会材料', '整理项目库清单', '有空看看新版会计制度'];
  for (const text of texts) {
    await lihua.page.locator('textarea.composer-input').fill(text);
    await lihua.page.locator('textarea.composer-input').press('Enter');
    await messageOf(lihua.page, text).waitFor();
  }
  const seqOf = async (text) => Number(await messageOf(lihua.page, text).getAttribute('data-seq'));

  // On a phone the dialog opens from the long-press menu and fits the screen.
  await openChannel(zhang.page, CHANNEL);
  const target = messageOf(zhang.page, texts[3]).locator('.msg-text');
  await target.waitFor();
  const cdp = await zhang.context.newCDPSession(zhang.page);
  const box = await target.boundingBox();
  const point = { x: box.x + 20, y: box.y + box.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await zhang.page.getByRole('menu').waitFor();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await zhang.page.getByRole('menu').getByRole('menuitem', { name: '设为待办' }).tap();
  const dialog = zhang.page.getByRole('dialog', { name: '设为待办' });
  await dialog.waitFor();
  for (const el of [dialog.getByLabel('交给'), dialog.getByLabel('备注（可不填）'), dialog.getByRole('button', { name: '设为待办' })]) {
    const b = await el.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `inside the screen: ${JSON.stringify(b)}`);
  }
  await shot(zhang.page, 'todo-dialog-390');
  await dialog.getByRole('button', { name: '取消' }).tap();
  await dialog.waitFor({ state: 'detached' });
  const me = (await api(zhang.page, 'GET', '/me')).body;
  const due = (ms) => new Date(Date.now() + ms).toISOString();
  const gives = [
    { text: texts[0], due: due(90_000), note: '今天下班前' },
    { text: texts[1], due: due(30 * 3600_000) },
    { text: texts[2], due: due(5 * 86_400_000), note: '按股室汇总' },
    { text: texts[3] },
  ];
  for (const g of gives) {
    const r = await api(lihua.page, 'POST', '/todos', { channel_id: channelId, seq: await seqOf(g.text), assignee_id: me.id, due: g.due, note: g.note });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  // Refused: a due time in the past; someone outside the channel.
  const past = await api(lihua.page, 'POST', '/todos', { channel_id: channelId, seq: await seqOf(texts[3]), assignee_id: me.id, due: due(-60_000) });
  assert.deepEqual([past.status, past.body.error.code, past.body.error.field], [400, 'bad_request', 'due']);
  // A notice to confirm with a deadline, from 李华 to the 预算股 channel.
  const notice = await api(lihua.page, 'POST', '/notices', {
    title: '关于报送2027年部门预算草案的通知',
    body: '请于后天17:00前报送。',
    deadline: due(50 * 3600_000),
    audience: { channels: [channelId] },
  });
  assert.equal(notice.status, 201, JSON.stringify(notice.body));

  // 张静 looks a day later (the browser's clock; the server's is real): the first is overdue.
  await zhang.page.clock.install({ time: new Date(Date.now() + 26 * 3600_000) });
  await zhang.page.goto(`${e2e.server.baseURL}/todos`);
  await zhang.page.locator('.todo-item').first().waitFor();
  await zhang.page.locator('.todo-item', { hasText: texts[3] }).waitFor();
  const groups = await zhang.page.locator('.todo-group h2').allInnerTexts();
  const order = ['已逾期', '今天截止', '明天截止', '7 天内截止', '以后', '无截止时间'];
  const names = groups.map((g) => g.replace(/\s*\d+$/, ''));
  assert.equal(names[0], '已逾期');
  assert.equal(names.at(-1), '无截止时间');
  assert.deepEqual(names, order.filter((g) => names.includes(g)), `groups in deadline order: ${names}`);
  const late = zhang.page.locator('.todo-overdue', { hasText: texts[0] });
  await late.getByText('已逾期').waitFor();
  const color = await late.locator('.todo-due').evaluate((el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(180, 35, 24)', 'overdue in red');
  assert.ok(await zhang.page.locator('.todo-item[data-kind="notice"]', { hasText: '关于报送2027年部门预算草案的通知' }).count(), 'the notice to confirm is listed');
  await shot(zhang.page, 'todo-page-390');
  await zhang.page.setViewportSize({ width: 1280, height: 800 });
  await zhang.page.locator('.sidenav:not(.tabbar)').waitFor();
  await shot(zhang.page, 'todo-page-1280');
});
