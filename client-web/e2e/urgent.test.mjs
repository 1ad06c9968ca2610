// Urgent notices in real browsers (issue 15): before sending, the leader sees how many
// people the audience reaches and what quiet hours will do (a break-through, or held once
// the weekly cap is used up); on arrival the recipient with the app open gets the card in
// front of everything, the title flashing and the channel first; the author then reads,
// per person, what the server did. Quiet hours are made certain for the test: 张静 works
// around the clock (her own schedule), 吴强 is on leave today with a device subscribed.
// The server allows one break-through a week. `npm run test:browser` (see harness.mjs).

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { before, test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_PASSWORD, apiLogin } from './harness.mjs';

const e2e = fixture({ args: ['--breakthrough-per-week', '1'] });
const GROUP = '预算编制组'; // 张静 and 吴强
const b64url = (b) => Buffer.from(b).toString('base64url');
/** With URGENT_SHOTS=dir, screenshots of each screen for a person to look at. */
const shot = (page, name) => (process.env.URGENT_SHOTS ? page.screenshot({ path: `${process.env.URGENT_SHOTS}/${name}.png` }) : undefined);

/** A logged-in API client (no page, no chat connection) for a demo person. */
async function apiAs(username) {
  const context = await e2e.browser.newContext({ baseURL: e2e.server.baseURL });
  const api = context.request;
  await apiLogin(api, username, DEMO_PASSWORD);
  return { api, close: () => context.close() };
}

const allDay = [{ start: '00:00', end: '24:00' }];
const beijingDate = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

before(
  async () => {
    await (await e2e.open()).context.close(); // waits for the server and the browser
    const zj = await apiAs('zhangjing');
    const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]));
    let r = await zj.api.put('/api/v1/me/quiet', { data: { own_schedule: week, leave: [], push_when_idle: false } });
    assert.equal(r.status(), 200, await r.text());
    await zj.close();

    const wq = await apiAs('wuqiang');
    const today = beijingDate(Date.now());
    r = await wq.api.put('/api/v1/me/quiet', { data: { own_schedule: null, leave: [{ from: today, to: beijingDate(Date.now() + 86_400_000), note: '' }], push_when_idle: false } });
    assert.equal(r.status(), 200, await r.text());
    // A device subscribed (the push service is never reached in this test).
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
    r = await wq.api.post('/api/v1/push/subscriptions', {
      data: { endpoint: `https://push.example.com/e2e/${b64url(randomBytes(8))}`, keys: { p256dh: b64url(raw), auth: b64url(randomBytes(16)) } },
    });
    assert.equal(r.status(), 204, await r.text());
    await wq.close();
  },
  { timeout: 60_000 },
);

/** The leader fills the publish form for an urgent notice to 预算编制组 and waits for the count. */
async function draft(page, title) {
  await page.goto('/notices');
  await page.getByRole('button', { name: '发布通知' }).click();
  const form = page.getByRole('dialog', { name: '发布通知' });
  await form.getByLabel('标题').fill(title);
  await form.getByLabel('正文').fill('今晚20:00前到岗，检查防汛物资。');
  await form.getByLabel('紧急', { exact: true }).check();
  await form.locator('.ntc-tree label.ntc-check', { hasText: new RegExp(`^${GROUP}$`) }).locator('input').check();
  return form;
}

async function personLine(page, name) {
  return page.locator('.ntc-person', { has: page.locator('.ntc-person-name', { hasText: name }) });
}

