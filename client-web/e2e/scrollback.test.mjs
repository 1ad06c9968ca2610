// Reading back through a long channel in a real browser against the real server: the
// newest messages show at the bottom, older pages load above as the reader scrolls up,
// and what the reader was looking at does not jump. `npm run test:browser` (harness.mjs).

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fixture } from './fixture.mjs';
import { seed } from './harness.mjs';

const TIMEOUT = 90_000;
// 国库股: 何平 (股长) and 徐磊 write the history, 高燕 reads it. Nobody else here uses it.
const CHANNEL = '国库股';
const WRITERS = ['heping', 'xulei'];
const READER = 'gaoyan';
const TOTAL = 150;
const TOLERANCE_PX = 3;

const e2e = fixture();
/** seq → text of the seeded history. */
let bySeq;

before(
  async () => {
    // Two writers, alternating, some messages two lines long.
    const texts = Array.from({ length: TOTAL }, (_, i) => `国库股第${String(i + 1).padStart(3, '0')}条：资金支付进度核对${i % 7 === 0 ? '\n附：请同步更新台账。' : ''}`);
    const halves = [texts.filter((_, i) => i % 2 === 0), texts.filter((_, i) => i % 2 === 1)];
    const acks = await Promise.all(
      WRITERS.map(async (u, i) => {
        const { context, page } = await e2e.person(undefined, u);
        const a = await seed(page, CHANNEL, halves[i]);
        await context.close();
        return a;
      }),
    );
    bySeq = new Map(acks.flat().map((a) => [a.seq, a.text]));
  },
  { timeout: 90_000 },
);


/**
 * Scrolls the timeline to the very top, as dragging the scroll bar there or pressing Home
 * does, which starts loading the page before. Says which message was then at the top of
 * the view and where its text was (px below the timeline's top): at once (`atTop`), and
 * once the loading note has replaced the load button (`loading`; null if it never showed).
 */
function scrollToTop(page) {
  return page.locator('.timeline').evaluate(
    (el) =>
      new Promise((resolve) => {
        const textTop = (seq) => el.querySelector(`.msg[data-seq="${seq}"] .msg-text`).getBoundingClientRect().top - el.getBoundingClientRect().top;
        el.scrollTop = 0; // the scroll event, and so the loading, comes after this returns
        const top = el.getBoundingClientRect().top;
        const seq = Number([...el.querySelectorAll('.msg[data-seq]')].find((m) => m.getBoundingClientRect().bottom > top).dataset.seq);
        const atTop = textTop(seq);
        const done = (loading) => {
          obs.disconnect();
          clearTimeout(timer);
          resolve({ seq, atTop, loading });
        };
        const obs = new MutationObserver(() => {
          if ([...el.querySelectorAll('.timeline-top')].some((n) => n.textContent.includes('正在加载'))) done(textTop(seq));
        });
        obs.observe(el, { childList: true, subtree: true, characterData: true });
        const timer = setTimeout(() => done(null), 5000);
      }),
  );
}

function textTopOf(page, seq) {
  return page
    .locator('.timeline')
    .evaluate((el, seq) => el.querySelector(`.msg[data-seq="${seq}"] .msg-text`).getBoundingClientRect().top - el.getBoundingClientRect().top, seq);
}

async function openChannel(page) {
  await page.locator('a.chanitem', { has: page.locator('.chanitem-name', { hasText: new RegExp(`^${CHANNEL}$`) }) }).click();
  await page.locator('#channel-title', { hasText: CHANNEL }).waitFor();
  await page.locator(`.timeline .msg[data-seq="${TOTAL}"]`).waitFor();
}

/** Scrolls to the top once and waits until the page before `oldest` is in. */
async function loadPageAbove(page, oldest) {
  const anchor = await scrollToTop(page);
  await page.locator(`.timeline .msg[data-seq="${oldest - 1}"]`).waitFor();
  await page.locator('.timeline-top', { hasText: '正在加载' }).waitFor({ state: 'detached' });
  return { ...anchor, after: await textTopOf(page, anchor.seq) };
}

const loadedSeqs = (page) => page.locator('.timeline .msg[data-seq]').evaluateAll((ms) => ms.map((m) => Number(m.dataset.seq)));

test('a long channel opens at the newest message; scrolling back loads older pages above, in place, up to the first', { timeout: TIMEOUT }, async (t) => {
  assert.deepEqual([...bySeq.keys()].sort((a, b) => a - b), Array.from({ length: TOTAL }, (_, i) => i + 1), 'seeded seq 1..150, no gaps');
  const reader = await e2e.person(t, READER);
  const { page } = reader;
  await openChannel(page);

  // The newest message is at the bottom, in view.
  const view = await page.locator('.timeline').evaluate((el, total) => {
    const last = el.querySelector(`.msg[data-seq="${total}"]`).getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return { gap: el.scrollHeight - el.scrollTop - el.clientHeight, lastBottom: last.bottom, boxBottom: box.bottom, scrollable: el.scrollHeight > el.clientHeight };
  }, TOTAL);
  assert.ok(view.scrollable, 'the history is longer than the screen');
  assert.ok(view.gap < TOLERANCE_PX, `scrolled to the bottom (${view.gap}px left below)`);
  assert.ok(view.lastBottom <= view.boxBottom + 1, 'the newest message is in view');
  assert.equal(await page.locator('.timeline .msg').last().locator('.msg-text').innerText(), bySeq.get(TOTAL));
  let seqs = await loadedSeqs(page);
  assert.ok(seqs.length < TOTAL, `only the newest page is loaded at first (${seqs.length})`);

  // Scroll to the top, page by page, until the beginning. Measured from when the loading
  // note shows (see the next test for the moment before).
  for (let round = 1; Math.min(...seqs) > 1; round++) {
    assert.ok(round <= 10, 'reached the beginning within 10 pages');
    const oldest = Math.min(...seqs);
    const a = await loadPageAbove(page, oldest);
    const from = a.loading ?? a.atTop;
    assert.ok(Math.abs(a.after - from) <= TOLERANCE_PX, `page ${round}: the message at the top (seq ${a.seq}) stayed in place: ${from}px → ${a.after}px`);
    const now = await loadedSeqs(page);
    assert.ok(Math.min(...now) < oldest, `page ${round}: older messages loaded above`);
    seqs = now;
  }
  await page.locator('.timeline').evaluate((el) => (el.scrollTop = 0));
  await page.locator('.timeline-top', { hasText: '已经到顶了' }).waitFor();
  assert.deepEqual(seqs, Array.from({ length: TOTAL }, (_, i) => i + 1), 'every message once, in order');
  const first = page.locator('.timeline .msg').first();
  assert.equal(await first.getAttribute('data-seq'), '1');
  assert.equal(await first.locator('.msg-text').innerText(), bySeq.get(1));
  assert.equal(await page.getByRole('button', { name: '加载更早的消息' }).count(), 0, 'nothing more to load');
  assert.deepEqual(reader.problems, []);
});

test(
  'reaching the top does not move the messages when loading starts',
  { timeout: TIMEOUT },
  async (t) => {
    const reader = await e2e.person(t, READER);
    const { page } = reader;
    await openChannel(page);
    const oldest = Math.min(...(await loadedSeqs(page)));
    const a = await loadPageAbove(page, oldest);
    assert.ok(Math.abs(a.after - a.atTop) <= TOLERANCE_PX, `the message at the top (seq ${a.seq}) stayed in place: ${a.atTop}px → ${a.after}px`);
  },
);
