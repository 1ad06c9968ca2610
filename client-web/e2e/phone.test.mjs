// The phone layout for one hand and the self-service account, in a real browser against the
// real server (harness.mjs): the bottom tab bar at 390 px and the side navigation at
// 1280 px, 44 px touch targets measured on the main phone screens, banners folded so an
// open channel keeps 60 % of an iPhone-sized screen for messages, the newest message above
// the composer and the keyboard, 退出登录 behind a confirmation, the password changed in 我
// (and the first change after a one-time password not asking for it again), the second
// factor turned on in 我, 忘记密码 and the empty state of a person in no department.
// Screenshots go to test-results/phone-*.png.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS, fillLogin, login, loginOutcome, shot } from './harness.mjs';

const TIMEOUT = 120_000;
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };
const phoneContext = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const e2e = fixture();

/** Logs in through the form, waiting out the server's login rate limit when it answers with one. */
async function signIn(page, username, password = DEMO_PASSWORD) {
  try {
    await login(page, e2e.server.baseURL, username, password);
  } catch (err) {
    const m = /(\d+) 秒后再试/.exec(String(err.message));
    if (!m) throw err;
    await page.waitForTimeout(Number(m[1]) * 1000 + 500); // the time the server named
    await login(page, e2e.server.baseURL, username, password);
  }
}

async function person(t, username, options = {}) {
  const p = await e2e.open(t, options);
  await signIn(p.page, username);
  return p;
}

const tabbar = (page) => page.locator('nav.tabbar');
const tab = (page, name) => tabbar(page).getByRole('button', { name: new RegExp(`^${name}`) });
const online = (page) => page.locator('.chat[data-conn="online"]').waitFor();

function channelLink(page, name) {
  return page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
}

/**
 * Every visible control on the page that a finger must hit, smaller than 44 × 44 CSS px.
 * Links inside running text (a message's, a paragraph's) are exempt, as WCAG 2.5.5 has it.
 */
async function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [role="link"]';
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      if (el.closest('.msg-text, .visually-hidden, p.form-intro, .ntc-body')) continue;
      if (el.matches('.visually-hidden, [aria-hidden="true"]')) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
      if (r.bottom <= 0 || r.top >= innerHeight) continue; // off screen (scrolled away) still counts when scrolled to; checked per screen
      if (r.width < 43.5 || r.height < 43.5) {
        const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || el.tagName).trim().slice(0, 30);
        out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} “${name}” ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
}

/** Scrolls the page through and collects small targets at each screenful. */
async function smallTargetsAll(page) {
  const found = new Set();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += PHONE.height / 2) {
    await page.evaluate((y) => scrollTo(0, y), y);
    for (const s of await smallTargets(page)) found.add(s);
  }
  await page.evaluate(() => scrollTo(0, 0));
  return [...found];
}

async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const r = await fetch('/api/v1' + path, {
        method,
        credentials: 'same-origin',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  );
}

