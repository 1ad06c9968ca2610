// Work groups in real browsers: one person creates a group with a colleague, who sees it
// appear live and replies; then the colleague leaves it. `npm run test:browser`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';

const e2e = fixture();

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });

test('a group is created with a colleague, who sees it live, replies, and can leave', { timeout: 90_000 }, async (t) => {
  const a = await e2e.person(t, 'lihua', { online: true });
  const b = await e2e.person(t, 'zhangjing', { online: true });
  const name = '2027年预算编制工作组';

  await a.page.getByRole('button', { name: '新建群组' }).click();
  const dialog = a.page.getByRole('dialog', { name: '新建群组' });
  await dialog.getByLabel('群名称').fill(name);
  await dialog.getByLabel('搜索人员').fill('张静');
  await dialog.locator('.grp-result', { hasText: '张静' }).locator('input[type=checkbox]').check();
  await dialog.getByRole('button', { name: '创建群组' }).click();
  await dialog.waitFor({ state: 'detached' });

  // The creator lands in the new group; the colleague's list gains it without a reload.
  await a.page.locator('#channel-title', { hasText: name }).waitFor();
  await link(b.page, name).waitFor();

  await a.page.locator('textarea.composer-input').fill('预算编制工作组建好了，材料都发这里。');
  await a.page.locator('textarea.composer-input').press('Enter');
  await link(b.page, name).locator('.badge').waitFor();
  await link(b.page, name).click();
  await b.page.locator('.timeline .msg-text', { hasText: '材料都发这里' }).waitFor();
  await b.page.locator('textarea.composer-input').fill('好的，收到。');
  await b.page.locator('textarea.composer-input').press('Enter');
  await a.page.locator('.timeline .msg-text', { hasText: '好的，收到。' }).waitFor();

  // The members: the creator is the group's admin.
  await a.page.getByRole('button', { name: /位成员/ }).click();
  const members = a.page.locator('aside.members');
  assert.match(await members.locator('.member', { hasText: '李华' }).innerText(), /管理员/);
  assert.equal(await members.locator('.member').count(), 2);

  // The colleague leaves; the group drops out of their list and they are back on the list.
  await b.page.getByRole('button', { name: '频道设置' }).click();
  await b.page.getByRole('button', { name: '退出群组' }).click();
  await b.page.getByRole('button', { name: '确定退出' }).click();
  await link(b.page, name).waitFor({ state: 'detached' });
  assert.equal(new URL(b.page.url()).pathname, '/');
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
});
