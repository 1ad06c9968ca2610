// 密级设置 and 法律保全 in real browsers against the real server (nothing mocked). The
// security officer (赵敏) sets the retention of 秘密 (a wrong value refused in words, the
// change confirmed from a list) and raises 预算股's ceiling to 秘密; 李华 then writes a
// 秘密 message there (the composer marks it, the message carries the tag, 转发 is not
// offered) and a 敏感 one whose forward into a channel that allows only 内部 is refused
// in Chinese naming it. The officer places a legal hold on 预算股 and asks its release;
// she cannot countersign it herself (the page says so, the API refuses two_person_rule);
// the auditor (孙丽) countersigns it from her 法律保全 page. The system administrator
// (周涛) is refused the levels. Screenshots at 1280 and 390 px.
//
// Needs the server's secrecy endpoints (§4.18) and legal holds (§4.19).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { shot, waitUntil } from './harness.mjs';

const TIMEOUT = 180_000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const CASE_NO = '（2026）保全字第12号';

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

const link = (page, name) => page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
const message = (page, text) => page.locator('.timeline .msg:not(.msg-pending)', { hasText: text });

async function openChannel(page, name) {
  await link(page, name).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

async function send(page, text, level) {
  await page.locator('select.composer-secrecy').selectOption({ label: level });
  await page.locator('textarea.composer-input').fill(text);
  await page.locator('textarea.composer-input').press('Enter');
  await message(page, text).waitFor();
}

test('the security officer sets 秘密’s retention and raises a channel’s ceiling; messages carry their level', { timeout: TIMEOUT }, async (t) => {
  const zm = await e2e.person(t, 'zhaomin', { viewport: { width: 1280, height: 1000 } });
  const page = zm.page;
  await page.locator('.nav-security').click();
  await page.getByRole('tab', { name: '密级设置' }).click();
  await page.waitForURL(/\/security\/levels$/);

  // A retention of 0 is refused in words, before asking the server.
  const retention = page.locator('#sec-level-3-retention');
  await retention.waitFor();
  assert.equal(await retention.inputValue(), '30');
  await retention.fill('0');
  await page.getByRole('button', { name: '保存密级设置' }).click();
  await page.locator('#sec-level-3-retention-problem', { hasText: '保留期限应为 1 到 36500 之间的整数（天）。' }).waitFor();
  assert.equal(await retention.getAttribute('aria-invalid'), 'true');

  // 60 days: the confirmation lists the change, then the server has it.
  await retention.fill('60');
  await page.locator('#sec-level-3-retention-hint', { hasText: '约 2 个月' }).waitFor();
  await page.getByRole('button', { name: '保存密级设置' }).click();
  const confirm = page.getByRole('dialog', { name: '确认修改密级设置' });
  await confirm.locator('li', { hasText: '「秘密」的保留期限（天）：30 → 60' }).waitFor();
  await shot(page, 'secrecy-levels-confirm-1280');
  await confirm.getByRole('button', { name: '确认修改' }).click();
  await page.locator('.sec-levels', { hasText: '密级设置已保存。' }).waitFor();
  const cfg = await api(page, 'GET', '/api/v1/secrecy');
  assert.equal(cfg.status, 200);
  assert.equal(cfg.body.levels.find((l) => l.level === 3).retention_days, 60);
  assert.ok(cfg.body.updated_at, 'the change is stamped');

  // 预算股's ceiling up to 秘密, its usual level 内部.
  await page.locator('#sec-ceil-search').fill('预算股');
  const row = page.locator('li.sec-ceiling', { has: page.locator('.sec-ceiling-title', { hasText: /^预算股$/ }) });
  await row.waitFor();
  await row.getByLabel('「预算股」的最高密级').selectOption({ label: '秘密' });
  await row.getByLabel('「预算股」的默认密级').selectOption({ label: '内部' });
  await row.getByRole('button', { name: '保存' }).click();
  await row.locator('.sec-row-ok', { hasText: '已保存' }).waitFor();
  const channels = await api(page, 'GET', '/api/v1/secrecy/channels');
  const budget = channels.body.channels.find((c) => c.name === '预算股');
  assert.deepEqual([budget.max_secrecy, budget.default_secrecy], [3, 1]);
  await page.locator('#sec-ceil-search').fill('');
  await shot(page, 'secrecy-levels-1280');

  // The system administrator may not change the levels.
  const admin = await e2e.person(t, 'zhoutao');
  const refused = await api(admin.page, 'PUT', '/api/v1/secrecy/levels', { levels: cfg.body.levels });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'forbidden');

  // 李华 in 预算股: the composer starts at 内部 and offers up to 秘密.
  const lihua = await e2e.person(t, 'lihua', { online: true });
  await openChannel(lihua.page, '预算股');
  const picker = lihua.page.locator('select.composer-secrecy');
  assert.equal(await picker.inputValue(), '1');
  assert.deepEqual(await picker.locator('option').allInnerTexts(), ['公开', '内部', '敏感', '秘密']);
  await picker.selectOption({ label: '秘密' });
  await lihua.page.locator('form.composer.composer-lvl-3 .composer-lvl-note', { hasText: '「秘密」' }).waitFor();
  await shot(lihua.page, 'secrecy-composer-1280');
  await lihua.page.locator('textarea.composer-input').fill('2027年预算调整方案（秘密），请勿外传');
  await lihua.page.locator('textarea.composer-input').press('Enter');
  const secret = message(lihua.page, '请勿外传');
  await secret.waitFor();
  assert.match(await secret.locator('.lvl-tag[data-level="3"]').innerText(), /秘密/);
  await send(lihua.page, '各科室预算执行进度表（敏感）', '敏感');
  await send(lihua.page, '周五下午三点开会', '公开');
  assert.equal(await message(lihua.page, '周五下午三点开会').locator('.lvl-tag').count(), 0, '公开 has no tag');
  assert.match(await message(lihua.page, '预算执行进度表').locator('.lvl-tag[data-level="2"]').innerText(), /敏感/);
  // The tag reads: its text against its colour at 4.5:1 or better.
  const ratio = await secret.locator('.lvl-tag').evaluate((el) => {
    const rgb = (s) => s.match(/\d+/g).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
    const s = getComputedStyle(el);
    const [a, b] = [lum(rgb(s.color)), lum(rgb(s.backgroundColor))].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  });
  assert.ok(ratio >= 4.5, `tag contrast ${ratio}`);
  await shot(lihua.page, 'secrecy-channel-1280');

  // 秘密 may not be forwarded: neither 转发 nor 多选 in its menu.
  await secret.click({ button: 'right' });
  const menu = lihua.page.getByRole('menu');
  // Read once it is open, or the check below would pass on no menu at all.
  await menu.getByRole('menuitem').first().waitFor();
  const labels = await menu.getByRole('menuitem').allInnerTexts();
  assert.ok(!labels.some((l) => l.includes('转发') || l.includes('多选')), labels.join(','));
  await lihua.page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });

  // 敏感 into a channel that allows only 内部 (a new group keeps ceiling 内部): refused,
  // naming the channel and both levels.
  const zhangId = await lihua.page.evaluate(async () => (await (await fetch('/api/v1/org/people?q=zhangjing&limit=5')).json()).people.find((p) => p.username === 'zhangjing').id);
  const group = await api(lihua.page, 'POST', '/api/v1/channels', { name: '财务科', members: [zhangId] });
  assert.equal(group.status, 201, JSON.stringify(group.body));
  assert.equal(group.body.max_secrecy, 1);
  await link(lihua.page, '财务科').waitFor();
  await message(lihua.page, '预算执行进度表').click({ button: 'right' });
  await menu.getByRole('menuitem', { name: '转发' }).click();
  const dialog = lihua.page.getByRole('dialog', { name: '转发给' });
  await dialog.locator('.fwd-secrecy-note', { hasText: '「敏感」' }).waitFor();
  await dialog.getByLabel('搜索群聊或联系人').fill('财务科');
  const target = dialog.locator('.fwd-choice', { hasText: '财务科' }).first();
  await target.waitFor();
  await target.locator('input').check();
  await dialog.getByRole('button', { name: /^发送/ }).click();
  await dialog.locator('.form-error, [role="alert"]', { hasText: '「财务科」最高只允许「内部」，不能转发「敏感」消息。' }).waitFor();
  await shot(lihua.page, 'secrecy-forward-refused-1280');

  // The phone: the officer's page and the channel.
  const phone = await e2e.person(t, 'zhaomin', PHONE);
  await phone.page.goto(`${e2e.server.baseURL}/security/levels`);
  await phone.page.locator('#sec-level-3-retention').waitFor();
  // The form shows the default ladder until GET /secrecy has answered: wait for the server's.
  await waitUntil(async () => (await phone.page.locator('#sec-level-3-retention').inputValue()) === '60', { what: 'the server’s retention in the form' });
  await shot(phone.page, 'secrecy-levels-390');
  const lihuaPhone = await e2e.person(t, 'lihua', { online: true, ...PHONE });
  await lihuaPhone.page.goto(`${e2e.server.baseURL}/`);
  await openChannel(lihuaPhone.page, '预算股');
  await message(lihuaPhone.page, '请勿外传').locator('.lvl-tag').waitFor();
  await shot(lihuaPhone.page, 'secrecy-channel-390');
});

