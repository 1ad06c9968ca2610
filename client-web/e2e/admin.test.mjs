// 系统管理 in a real browser against the real server: the administrator creates a person
// and that person logs in with the one-time password; a CSV import is checked and run; a
// non-administrator finds no way in. `npm run test:browser` (see harness.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_USERS, fillLogin, loginOutcome } from './harness.mjs';

const TIMEOUT = 90_000;

const e2e = fixture();

const nav = (page) => page.locator('nav.sidenav');
const navItem = (page, name) => nav(page).getByRole('button', { name, exact: true });

/** Opens 系统管理 from the side navigation and then one of its tabs. */
async function openAdmin(page, tab) {
  await navItem(page, '系统管理').click();
  await page.getByRole('heading', { level: 1, name: '系统管理' }).waitFor();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await page.waitForURL(/\/admin\//);
}

test('the administrator creates a person; the one-time password is shown once and leads to a password change', { timeout: TIMEOUT }, async (t) => {
  const admin = await e2e.person(t, DEMO_USERS.admin.username);
  const { page } = admin;
  assert.ok(await navItem(page, '系统管理').isVisible(), 'the 系统管理 nav item is there for the administrator');
  await openAdmin(page, '人员');
  assert.equal(new URL(page.url()).pathname, '/admin/people');

  await page.getByRole('button', { name: '新增人员' }).click();
  await page.getByRole('heading', { name: '新增人员' }).waitFor();
  await page.locator('#adm-new-username').fill('liming');
  await page.locator('#adm-new-display_name').fill('李明');
  await page.locator('#adm-new-title').fill('科员');
  await page.getByRole('button', { name: '创建账号' }).click();

  const box = page.getByRole('region', { name: '一次性初始密码' });
  await box.waitFor();
  assert.match(await box.innerText(), /李明（liming）的一次性密码/);
  const otp = (await box.locator('.adm-otp-value').innerText()).trim();
  assert.ok(otp.length >= 10, `a one-time password is shown: ${JSON.stringify(otp)}`);
  assert.match(await box.innerText(), /只显示这一次/);

  // Once: after closing it, and when the person is opened again, it is gone.
  await box.getByRole('button', { name: '我已记下，关闭' }).click();
  await box.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: /返回人员列表/ }).click();
  await page.locator('#adm-q').fill('liming');
  await page.locator('#adm-q').press('Enter');
  const row = page.locator('.adm-table tbody tr', { hasText: 'liming' });
  await row.waitFor();
  await page.locator('.adm-table tbody tr').nth(1).waitFor({ state: 'detached' }); // the search narrowed the list
  assert.equal(await page.locator('.adm-table tbody tr').count(), 1, 'the search finds exactly the new person');
  assert.match(await row.innerText(), /待修改初始密码/);
  await row.getByRole('button').click();
  await page.locator('#adm-user-title', { hasText: '李明' }).waitFor();
  assert.equal(await page.locator('.adm-otp').count(), 0, 'the one-time password is not shown again');
  assert.ok(!(await page.locator('.adm-stack').innerText()).includes(otp), 'the password appears nowhere on the page');

  // The new person logs in elsewhere with it and must choose a password first.
  const newbie = await e2e.open(t);
  await newbie.page.goto('/');
  await fillLogin(newbie.page, 'liming', otp);
  assert.deepEqual(await loginOutcome(newbie.page), { where: 'new_password' });
  await newbie.page.getByRole('heading', { name: '修改密码' }).waitFor();
  assert.equal(await newbie.page.locator('#current_password').count(), 0, 'the one-time password just typed is not asked again');
  await newbie.page.locator('#new_password').fill('Liming#Budget2026');
  await newbie.page.locator('#confirm_password').fill('Liming#Budget2026');
  await newbie.page.getByRole('button', { name: '保存新密码' }).click();
  await newbie.page.locator('header.topbar', { hasText: '李明' }).waitFor();
  assert.equal(await navItem(newbie.page, '系统管理').count(), 0, 'a new staff member has no 系统管理');

  // The one-time password no longer works.
  const again = await e2e.open(t);
  await again.page.goto('/');
  await fillLogin(again.page, 'liming', otp);
  const o = await loginOutcome(again.page);
  assert.equal(o.where, 'error', 'the one-time password was used up');

  assert.deepEqual(admin.problems, []);
  assert.deepEqual(newbie.problems, []);
});

const csv = (lines) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

