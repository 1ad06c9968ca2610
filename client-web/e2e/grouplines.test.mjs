// A group's own life in real browsers, at 1280 px and 390 px: a group created without a
// name is named from its members and opens with the line that says who created it and
// whom they invited; a rename is a line for everyone, live; 免打扰 in the header mutes
// the channel in the list (struck bell, grey badge); @所有人 in a channel where only
// administrators may use it gives a note instead of nothing. `npm run test:browser`.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';

const e2e = fixture();
const SHOTS = new URL('../test-results/', import.meta.url).pathname;

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
const line = (page, text) => page.locator('.timeline .msg-line', { hasText: text });
const composer = (page) => page.locator('textarea.composer-input');

const cases = [
  { width: 1280, height: 800, creator: 'lihua', creatorName: '李华', member: 'zhangjing', others: ['张静', '吴强'], shot: 'desktop' },
  { width: 390, height: 844, creator: 'zhengxue', creatorName: '郑雪', member: 'fengyu', others: ['张静', '冯宇'], shot: 'phone' },
];

for (const c of cases) {
  test(`at ${c.width} px: a group without a name, its lines, 免打扰 and the @所有人 note`, { timeout: 120_000 }, async (t) => {
    await mkdir(SHOTS, { recursive: true });
    const viewport = { width: c.width, height: c.height };
    const a = await e2e.person(t, c.creator, { online: true, viewport });
    const b = await e2e.person(t, c.member, { online: true, viewport });
    const memberName = c.others[c.others.length - 1] === '冯宇' ? '冯宇' : '张静';
    const auto = [c.creatorName, ...c.others].join('、');

    // Created without typing a name: the server names it from its members.
    await a.page.getByRole('button', { name: '新建群组' }).click();
    const dialog = a.page.getByRole('dialog', { name: '新建群组' });
    for (const person of c.others) {
      await dialog.getByLabel('搜索人员').fill(person);
      await dialog.locator('.grp-result', { hasText: person }).locator('input[type=checkbox]').check();
    }
    await dialog.getByRole('button', { name: '创建群组' }).click();
    await dialog.waitFor({ state: 'detached' });
    await a.page.locator('#channel-title', { hasText: auto }).waitFor();
    await line(a.page, `你 创建了群聊并邀请了 ${c.others.join('、')}`).waitFor();
    // Centred in the timeline, as a note of the group's own, not a message.
    const [lineBox, timelineBox] = [await line(a.page, '创建了群聊').boundingBox(), await a.page.locator('.timeline').boundingBox()];
    const off = lineBox.x + lineBox.width / 2 - (timelineBox.x + timelineBox.width / 2);
    assert.ok(Math.abs(off) < 12, `the line is ${off} px off centre`);
    await a.page.screenshot({ path: `${SHOTS}grouplines-created-${c.shot}.png` });

    // The member sees it by the same name, with no unread badge for the line.
    if (c.width < 720) await b.page.locator('.chanlist').waitFor();
    await link(b.page, auto).waitFor();
    assert.equal(await link(b.page, auto).locator('.badge').count(), 0, 'a system line counted as unread');
    assert.match(await link(b.page, auto).locator('.chanitem-preview').innerText(), new RegExp(`${c.creatorName} 创建了群聊并邀请了`));
    await link(b.page, auto).click();
    const invited = c.others.map((n) => (n === memberName ? '你' : n)).join('、');
    await line(b.page, `${c.creatorName} 创建了群聊并邀请了 ${invited}`).waitFor();

    // 免打扰 from the header: on, and the list shows it muted.
    const mute = b.page.getByRole('button', { name: '免打扰' });
    assert.equal(await mute.getAttribute('aria-pressed'), 'false');
    const saved = b.page.waitForResponse((r) => r.url().includes('/notify') && r.request().method() === 'PUT');
    await mute.click();
    assert.equal((await saved).status(), 200);
    assert.equal(await mute.getAttribute('aria-pressed'), 'true');
    const box = await mute.boundingBox();
    if (c.width < 720) assert.ok(box.height >= 44 && box.width >= 44, `免打扰 is ${box.width}×${box.height} px`);

    // A rename is a line for everyone, live.
    await a.page.getByRole('button', { name: '频道设置' }).click();
    const settings = a.page.getByRole('dialog');
    await settings.getByLabel('群名称').fill('预算编制筹备组');
    await settings.getByRole('button', { name: '保存设置' }).click();
    await settings.getByText('设置已保存。').waitFor();
    await settings.getByRole('button', { name: '关闭' }).first().click();
    await line(a.page, '你 将群名改为“预算编制筹备组”').waitFor();
    await line(b.page, `${c.creatorName} 将群名改为“预算编制筹备组”`).waitFor();
    await b.page.locator('#channel-title', { hasText: '预算编制筹备组' }).waitFor();
    await b.page.screenshot({ path: `${SHOTS}grouplines-renamed-${c.shot}.png` });

    // Back to the list: a struck bell, and a message from the creator gives a grey badge.
    if (c.width < 720) await b.page.getByRole('button', { name: '返回频道列表' }).click();
    else await b.page.locator('a.chanitem', { hasText: '预算股' }).first().click();
    const group = link(b.page, '预算编制筹备组');
    await group.locator('.chanitem-mute').waitFor();
    await composer(a.page).fill('筹备材料今天下班前发群里。');
    await composer(a.page).press('Enter');
    await group.locator('.badge.badge-muted').waitFor();
    const grey = await group.locator('.badge').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(grey, 'rgb(217, 45, 32)', 'a muted channel’s badge is still red');
    await b.page.screenshot({ path: `${SHOTS}grouplines-muted-${c.shot}.png` });

    // @所有人 in 预算股, where only its administrators may: a note, not silence.
    await link(b.page, '预算股').click();
    await composer(b.page).fill('@');
    await b.page.locator('.mention-note', { hasText: '本频道只有管理员可以@所有人。' }).waitFor();
    assert.equal(await b.page.locator('.mention-option', { hasText: '所有人' }).count(), 0);
    await b.page.screenshot({ path: `${SHOTS}grouplines-mention-note-${c.shot}.png` });
    // Its administrator (李华 leads 预算股) is offered it.
    if (c.creator === 'lihua') {
      await link(a.page, '预算股').click();
      await composer(a.page).fill('@');
      await a.page.locator('.mention-option', { hasText: '所有人' }).waitFor();
      assert.equal(await a.page.locator('.mention-note').count(), 0);
    }

    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  });
}
