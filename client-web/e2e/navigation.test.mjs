// Getting around the web client in a real browser against the real server: from the
// directory to a direct message, the language switch, the keyboard alone, and the end of
// a session in a second tab. `npm run test:browser` (see harness.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { DEMO_USERS, waitUntil } from './harness.mjs';

const TIMEOUT = 90_000;
const STAFF = DEMO_USERS.budgetStaff; // 张静
const CHIEF = DEMO_USERS.budgetChief; // 李华

const e2e = fixture();

const navItem = (page, name) => page.locator('nav.sidenav').getByRole('button', { name: new RegExp(`^${name}`) });

function channelLink(page, name, kind) {
  const scope = kind ? page.locator(`section.chanlist-group[aria-labelledby="chgroup-${kind}"]`) : page;
  return scope.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) });
}

const composer = (page) => page.locator('textarea.composer-input');
const online = (page) => page.locator('.chat[data-conn="online"]').waitFor();
const appKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => /^govchat\.(outbox|drafts)\./.test(k)));

test('from the directory to a direct message: 张静 writes to 李华, who sees it arrive unread', { timeout: TIMEOUT }, async (t) => {
  const chief = await e2e.person(t, CHIEF.username);
  await online(chief.page);
  // The list loads after the connection: read once it is there, or the check passes on none.
  await channelLink(chief.page, '预算股').waitFor();
  assert.equal(await channelLink(chief.page, STAFF.name, 'direct').count(), 0, 'no direct channel yet');

  const staff = await e2e.person(t, STAFF.username);
  const { page } = staff;
  await navItem(page, '通讯录').click();
  await page.getByRole('heading', { level: 1, name: '通讯录' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/directory');
  await page.getByLabel('搜索人员').fill('李华');
  await page.locator('#dir-list-title', { hasText: '李华' }).waitFor(); // the search ran
  const found = page.locator('button.dir-person');
  await found.first().waitFor();
  // The title changes a frame before the previous list is cleared: wait for the results.
  await waitUntil(async () => (await found.count()) === 1, { what: 'one person found' });
  assert.deepEqual(await found.locator('.dir-person-name').allInnerTexts(), ['李华']);
  await found.first().click();
  await page.locator('#dir-card-name', { hasText: '李华' }).waitFor();
  await page.getByRole('button', { name: '给李华发消息' }).click();

  await page.locator('#channel-title', { hasText: /^李华$/ }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/c\/\d+$/);
  await channelLink(page, '李华', 'direct').waitFor();
  assert.equal(await page.locator('#chgroup-direct').innerText(), '私聊');
  await online(page);
  const text = '李股长，2027年预算草案初稿已放在共享盘，请您审阅。';
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await page.locator('.timeline .msg:not(.msg-pending) .msg-text', { hasText: text }).waitFor();

  // 李华: the 私聊 channel appears, titled 张静, unread, with the message as its preview.
  const dm = channelLink(chief.page, STAFF.name, 'direct');
  await dm.locator('.badge').waitFor();
  assert.equal(await dm.locator('.badge').innerText(), '1');
  assert.match(await dm.locator('.chanitem-preview').innerText(), /预算草案初稿/);
  await dm.click();
  await chief.page.locator('#channel-title', { hasText: /^张静$/ }).waitFor();
  const got = chief.page.locator('.timeline .msg', { hasText: text });
  await got.waitFor();
  assert.match(await got.locator('.msg-name').innerText(), /张静/);
  await dm.locator('.badge').waitFor({ state: 'detached' });

  // Writing again from the directory opens the same channel, not a second one.
  await navItem(page, '通讯录').click();
  await page.getByLabel('搜索人员').fill('李华');
  await page.locator('#dir-list-title', { hasText: '李华' }).waitFor();
  await page.locator('button.dir-person').first().click();
  await page.getByRole('button', { name: '给李华发消息' }).click();
  await page.locator('.timeline .msg .msg-text', { hasText: text }).waitFor();
  assert.equal(await channelLink(page, '李华', 'direct').count(), 1);
  // The list above would show a second channel only after its next refresh: ask the server.
  const directs = await page.evaluate(async () => {
    const open = Number(location.pathname.split('/').pop());
    const { channels } = await (await fetch('/api/v1/channels', { credentials: 'same-origin' })).json();
    const peer = channels.find((c) => c.id === open)?.peer_id;
    return channels.filter((c) => c.kind === 'direct' && c.peer_id === peer).map((c) => c.id);
  });
  assert.equal(directs.length, 1, `one direct channel with 李华: ${directs}`);
  assert.deepEqual(staff.problems, []);
  assert.deepEqual(chief.problems, []);
});

test('switching to English changes the chat interface and survives a reload', { timeout: TIMEOUT }, async (t) => {
  const { page, problems } = await e2e.person(t, STAFF.username);
  await channelLink(page, '预算股').click();
  await composer(page).waitFor();
  assert.equal(await composer(page).getAttribute('placeholder'), '输入消息…');

  await page.locator('header.topbar').getByRole('button', { name: /English/ }).click();
  await navItem(page, 'Messages').waitFor();
  const english = async () => {
    // <html lang> is set in an effect, after the render that shows the English navigation.
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual((await page.locator('nav.sidenav .nav-item').allInnerTexts()).map((x) => x.trim()), ['Messages', 'Notices', 'To-dos', 'Directory', 'Settings']);
    assert.equal(await composer(page).getAttribute('placeholder'), 'Write a message…');
    assert.equal(await page.locator('#chgroup-department').innerText(), 'Departments');
    assert.ok(await page.locator('header.topbar').getByRole('button', { name: 'Sign out' }).isVisible());
    assert.ok(!(await page.locator('nav.sidenav').innerText()).includes('消息'), 'no Chinese left in the navigation');
  };
  await english();

  await page.reload();
  await page.locator('header.topbar').waitFor();
  await composer(page).waitFor();
  await english();
  assert.ok(await page.locator('header.topbar').getByRole('button', { name: /中文/ }).isVisible(), 'the switch offers Chinese back');
  assert.deepEqual(problems, []);
});

/** Presses Tab until `done()` holds for the focused element; fails after `max` presses. */
async function tabUntil(page, what, done, max = 40, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate(done)) return;
  }
  assert.fail(`${key} never reached ${what}`);
}