function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('390 px: the bottom tab bar goes 消息 → 通知 → 待办 → 通讯录 → 我, hides inside a channel with a way back; 1280 px keeps the side navigation', { timeout: TIMEOUT }, async (t) => {
  const { page, problems } = await person(t, DEMO_USERS.budgetStaff.username, phoneContext);
  await online(page);
  const bar = tabbar(page);
  await bar.waitFor();
  assert.deepEqual((await bar.locator('.nav-label').allInnerTexts()).map((x) => x.trim()), ['消息', '通知', '待办', '通讯录', '我']);
  const box = await bar.boundingBox();
  assert.ok(Math.abs(box.y + box.height - PHONE.height) <= 1, `the tab bar sits on the bottom edge (ends at ${box.y + box.height})`);
  assert.equal(await tab(page, '消息').getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('header.topbar').getByRole('button', { name: '退出登录' }).count(), 0, 'no logout in the phone header');
  await shot(page, 'phone-390-channels');

  await tab(page, '通知').click();
  await page.getByRole('heading', { level: 1, name: '通知' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/notices');
  assert.equal(await tab(page, '通知').getAttribute('aria-current'), 'page');
  await shot(page, 'phone-390-notices');

  await tab(page, '待办').click();
  await page.getByRole('heading', { level: 1, name: '待办' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/todos');
  assert.equal(await tab(page, '待办').getAttribute('aria-current'), 'page');

  await tab(page, '通讯录').click();
  await page.getByRole('heading', { level: 1, name: '通讯录' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/directory');
  await shot(page, 'phone-390-directory');

  await tab(page, '我').click();
  await page.getByRole('heading', { level: 1, name: '我' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/me');
  const card = page.getByRole('region', { name: '我的信息' });
  assert.match(await card.innerText(), /张静/);
  assert.match(await card.innerText(), /组长 · 预算编制岗/);
  assert.match(await card.innerText(), /预算编制组/);
  await shot(page, 'phone-390-me');

  // 设置 is under 我 on a phone, and the 我 tab stays lit there.
  await page.getByRole('link', { name: /^设置/ }).click();
  await page.getByRole('heading', { level: 1, name: '设置' }).waitFor();
  assert.equal(await tab(page, '我').getAttribute('aria-current'), 'page');
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: '我' }).waitFor();

  // Inside a channel the bar makes way, as in WeChat; the header's 消息 goes back.
  await tab(page, '消息').click();
  await channelLink(page, '预算股').click();
  await page.locator('#channel-title', { hasText: '预算股' }).waitFor();
  assert.equal(await bar.isVisible(), false, 'no tab bar inside a channel');
  const back = page.getByRole('button', { name: '返回频道列表' });
  assert.match(await back.innerText(), /消息/);
  await shot(page, 'phone-390-channel');
  await back.click();
  await channelLink(page, '预算股').waitFor();
  await bar.waitFor();
  assert.equal(new URL(page.url()).pathname, '/');

  // The same person at a desk: the side navigation, 设置 in it, and a logout in the header.
  await page.setViewportSize(DESK);
  await page.locator('nav.sidenav:not(.tabbar)').waitFor();
  assert.deepEqual((await page.locator('nav.sidenav .nav-item').allInnerTexts()).map((x) => x.trim()), ['消息', '通知', '待办', '通讯录', '设置']);
  assert.ok(await page.locator('header.topbar').getByRole('button', { name: '退出登录' }).isVisible());
  await shot(page, 'phone-1280-channels');
  await page.locator('header.topbar').getByRole('link', { name: /我的账号/ }).click();
  await page.getByRole('heading', { level: 1, name: '我' }).waitFor();
  await shot(page, 'phone-1280-me');
  assert.deepEqual(problems, []);
});

test('390 px: every control on the main phone screens is at least 44 × 44 px', { timeout: TIMEOUT }, async (t) => {
  const { page, problems } = await person(t, DEMO_USERS.budgetChief.username, phoneContext);
  await online(page);
  const screens = [
    ['消息', async () => channelLink(page, '预算股').waitFor()],
    ['通知', async () => page.getByRole('heading', { level: 1, name: '通知' }).waitFor()],
    ['通讯录', async () => page.getByRole('heading', { level: 1, name: '通讯录' }).waitFor()],
    ['我', async () => page.getByRole('heading', { level: 1, name: '我' }).waitFor()],
  ];
  const report = {};
  for (const [name, ready] of screens) {
    await tab(page, name).click();
    await ready();
    report[name] = await smallTargetsAll(page);
  }
  // An open channel, with its header, timeline and composer.
  await tab(page, '消息').click();
  await channelLink(page, '预算股').click();
  await page.locator('textarea.composer-input').waitFor();
  report['预算股'] = await smallTargets(page);
  // The logout confirmation.
  await page.getByRole('button', { name: '返回频道列表' }).click();
  await tab(page, '我').click();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('dialog', { name: '退出登录' }).waitFor();
  report['退出登录'] = await smallTargets(page);
  for (const [name, small] of Object.entries(report)) assert.deepEqual(small, [], `${name}: targets under 44 px`);
  assert.deepEqual(problems, []);
});

test('390 × 844: with a pinned notice, a reminder and the push offer, an open channel keeps 60 % of the height for messages, and the newest stays above the composer and the keyboard', { timeout: TIMEOUT }, async (t) => {
  const leader = await person(t, DEMO_USERS.leader.username);
  const staff = await person(t, DEMO_USERS.budgetStaff.username, phoneContext);
  const { page } = staff;
  await online(page);

  // Fifty messages, so the timeline scrolls.
  await channelLink(page, '预算股').click();
  const composer = page.locator('textarea.composer-input');
  await composer.waitFor();
  for (let i = 1; i <= 30; i++) {
    await composer.fill(`第${i}条：预算草案第${i}项数据已核对。`);
    await composer.press('Enter');
  }
  await page.locator('.timeline .msg:not(.msg-pending) .msg-text', { hasText: '第30条' }).waitFor();

  // A notice pinned in 预算股, then a reminder of it: both from the leader, over the API.
  const org = await api(leader.page, 'GET', '/org');
  const budget = org.body.departments.find((d) => d.name === '预算股');
  const published = await api(leader.page, 'POST', '/notices', {
    title: '关于报送2027年部门预算草案的通知',
    body: '各股室：请于本周五17:00前将本股室2027年部门预算草案报送预算股。',
    audience: { departments: [{ id: budget.id, sub: true }] },
  });
  assert.equal(published.status, 201, JSON.stringify(published.body));
  const pins = page.getByRole('region', { name: /本频道待确认的通知/ });
  await pins.waitFor();
  const reminded = await api(leader.page, 'POST', `/notices/${published.body.id}/remind`);
  assert.equal(reminded.status, 200, JSON.stringify(reminded.body));

  // Sending the messages made the push offer due (this browser was never asked).
  const reminderLine = page.locator('[data-banner="reminders"] .pbanner-line');
  const pushLine = page.locator('[data-banner="push-offer"] .pbanner-line');
  await reminderLine.waitFor();
  await pushLine.waitFor();
  assert.match(await reminderLine.innerText(), /关于报送2027年部门预算草案的通知/);
  await shot(page, 'phone-390-channel-banners');

  const measure = () =>
    page.evaluate(() => {
      const tl = document.querySelector('.timeline').getBoundingClientRect();
      const comp = document.querySelector('.composer').getBoundingClientRect();
      const msgs = [...document.querySelectorAll('.timeline .msg')];
      const last = msgs[msgs.length - 1].getBoundingClientRect();
      return { timeline: tl.height, tlTop: tl.top, tlBottom: tl.bottom, composerTop: comp.top, lastTop: last.top, lastBottom: last.bottom, inner: innerHeight };
    });
  let m = await measure();
  assert.ok(m.timeline >= 0.6 * PHONE.height, `messages get ${Math.round(m.timeline)} px of ${PHONE.height} (${Math.round((100 * m.timeline) / PHONE.height)} %)`);
  t.diagnostic(`timeline ${Math.round(m.timeline)} px = ${Math.round((100 * m.timeline) / PHONE.height)} % of ${PHONE.height}`);

  // Each line opens with a tap and closes again.
  await reminderLine.click();
  await page.getByRole('button', { name: '查看并确认' }).first().waitFor();
  await reminderLine.click();
  await pushLine.click();
  await page.getByRole('button', { name: '开启推送' }).or(page.locator('.push-prompt .btn-primary')).first().waitFor();
  await pushLine.click();

  // The newest message stays in view above the composer: with three lines typed…
  const newest = async (what) => {
    m = await measure();
    assert.ok(m.lastBottom <= m.composerTop + 1 && m.lastBottom <= m.tlBottom + 1 && m.lastTop >= m.tlTop - 1, `${what}: the newest message (${m.lastTop}–${m.lastBottom}) is inside the timeline (${m.tlTop}–${m.tlBottom}) above the composer (${m.composerTop})`);
  };
  await newest('at rest');
  await composer.fill('第一行\n第二行\n第三行\n第四行');
  await page.waitForFunction(() => document.querySelector('.composer-input').scrollHeight > 80);
  await newest('four lines typed');
  // …and when the on-screen keyboard takes the lower part of the window.
  await page.setViewportSize({ width: PHONE.width, height: 480 });
  await page.waitForFunction(() => innerHeight === 480);
  await page.waitForFunction(() => {
    const tl = document.querySelector('.timeline');
    return tl.scrollHeight - tl.scrollTop - tl.clientHeight < 2;
  });
  await newest('keyboard open');
  await shot(page, 'phone-390-keyboard');
  assert.deepEqual(staff.problems, []);
});

test('退出登录 asks first: on a phone from 我, at a desk from the header', { timeout: TIMEOUT }, async (t) => {
  const phone = await person(t, DEMO_USERS.deputy.username, phoneContext);
  const { page } = phone;
  await tab(page, '我').click();
  await page.getByRole('button', { name: '退出登录' }).click();
  const dialog = page.getByRole('dialog', { name: '退出登录' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /确定要退出登录吗/);
  await shot(page, 'phone-390-logout');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).pathname, '/me', 'still signed in after 取消');
  await page.getByRole('button', { name: '退出登录' }).click();
  await dialog.getByRole('button', { name: '退出登录' }).click();
  await page.locator('#username').waitFor();

  const desk = await person(t, DEMO_USERS.office.username, { viewport: DESK });
  await desk.page.locator('header.topbar').getByRole('button', { name: '退出登录' }).click();
  const d2 = desk.page.getByRole('dialog', { name: '退出登录' });
  await d2.waitFor();
  await shot(desk.page, 'phone-1280-logout');
  await desk.page.keyboard.press('Escape');
  await d2.waitFor({ state: 'detached' });
  assert.equal(await desk.page.locator('header.topbar').count(), 1, 'Escape keeps the session');
  await desk.page.locator('header.topbar').getByRole('button', { name: '退出登录' }).click();
  await d2.getByRole('button', { name: '退出登录' }).click();
  await desk.page.locator('#username').waitFor();
  assert.deepEqual(phone.problems, []);
  assert.deepEqual(desk.problems, []);
});

test('390 px: the password changed in 我 — a wrong current one is refused, the new one signs in, other sessions end', { timeout: TIMEOUT }, async (t) => {
  const user = { username: 'wuqiang', name: '吴强' };
  const other = await person(t, user.username); // a second device
  const { page, problems } = await person(t, user.username, phoneContext);
  await tab(page, '我').click();
  await page.getByRole('button', { name: '修改密码' }).click();
  const form = page.getByRole('form', { name: '修改密码' });
  await form.getByLabel('当前密码').fill('not-my-password-1');
  await form.getByLabel('新密码', { exact: true }).fill('Yusuan#2026x');
  await form.getByLabel('再次输入新密码').fill('Yusuan#2026x');
  await form.getByRole('button', { name: '保存新密码' }).click();
  await form.getByText('当前密码不正确。').waitFor();
  await shot(page, 'phone-390-password-wrong');

  await form.getByLabel('当前密码').fill(DEMO_PASSWORD);
  await form.getByRole('button', { name: '保存新密码' }).click();
  await page.getByText('密码已修改。其他设备上的登录已退出。').waitFor();
  await shot(page, 'phone-390-password-done');
  // This page carries on with its new session: the chat connects with it, a reload stays in.
  await tab(page, '消息').click();
  await online(page);
  await page.reload();
  await online(page);
  // The other device's session is gone.
  const gone = await api(other.page, 'GET', '/me');
  assert.equal(gone.status, 401);
  // And the new password is the one that signs in.
  const fresh = await e2e.open(t, { viewport: DESK });
  await signIn(fresh.page, user.username, 'Yusuan#2026x');
  assert.deepEqual(problems, []);
});

test('a new account in no department: its one-time password is asked once, and the empty list says whom to ask', { timeout: TIMEOUT }, async (t) => {
  const admin = await person(t, DEMO_USERS.admin.username, { viewport: DESK });
  const created = await api(admin.page, 'POST', '/admin/users', { username: 'liming', display_name: '李明', title: '科员' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const oneTime = created.body.one_time_password;
  assert.ok(oneTime);

  const { page, problems } = await e2e.open(t, phoneContext);
  await page.goto('/');
  await fillLogin(page, 'liming', oneTime);
  await page.getByLabel('新密码', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('当前密码').count(), 0, 'the one-time password is not asked again');
  assert.match(await page.locator('.form-intro').innerText(), /一次性密码/);
  await shot(page, 'phone-390-first-password');
  await page.getByLabel('新密码', { exact: true }).fill('Liming#2026ok');
  await page.getByLabel('再次输入新密码').fill('Liming#2026ok');
  assert.deepEqual(await loginOutcome(page), { where: 'new_password' });
  await page.getByRole('button', { name: '保存新密码' }).click();
  await page.locator('header.topbar', { hasText: '李明' }).waitFor();

  const empty = page.getByRole('region', { name: '您还没有加入任何部门' });
  await empty.waitFor();
  await empty.getByText(/周涛/).waitFor();
  assert.match(await empty.innerText(), /系统管理员/);
  await shot(page, 'phone-390-no-department');
  await page.setViewportSize(DESK);
  await shot(page, 'phone-1280-no-department');
  assert.deepEqual(problems, []);
});

test('two-step verification turned on in 我, then asked at the next sign-in', { timeout: TIMEOUT }, async (t) => {
  const user = { username: 'fengyu' };
  const { page, problems } = await person(t, user.username, phoneContext);
  await tab(page, '我').click();
  await page.getByRole('button', { name: '开启两步验证' }).click();
  const form = page.getByRole('form', { name: '开启两步验证' });
  const secret = (await form.locator('.totp-secret').innerText()).replace(/\s+/g, '');
  await shot(page, 'phone-390-totp');
  const step = Math.floor(Date.now() / 30_000);
  await form.getByLabel('应用中显示的 6 位验证码').fill(totpCode(secret, step));
  await form.getByRole('button', { name: '启用两步验证' }).click();
  await page.getByText('两步验证已开启。下次登录时需要输入动态验证码。').waitFor();
  await page.getByText(/^已开启。/).waitFor();

  const again = await e2e.open(t, { viewport: DESK });
  await again.page.goto('/');
  // The file signs many people in within a minute: wait out the login limit if it answers.
  for (let tries = 0; ; tries++) {
    await fillLogin(again.page, user.username, DEMO_PASSWORD);
    const outcome = await loginOutcome(again.page);
    const wait = /(\d+) 秒后再试/.exec(outcome.text ?? '');
    if (!wait || tries > 0) break;
    await again.page.waitForTimeout(Number(wait[1]) * 1000 + 500);
  }
  await again.page.getByLabel('动态验证码').waitFor();
  assert.deepEqual(problems, []);
});

test('忘记密码 on the login page says whom to contact and that there is no self-service reset', { timeout: TIMEOUT }, async (t) => {
  for (const viewport of [PHONE, DESK]) {
    const { page, problems } = await e2e.open(t, { viewport });
    await page.goto('/');
    await page.getByText('忘记密码？').click();
    const text = page.getByText(/不提供自助找回或重置密码/);
    await text.waitFor();
    assert.match(await text.innerText(), /系统管理员/);
    await shot(page, `phone-${viewport.width}-forgot`);
    assert.deepEqual(problems, []);
  }
});