test('a legal hold is placed by the officer and released only with the auditor’s countersignature', { timeout: TIMEOUT }, async (t) => {
  const zm = await e2e.person(t, 'zhaomin', { viewport: { width: 1280, height: 1000 } });
  const page = zm.page;
  await page.goto(`${e2e.server.baseURL}/security/holds`);
  await page.getByRole('tab', { name: '法律保全', selected: true }).waitFor();

  // Problems first, in words.
  await page.getByRole('button', { name: '实施保全' }).click();
  await page.locator('#sec-hold-target-problem', { hasText: '请选择保全对象。' }).waitFor();
  await page.locator('#sec-hold-case_no-problem', { hasText: '请填写案件编号' }).waitFor();

  await page.locator('#sec-hold-target').fill('预算股');
  await page.locator('.sec-pick label', { hasText: /^预算股/ }).first().locator('input').check();
  await page.locator('#sec-hold-from').fill('2026-01-01');
  await page.locator('#sec-hold-to').fill('2025-12-31');
  await page.locator('#sec-hold-case_no').fill(CASE_NO);
  await page.locator('#sec-hold-reason').fill('县审计局专项审计，保全预算股2026年度全部往来消息。');
  await page.getByRole('button', { name: '实施保全' }).click();
  await page.locator('#sec-hold-to-problem', { hasText: '截止日期不能早于起始日期。' }).waitFor();
  await page.locator('#sec-hold-to').fill('2026-12-31');
  await page.getByRole('button', { name: '实施保全' }).click();
  await page.locator('.esc-ok', { hasText: `已对「预算股」实施法律保全（${CASE_NO}）。` }).waitFor();
  const card = page.locator('li.sec-hold', { hasText: CASE_NO });
  await card.locator('.sec-status', { hasText: '保全中' }).waitFor();
  assert.match(await card.innerText(), /2026年1月1日 至 2026年12月31日/);
  const holds = await api(page, 'GET', '/api/v1/holds');
  const hold = holds.body.holds.find((h) => h.case_no === CASE_NO);
  assert.equal(hold.scope, 'channel');
  assert.equal(hold.from, '2025-12-31T16:00:00Z', 'from the start of 1 January, Beijing time');

  // 申请解除, with a note.
  await card.getByRole('button', { name: '申请解除' }).click();
  const ask = page.getByRole('dialog', { name: '申请解除保全' });
  await ask.getByRole('button', { name: '提交申请' }).click();
  await ask.locator('#sec-hold-note-problem', { hasText: '请填写说明' }).waitFor();
  await ask.getByLabel('说明').fill('审计已结束，审计局来函同意解除。');
  await ask.getByRole('button', { name: '提交申请' }).click();
  await ask.waitFor({ state: 'detached' });
  await card.locator('.sec-status', { hasText: '待会签解除' }).waitFor();
  assert.match(await card.innerText(), /申请解除\s*赵敏，/);
  // She cannot countersign her own request: no button, the reason instead — and the API refuses.
  assert.equal(await card.getByRole('button', { name: '会签解除' }).count(), 0);
  await card.locator('.muted', { hasText: '须由另一名保密员或审计员会签' }).waitFor();
  const self = await api(page, 'POST', `/api/v1/holds/${hold.id}/countersign`, { note: '我自己会签' });
  assert.equal(self.body.error.code, 'two_person_rule');
  await shot(page, 'secrecy-holds-1280');

  // The auditor: 法律保全 in her navigation, and the countersignature.
  const sunli = await e2e.person(t, 'sunli');
  await sunli.page.locator('.nav-security', { hasText: '法律保全' }).click();
  await sunli.page.waitForURL(/\/security\/holds$/);
  const hers = sunli.page.locator('li.sec-hold', { hasText: CASE_NO });
  // The page comes as its own chunk after the address changes: read once its list is shown,
  // or the check below would pass on no page at all.
  await hers.waitFor();
  assert.equal(await sunli.page.getByRole('button', { name: '实施保全' }).count(), 0, 'the auditor places no holds');
  await hers.getByRole('button', { name: '会签解除' }).click();
  const sign = sunli.page.getByRole('dialog', { name: '会签解除保全' });
  await sign.locator('p', { hasText: '由 赵敏 申请解除' }).waitFor();
  await sign.getByLabel('说明').fill('已核对审计局来函，同意解除。');
  await sign.getByRole('button', { name: '确认会签' }).click();
  await sign.waitFor({ state: 'detached' });
  await hers.locator('.sec-status', { hasText: '已解除' }).waitFor();
  assert.match(await hers.innerText(), /会签解除\s*孙丽，/);
  await sunli.page.locator('#sec-holds-q').fill('保全字第12号');
  await sunli.page.locator('#sec-holds-status').selectOption('released');
  await hers.waitFor();
  await shot(sunli.page, 'secrecy-holds-auditor-1280');

  const phone = await e2e.person(t, 'sunli', PHONE);
  await phone.page.goto(`${e2e.server.baseURL}/security/holds`);
  await phone.page.locator('li.sec-hold', { hasText: CASE_NO }).waitFor();
  await shot(phone.page, 'secrecy-holds-390');
  await waitUntil(async () => (await api(page, 'GET', '/api/v1/holds')).body.holds.find((h) => h.id === hold.id).status === 'released', { what: 'released on the server' });
});