async function chooseCsv(page, name, buffer) {
  await page.locator('#adm-import-file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await page.getByText(`已选择：${name}`).waitFor();
}

test('CSV import: a bad row is listed by line with a Chinese reason; a good file is checked, then imported', { timeout: TIMEOUT }, async (t) => {
  const admin = await e2e.person(t, DEMO_USERS.admin.username);
  const { page } = admin;
  await openAdmin(page, '批量导入');
  assert.equal(new URL(page.url()).pathname, '/admin/import');
  const check = page.getByRole('button', { name: '预检', exact: true });
  const apply = page.getByRole('button', { name: '导入', exact: true });
  assert.ok(await check.isDisabled(), 'nothing to check before a file is chosen');

  // A Chinese name in the username column (line 3) and a phone number Excel mangled (line 4).
  await chooseCsv(
    page,
    '人员-有误.csv',
    csv([
      '用户名,姓名,部门,职务,手机',
      'qianfeng,钱峰,预算股/预算编制组,科员,13800000031',
      '孙小红,孙小红,预算股/预算编制组,科员,13800000032',
      'zhoujie,周杰,国库股,科员,1.38E+10',
    ]),
  );
  await check.click();
  const bad = page.locator('.adm-bad');
  await bad.getByRole('heading', { name: '文件有误，未导入任何数据' }).waitFor();
  const table = page.getByRole('table', { name: '错误明细' });
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())),
  );
  assert.equal(rows.length, 2, `two problems listed: ${JSON.stringify(rows)}`);
  const [line3, line4] = rows;
  assert.equal(line3[0], '3');
  assert.equal(line3[1], '用户名');
  assert.match(line3[2], /中文姓名请填在“姓名”列/);
  assert.equal(line3[3], '孙小红');
  assert.equal(line4[0], '4');
  assert.equal(line4[1], '手机');
  assert.match(line4[2], /手机号只能包含数字/);
  assert.match(await bad.innerText(), /共 2 行有问题（2 处）/);
  assert.ok(await apply.isDisabled(), 'a refused file cannot be imported');

  // A good file: check first, then import.
  await chooseCsv(
    page,
    '人员.csv',
    csv([
      '用户名,姓名,部门,职务,岗位,角色,手机',
      'qianfeng,钱峰,预算股/预算编制组,科员,预算编制岗,干部职工,13800000031',
      'sunxiaohong,孙小红,绩效评价股,股长,,领导,13800000032',
      // an existing person, moved to a title: an update, not a new account
      'wuqiang,吴强,预算股/预算编制组,副组长,预算编制岗,,13800000009',
    ]),
  );
  assert.equal(await page.locator('.adm-report').count(), 0, 'choosing another file clears the old report');
  assert.ok(await apply.isDisabled(), 'import needs a check first');
  await check.click();
  const ok = page.locator('.adm-ok');
  await ok.getByRole('heading', { name: /预检通过/ }).waitFor();
  const counts = async () =>
    Object.fromEntries(
      await ok.locator('.adm-counts > div').evaluateAll((ds) => ds.map((d) => [d.querySelector('dt').textContent.trim(), Number(d.querySelector('dd').textContent)])),
    );
  const expected = { 数据行: 3, 新建账号: 2, 更新账号: 1, 新建部门: 1, 新建党组织: 0 };
  assert.deepEqual(await counts(), expected);
  assert.equal(await ok.locator('.adm-otp').count(), 0, 'a check gives out no passwords');

  await apply.click();
  await ok.getByRole('heading', { name: '导入完成：' }).waitFor();
  assert.deepEqual(await counts(), expected);
  const otps = await ok.locator('.adm-otp tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((c) => c.textContent.trim())));
  assert.deepEqual(
    otps.map((r) => r[0]).sort(),
    ['qianfeng', 'sunxiaohong'],
    'one-time passwords for the two new accounts only',
  );
  for (const [, pw] of otps) assert.ok(pw.length >= 10, 'each new account has a one-time password');

  // The imported people are in the list, the new department in the filter.
  await page.getByRole('tab', { name: '人员', exact: true }).click();
  await page.locator('#adm-q').fill('孙小红');
  await page.locator('#adm-q').press('Enter');
  await page.locator('.adm-table tbody tr', { hasText: 'sunxiaohong' }).waitFor();
  // The departments reload after the import on their own, the old ones shown meanwhile:
  // the list can come first. Read once the new department is among the options.
  await page.locator('#adm-dept option', { hasText: '绩效评价股' }).waitFor({ state: 'attached' });
  assert.ok((await page.locator('#adm-dept option').allInnerTexts()).some((x) => x.includes('绩效评价股')));
  assert.deepEqual(admin.problems, []);
});

test('a staff member sees no 系统管理 and /admin/people lands on the channels', { timeout: TIMEOUT }, async (t) => {
  const staff = await e2e.person(t, DEMO_USERS.budgetStaff.username);
  const { page } = staff;
  await navItem(page, '消息').waitFor();
  assert.deepEqual(await nav(page).getByRole('button').allInnerTexts().then((xs) => xs.map((x) => x.trim())), ['消息', '通知', '待办', '通讯录', '设置']);

  await page.goto('/admin/people');
  await page.locator('header.topbar').waitFor();
  await page.locator('.chanlist').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await navItem(page, '消息').getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('.adm').count(), 0, 'no admin page');
  assert.equal(await navItem(page, '系统管理').count(), 0);

  // And the server refuses the admin API to them too, whatever the page does.
  const status = await page.evaluate(() => fetch('/api/v1/admin/users').then((r) => r.status));
  assert.equal(status, 403);
  assert.deepEqual(staff.problems, []);
});