test('an urgent notice: the people count and break-through before sending, the card for the recipient, the truth for the author', { timeout: 150_000 }, async (t) => {
  const leader = await e2e.person(t, 'wangjianguo', { online: true });
  const staff = await e2e.person(t, 'zhangjing', { viewport: { width: 390, height: 844 }, online: true });
  const TITLE = '关于今晚防汛值守的紧急通知';

  // 张静 writes in 预算股, so that it heads her department channels before the notice.
  const firstDept = () => staff.page.locator('#chgroup-department').locator('xpath=..').locator('.chanitem-name').first().innerText();
  await staff.page.locator('a.chanitem', { hasText: '预算股' }).filter({ hasNotText: GROUP }).click();
  await staff.page.locator('textarea.composer-input').fill('预算股的材料已经收齐。');
  await staff.page.locator('textarea.composer-input').press('Enter');
  await staff.page.locator('.timeline .msg-text', { hasText: '预算股的材料已经收齐。' }).waitFor();
  await staff.page.goto('/');
  await staff.page.locator('.chanlist').waitFor();
  assert.equal(await firstDept(), '预算股');

  const form = await draft(leader.page, TITLE);
  // People, not targets: one department ticked, two people in it.
  await form.locator('.urgent-people', { hasText: '共 2 人，将置顶于 1 个频道' }).waitFor();
  const hint = form.locator('.urgent-offhint');
  await hint.waitFor();
  assert.equal(await hint.innerText(), '1 人休息中：紧急通知将破例立即推送（本周第 1 次，上限 1 次）');
  await form.locator('.urgent-count').scrollIntoViewIfNeeded();
  await shot(leader.page, 'publish-1280');
  // 全单位 is offered to a leader and counts everyone.
  await form.getByLabel('全单位').check();
  await form.locator('.urgent-people', { hasText: /^共 \d{2,} 人/ }).waitFor();
  await form.getByLabel('全单位').uncheck();
  await form.locator('.urgent-people', { hasText: '共 2 人' }).waitFor();
  await form.getByRole('button', { name: '发布', exact: true }).click();
  await form.waitFor({ state: 'detached' });

  // The recipient, app open at 390 px: the card in front of everything, the title flashing.
  const card = staff.page.getByRole('alertdialog', { name: TITLE });
  await card.waitFor();
  assert.ok(await staff.page.evaluate(() => document.querySelector('dialog.urgent-card')?.matches(':modal')), 'the card is modal, in the top layer');
  await staff.page.waitForFunction((title) => document.title.includes(`【紧急通知】${title}`), TITLE);
  // In her working time the tone is due: played, or refused by the browser, never withheld.
  await staff.page.waitForFunction(() => ['played', 'blocked'].includes(document.querySelector('dialog.urgent-card')?.getAttribute('data-sound') ?? ''));
  await shot(staff.page, 'card-390');
  // Its channel heads the department channels.
  assert.equal(await firstDept(), GROUP);
  // Focus is in the card, on 确认收到.
  assert.equal(await staff.page.evaluate(() => document.activeElement?.textContent), '确认收到');
  const box = await card.getByRole('button', { name: '确认收到' }).boundingBox();
  assert.ok(box && box.height >= 44, `确认收到 is ${box?.height}px high`);
  await card.getByRole('button', { name: '确认收到' }).click();
  await card.waitFor({ state: 'detached' });
  await staff.page.waitForFunction((title) => !document.title.includes(title), TITLE);

  // The author, at 1280 px: per person, what the server did.
  await leader.page.locator('.ntc-tally-summary').waitFor();
  const zhang = await personLine(leader.page, '张静');
  const wu = await personLine(leader.page, '吴强');
  await zhang.locator('.urgent-push', { hasText: '在线，已即时送达' }).waitFor({ timeout: 20_000 });
  await wu.locator('.urgent-push', { hasText: '休息中，已破例推送' }).waitFor({ timeout: 20_000 });
  await zhang.locator('.ntc-state', { hasText: '已确认' }).waitFor();
  await wu.scrollIntoViewIfNeeded();
  await shot(leader.page, 'tally-1280');

  // The author's list: 1/2 已确认.
  await leader.page.goto('/notices/sent');
  const row = leader.page.locator('.ntc-row', { hasText: TITLE });
  await row.locator('.urgent-confirmed-of', { hasText: '1/2 已确认' }).waitFor();
  await shot(leader.page, 'sent-1280');
});

test('once the weekly break-through is used, the dialog and the tally say it is held', { timeout: 120_000 }, async (t) => {
  const leader = await e2e.person(t, 'wangjianguo', { viewport: { width: 390, height: 844 }, online: true });
  const staff = await e2e.person(t, 'zhangjing', { online: true });
  const TITLE = '关于明早防汛复查的紧急通知';

  const form = await draft(leader.page, TITLE);
  await form.locator('.urgent-people', { hasText: '共 2 人' }).waitFor();
  const hint = form.locator('.urgent-offhint');
  await hint.waitFor();
  assert.equal(await hint.innerText(), '1 人休息中：本周破例推送已用完（1/1），将在上班时提醒');
  await form.locator('.urgent-count').scrollIntoViewIfNeeded();
  await shot(leader.page, 'publish-390');
  await form.getByRole('button', { name: '发布', exact: true }).click();
  await form.waitFor({ state: 'detached' });

  // At 1280 px the recipient gets the card too; 查看 opens the notice.
  const card = staff.page.getByRole('alertdialog', { name: TITLE });
  await card.waitFor();
  await shot(staff.page, 'card-1280');
  await card.getByRole('button', { name: '查看' }).click();
  await card.waitFor({ state: 'detached' });
  await staff.page.getByRole('heading', { name: TITLE }).first().waitFor();

  const wu = await personLine(leader.page, '吴强');
  await wu.locator('.urgent-push', { hasText: '休息中，本周破例次数已用完，上班时提醒' }).waitFor({ timeout: 20_000 });
  const zhang = await personLine(leader.page, '张静');
  await zhang.locator('.urgent-push', { hasText: '在线，已即时送达' }).waitFor();
  await wu.scrollIntoViewIfNeeded();
  await shot(leader.page, 'tally-390');
});
