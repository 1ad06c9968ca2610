// Notices in real browsers: a leader publishes to two departments; a staff member finds
// it pinned in the channel and in 待确认, still pinned after 50 messages; confirming
// unpins it for them only while the leader's tally moves live; a revision pins it again
// with the change shown. `npm run test:browser` (see harness.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';

const e2e = fixture();

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
const pins = (page) => page.getByRole('region', { name: /本频道待确认的通知/ });

async function openChannel(page, name) {
  if (!(await page.locator('.chanlist').isVisible())) await page.goto('/');
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
}

const TITLE = '关于报送2027年部门预算草案的通知';

test('a notice stays pinned until each person confirms; the tally moves live; a revision pins it again', { timeout: 150_000 }, async (t) => {
  const leader = await e2e.person(t, 'wangjianguo', { online: true });
  const staff = await e2e.person(t, 'zhangjing', { viewport: { width: 390, height: 844 }, online: true });
  const colleague = await e2e.person(t, 'lihua', { online: true });

  // The leader publishes to 预算股 (with the groups below it) and 国库股.
  await leader.page.goto('/notices');
  await leader.page.getByRole('button', { name: '发布通知' }).click();
  const form = leader.page.getByRole('dialog', { name: '发布通知' });
  await form.getByLabel('标题').fill(TITLE);
  await form.getByLabel('正文').fill('各股室：请于本周五17:00前将本股室2027年部门预算草案报送预算股。');
  const tree = form.locator('.ntc-tree');
  await tree.locator('label.ntc-check', { hasText: /^预算股$/ }).locator('input').check();
  const sub = form.getByLabel('预算股：含下级部门');
  if (!(await sub.isChecked())) await sub.check();
  await tree.locator('label.ntc-check', { hasText: /^国库股$/ }).locator('input').check();
  await form.getByRole('button', { name: '发布', exact: true }).click();
  await form.waitFor({ state: 'detached' });
  await leader.page.locator('.ntc-tally-summary').waitFor();
  assert.match(await leader.page.locator('.ntc-tally-summary').innerText(), /已确认 0 人/);

  // The staff member: pinned in the channel and in 待确认, with a badge, live.
  await openChannel(staff.page, '预算股');
  await pins(staff.page).getByText(TITLE).waitFor();
  await staff.page.goto('/notices');
  await staff.page.locator('.ntc-list').getByText(TITLE).waitFor();
  assert.equal(await staff.page.locator('.sidenav .nav-item', { hasText: '通知' }).locator('.badge').innerText(), '1');

  // 50 messages later it is still pinned at the top of the channel.
  await openChannel(staff.page, '预算股');
  await openChannel(colleague.page, '预算股');
  const composer = colleague.page.locator('textarea.composer-input');
  for (let i = 1; i <= 50; i++) {
    await composer.fill(`第${i}条：预算草案的数据我再核对一遍。`);
    await composer.press('Enter');
  }
  await staff.page.locator('.timeline .msg-text', { hasText: '第50条' }).waitFor();
  await pins(staff.page).getByText(TITLE).waitFor();

  // Confirming unpins it for the staff member only; the leader's tally moves without a reload.
  await pins(staff.page).getByRole('button', { name: new RegExp(`查看并确认：${TITLE}`) }).click();
  await staff.page.getByLabel(/回复/).fill('收到，按时报送');
  await staff.page.getByRole('button', { name: '确认收到' }).click();
  await staff.page.getByText(/已确认（/).waitFor();
  await leader.page.locator('.ntc-tally-summary', { hasText: '已确认 1 人' }).waitFor();
  await openChannel(staff.page, '预算股');
  await staff.page.locator('.timeline .msg-text', { hasText: '第50条' }).waitFor();
  assert.equal(await pins(staff.page).count(), 0, 'no longer pinned for the one who confirmed');
  await pins(colleague.page).getByText(TITLE).waitFor(); // …but still for a colleague who has not

  // A revision pins it again for the staff member, with the change shown.
  await leader.page.getByRole('button', { name: '修改', exact: true }).click();
  const revise = leader.page.getByRole('dialog', { name: '修改通知' });
  await revise.getByLabel('正文').fill('各股室：请于本周四17:00前将本股室2027年部门预算草案报送预算股。');
  await revise.getByLabel('修改说明（必填）').fill('截止时间提前到周四');
  await revise.getByRole('button', { name: '发布修改' }).click();
  await revise.waitFor({ state: 'detached' });
  await pins(staff.page).getByText(TITLE).waitFor();
  await pins(staff.page).getByRole('button', { name: new RegExp(`查看并确认：${TITLE}`) }).click();
  await staff.page.getByText('修改说明：截止时间提前到周四').first().waitFor();
  await staff.page.getByText(/您确认的是第 1 版/).first().waitFor();
  await leader.page.locator('.ntc-tally-summary', { hasText: '已确认 0 人' }).waitFor();

  for (const p of [leader, staff, colleague]) assert.deepEqual(p.problems, []);
});
