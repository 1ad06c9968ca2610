// Reactions and the composer's emoji panel in real browsers against the real server: two
// people react 收到 to an instruction and see each other's reaction live, with names; one
// takes theirs back. At 1280 px with a mouse and at 390 px on a touch phone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './fixture.mjs';
import { shot } from './harness.mjs';

const TIMEOUT = 120_000;
// 李华 (预算股股长) and 张静 (预算编制组, under 预算股) share the 预算股 channel.
const A = 'lihua';
const B = 'zhangjing';
const CHANNEL = '预算股';

const e2e = fixture();

async function openChannel(page, name) {
  await page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${name}$`) }) }).click();
  await page.locator('#channel-title', { hasText: name }).waitFor();
  await page.locator('.chat[data-conn="online"]').waitFor();
}

const messageOf = (page, text) => page.locator('.timeline .msg', { has: page.locator('.msg-text', { hasText: text }) });
const chip = (msg, reaction) => msg.locator(`.reaction-chip[data-reaction="${reaction}"]`);

/** Waits until the message shows `reaction` with count n (0: no chip). */
async function waitCount(msg, reaction, n) {
  if (n === 0) {
    await chip(msg, reaction).waitFor({ state: 'detached' });
    return;
  }
  await msg.locator(`.reaction-chip[data-reaction="${reaction}"] .reaction-count`, { hasText: new RegExp(`^${n}$`) }).waitFor();
}

const sizes = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

for (const size of sizes) {
  test(`two people react 收到 live, with names, and one takes it back (${size.viewport.width} px)`, { timeout: TIMEOUT }, async (t) => {
    const { name, ...options } = size;
    const touch = !!options.hasTouch;
    const a = await e2e.person(t, A, options);
    const b = await e2e.person(t, B, options);
    await openChannel(a.page, CHANNEL);
    await openChannel(b.page, CHANNEL);

    const text = `请各位于周五前报送预算执行情况（${name}）`;
    await a.page.locator('textarea.composer-input').fill(text);
    await a.page.locator('textarea.composer-input').press('Enter');
    const mb = messageOf(b.page, text);
    await mb.waitFor();
    const ma = messageOf(a.page, text);
    await ma.waitFor();

    // 张静 reacts through the quick row: under the message's 回应 button on a desktop,
    // at the top of the long-press menu on a phone.
    let quick;
    if (touch) {
      const cdp = await b.context.newCDPSession(b.page);
      const box = await mb.locator('.msg-text').boundingBox();
      const point = { x: box.x + 20, y: box.y + box.height / 2 };
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
      quick = b.page.getByRole('menu').getByRole('group', { name: '快捷回应' });
      await quick.waitFor(); // the finger rests until the menu is there
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } else {
      await mb.hover();
      await mb.getByRole('button', { name: '回应' }).click();
      quick = mb.getByRole('group', { name: '快捷回应' });
    }
    assert.deepEqual(await quick.getByRole('button').allInnerTexts(), ['收到', '👍', 'OK', '辛苦了', '好的', '谢谢']);
    if (!touch) {
      // The row takes the focus in an effect, after the render that shows it: wait for that.
      await b.page.waitForFunction(() => document.activeElement?.closest('[role="group"]')?.getAttribute('aria-label') === '快捷回应', null, { timeout: 5_000 }).catch(() => {});
      assert.ok(await quick.getByRole('button', { name: '收到' }).evaluate((el) => document.activeElement === el), 'the row takes the focus');
    }
    await shot(b.page, `reactions-${name}-quick`);
    await quick.getByRole('button', { name: '收到' }).click();
    await waitCount(mb, '收到', 1);
    assert.equal(await chip(mb, '收到').getAttribute('aria-pressed'), 'true');

    // 李华 sees it live, not pressed, and adds his own by clicking the chip.
    await waitCount(ma, '收到', 1);
    assert.equal(await chip(ma, '收到').getAttribute('aria-pressed'), 'false');
    if (touch) await chip(ma, '收到').tap();
    else await chip(ma, '收到').click();
    await waitCount(ma, '收到', 2);
    await waitCount(mb, '收到', 2); // live for 张静
    assert.equal(await chip(ma, '收到').getAttribute('aria-pressed'), 'true');

    // Who reacted: hover on a desktop, a long press (the phone's context menu) on a phone.
    const who = mb.locator('.reaction', { has: b.page.locator('.reaction-chip[data-reaction="收到"]') }).locator('.reaction-who');
    if (touch) await chip(mb, '收到').dispatchEvent('contextmenu');
    else await chip(mb, '收到').hover();
    await who.waitFor({ state: 'visible' });
    const names = await who.innerText();
    assert.match(names, /张静/);
    assert.match(names, /李华/);
    assert.match(names, /2 人/);
    // The chips are touch targets on a phone.
    const box = await chip(mb, '收到').boundingBox();
    if (touch) assert.ok(box.height >= 44 && box.width >= 44, `chip ${box.width}×${box.height}`);
    await shot(b.page, `reactions-${name}-two`);

    // 李华 takes his back: 张静 sees the count fall to 1 and only her own name.
    if (touch) await chip(ma, '收到').tap();
    else await chip(ma, '收到').click();
    await waitCount(ma, '收到', 1);
    assert.equal(await chip(ma, '收到').getAttribute('aria-pressed'), 'false');
    await waitCount(mb, '收到', 1);
    if (touch) await b.page.locator('.channel-head').tap(); // closes the list
    else await b.page.locator('.channel-head').hover();
    if (touch) await chip(mb, '收到').dispatchEvent('contextmenu');
    else await chip(mb, '收到').hover();
    await who.waitFor({ state: 'visible' });
    const after = await who.innerText();
    assert.match(after, /张静/);
    assert.doesNotMatch(after, /李华/);

    // A reload keeps it: reactions come with the history.
    await a.page.reload(); // on the channel's own address: it opens again by itself
    await a.page.locator('#channel-title', { hasText: CHANNEL }).waitFor();
    await waitCount(messageOf(a.page, text), '收到', 1);
    await shot(a.page, `reactions-${name}-after`);

    // The message menu (right click) carries the same row; a pick there reacts too.
    if (!touch) {
      const again = messageOf(a.page, text);
      await again.locator('.msg-text').click({ button: 'right' });
      const row = a.page.getByRole('group', { name: '快捷回应' });
      await row.waitFor();
      await shot(a.page, `reactions-${name}-menu`);
      await row.getByRole('button', { name: '辛苦了' }).click();
      await waitCount(again, '辛苦了', 1);
      await waitCount(mb, '辛苦了', 1);
    }
    assert.deepEqual([...a.problems, ...b.problems], []);
  });
}

test('the emoji panel puts emoji at the caret, by mouse and by keyboard (1280 px), with 44 px targets at 390 px', { timeout: TIMEOUT }, async (t) => {
  const a = await e2e.person(t, A);
  await openChannel(a.page, CHANNEL);
  const input = a.page.locator('textarea.composer-input');
  await input.fill('收到谢谢');
  await input.evaluate((el) => el.setSelectionRange(2, 2));
  await a.page.getByRole('button', { name: '表情' }).click();
  const panel = a.page.getByRole('group', { name: '常用表情' });
  await panel.getByRole('button', { name: '👍' }).click();
  assert.equal(await input.inputValue(), '收到👍谢谢');
  assert.ok(await input.evaluate((el) => document.activeElement === el), 'the caret stays in the text');
  await shot(a.page, 'emoji-desktop');

  // Keyboard: Escape closes, the button opens it into the grid, arrows move, Enter picks.
  await a.page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await input.fill('好');
  await input.press('End');
  await a.page.getByRole('button', { name: '表情' }).focus();
  await a.page.keyboard.press('Enter');
  await panel.waitFor();
  // The panel moves focus into its grid once it has rendered; keys before that go elsewhere.
  await a.page.waitForFunction(() => document.activeElement?.closest('[role="group"]')?.getAttribute('aria-label') === '常用表情');
  await a.page.keyboard.press('ArrowRight');
  await a.page.keyboard.press('Enter');
  assert.equal(await input.inputValue(), '好😄');
  await a.page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  assert.ok(await a.page.getByRole('button', { name: '表情' }).evaluate((el) => document.activeElement === el));
  await input.press('Enter');
  await messageOf(a.page, '好😄').waitFor();

  const phone = await e2e.person(t, B, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await openChannel(phone.page, CHANNEL);
  await phone.page.getByRole('button', { name: '表情' }).tap();
  const p2 = phone.page.getByRole('group', { name: '常用表情' });
  await p2.waitFor();
  const boxes = await p2.getByRole('button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height, r.left, r.right]));
  for (const [w, h, left, right] of boxes) {
    assert.ok(w >= 44 && h >= 44, `emoji target ${w}×${h}`);
    assert.ok(left >= 0 && right <= 390, `emoji off screen: ${left}..${right}`);
  }
  await p2.getByRole('button', { name: '🙏' }).tap();
  assert.equal(await phone.page.locator('textarea.composer-input').inputValue(), '🙏');
  await shot(phone.page, 'emoji-phone');
  assert.deepEqual([...a.problems, ...phone.problems], []);
});
