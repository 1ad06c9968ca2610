// 数据防泄漏 in real browsers against the real server (nothing mocked). The security
// officer (赵敏) opens 保密管理 → 数据防泄漏, adds a pattern that could run away in a
// browser — refused, the rule and the reason named in Chinese — then a safe one, saved.
// 李华 sends into 预算股 (level 公开, where an ID number warns): a file named with an ID
// number asks 继续发送 / 取消 before anything is encrypted or uploaded (取消 sends
// nothing, the hit is recorded as cancelled); a message with an ID number comes back with
// the warning and 仍要发送, which sends it. Screenshots at 1280 and 390 px.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { shot, waitUntil } from './harness.mjs';

const TIMEOUT = 180_000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const ID = '110105194912310003'; // fictitious, a valid check digit (protocol/testdata/dlp_corpus.json)

const e2e = fixture();

async function api(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const r = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    [method, url, body],
  );
}

async function openChannel(page, name) {
  await page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) }).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

test('the security officer’s rules: a runaway pattern is refused by name, a safe one saved', { timeout: TIMEOUT }, async (t) => {
  const zm = await e2e.person(t, 'zhaomin', { viewport: { width: 1280, height: 1000 } });
  const page = zm.page;
  await page.locator('.nav-security').click();
  await page.getByRole('tab', { name: '数据防泄漏' }).click();
  await page.waitForURL(/\/security\/dlp$/);
  await page.locator('.dlp-rule', { hasText: '身份证号' }).waitFor();
  await page.getByRole('button', { name: '添加正则表达式' }).click();
  const rule = page.locator('#dlp-rule-4');
  await rule.getByLabel('名称').fill('合同编号');
  await rule.getByLabel('表达式（不超过 256 字符）').fill('(\\d+)+$');
  await page.getByRole('button', { name: '保存规则' }).click();
  await rule.locator('.form-error', { hasText: '第 5 条规则：表达式含有嵌套的重复' }).waitFor();
  await shot(page, 'dlp-rules-refused-1280');
  await rule.getByLabel('表达式（不超过 256 字符）').fill('HT-\\d{4}-\\d{3}');
  await page.getByRole('button', { name: '保存规则' }).click();
  await page.locator('.dlp-page', { hasText: '规则已保存。' }).waitFor();
  const saved = await api(page, 'GET', '/api/v1/dlp/rules');
  assert.equal(saved.body.rules[4].pattern, 'HT-\\d{4}-\\d{3}');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'dlp-rules-1280');

  const phone = await e2e.person(t, 'zhaomin', PHONE);
  await phone.page.goto('/security/dlp');
  await phone.page.locator('#dlp-rule-4 .dlp-pattern').waitFor();
  assert.equal(await phone.page.locator('#dlp-rule-4 .dlp-pattern').inputValue(), 'HT-\\d{4}-\\d{3}');
  await shot(phone.page, 'dlp-rules-390');

  // Only the security officer changes them.
  const staff = await e2e.person(t, 'zhangjing', { viewport: { width: 1280, height: 800 } });
  const refused = await api(staff.page, 'PUT', '/api/v1/dlp/rules', { rules: saved.body.rules });
  assert.equal(refused.status, 403);
});

test('a file named with an ID number asks before it is sent; a message with one comes back with 仍要发送', { timeout: TIMEOUT }, async (t) => {
  const lh = await e2e.person(t, 'lihua', { viewport: { width: 1280, height: 800 } });
  const page = lh.page;
  await openChannel(page, '预算股');
  const uploads = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/uploads')) uploads.push(r.url());
  });
  const hits = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/dlp/hits')) hits.push(r.postDataJSON());
  });

  await page.locator('.composer input[type="file"]:not([accept])').setInputFiles({ name: `张三${ID}.txt`, mimeType: 'text/plain', buffer: Buffer.from('会议纪要') });
  const dialog = page.getByRole('dialog', { name: '检测到敏感信息' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /身份证号/);
  await shot(page, 'dlp-file-confirm-1280');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitUntil(() => hits.length === 1, { what: 'the hit reported' });
  assert.deepEqual(hits[0], { context: hits[0].context, kind: 'file_name', level: 0, rules: [{ id: 'id_card', count: 1 }], action_taken: 'cancelled' });
  assert.match(hits[0].context, /^channel:\d+$/);
  assert.equal(uploads.length, 0, 'nothing was uploaded');

  // A message: the server's warning, then 仍要发送.
  const input = page.locator('textarea.composer-input');
  await input.fill(`请核对身份证号${ID}`);
  await input.press('Enter');
  const pending = page.locator('.msg-pending', { hasText: '消息含有敏感信息（身份证号）' });
  await pending.waitFor();
  await shot(page, 'dlp-message-warning-1280');
  await pending.getByRole('button', { name: '仍要发送' }).click();
  await page.locator('.timeline .msg:not(.msg-pending)', { hasText: `请核对身份证号${ID}` }).waitFor();
  assert.equal(await page.locator('.msg-pending').count(), 0);

  const phone = await e2e.person(t, 'lihua', PHONE);
  await openChannel(phone.page, '预算股').catch(async () => {
    await phone.page.goto('/');
    await openChannel(phone.page, '预算股');
  });
  await phone.page.locator('.composer input[type="file"]:not([accept])').setInputFiles({ name: `名单${ID}.txt`, mimeType: 'text/plain', buffer: Buffer.from('x') });
  await phone.page.getByRole('dialog', { name: '检测到敏感信息' }).waitFor();
  await shot(phone.page, 'dlp-file-confirm-390');
});