test('keyboard only: open a channel, send, then reach the last message and its 回复 button', { timeout: TIMEOUT }, async (t) => {
  const { page, problems } = await e2e.person(t, STAFF.username);
  await online(page);
  await tabUntil(page, 'the 预算股 channel', () => document.activeElement?.matches('a.chanitem') && document.activeElement.querySelector('.chanitem-name')?.textContent === '预算股');
  await page.keyboard.press('Enter');
  await page.locator('#channel-title', { hasText: '预算股' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.matches('textarea.composer-input'));

  const text = '键盘发送：下午三点前报送执行进度。';
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  const sent = page.locator('.timeline .msg:not(.msg-pending)', { hasText: text });
  await sent.waitFor();
  assert.equal(await composer(page).inputValue(), '', 'the composer is empty after sending');

  // Back to the timeline (one tab stop), ArrowUp to the last message, Tab to its actions.
  await tabUntil(page, 'the timeline', () => document.activeElement?.matches('.timeline'), 10, 'Shift+Tab');
  await page.keyboard.press('ArrowUp');
  const focused = () => page.evaluate(() => ({ seq: document.activeElement?.dataset.seq, text: document.activeElement?.textContent }));
  const last = await page.locator('.timeline .msg').last().getAttribute('data-seq');
  assert.equal((await focused()).seq, last, 'ArrowUp focuses the last message');
  assert.ok((await focused()).text.includes(text));
  await page.keyboard.press('Tab');
  const reply = sent.getByRole('button', { name: '回复' });
  assert.ok(await reply.evaluate((b) => b === document.activeElement), 'Tab reaches the 回复 button of that message');
  await page.keyboard.press('Enter');
  await page.locator('.composer-context', { hasText: '回复 张静' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.matches('textarea.composer-input'));
  assert.deepEqual(problems, []);
});

test('logging out forgets the user here and in the other tab at once', { timeout: TIMEOUT }, async (t) => {
  const { context, page, problems } = await e2e.person(t, STAFF.username);
  const tab2 = await context.newPage();
  tab2.on('pageerror', (err) => problems.push(`tab 2 page error: ${err.message}`));
  await tab2.goto('/');
  await tab2.locator('header.topbar').waitFor();
  await online(tab2);

  // A draft is kept in this browser for the user...
  await channelLink(page, '预算股').click();
  await composer(page).fill('还没写完的报告');
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('govchat.drafts.') && localStorage.getItem(k).includes('还没写完')));

  // ...and gone once they log out.
  await page.locator('header.topbar').getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('dialog', { name: '退出登录' }).getByRole('button', { name: '退出登录' }).click();
  await page.locator('#username').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(await appKeys(page), [], 'no outbox or drafts left behind');
  await page.reload();
  await page.locator('#username').waitFor();
  assert.equal(await page.locator('header.topbar').count(), 0, 'a reload stays logged out');

  // The other tab of this browser is told at once (the server would close its socket with
  // 4001 at the next session check, up to a minute later).
  await tab2.locator('#username').waitFor({ timeout: 5_000 });
  assert.equal(await tab2.locator('header.topbar').count(), 0);
  assert.match(await tab2.locator('.form-error[role="alert"]').innerText(), /其他窗口退出登录/, 'and says why');
  assert.deepEqual(await appKeys(tab2), [], 'still nothing stored for the user');
  assert.deepEqual(problems, []);
});
