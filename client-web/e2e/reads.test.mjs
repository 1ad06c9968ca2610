// Read status in real browsers, three people, at desktop and phone width: 李华 writes in a
// group; the mark under her message goes from 2人未读 to 1人未读 as 张静 reads and to
// 全部已读 as 吴强 does — live, also in the open who-read panel — and in a direct chat
// from 未读 to 已读. `npm run test:browser`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answered, shot } from './harness.mjs';
import { fixture } from './fixture.mjs';

const e2e = fixture();

const VIEWPORTS = [
  { label: '1280', viewport: { width: 1280, height: 800 } },
  { label: '390', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
const mine = (page, text) => page.locator('.timeline article.msg-mine', { has: page.locator('.msg-text', { hasText: text }) });

async function userId(page, username) {
  const r = await page.request.get(`/api/v1/org/people?q=${username}`);
  assert.equal(r.status(), 200);
  const p = (await r.json()).people.find((x) => x.username === username);
  assert.ok(p, username);
  return p.id;
}

async function send(page, text) {
  await page.locator('textarea.composer-input').fill(text);
  await page.locator('textarea.composer-input').press('Enter');
  await mine(page, text).waitFor();
}

for (const { label, viewport, ...device } of VIEWPORTS) {
  test(`read status moves live between three people at ${label} px`, { timeout: 120_000 }, async (t) => {
    const opts = { online: true, viewport, ...device };
    const a = await e2e.person(t, 'lihua', opts); // 李华 writes
    const b = await e2e.person(t, 'zhangjing', opts); // 张静
    const c = await e2e.person(t, 'wuqiang', opts); // 吴强

    // A group of the three, made over REST (the group screens have their own test).
    const name = `预算草案报送群${label}`;
    const created = await a.page.request.post('/api/v1/channels', {
      data: { name, members: [await userId(a.page, 'zhangjing'), await userId(a.page, 'wuqiang')] },
    });
    assert.equal(created.status(), 201);
    await link(a.page, name).click();
    await a.page.locator('#channel-title', { hasText: name }).waitFor();

    const text = `请于本周五前报送2027年预算草案（${label}）`;
    await send(a.page, text);
    const mark = mine(a.page, text).locator('.rd-mark');
    await mark.getByRole('button', { name: /2人未读/ }).waitFor();

    // 张静 opens the group and reads it: 李华 sees 1人未读 without reloading.
    const bReads = answered(b.page, /^\/api\/v1\/channels\/\d+\/reads$/);
    await link(b.page, name).click();
    await b.page.locator('.timeline .msg-text', { hasText: text }).waitFor();
    await mark.getByRole('button', { name: /1人未读/ }).waitFor();
    // Nobody sees a mark under someone else's message — looked for once 张静's page has
    // the read positions a mark would be drawn from.
    await bReads();
    assert.equal(await b.page.locator('.timeline .rd-mark').count(), 0);

    // The panel: who has and has not read it.
    await mark.getByRole('button', { name: /1人未读/ }).click();
    const panel = a.page.getByRole('dialog', { name: '消息接收情况' });
    await panel.waitFor();
    await panel.getByText('应读 2 人，已读 1 人，未读 1 人').waitFor();
    await panel.locator('.rd-list[data-tab="unread"] .rd-person', { hasText: '吴强' }).waitFor();
    await panel.getByRole('tab', { name: '已读 1' }).click();
    await panel.locator('.rd-list[data-tab="read"] .rd-person', { hasText: '张静' }).waitFor();
    await shot(a.page, `reads-panel-${label}`);

    // 吴强 reads too: the open panel and the mark follow.
    await link(c.page, name).click();
    await c.page.locator('.timeline .msg-text', { hasText: text }).waitFor();
    await panel.getByText('应读 2 人，已读 2 人，未读 0 人').waitFor();
    await panel.getByRole('tab', { name: '已读 2' }).waitFor();
    await panel.getByRole('button', { name: '关闭' }).click();
    await panel.waitFor({ state: 'detached' });
    await mark.getByRole('button', { name: /全部已读/ }).waitFor();
    await shot(a.page, `reads-group-${label}`);

    // The message menu's 查看已读 opens the same panel (right-click on a desktop).
    if (label === '1280') {
      await mine(a.page, text).locator('.msg-text').click({ button: 'right' });
      await a.page.getByRole('menuitem', { name: '查看已读' }).click();
      await panel.getByText('应读 2 人，已读 2 人，未读 0 人').waitFor();
      await panel.getByRole('button', { name: '关闭' }).click();
      await panel.waitFor({ state: 'detached' });
    }

    // A direct chat: 未读, then 已读 once 张静 has opened it.
    const opened = await a.page.request.post(`/api/v1/direct/${await userId(a.page, 'zhangjing')}`);
    assert.equal(opened.status(), 200);
    const direct = (await opened.json()).id;
    await a.page.goto(`/c/${direct}`);
    await a.page.locator('.chat[data-conn="online"]').waitFor();
    const dm = `草案模板我单独发你（${label}）`;
    await send(a.page, dm);
    const dmMark = (state) => mine(a.page, dm).locator(`.rd-mark[data-read-status="${state}"]`);
    await dmMark("unread").filter({ hasText: "未读" }).waitFor();
    await b.page.goto(`/c/${direct}`);
    await b.page.locator('.timeline .msg-text', { hasText: dm }).waitFor();
    await dmMark("read").filter({ hasText: "已读" }).waitFor();
    await shot(a.page, `reads-direct-${label}`);

    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
    assert.deepEqual(c.problems, []);
  });
}
